package runner

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/netconform/netconform/mockserver"
)

// bases maps template names to the base URLs of one case's namespace.
type bases map[string]string

// caseBases returns the URL templates of namespace ns: each listener's base
// URL plus "/c/<ns>", and refused, a port that refuses connections.
func caseBases(u mockserver.URLs, ns, refused string) bases {
	prefix := "/c/" + ns
	return bases{
		"http":      u.HTTP + prefix,
		"https":     u.HTTPS + prefix,
		"untrusted": u.Untrusted + prefix,
		"expired":   u.Expired + prefix,
		"wronghost": u.WrongHost + prefix,
		"refused":   refused + prefix,
	}
}

// expand replaces {{name}} templates in s; {{i}} is the instance number.
// Unknown templates are left as written.
func (b bases) expand(s string, instance int) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	pairs := make([]string, 0, 2*len(b)+2)
	for k, v := range b {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	pairs = append(pairs, "{{i}}", strconv.Itoa(instance))
	return strings.NewReplacer(pairs...).Replace(s)
}

// expandAny returns a copy of a params value with templates expanded in every
// string, so params may name server URLs too.
func (b bases) expandAny(v any, instance int) any {
	switch x := v.(type) {
	case string:
		return b.expand(x, instance)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = b.expandAny(e, instance)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = b.expandAny(e, instance)
		}
		return out
	}
	return v
}

// urlPath returns the path of a URL, or "" when it does not parse.
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}
