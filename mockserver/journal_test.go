package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestClientClosedIsJournaled(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithTimeScale(testScale))
	install(t, s, "cc",
		Route{Path: "/delay", Response: Response{DelayHeaders: ms(100_000)}},
		Route{Path: "/body", Response: Response{Body: Body{Text: strings.Repeat("z", 100)}, Trickle: &Trickle{Bytes: 10, Every: ms(200)}}},
	)
	for _, path := range []string{"/delay", "/body"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			rc := dial(t, s, s.URLs().HTTP)
			rc.send("GET", "/c/cc"+path, nil, "")
			if path == "/body" {
				rc.head()
				if _, err := rc.br.ReadByte(); err != nil { // the body has started
					t.Fatal(err)
				}
			}
			closedAt := time.Now()
			_ = rc.c.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := s.Await(ctx, "cc", func(recs []Record) bool {
				for _, r := range recs {
					if r.Path == path && !r.ClientClosed.IsZero() && !r.Done.IsZero() {
						return true
					}
				}
				return false
			})
			if err != nil {
				t.Fatalf("no clientClosed for %s: %v", path, err)
			}
			for _, r := range s.Journal("cc") {
				if r.Path == path && r.ClientClosed.Before(closedAt.Add(-time.Millisecond)) {
					t.Errorf("clientClosed %v before the client closed at %v", r.ClientClosed, closedAt)
				}
			}
		})
	}
}

func TestJournalOverHTTP(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "j.1", Route{Path: "/a", Response: Response{Body: Body{Text: "A"}}})
	c := newClient(t, s, false)
	get(t, c, base+"/a?q=1")
	awaitDone(t, s, "j.1", 1)
	resp, body := get(t, c, s.URLs().HTTPS+"/__netconform/journal?case=j.1")
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	var recs []Record
	if err := json.Unmarshal(body, &recs); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	want := s.Journal("j.1")
	if len(recs) != 1 || recs[0].Path != "/a" || recs[0].Query != "q=1" || recs[0].FullPath != "/c/j.1/a" ||
		!recs[0].Done.Equal(want[0].Done) || recs[0].BodySHA256 != want[0].BodySHA256 || len(recs[0].Events) != len(want[0].Events) {
		t.Fatalf("journal over HTTP %+v\nwant %+v", recs, want)
	}
	// The admin endpoints are not journaled, and unknown namespaces are empty lists.
	if _, b := get(t, c, s.URLs().HTTP+"/__netconform/journal?case=nobody"); strings.TrimSpace(string(b)) != "[]" {
		t.Fatalf("empty journal %q", b)
	}
	if len(s.Journal("")) != 0 {
		t.Fatal("admin requests were journaled")
	}
}

func TestNearMiss404(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "nm",
		Route{Path: "/file", Method: "GET"},
		Route{Path: "/upload", Method: "POST"},
		Route{Path: "/other/thing"},
	)
	c := newClient(t, s, false)
	resp, body := get(t, c, base+"/fiel")
	if resp.StatusCode != 404 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	lines := strings.Split(string(body), "\n")
	if !strings.Contains(lines[0], `no route matches GET /fiel in namespace "nm"`) ||
		!strings.Contains(lines[2], `routes[0] GET /file: path "/fiel" is not "/file"`) {
		t.Fatalf("near-miss body:\n%s", body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/upload", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "routes[1] POST /upload: method GET is not POST") {
		t.Fatalf("method near-miss:\n%s", b)
	}
	_, b = get(t, c, s.URLs().HTTP+"/c/empty-ns/x")
	if !strings.Contains(string(b), `no scenario is installed in namespace "empty-ns"`) {
		t.Fatalf("uninstalled namespace:\n%s", b)
	}
	if r := awaitDone(t, s, "nm", 2); r[0].Route != -1 || r[0].Status != 404 {
		t.Fatalf("unmatched record %+v", r[0])
	}
}

func TestAwaitEndsWithContextAndClose(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("gave up")
	cancel(cause)
	if err := s.Await(ctx, "x", HasEvent(EventDone)); !errors.Is(err, cause) {
		t.Fatalf("Await after cancel: %v, want the cause", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Await(context.Background(), "x", HasEvent(EventDone)) }()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Await across Close: %v", err)
	}
	if err := s.Install("x", Scenario{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Install after Close: %v", err)
	}
}

func TestRemoveAndInstallErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "rm", Route{Path: "/a"})
	c := newClient(t, s, false)
	get(t, c, base+"/a")
	awaitDone(t, s, "rm", 1)
	s.Remove("rm")
	if len(s.Journal("rm")) != 0 {
		t.Fatal("journal kept after Remove")
	}
	if resp, _ := get(t, c, base+"/a"); resp.StatusCode != 404 {
		t.Fatalf("route kept after Remove: %d", resp.StatusCode)
	}
	for _, ns := range []string{"a/b", "..", "sp ace"} {
		if err := s.Install(ns, Scenario{}); err == nil {
			t.Errorf("namespace %q accepted", ns)
		}
	}
	if err := s.Install("ok", Scenario{Routes: []Route{{Path: "nope"}}}); err == nil || !strings.Contains(err.Error(), "routes[0].path") {
		t.Errorf("invalid scenario: %v", err)
	}
	// The root namespace serves unprefixed paths.
	install(t, s, "", Route{Path: "/root", Response: Response{Body: Body{Text: "r"}}})
	if _, b := get(t, c, s.URLs().HTTP+"/root"); string(b) != "r" {
		t.Fatalf("root namespace: %q", b)
	}
}

func TestJournalLimitKeepsTheNewest(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithJournalLimit(3))
	base := install(t, s, "lim", Route{Path: "/x"})
	c := newClient(t, s, false)
	for i := range 7 {
		get(t, c, base+"/x?i="+strconv.Itoa(i))
		recs := awaitDone(t, s, "lim", min(i+1, 3))
		var got []string
		for _, r := range recs {
			got = append(got, r.Query)
		}
		var want []string
		for j := max(0, i-2); j <= i; j++ {
			want = append(want, "i="+strconv.Itoa(j))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("after request %d: journal %v, want %v (oldest first)", i, got, want)
		}
	}
}
