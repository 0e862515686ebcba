package runner

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

func TestExpandTemplates(t *testing.T) {
	t.Parallel()
	b := caseBases(mockserver.URLs{HTTP: "http://h:1", HTTPS: "https://h:2", Untrusted: "https://h:3",
		Expired: "https://h:4", WrongHost: "https://h:5"}, "a.b.7", "http://127.0.0.1:9")
	tests := []struct{ in, want string }{
		{"{{http}}/x?i={{i}}", "http://h:1/c/a.b.7/x?i=3"},
		{"{{https}}/x", "https://h:2/c/a.b.7/x"},
		{"{{untrusted}}{{expired}}{{wronghost}}", "https://h:3/c/a.b.7https://h:4/c/a.b.7https://h:5/c/a.b.7"},
		{"{{refused}}/x", "http://127.0.0.1:9/c/a.b.7/x"},
		{"{{http}}/r?to={{ns}}/f", "http://h:1/c/a.b.7/r?to=/c/a.b.7/f"},
		{"{{unknown}}", "{{unknown}}"},
		{"plain", "plain"},
	}
	for _, tc := range tests {
		if got := b.expand(tc.in, 3); got != tc.want {
			t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	p := b.expandAny(map[string]any{"headers": map[string]any{"Referer": "{{http}}/r"}, "n": 1.0}, 1).(map[string]any)
	if got := p["headers"].(map[string]any)["Referer"]; got != "http://h:1/c/a.b.7/r" || p["n"] != 1.0 {
		t.Errorf("expandAny = %v", p)
	}
	if u := b.urls(); u[mockserver.TemplateNS] != "" || u["https"] != "https://h:2/c/a.b.7" || u[tmplInstance] != "" {
		t.Errorf("urls = %v, want the base URLs only", u)
	}
}

// documentedTemplates returns the template names listed in the Templates
// section of the case format reference (harness/casefile/doc.go).
func documentedTemplates(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../casefile/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(src), "\n// # Templates\n")
	if !ok {
		t.Fatal("no Templates section in harness/casefile/doc.go")
	}
	sec, _, _ = strings.Cut(sec, "\n// # ")
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^//\t\{\{([a-z]+)\}\}`).FindAllStringSubmatch(sec, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return names
}

// templatesCase uses every template name in every templated place: text
// "name=<{{name}}>;..." in a given file, a response header, a text body, a
// redirect target, the URL's query, a params string and the filename.
func templatesCase(names []string) string {
	var all []string
	for _, n := range names {
		all = append(all, n+"=<{{"+n+"}}>")
	}
	text := strings.Join(all, ";")
	return `
id: t.templates
title: every template name in every place
requirements: [E2]
given:
  files:
    - {name: given.txt, text: "` + text + `"}
server:
  routes:
    - {path: /h, headers: {X-All: "` + text + `"}, body: "` + text + `"}
    - {path: /r, redirect: {to: "/x?` + text + `"}}
call:
  fn: download
  url: "{{http}}/h?` + text + `"
  filename: "` + text + `"
  params: {headers: {X-All: "` + text + `"}}
expect:
  trace: ended
`
}

// TestEveryTemplateInEveryPlace runs a case over a real mock server that
// uses each name documented in the case format reference in each templated
// place, and checks what each expanded to: one vocabulary, the same values
// everywhere ({{i}} is the instance number in the call's fields, 0 in the
// server block and the given file).
func TestEveryTemplateInEveryPlace(t *testing.T) {
	t.Parallel()
	names := documentedTemplates(t)
	own := caseBases(mockserver.URLs{}, "ns", "").at(1)
	if want := slices.Sorted(func(yield func(string) bool) {
		for k := range own {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(names, want) {
		t.Fatalf("documented templates %v, want the runner's vocabulary %v", names, want)
	}
	srv, err := mockserver.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	var mu sync.Mutex
	places := map[string]string{}
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		u, _, _ := strings.Cut(c.URL, "?")
		base := strings.TrimSuffix(u, "/h")
		given, err := s.readGiven(driver.DocumentsDirectory, "given.txt")
		if err != nil {
			return err
		}
		mu.Lock()
		places["url"] = c.URL[strings.Index(c.URL, "?")+1:]
		places["filename"] = *c.Filename
		places["params"], _ = c.Params["headers"].(map[string]any)["X-All"].(string)
		places["given file"] = given
		mu.Unlock()
		s.Go(func(stop <-chan struct{}) {
			ctx, cancel := stopContext(stop)
			defer cancel()
			cl := &http.Client{Transport: srv.Client().Transport,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for _, path := range []string{"/h", "/r"} {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
				resp, err := cl.Do(req)
				if err != nil {
					t.Errorf("GET %s: %v", path, err)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				if path == "/h" {
					places["header"], places["body"] = resp.Header.Get("X-All"), string(body)
				} else {
					places["redirect to"] = strings.TrimPrefix(resp.Header.Get("Location"), "/x?")
				}
				mu.Unlock()
			}
			s.emit(h, ended(h, c, 200, "ok"))
		})
		return nil
	}}
	r := newRunner(t, d, srv)
	res := r.Case(t.Context(), loadCase(t, templatesCase(names)))
	if res.Verdict == result.Error {
		t.Fatalf("case could not run: %s", res.Reason)
	}
	if len(res.Journal) == 0 {
		t.Fatal("no request reached the server")
	}
	want := caseBases(srv.URLs(), res.Journal[0].Namespace, r.refused)
	mu.Lock()
	defer mu.Unlock()
	for _, place := range []string{"url", "filename", "params", "given file", "header", "body", "redirect to"} {
		instance := 1
		if place == "given file" || place == "header" || place == "body" || place == "redirect to" {
			instance = noInstance
		}
		wantAt := want.at(instance)
		got := places[place]
		for _, n := range names {
			if w := n + "=<" + wantAt[n] + ">"; !strings.Contains(got, w) {
				t.Errorf("%s: {{%s}} did not expand to %q in %q", place, n, wantAt[n], got)
			}
		}
	}
}
