package mockserver

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNamespacesKeepTheirOwnTimeScale installs the same 2 s delay in three
// namespaces of one server: two with their own InstallTimeScale, one with
// the server's WithTimeScale. Each must wait at least its own scaled delay,
// and the fast one well under the others' (a generous band: 25 times its
// lower bound), so neither the server's scale nor another namespace's can
// have been applied to it.
func TestNamespacesKeepTheirOwnTimeScale(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithTimeScale(0.5))
	route := Route{Path: "/d", Response: Response{DelayHeaders: Duration(2 * time.Second), Body: Body{Text: "late"}}}
	tests := []struct {
		ns   string
		opts []InstallOption
		want time.Duration // the scaled delay, a lower bound
		max  time.Duration // 0: none
	}{
		{"fast", []InstallOption{InstallTimeScale(0.01)}, 20 * time.Millisecond, 500 * time.Millisecond},
		{"slow", []InstallOption{InstallTimeScale(0.25)}, 500 * time.Millisecond, 0},
		{"default", []InstallOption{InstallTimeScale(0)}, time.Second, 0}, // <= 0 is ignored
	}
	for _, tc := range tests {
		if err := s.Install(tc.ns, Scenario{Routes: []Route{route}}, tc.opts...); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, s, false)
	took := make([]time.Duration, len(tests))
	var wg sync.WaitGroup
	for i, tc := range tests {
		wg.Go(func() {
			start := time.Now()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URLs().HTTP+NamespacePath(tc.ns)+"/d", nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("%s: %v", tc.ns, err)
				return
			}
			resp.Body.Close()
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	for i, tc := range tests {
		if took[i] < tc.want {
			t.Errorf("%s: answered after %v, want >= %v", tc.ns, took[i], tc.want)
		}
		if tc.max > 0 && took[i] > tc.max {
			t.Errorf("%s: answered after %v, want well under the others' 500ms and 1s (< %v)", tc.ns, took[i], tc.max)
		}
	}
}

// TestTemplatesInEveryServerPlace checks that every name of URLs.Templates,
// and one added with InstallTemplates, expands in header values, redirect
// targets and text bodies, and that an added name cannot replace the
// server's own.
func TestTemplatesInEveryServerPlace(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	want := s.URLs().Templates("tp")
	want["extra"] = "x-value"
	var all []string
	for name := range want {
		all = append(all, name+"=<{{"+name+"}}>")
	}
	text := strings.Join(all, ";") + ";unknown=<{{unknown}}>"
	err := s.Install("tp", Scenario{Routes: []Route{
		{Path: "/h", Response: Response{Headers: Headers{{"X-All", text}}, Body: Body{Text: text}}},
		{Path: "/r", Response: Response{Redirect: &Redirect{To: "/x?" + text}}},
	}}, InstallTemplates(Templates{"extra": "x-value", TemplateHTTP: "overridden"}))
	if err != nil {
		t.Fatal(err)
	}
	base := s.URLs().HTTP + NamespacePath("tp")
	c := newClient(t, s, false)
	resp, body := get(t, c, base+"/h")
	redir, _ := get(t, c, base+"/r")
	places := map[string]string{
		"header":   resp.Header.Get("X-All"),
		"body":     string(body),
		"location": strings.TrimPrefix(redir.Header.Get("Location"), "/x?"),
	}
	for place, got := range places {
		vals := parsePairs(got)
		for name, w := range want {
			if vals[name] != w {
				t.Errorf("%s: {{%s}} = %q, want %q", place, name, vals[name], w)
			}
		}
		if vals["unknown"] != "{{unknown}}" {
			t.Errorf("%s: {{unknown}} = %q, want it left as written", place, vals["unknown"])
		}
	}
}

// parsePairs splits "a=<x>;b=<y>" into {a: x, b: y}.
func parsePairs(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(p, "=")
		out[k] = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	}
	return out
}

// TestNamespacePath checks the layout every other package asks for.
func TestNamespacePath(t *testing.T) {
	t.Parallel()
	if got := NamespacePath("a.b"); got != "/c/a.b" {
		t.Errorf("NamespacePath(a.b) = %q", got)
	}
	if got := NamespacePath(""); got != "" {
		t.Errorf("NamespacePath(root) = %q, want \"\"", got)
	}
	for _, ns := range []string{"a.b", ""} {
		if got, rel := splitNamespace(NamespacePath(ns) + "/x"); got != ns || rel != "/x" {
			t.Errorf("splitNamespace(NamespacePath(%q)+/x) = %q, %q", ns, got, rel)
		}
	}
	if got := (Templates{"a": "1"}).Expand("{{a}}{{b}}"); got != "1{{b}}" {
		t.Errorf("Expand = %q", got)
	}
}
