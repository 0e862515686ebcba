package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// adminDo sends an admin request as a test in another language would:
// plain HTTP, a method, a Content-Type and a body; it returns the status
// and the body.
func adminDo(t *testing.T, s *Server, method, path, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URLs().HTTP+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := newClient(t, s, false).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// fetch GETs a path of the plain HTTP listener and returns status and body.
func fetch(t *testing.T, s *Server, path string) (int, string) {
	t.Helper()
	resp, b := get(t, newClient(t, s, false), s.URLs().HTTP+path)
	return resp.StatusCode, string(b)
}

const jsonType = "application/json"

func TestAdminAddsARouteTheNextRequestSees(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAdmin(true))
	if code, _ := fetch(t, s, "/c/adm/new"); code != http.StatusNotFound {
		t.Fatalf("before: status %d", code)
	}
	code, body := adminDo(t, s, http.MethodPost, "/__netconform/routes?case=adm", jsonType,
		`{"routes": [{"path": "/new", "headers": {"Content-Type": "text/plain"}, "body": "fresh"}]}`)
	if code != http.StatusOK || !strings.Contains(body, `"path": "/new"`) {
		t.Fatalf("POST routes: %d %s", code, body)
	}
	if code, got := fetch(t, s, "/c/adm/new"); code != http.StatusOK || got != "fresh" {
		t.Fatalf("the added route answered %d %q", code, got)
	}
	// A second POST appends; PUT (YAML this time) replaces.
	adminDo(t, s, http.MethodPost, "/__netconform/routes?case=adm", jsonType, `{"routes": [{"path": "/two", "body": "2"}]}`)
	if _, got := fetch(t, s, "/c/adm/two"); got != "2" {
		t.Fatalf("appended route answered %q", got)
	}
	code, body = adminDo(t, s, http.MethodPut, "/__netconform/routes?case=adm", "application/yaml",
		"routes:\n  - {path: /only, status: 201, body: only}\n")
	if code != http.StatusOK {
		t.Fatalf("PUT routes: %d %s", code, body)
	}
	if code, _ := fetch(t, s, "/c/adm/new"); code != http.StatusNotFound {
		t.Fatalf("a replaced route still answers: %d", code)
	}
	if code, got := fetch(t, s, "/c/adm/only"); code != http.StatusCreated || got != "only" {
		t.Fatalf("the new scenario answered %d %q", code, got)
	}
	// GET lists the routes with their calls; DELETE removes one.
	code, body = adminDo(t, s, http.MethodGet, "/__netconform/routes?case=adm", "", "")
	var listed struct {
		Routes []InstalledRoute `json:"routes"`
	}
	if err := json.Unmarshal([]byte(body), &listed); err != nil || code != http.StatusOK {
		t.Fatalf("GET routes: %d %s (%v)", code, body, err)
	}
	if len(listed.Routes) != 1 || listed.Routes[0].Path != "/only" || listed.Routes[0].Calls != 1 {
		t.Fatalf("GET routes listed %+v, want /only with 1 call", listed.Routes)
	}
	if code, body := adminDo(t, s, http.MethodDelete, "/__netconform/routes?case=adm&route=0", jsonType, ""); code != http.StatusOK {
		t.Fatalf("DELETE route: %d %s", code, body)
	}
	if code, _ := fetch(t, s, "/c/adm/only"); code != http.StatusNotFound {
		t.Fatalf("a removed route still answers: %d", code)
	}
	if code, body := adminDo(t, s, http.MethodDelete, "/__netconform/routes?case=adm&route=0", jsonType, ""); code != http.StatusBadRequest ||
		!strings.Contains(body, "no such route") {
		t.Fatalf("DELETE of a missing route: %d %s", code, body)
	}
}

func TestAdminResetsCallsAndJournal(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAdmin(true))
	install(t, s, "rs", Route{Path: "/flaky", Response: Response{Status: 503}, Then: []Response{{Status: 200}}})
	for _, want := range []int{503, 200, 200} {
		if code, _ := fetch(t, s, "/c/rs/flaky"); code != want {
			t.Fatalf("status %d, want %d", code, want)
		}
	}
	if code, body := adminDo(t, s, http.MethodPost, "/__netconform/reset?case=rs", jsonType, ""); code != http.StatusOK {
		t.Fatalf("reset: %d %s", code, body)
	}
	if code, _ := fetch(t, s, "/c/rs/flaky"); code != 503 {
		t.Fatalf("after reset: status %d, want the sequence's first, 503", code)
	}
	awaitDone(t, s, "rs", 4)
	if code, body := adminDo(t, s, http.MethodDelete, "/__netconform/journal?case=rs", jsonType, ""); code != http.StatusOK {
		t.Fatalf("clear journal: %d %s", code, body)
	}
	if _, body := fetch(t, s, "/__netconform/journal?case=rs"); strings.TrimSpace(body) != "[]" {
		t.Fatalf("journal after clearing: %s", body)
	}
	if code, _ := fetch(t, s, "/c/rs/flaky"); code != 200 {
		t.Fatalf("clearing the journal restarted the calls: status %d", code)
	}
}

func TestAdminIsOffByDefault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "off", Route{Path: "/a"})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/__netconform/routes?case=off"},
		{http.MethodPost, "/__netconform/routes?case=off"},
		{http.MethodPut, "/__netconform/routes?case=off"},
		{http.MethodDelete, "/__netconform/routes?case=off&route=0"},
		{http.MethodPost, "/__netconform/reset?case=off"},
		{http.MethodDelete, "/__netconform/journal?case=off"},
	} {
		code, body := adminDo(t, s, tc.method, tc.path, jsonType, `{"routes": []}`)
		if code != http.StatusForbidden || !strings.Contains(body, "--admin") {
			t.Errorf("%s %s: %d %s, want 403 naming --admin", tc.method, tc.path, code, body)
		}
	}
	if len(s.Routes("off")) != 1 {
		t.Fatal("routes changed with the admin API off")
	}
	if code, _ := fetch(t, s, "/__netconform/journal?case=off"); code != http.StatusOK {
		t.Fatalf("reading the journal: %d", code)
	}
}

func TestAdminGuardsAgainstFormPosts(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAdmin(true))
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		code, body := adminDo(t, s, http.MethodPost, "/__netconform/routes?case=g", ct, `{"routes": [{"path": "/x"}]}`)
		if code != http.StatusUnsupportedMediaType || !strings.Contains(body, "application/json") {
			t.Errorf("Content-Type %q: %d %s, want 415", ct, code, body)
		}
	}
	if code, _ := adminDo(t, s, http.MethodGet, "/__netconform/reset?case=g", "", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET reset: %d, want 405", code)
	}
	if code, body := adminDo(t, s, http.MethodPost, "/__netconform/routes", jsonType, `{"routes": []}`); code != http.StatusBadRequest ||
		!strings.Contains(body, "missing case=") {
		t.Errorf("no case=: %d %s", code, body)
	}
	if s.Routes("g") != nil {
		t.Fatal("a refused request installed routes")
	}
}

func TestAdminRefusesFileBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAdmin(true))
	code, body := adminDo(t, s, http.MethodPut, "/__netconform/routes?case=f", jsonType,
		"{\"routes\": [\n {\"path\": \"/ok\"},\n {\"path\": \"/f\", \"then\": [{\"body\": {\"file\": \"/etc/passwd\"}}]}]}")
	// Refused where it stands: the body has no folder on disk, so the one
	// rule for local files refuses it before the admin API's own check.
	if code != http.StatusBadRequest || !strings.Contains(body, `body:3:44: routes[1].then[0].body.file: `) {
		t.Fatalf("a file body: %d %s", code, body)
	}
	if s.Routes("f") != nil {
		t.Fatal("a refused scenario was installed")
	}
}

// TestAdminValidatesAsTheRoutesFile checks that a bad scenario sent over
// the API gets the messages ParseConfig gives for a routes file.
func TestAdminValidatesAsTheRoutesFile(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAdmin(true))
	for _, bad := range []string{
		"routes:\n  - path: /x\n    statsu: 200\n",
		"routes:\n  - path: nope\n    fault: {kind: rest}\n",
		`{"routes": [{"path": "/x", "status": "many"}]}`,
		"routes: [\n",
		"",
	} {
		code, body := adminDo(t, s, http.MethodPost, "/__netconform/routes?case=v", "application/yaml", bad)
		var got struct{ Error string }
		if err := json.Unmarshal([]byte(body), &got); err != nil || code != http.StatusBadRequest {
			t.Fatalf("%q: %d %s", bad, code, body)
		}
		_, want := ParseConfig(adminBodyName, []byte(bad))
		if want == nil {
			t.Fatalf("%q: ParseConfig accepts it", bad)
		}
		if bad != "" && got.Error != want.Error() {
			t.Errorf("%q: the API says\n%s\nthe routes file's message is\n%s", bad, got.Error, want)
		}
	}
}

func TestServerRouteMethods(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	if err := s.AddRoutes("lib", Route{Path: "/a", Response: Response{Body: Body{Text: "a"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRoutes("lib", Route{Path: "/b", Response: Response{Body: Body{Text: "b"}}}); err != nil {
		t.Fatal(err)
	}
	fetch(t, s, "/c/lib/b")
	if err := s.RemoveRoute("lib", 0); err != nil {
		t.Fatal(err)
	}
	rs := s.Routes("lib")
	if len(rs) != 1 || rs[0].Path != "/b" || rs[0].Calls != 1 {
		t.Fatalf("routes %+v, want /b with its 1 call", rs)
	}
	fetch(t, s, "/c/lib/b")
	if recs := awaitDone(t, s, "lib", 2); recs[1].Route != 0 || recs[1].Call != 2 {
		t.Fatalf("after removing route 0, /b is route %d call %d, want route 0 call 2", recs[1].Route, recs[1].Call)
	}
	if err := s.AddRoutes("lib", Route{Path: "bad"}); err == nil || !strings.Contains(err.Error(), "routes[0].path") {
		t.Fatalf("an invalid route: %v", err)
	}
	if err := s.SetRoutes("lib", Scenario{}); err != nil || len(s.Routes("lib")) != 0 {
		t.Fatalf("SetRoutes to none: %v, %d routes", err, len(s.Routes("lib")))
	}
}
