package runner

import (
	"github.com/netconform/netconform/harness/casefile"
	"maps"
	"net/url"
	"strconv"

	"github.com/netconform/netconform/mockserver"
)

// The template names the runner adds to the mock server's own (see
// mockserver.URLs.Templates). The casefile package's doc lists the whole
// vocabulary, valid in every templated place of a case.
const (
	// tmplRefused is the case's namespace path on a loopback port that
	// refuses connections.
	tmplRefused = "refused"
	// tmplInstance is the instance number of a repeated call (1 ... N) in
	// that call's fields, and noInstance elsewhere.
	tmplInstance = "i"
)

// noInstance is the instance number in the places that belong to no call
// instance: the server's routes and the given files.
const noInstance = 0

// bases is one case's template vocabulary: the mock server's templates of
// the case's namespace plus refused; {{i}} is added per place (see at).
type bases struct{ t mockserver.Templates }

// caseBases returns the templates of namespace ns on listeners at u, with
// refused, a base URL that refuses connections, plus the namespace path.
func caseBases(u mockserver.URLs, ns, refused string) bases {
	t := u.Templates(ns)
	t[tmplRefused] = refused + mockserver.NamespacePath(ns)
	return bases{t}
}

// at returns the vocabulary of call instance n (noInstance for none).
func (b bases) at(n int) mockserver.Templates {
	t := maps.Clone(b.t)
	t[tmplInstance] = strconv.Itoa(n)
	return t
}

// expand replaces {{name}} templates in s for call instance n. Unknown
// templates are left as written.
func (b bases) expand(s string, instance int) string { return b.at(instance).Expand(s) }

// expandAny returns a copy of a params value with templates expanded in every
// string, so params may name server URLs too.
func (b bases) expandAny(v any, instance int) any { return expandValue(b.at(instance), v) }

func expandValue(t mockserver.Templates, v any) any {
	switch x := v.(type) {
	case string:
		return t.Expand(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = expandValue(t, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expandValue(t, e)
		}
		return out
	}
	return v
}

// installOptions are the options of the case's Install: its time scale, so
// that the mock server scales the scenario's durations (and cases at other
// scales share the server), and the runner's templates for the server's
// routes.
func (b bases) installOptions(scale float64) []mockserver.InstallOption {
	return []mockserver.InstallOption{
		mockserver.InstallTimeScale(scale),
		mockserver.InstallTemplates(mockserver.Templates{
			tmplRefused:  b.t[tmplRefused],
			tmplInstance: strconv.Itoa(noInstance),
		}),
	}
}

// urls returns the base URLs by template name, for driver.Config.BaseURLs:
// every template but the namespace path.
func (b bases) urls() map[string]string {
	out := maps.Clone(b.t)
	delete(out, mockserver.TemplateNS)
	return out
}

// urlPath returns the path of a URL, or "" when it does not parse.
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

// expandGiven returns the given files with templates expanded in their text
// contents (no call instance owns them: {{i}} is noInstance).
func expandGiven(files []casefile.GivenFile, b bases) []casefile.GivenFile {
	out := make([]casefile.GivenFile, len(files))
	for i, f := range files {
		if f.Text != nil {
			t := b.expand(*f.Text, noInstance)
			f.Text = &t
		}
		out[i] = f
	}
	return out
}
