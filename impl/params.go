package impl

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// FileRef is Solar2D's file table {filename, baseDirectory}, used by
// params.body and params.response. An empty BaseDirectory means
// DocumentsDirectory (F6).
type FileRef struct {
	// Filename is relative to BaseDirectory and must stay inside it (F9).
	Filename string
	// BaseDirectory is the base directory; "" means DocumentsDirectory.
	BaseDirectory BaseDir
}

// Body is params.body: a string of bytes, or a file to stream (R3).
type Body struct {
	// Data is the body's raw bytes, used when File is nil.
	Data string
	// File, when set, is streamed as the body (binary, never read whole).
	File *FileRef
}

// Params is the params table of network.request. The zero value asks for a
// plain request with the defaults: no headers, no body, ended event only, body
// in memory, 30 s timeout, redirects followed.
type Params struct {
	// Headers are the request headers, already as text (see ParamsFromTable
	// for Lua-typed values, R2). A Content-Length is ignored and computed.
	Headers map[string]string
	// Body is the request body; nil means none. Bodies given with GET, HEAD or
	// DELETE are dropped (R6).
	Body *Body
	// BodyType is "" (text for a string, binary for a file), "text" or
	// "binary", in any letter case.
	BodyType string
	// Progress is "" (ended event only), "upload" or "download", in any
	// letter case.
	Progress string
	// Response, when set, writes a successful (2xx) body to that file (F1).
	Response *FileRef
	// Timeout is the connect and idle timeout in seconds; <= 0 means 30 (T1-T3).
	Timeout float64
	// HandleRedirects tells whether redirects are followed; nil means true (D1).
	HandleRedirects *bool
}

// Values of Params.BodyType and Params.Progress.
const (
	BodyText       = "text"
	BodyBinary     = "binary"
	ProgressUpload = "upload"
	// ProgressDownload asks for began and progress events as the response
	// body arrives.
	ProgressDownload = "download"
	// ProgressOn is what ParamsFromTable makes of progress = true. Request
	// refuses it; Upload and Download treat any non-empty Progress as on (U1, U2).
	ProgressOn = "true"
)

// ErrInvalidParam is wrapped by every params validation error (B1).
var ErrInvalidParam = errors.New("invalid parameter")

// clone returns a deep enough copy of p that the engine can change it
// without touching the caller's value. A nil p gives zero Params.
func (p *Params) clone() *Params {
	if p == nil {
		return &Params{}
	}
	c := *p
	c.Headers = maps.Clone(p.Headers)
	if p.Body != nil {
		b := *p.Body
		if b.File != nil {
			f := *b.File
			b.File = &f
		}
		c.Body = &b
	}
	if p.Response != nil {
		r := *p.Response
		c.Response = &r
	}
	if p.HandleRedirects != nil {
		v := *p.HandleRedirects
		c.HandleRedirects = &v
	}
	return &c
}

// ParamsFromTable decodes a Lua params table as a JSON encoder would give it
// (map[string]any, float64 numbers, bools, nested maps) and validates it as
// Solar2D's native parser does (B1). A wrong type or value gives an error
// wrapping ErrInvalidParam. Unknown keys are ignored. Header values that are
// strings, numbers (whole numbers without decimals) or booleans become text;
// other header values are skipped (R2). progress = true becomes ProgressOn.
// baseDirectory values are the BaseDir names ("DocumentsDirectory", ...).
func ParamsFromTable(t map[string]any) (*Params, error) {
	p := &Params{}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if err := p.setField(k, t[k]); err != nil {
			return nil, fmt.Errorf("params.%s: %w", k, err)
		}
	}
	return p, nil
}

// setField decodes one key of the params table into p.
func (p *Params) setField(k string, v any) error {
	var err error
	switch k {
	case "headers":
		p.Headers, err = headersFromTable(v)
	case "body":
		p.Body, err = bodyFromTable(v)
	case "bodyType":
		p.BodyType, err = oneOf(v, BodyText, BodyBinary)
	case "progress":
		if b, ok := v.(bool); ok {
			if b {
				p.Progress = ProgressOn
			}
			return nil
		}
		p.Progress, err = oneOf(v, ProgressUpload, ProgressDownload)
	case "response":
		var f *FileRef
		f, err = fileRefFromTable(v)
		p.Response = f
	case "timeout":
		n, ok := toNumber(v)
		if !ok {
			return fmt.Errorf("%w: want a number, got %T", ErrInvalidParam, v)
		}
		p.Timeout = n
	case "handleRedirects":
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%w: want a boolean, got %T", ErrInvalidParam, v)
		}
		p.HandleRedirects = &b
	}
	return err
}

// oneOf checks that v is a string equal to one of want in any letter case,
// and returns that value of want (B1: Apple and Win32 match bodyType without
// case, Android progress).
func oneOf(v any, want ...string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: want a string, got %T", ErrInvalidParam, v)
	}
	for _, w := range want {
		if strings.EqualFold(s, w) {
			return w, nil
		}
	}
	return "", fmt.Errorf("%w: %q is not one of %q", ErrInvalidParam, s, want)
}

// toNumber accepts the numeric types a decoder may produce: JSON gives
// float64, YAML int, int64 or uint64 (past MaxInt64), Go callers any of them.
func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

// headersFromTable converts header values to text (R2).
func headersFromTable(v any) (map[string]string, error) {
	if l, ok := v.([]any); ok && len(l) == 0 {
		return map[string]string{}, nil // an empty Lua table may encode as []
	}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: want a table, got %T", ErrInvalidParam, v)
	}
	h := make(map[string]string, len(t))
	for k, x := range t {
		switch x := x.(type) {
		case string:
			h[k] = x
		case bool:
			h[k] = strconv.FormatBool(x)
		default:
			if n, ok := toNumber(x); ok {
				h[k] = formatNumber(n)
			}
		}
	}
	return h, nil
}

// formatNumber prints a Lua number: whole numbers with all their digits and
// no decimals or exponent (2^63 is 9223372036854775808, not the shortest
// form 9223372036854776000), others in their shortest form (1.5).
func formatNumber(n float64) string {
	if n == math.Trunc(n) {
		return strconv.FormatFloat(n+0, 'f', 0, 64) // +0 turns -0 into 0, as integer printing does
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// bodyFromTable decodes params.body: a string or a file table.
func bodyFromTable(v any) (*Body, error) {
	if s, ok := v.(string); ok {
		return &Body{Data: s}, nil
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%w: want a string or a file table, got %T", ErrInvalidParam, v)
	}
	f, err := fileRefFromTable(v)
	if err != nil {
		return nil, err
	}
	return &Body{File: f}, nil
}

// fileRefFromTable decodes {filename = string, baseDirectory = name}.
func fileRefFromTable(v any) (*FileRef, error) {
	t, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: want a file table, got %T", ErrInvalidParam, v)
	}
	name, ok := t["filename"].(string)
	if !ok {
		return nil, fmt.Errorf("%w: filename must be a string, got %T", ErrInvalidParam, t["filename"])
	}
	f := &FileRef{Filename: name}
	if bd, present := t["baseDirectory"]; present && bd != nil {
		s, ok := bd.(string)
		if !ok || !BaseDir(s).valid() {
			return nil, fmt.Errorf("%w: baseDirectory: %w: %v", ErrInvalidParam, ErrUnknownBaseDir, bd)
		}
		f.BaseDirectory = BaseDir(s)
	}
	return f, nil
}
