package mockserver

import (
	"net/http"
	"strings"
)

// Install prepares each response's headers once, so that serving it costs
// map assignments only: no canonicalisation, no value slices built per
// request for values without templates, and a ready Content-Length for
// text bodies without templates.

// headerSet is one header name of a response with all its values.
type headerSet struct {
	name string   // canonical
	vals []string // in order; shared by every request when tmpl is false (cap == len, so never appended to in place)
	tmpl bool     // some value has a template: expand vals per request
}

// prepared is a Response made ready to serve.
type prepared struct {
	headers []headerSet
	// size and length are the body size and its Content-Length value when
	// it is known at Install (a text body without templates, or base64);
	// size is -1 otherwise.
	size   int64
	length []string
}

// prepare returns resp made ready to serve.
func prepare(resp *Response) *prepared {
	p := &prepared{size: -1}
	index := map[string]int{}
	for _, h := range resp.Headers {
		name := http.CanonicalHeaderKey(h.Name)
		i, ok := index[name]
		if !ok {
			i = len(p.headers)
			index[name] = i
			p.headers = append(p.headers, headerSet{name: name})
		}
		p.headers[i].vals = append(p.headers[i].vals, h.Value)
		p.headers[i].tmpl = p.headers[i].tmpl || strings.Contains(h.Value, "{{")
	}
	for i := range p.headers {
		v := p.headers[i].vals
		p.headers[i].vals = v[:len(v):len(v)]
	}
	b := resp.Body
	switch {
	case b.Base64 != "":
		if raw, err := decodeBase64(b.Base64); err == nil {
			p.size = int64(len(raw))
		}
	case b.Generate == nil && b.File == "" && !strings.Contains(b.Text, "{{"):
		p.size = int64(len(b.Text))
	}
	if p.size >= 0 {
		p.length = []string{itoa(p.size)}
	}
	return p
}

// setHeaders adds the prepared headers to h, expanding templates with
// expand.
func (p *prepared) setHeaders(h http.Header, expand func(string) string) {
	for _, hs := range p.headers {
		if !hs.tmpl {
			h[hs.name] = hs.vals
			continue
		}
		vv := make([]string, len(hs.vals))
		for i, v := range hs.vals {
			vv[i] = expand(v)
		}
		h[hs.name] = vv
	}
}

// contentLength returns the Content-Length value for a body of size bytes.
func (p *prepared) contentLength(size int64) []string {
	if size == p.size {
		return p.length
	}
	return []string{itoa(size)}
}
