package mockserver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/netconform/netconform/internal/strictyaml"
)

// FieldError is a validation problem with one field of a Scenario; Field is
// its dotted path, such as "routes[2].fault.kind". [Scenario.Validate]
// returns them; the strict decoder positions them in the file. It is the
// strict decoder's field error (package internal/strictyaml), named here
// for users of this package.
type FieldError = strictyaml.FieldError

// Limits that keep a scenario from asking the server for the absurd.
const (
	// MaxRedirectHops bounds Redirect.Hops.
	MaxRedirectHops = 1000
	// MaxGenerateSize bounds Generate.Size (64 GiB).
	MaxGenerateSize = 64 << 30
)

var methodPattern = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// validNamespace reports whether ns can be installed.
func validNamespace(ns string) error {
	if ns == "" {
		return nil
	}
	if !isSegment(ns) || ns == "." || ns == ".." {
		return fmt.Errorf("invalid namespace %q: want one path segment of [A-Za-z0-9._~-]", ns)
	}
	return nil
}

// isSegment reports whether s is one or more of [A-Za-z0-9._~-] (a byte
// loop: it runs on every request, where a regexp cost 1.5% of the time).
func isSegment(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '~', c == '-':
		default:
			return false
		}
	}
	return s != ""
}

// Validate checks the scenario and returns every problem found, as
// [*FieldError] values joined with errors.Join, or nil.
func (sc Scenario) Validate() error {
	v := &validator{}
	for i, r := range sc.Routes {
		v.route(fmt.Sprintf("routes[%d]", i), r)
	}
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Field: field, Err: fmt.Errorf(format, args...)})
}

func (v *validator) route(f string, r Route) {
	if r.Method != "" && !methodPattern.MatchString(r.Method) {
		v.add(f+".method", "invalid method %q", r.Method)
	}
	switch {
	case r.Path == "":
		v.add(f+".path", "missing path (want e.g. \"/file\")")
	case !strings.HasPrefix(r.Path, "/"):
		v.add(f+".path", "path %q must start with \"/\"", r.Path)
	case strings.ContainsAny(r.Path, "?# "):
		v.add(f+".path", "path %q must not contain '?', '#' or spaces (the query is not matched)", r.Path)
	}
	v.response(f, r.Response)
	for i, resp := range r.Then {
		v.response(fmt.Sprintf("%s.then[%d]", f, i), resp)
	}
	v.request(f+".request", r.Request)
	if r.Request.AnswerEarly && r.Response.Echo {
		v.add(f+".echo", "echo needs the request body, which answerEarly does not read")
	}
}

func (v *validator) response(f string, r Response) {
	if r.Status != 0 && (r.Status < 200 || r.Status > 999) {
		v.add(f+".status", "status %d out of range 200..999", r.Status)
	}
	for _, h := range r.Headers {
		if !methodPattern.MatchString(h.Name) {
			v.add(f+".headers."+h.Name, "invalid header name %q", h.Name)
		}
		if strings.ContainsAny(h.Value, "\r\n") {
			v.add(f+".headers."+h.Name, "header value must not contain CR or LF")
		}
	}
	v.body(f+".body", r.Body)
	if r.Echo && !r.Body.isZero() {
		v.add(f+".echo", "echo replaces the body: remove body or echo")
	}
	switch r.Length.Mode {
	case "", LengthAuto, LengthNone:
		if r.Length.Lie != 0 {
			v.add(f+".length", "lie is only valid in the form {lie: N}")
		}
	case LengthLie:
		if r.Length.Lie <= 0 {
			v.add(f+".length.lie", "lie must be > 0 (bytes declared beyond the body)")
		}
	default:
		v.add(f+".length", "unknown length %q (want \"auto\", \"none\" or {lie: N})%s",
			r.Length.Mode, strictyaml.Suggest(r.Length.Mode, []string{LengthAuto, LengthNone}))
	}
	if t := r.Trickle; t != nil {
		v.trickle(f+".trickle", *t)
	}
	if ft := r.Fault; ft != nil {
		v.fault(f+".fault", *ft)
		if ft.Kind == FaultMalformedChunk && r.Length.Mode == LengthLie {
			v.add(f+".length", "a malformed chunk forces chunked framing: remove length")
		}
	}
	if rd := r.Redirect; rd != nil {
		v.redirect(f+".redirect", *rd)
		if r.Status != 0 && (r.Status < 300 || r.Status > 399) && rd.Status == 0 {
			v.add(f+".status", "status %d with redirect: want a 3xx (or set redirect.status)", r.Status)
		}
	}
}

func (b Body) isZero() bool { return b.Text == "" && b.textOnly() }

func (v *validator) body(f string, b Body) {
	n := 0
	for _, set := range []bool{b.Text != "", b.Base64 != "", b.Generate != nil, b.File != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		v.add(f, "give only one of text, base64, generate or file")
	}
	if b.Base64 != "" {
		if _, err := decodeBase64(b.Base64); err != nil {
			v.add(f+".base64", "invalid base64: %v", err)
		}
	}
	if g := b.Generate; g != nil && (g.Size < 0 || g.Size > MaxGenerateSize) {
		v.add(f+".generate.size", "size %d out of range 0..%d", g.Size, int64(MaxGenerateSize))
	}
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return b, nil
}

func (v *validator) trickle(f string, t Trickle) {
	pace := t.Bytes != 0 || t.Every != 0
	spread := t.Chunks != 0 || t.Total != 0
	switch {
	case pace && spread:
		v.add(f, "give either bytes and every, or chunks and total, not both")
	case pace:
		if t.Bytes <= 0 {
			v.add(f+".bytes", "bytes must be > 0")
		}
	case spread:
		if t.Chunks <= 0 {
			v.add(f+".chunks", "chunks must be > 0")
		}
	default:
		v.add(f, "give bytes and every, or chunks and total")
	}
}

func (v *validator) fault(f string, ft Fault) {
	kinds := []string{FaultReset, FaultClose, FaultMalformedChunk, FaultGarbage}
	if !slices.Contains(kinds, ft.Kind) {
		v.add(f+".kind", "unknown fault kind %q (want one of %s)%s", ft.Kind, strings.Join(kinds, ", "), strictyaml.Suggest(ft.Kind, kinds))
	}
	points := []string{AtBeforeStatus, AtAfterHeaders, AtAfterBody}
	if ft.At != "" && !slices.Contains(points, ft.At) {
		v.add(f+".at", "unknown fault point %q (want one of %s)%s", ft.At, strings.Join(points, ", "), strictyaml.Suggest(ft.At, points))
	}
	if ft.Kind == FaultMalformedChunk && ft.At == AtBeforeStatus {
		v.add(f+".at", "a malformed chunk needs a chunked body: use %s or %s", AtAfterHeaders, AtAfterBody)
	}
	if ft.Bytes < 0 {
		v.add(f+".bytes", "bytes must be >= 0")
	}
	if ft.Bytes != 0 && ft.At != AtAfterBody {
		v.add(f+".bytes", "bytes needs at: %s", AtAfterBody)
	}
}

func (v *validator) redirect(f string, r Redirect) {
	if r.Status != 0 && (r.Status < 300 || r.Status > 399) {
		v.add(f+".status", "redirect status %d is not a 3xx", r.Status)
	}
	if r.Hops < 0 || r.Hops > MaxRedirectHops {
		v.add(f+".hops", "hops %d out of range 0..%d", r.Hops, MaxRedirectHops)
	}
	if r.Loop && r.To != "" {
		v.add(f+".to", "to is never reached in a loop: remove to or loop")
	}
	if !r.Loop && r.To == "" {
		v.add(f+".to", "missing to (the final Location)")
	}
	styles := []string{HopPath, HopRelative, HopAbsolute, HopHTTP, HopHTTPS}
	if r.HopStyle != "" && !slices.Contains(styles, r.HopStyle) {
		v.add(f+".hopStyle", "unknown hop style %q (want one of %s)%s", r.HopStyle, strings.Join(styles, ", "), strictyaml.Suggest(r.HopStyle, styles))
	}
	if strings.ContainsAny(r.To, "\r\n") {
		v.add(f+".to", "to must not contain CR or LF")
	}
}

func (v *validator) request(f string, r RequestControl) {
	if p := r.SlowRead; p != nil && p.Bytes <= 0 {
		v.add(f+".slowRead.bytes", "bytes must be > 0")
	}
	if r.ResetAfter < 0 {
		v.add(f+".resetAfter", "resetAfter must be >= 0")
	}
	if r.AnswerEarly && (r.SlowRead != nil || r.ResetAfter > 0) {
		v.add(f+".answerEarly", "answerEarly does not read the body: remove slowRead/resetAfter")
	}
}
