package mockserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"
)

// writeSize is the size of body writes when the body is not trickled.
const writeSize = 32 << 10

// bufferedMax is the largest body written without a flush when nothing
// depends on its timing (no trickle, delay or fault, automatic length): it
// fits in net/http's handler buffer (2 KiB) and goes out with the headers in
// one write as the handler returns, microseconds after the journal records
// headersSent and bodyChunk. Saves a flush per request on static routes.
const bufferedMax = 2 << 10

// play serves a matched route's response, stage by stage (see [Response]).
func (x *exchange) play(m match) {
	resp, ctl := m.resp, m.route.Request
	if !ctl.AnswerEarly && !x.readBody(ctl) {
		return
	}
	if !x.wait(resp.DelayHeaders) {
		return
	}
	fault, at := resp.Fault, faultPoint(resp.Fault)
	if at == AtBeforeStatus {
		x.fault(fault, "")
		return
	}

	var src bodySource
	var err error
	if resp.Echo {
		src = x.echo()
	} else if src, err = openBody(resp.Body, x.expand); err != nil {
		x.note(Event{}, func(r *Record) { r.Error = err.Error() })
		x.s.cfg.logger.Error("open body", "ns", x.ns, "path", x.rel, "err", err)
		http.Error(x.w, "mockserver: "+err.Error(), http.StatusInternalServerError)
		x.status = http.StatusInternalServerError
		x.note(Event{}, func(r *Record) { r.Status = http.StatusInternalServerError })
		return
	}
	defer src.close()

	status := x.headers(m, src)
	chunked := resp.Length.Mode == LengthNone || (fault != nil && fault.Kind == FaultMalformedChunk)
	hasBody := x.r.Method != http.MethodHead && bodyAllowed(status)
	x.writeHeader(status)
	if chunked || !hasBody || at == AtAfterHeaders || resp.DelayBody > 0 || resp.Trickle != nil {
		if x.flush() != nil {
			return
		}
	}
	if at == AtAfterHeaders {
		x.fault(fault, "")
		return
	}
	if !hasBody {
		return
	}
	if !x.wait(resp.DelayBody) {
		return
	}
	limit := src.size
	if at == AtAfterBody && fault.Bytes > 0 && fault.Bytes < limit {
		limit = fault.Bytes
	}
	buffered := resp.Trickle == nil && fault == nil && resp.DelayBody == 0 &&
		(resp.Length.Mode == "" || resp.Length.Mode == LengthAuto) && limit <= bufferedMax
	if !x.body(&src, limit, resp.Trickle, !buffered) {
		return
	}
	if at == AtAfterBody {
		x.fault(fault, "")
	}
	// A lying Content-Length needs nothing more: net/http sees the handler
	// write fewer bytes than declared and closes the connection.
}

// headers sets the response headers and returns the status to send.
func (x *exchange) headers(m match, src bodySource) int {
	resp := m.resp
	h := x.w.Header()
	m.prep.setHeaders(h, x.expand)
	if resp.Echo && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // send none rather than a sniffed one
	}
	status := resp.Status
	if rd := resp.Redirect; rd != nil {
		status = firstNonZero(rd.Status, resp.Status, http.StatusFound)
		if h.Get("Location") == "" {
			h.Set("Location", x.location(m.route, m.hop, rd))
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	_, explicitLength := h["Content-Length"]
	switch {
	case explicitLength:
	case resp.Length.Mode == LengthNone || (resp.Fault != nil && resp.Fault.Kind == FaultMalformedChunk):
		h.Del("Content-Length")
	case resp.Length.Mode == LengthLie:
		h.Set("Content-Length", itoa(src.size+resp.Length.Lie))
	case bodyAllowed(status):
		h["Content-Length"] = m.prep.contentLength(src.size)
	}
	return status
}

// body writes up to limit bytes of src, paced by t, flushing every write if
// flush is set.
func (x *exchange) body(src *bodySource, limit int64, t *Trickle, flush bool) bool {
	chunk, pause := int64(writeSize), time.Duration(0)
	if t != nil {
		if t.Bytes > 0 {
			chunk, pause = int64(t.Bytes), x.scaled(t.Every)
		} else {
			chunk = max(1, (limit+int64(t.Chunks)-1)/int64(t.Chunks))
			if t.Chunks > 1 {
				pause = x.scaled(t.Total) / time.Duration(t.Chunks-1)
			}
		}
	}
	buf := x.s.getBuf(int(min(chunk, max(limit, 1))))
	defer x.s.putBuf(buf)
	var written int64
	for written < limit {
		if written > 0 && pause > 0 && !x.waitFor(pause) {
			return false
		}
		n := min(int64(len(buf)), limit-written)
		got, err := src.read(buf[:n], written)
		if got > 0 {
			if x.write(buf[:got], flush) != nil {
				return false
			}
			written += int64(got)
		}
		if err != nil {
			x.note(Event{}, func(r *Record) { r.Error = "read body source: " + err.Error() })
			return false
		}
	}
	if written == 0 {
		if !flush {
			x.headersHandedOver(now())
			return true
		}
		return x.flush() == nil
	}
	return true
}

// echo reads (already done by readBody) and describes the request as JSON.
func (x *exchange) echo() bodySource {
	hdr := x.r.Header.Clone()
	if x.r.Host != "" {
		hdr.Set("Host", x.r.Host)
	}
	e := Echo{
		Method: x.r.Method, Path: x.rel, Query: x.r.URL.RawQuery, Proto: x.r.Proto, Headers: hdr,
		BodySize: x.reqBytes, BodySHA256: hexSum(x.reqHash),
		Truncated: x.reqBytes > int64(len(x.reqHead)),
	}
	if utf8.Valid(x.reqHead) {
		e.Body = string(x.reqHead)
	} else {
		e.BodyBase64 = base64.StdEncoding.EncodeToString(x.reqHead)
	}
	b, err := json.Marshal(e)
	if err != nil { // cannot happen for these field types
		b = []byte(`{}`)
	}
	return bodySource{text: string(b), size: int64(len(b))}
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

func firstNonZero(v ...int) int {
	for _, x := range v {
		if x != 0 {
			return x
		}
	}
	return 0
}

// faultPoint returns the point at which f fires ("" for no fault).
func faultPoint(f *Fault) string {
	switch {
	case f == nil:
		return ""
	case f.At != "":
		return f.At
	case f.Kind == FaultMalformedChunk:
		return AtAfterHeaders
	}
	return AtBeforeStatus
}
