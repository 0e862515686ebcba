package impl

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// defaultTimeout is the timeout in API seconds when params.timeout is
// missing or <= 0 (T1, T3).
const defaultTimeout = 30.0

// Request starts network.request(url, method, listener, params). method ""
// means GET; it is upper-cased and any token is sent as given (R1). A nil
// listener sends the request with its params and delivers no event (B2); a
// nil p means no params. It returns the request's handle, or nil and an error
// wrapping ErrInvalidParam (or ErrClosed) when the call is refused: the error
// is logged as "network: ..." and no event is ever sent (B1, F7, F9).
func (e *Engine) Request(url, method string, l Listener, p *Params) (*Handle, error) {
	return e.call("request", url, method, "GET", l, p.clone())
}

// Upload starts network.upload(url, method, listener, params, filename,
// baseDirectory, contentType): Request with the file as params.body, with
// contentType (when not "") as its Content-Type header, and with upload
// progress when params.Progress is not "" (U1). method "" means POST and
// baseDir "" DocumentsDirectory. A file body needs a Content-Type (R5).
func (e *Engine) Upload(url, method string, l Listener, p *Params, filename string, baseDir BaseDir, contentType string) (*Handle, error) {
	q := p.clone()
	q.Body = &Body{File: &FileRef{Filename: filename, BaseDirectory: baseDir}}
	if contentType != "" {
		setHeader(&q.Headers, "Content-Type", contentType)
	}
	if q.Progress != "" {
		q.Progress = ProgressUpload
	}
	return e.call("upload", url, method, "POST", l, q)
}

// Download starts network.download(url, method, listener, params, filename,
// baseDirectory): Request with the file as params.response and with download
// progress when params.Progress is not "" (U2). method "" means GET, baseDir
// "" DocumentsDirectory. ResourceDirectory is read-only: like Solar2D's
// network.lua, Download logs a warning and saves to DocumentsDirectory
// instead (F7, info), where Request refuses it.
func (e *Engine) Download(url, method string, l Listener, p *Params, filename string, baseDir BaseDir) (*Handle, error) {
	q := p.clone()
	if baseDir == ResourceDirectory {
		e.log.Warn("network: download cannot save to ResourceDirectory, using DocumentsDirectory instead",
			"url", url, "filename", filename)
		baseDir = DocumentsDirectory
	}
	q.Response = &FileRef{Filename: filename, BaseDirectory: baseDir}
	if q.Progress != "" {
		q.Progress = ProgressDownload
	}
	return e.call("download", url, method, "GET", l, q)
}

// call validates the call, logs a refusal and starts the transfer.
func (e *Engine) call(fn, rawURL, method, defMethod string, l Listener, p *Params) (*Handle, error) {
	t, err := e.prepare(rawURL, method, defMethod, l, p)
	var h *Handle
	if err == nil {
		h, err = e.start(t)
	}
	if err != nil {
		err = fmt.Errorf("%s %q: %w", fn, rawURL, err)
		e.log.Error("network: " + err.Error())
		return nil, err
	}
	return h, nil
}

// ErrBadURL ends a request whose URL cannot be fetched: it does not parse,
// or is not http or https with a host (B1, info).
var ErrBadURL = errors.New("url cannot be fetched")

// checkURL reports why raw cannot be fetched, or nil. Such a URL is never
// sent: the request ends with isError, as on Win32 and, for every URL its
// parser takes, on Android (B1, info).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the message names the URL already
		}
		return fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
		return fmt.Errorf("%w: want http or https with a host", ErrBadURL)
	}
	return nil
}

// setHeader sets name in *h, replacing any spelling of it.
func setHeader(h *map[string]string, name, value string) {
	if *h == nil {
		*h = make(map[string]string)
	}
	for k := range *h {
		if strings.EqualFold(k, name) {
			delete(*h, k)
		}
	}
	(*h)[name] = value
}

// prepare turns validated call arguments into a transfer (B1, R1-R6, F6-F9).
// The URL is not checked here: one that cannot be fetched ends the request
// with an error event (B1, info; see checkURL).
func (e *Engine) prepare(rawURL, method, defMethod string, l Listener, p *Params) (*transfer, error) {
	if method == "" {
		method = defMethod
	}
	method = strings.ToUpper(method)
	if !isToken(method) {
		return nil, fmt.Errorf("%w: method %q is not a token", ErrInvalidParam, method)
	}
	// bodyType and progress match in any letter case (B1, info).
	p.BodyType, p.Progress = strings.ToLower(p.BodyType), strings.ToLower(p.Progress)
	if p.BodyType != "" && p.BodyType != BodyText && p.BodyType != BodyBinary {
		return nil, fmt.Errorf("%w: bodyType %q", ErrInvalidParam, p.BodyType)
	}
	if p.Progress != "" && p.Progress != ProgressUpload && p.Progress != ProgressDownload {
		return nil, fmt.Errorf("%w: progress %q", ErrInvalidParam, p.Progress)
	}
	t := &transfer{
		e: e, l: l, url: rawURL, method: method, progress: p.Progress,
		follow: p.HandleRedirects == nil || *p.HandleRedirects,
	}
	if err := e.prepareFiles(t, p); err != nil {
		return nil, err
	}
	if err := prepareHeaders(t, p); err != nil {
		return nil, err
	}
	secs := p.Timeout
	if !(secs > 0) || math.IsInf(secs, 0) {
		secs = defaultTimeout
	}
	t.idle = e.scaled(secs)
	return t, nil
}

// prepareFiles resolves the body and response files and drops bodies of
// GET, HEAD and DELETE (R6).
func (e *Engine) prepareFiles(t *transfer, p *Params) error {
	if p.Response != nil {
		ref := FileRef{Filename: p.Response.Filename, BaseDirectory: p.Response.BaseDirectory.orDocuments()}
		if ref.BaseDirectory == ResourceDirectory {
			return fmt.Errorf("%w: response cannot be written to ResourceDirectory", ErrInvalidParam)
		}
		path, err := e.filePath(ref.Filename, ref.BaseDirectory)
		if err != nil {
			return fmt.Errorf("%w: response: %w", ErrInvalidParam, err)
		}
		t.respFile = &fileTarget{ref: ref, path: path}
	}
	if p.Body == nil || t.method == "GET" || t.method == "HEAD" || t.method == "DELETE" {
		return nil
	}
	t.body = &bodySource{data: p.Body.Data}
	if f := p.Body.File; f != nil {
		path, err := e.filePath(f.Filename, f.BaseDirectory)
		if err != nil {
			return fmt.Errorf("%w: body: %w", ErrInvalidParam, err)
		}
		t.body = &bodySource{path: path}
	}
	return nil
}

// prepareHeaders builds the request header: user Content-Length ignored,
// Host honoured, and the Content-Type rules R4 and R5. A text body is
// encoded in the charset its Content-Type declares (R4). Names that differ
// only in case (a Lua table may hold "content-type" and "Content-Type") give
// one header, and the value of the last name in byte order wins, so the
// request is the same on every run whatever the map's iteration order.
func prepareHeaders(t *transfer, p *Params) error {
	t.header = make(http.Header, len(p.Headers)+1)
	ct := ""
	for _, k := range slices.Sorted(maps.Keys(p.Headers)) {
		v := p.Headers[k]
		if !isToken(k) || strings.ContainsAny(v, "\r\n\x00") {
			return fmt.Errorf("%w: header %q", ErrInvalidParam, k)
		}
		switch {
		case strings.EqualFold(k, "Content-Length"):
			continue // computed by the transport (R2)
		case strings.EqualFold(k, "Host"):
			t.host = v
			continue
		case strings.EqualFold(k, "Content-Type"):
			ct = v
			continue
		}
		t.header.Set(k, v)
	}
	switch {
	case t.body == nil:
	case t.body.path != "":
		if ct == "" {
			return fmt.Errorf("%w: a file body needs a Content-Type", ErrInvalidParam)
		}
	case p.BodyType == BodyBinary:
		if ct == "" {
			ct = "application/octet-stream"
		}
	case ct == "":
		ct = "text/plain; charset=UTF-8"
	case !hasCharset(ct):
		ct += "; charset=UTF-8"
	default:
		enc, err := charsetEncoding(declaredCharset(ct))
		if err != nil {
			return err
		}
		if enc != nil {
			t.body.data = encodeText(t.body.data, enc)
		}
	}
	if ct != "" {
		t.header.Set("Content-Type", ct)
	}
	return nil
}

// isToken reports whether s is an RFC 9110 token (methods, header names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}
