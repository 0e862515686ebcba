package mockserver

import (
	"maps"
	"strings"
	"sync"
)

// This file owns the namespace URL layout and the template vocabulary:
// every other package asks NamespacePath and URLs.Templates instead of
// spelling "/c/" or a template name itself.

// nsRoot is the path under which every namespace but the root is served.
const nsRoot = "/c/"

// NamespacePath returns the path prefix under which namespace ns is served
// on every listener: "/c/<ns>", or "" for the root namespace. A route with
// path p in namespace ns is at a listener's base URL (see [URLs]) plus
// NamespacePath(ns) plus p.
func NamespacePath(ns string) string {
	if ns == "" {
		return ""
	}
	return nsRoot + ns
}

// The template names every namespace defines, written {{name}} in a
// scenario (see [URLs.Templates]).
const (
	// TemplateHTTP is the namespace's base URL on the plain HTTP listener.
	TemplateHTTP = "http"
	// TemplateHTTPS is the namespace's base URL on the trusted HTTPS
	// listener.
	TemplateHTTPS = "https"
	// TemplateUntrusted is the namespace's base URL on the listener with a
	// self-signed certificate.
	TemplateUntrusted = "untrusted"
	// TemplateExpired is the namespace's base URL on the listener with an
	// expired certificate.
	TemplateExpired = "expired"
	// TemplateWrongHost is the namespace's base URL on the listener whose
	// certificate names another host.
	TemplateWrongHost = "wronghost"
	// TemplateNarrow is the namespace's base URL on the plain HTTP
	// listener with a small receive window and segment size ([URLs.Narrow]).
	TemplateNarrow = "narrow"
	// TemplateNS is the namespace's path prefix alone ([NamespacePath]),
	// for path-absolute references such as "{{ns}}/final".
	TemplateNS = "ns"
)

// Templates maps template names (without braces) to their values. The zero
// value expands nothing.
type Templates map[string]string

// Templates returns the templates of namespace ns on listeners at u: http,
// https, untrusted, expired, wronghost and narrow are the listener's base URL plus
// [NamespacePath](ns), for example "https://127.0.0.1:41234/c/ns"; ns is
// NamespacePath(ns) alone ("" for the root namespace). The server expands
// the same set, plus any added with [InstallTemplates], in header values,
// redirect targets and text bodies.
func (u URLs) Templates(ns string) Templates {
	p := NamespacePath(ns)
	return Templates{
		TemplateHTTP:      u.HTTP + p,
		TemplateHTTPS:     u.HTTPS + p,
		TemplateUntrusted: u.Untrusted + p,
		TemplateExpired:   u.Expired + p,
		TemplateWrongHost: u.WrongHost + p,
		TemplateNarrow:    u.Narrow + p,
		TemplateNS:        p,
	}
}

// Expand returns s with every {{name}} of t replaced by its value. Text that
// names no template of t, {{unknown}} included, is left as written.
func (t Templates) Expand(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return t.replacer().Replace(s)
}

// replacer returns a replacer of every {{name}} of t. No pattern is a prefix
// of another (each ends with "}}"), so map order does not matter.
func (t Templates) replacer() *strings.Replacer {
	pairs := make([]string, 0, 2*len(t))
	for k, v := range t {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	return strings.NewReplacer(pairs...)
}

// templater returns the expansion function of namespace ns: the server's own
// templates, then extra ones for names the server does not define. The
// templates are built on first use (most values have no template, and the
// URLs are known only once the server started).
func (s *Server) templater(ns string, extra Templates) func(string) string {
	rep := sync.OnceValue(func() *strings.Replacer {
		t := maps.Clone(extra)
		if t == nil {
			t = Templates{}
		}
		maps.Copy(t, s.urls.Templates(ns))
		return t.replacer()
	})
	return func(v string) string {
		if !strings.Contains(v, "{{") {
			return v
		}
		return rep().Replace(v)
	}
}
