package impl

import (
	"fmt"
	"mime"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// declaredCharset returns the charset parameter of a Content-Type value, or
// "" when it declares none. A value mime cannot parse ("text/plain;
// charset=latin1; x") is searched for "charset=" by hand, as hasCharset does.
func declaredCharset(ct string) string {
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return params["charset"]
	}
	i := strings.Index(strings.ToLower(ct), "charset=")
	if i < 0 {
		return ""
	}
	v, _, _ := strings.Cut(ct[i+len("charset="):], ";")
	return strings.Trim(strings.TrimSpace(v), `"`)
}

// hasCharset reports whether a Content-Type value declares a charset.
func hasCharset(ct string) bool {
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		_, ok := params["charset"]
		return ok
	}
	return strings.Contains(strings.ToLower(ct), "charset=")
}

// charsetEncoding looks a charset name up: first among the IANA names and
// aliases (the registry MIME charsets come from), then among the WHATWG
// labels, which add common spellings such as "utf8" and "cp1252". It returns
// nil for UTF-8, whose text is sent as it is, and an error wrapping
// ErrInvalidParam for a charset it cannot encode to (R4).
func charsetEncoding(name string) (encoding.Encoding, error) {
	enc, err := ianaindex.IANA.Encoding(name)
	if enc == nil {
		enc, err = htmlindex.Get(name)
	}
	if err != nil || enc == nil {
		return nil, fmt.Errorf("%w: charset %q is not supported", ErrInvalidParam, name)
	}
	if canonical, _ := ianaindex.IANA.Name(enc); canonical == "UTF-8" {
		return nil, nil
	}
	return enc, nil
}

// encodeText converts a text body, UTF-8 as Lua holds it, to enc. A
// character enc cannot represent, and a byte that is not UTF-8, becomes "?"
// (as Java's String.getBytes does on Android; R4, info).
func encodeText(s string, enc encoding.Encoding) string {
	e := enc.NewEncoder()
	if out, err := e.String(s); err == nil {
		return out
	}
	var b strings.Builder
	for _, r := range s { // a byte that is not UTF-8 comes as U+FFFD
		x, err := e.String(string(r))
		if err != nil {
			b.WriteByte('?')
			continue
		}
		b.WriteString(x)
	}
	return b.String()
}
