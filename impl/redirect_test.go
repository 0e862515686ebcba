package impl

import (
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
)

// hopRecord is what the final handler of a redirect chain saw.
type hopRecord struct {
	method, body, ctype string
}

// redirector serves /r/{code}/{n}: n more redirects with code, then /final,
// which records the request it got.
func redirector(t *testing.T, final chan<- hopRecord) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/r/{code}/{n}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		n, _ := strconv.Atoi(r.PathValue("n"))
		_, _ = io.Copy(io.Discard, r.Body)
		next := "../../final" // relative Location (D2)
		if n > 1 {
			next = fmt.Sprintf("../%d/%d", code, n-1)
		}
		w.Header().Set("Location", next)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "moved")
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if final != nil {
			final <- hopRecord{r.Method, string(b), r.Header.Get("Content-Type")}
		}
		_, _ = io.WriteString(w, "final")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirectFollowed(t *testing.T) {
	tests := []struct {
		code            int
		method, body    string
		wantMeth, wantB string
	}{
		{301, "GET", "", "GET", ""},
		{302, "GET", "", "GET", ""},
		{303, "GET", "", "GET", ""},
		{307, "GET", "", "GET", ""},
		{308, "GET", "", "GET", ""},
		{301, "POST", "data", "GET", ""}, // D3
		{302, "POST", "data", "GET", ""},
		{303, "POST", "data", "GET", ""},
		{303, "PUT", "data", "GET", ""},
		{307, "POST", "data", "POST", "data"},
		{308, "PUT", "data", "PUT", "data"},
		{301, "PUT", "data", "PUT", "data"}, // RFC 9110 §15.4.2: only a POST may become GET
		{302, "PATCH", "data", "PATCH", "data"},
		{302, "PROPPATCH", "data", "PROPPATCH", "data"},
		{301, "DELETE", "", "DELETE", ""},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d %s", tc.code, tc.method), func(t *testing.T) {
			t.Parallel()
			final := make(chan hopRecord, 1)
			srv := redirector(t, final)
			e := newEngine(t)
			url := fmt.Sprintf("%s/r/%d/1", srv.URL, tc.code)
			var p *Params
			if tc.body != "" {
				p = &Params{Body: &Body{Data: tc.body}}
			}
			ev := last(t, do(t, e, url, tc.method, p))
			if ev.IsError || ev.Status != 200 || ev.Response.Text != "final" || ev.URL != url {
				t.Errorf("ended %+v, want the final 200 with the original url (D1, E12)", ev)
			}
			if got := recv(t, final); got.method != tc.wantMeth || got.body != tc.wantB {
				t.Errorf("final hop got %s %q, want %s %q (D3)", got.method, got.body, tc.wantMeth, tc.wantB)
			}
		})
	}
}

func TestRedirectKeepsFileBody(t *testing.T) {
	final := make(chan hopRecord, 1)
	srv := redirector(t, final)
	e := newEngine(t)
	path, _ := e.Path("body.txt", "")
	if err := os.WriteFile(path, []byte("file body"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if _, err := e.Upload(srv.URL+"/r/307/2", "PUT", r.listen, &Params{Progress: ProgressOn}, "body.txt", "", "text/x-mine"); err != nil {
		t.Fatal(err)
	}
	evs := r.wait(t)
	ev := last(t, evs)
	if got := recv(t, final); got.method != "PUT" || got.body != "file body" || got.ctype != "text/x-mine" {
		t.Errorf("final hop got %+v, want the file re-sent (D3)", got)
	}
	var prev int64
	for _, e := range evs {
		if e.BytesTransferred < prev || e.BytesTransferred > 9 {
			t.Errorf("bytesTransferred %d after %d over a re-sent body (E7)", e.BytesTransferred, prev)
		}
		prev = e.BytesTransferred
	}
	if ev.IsError || ev.BytesTransferred != 9 {
		t.Errorf("ended %+v", ev)
	}
}

func TestRedirectChains(t *testing.T) {
	srv := redirector(t, nil)
	tests := []struct {
		path    string
		wantErr bool
	}{
		{"/r/302/5", false},
		{"/r/301/10", false},
		{"/r/307/11", true},
		{"/loop", true},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t)
			ev := last(t, do(t, e, srv.URL+tc.path, "GET", nil))
			if tc.wantErr {
				if !ev.IsError || ev.Status != -1 || !strings.Contains(ev.Response.Text, "redirect") {
					t.Errorf("ended %+v, want isError for a loop or > 10 hops (D2)", ev)
				}
			} else if ev.IsError || ev.Status != 200 {
				t.Errorf("ended %+v, want the chain followed (D2)", ev)
			}
		})
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	srv := redirector(t, nil)
	e := newEngine(t)
	ev := last(t, do(t, e, srv.URL+"/r/302/1", "GET", &Params{HandleRedirects: ptr(false)}))
	if ev.IsError || ev.Status != 302 || ev.ResponseHeaders["Location"] != "../../final" || ev.Response.Text != "moved" {
		t.Errorf("ended %+v, want the 302 itself with Location and body (D4)", ev)
	}
}

func TestRedirectCrossScheme(t *testing.T) {
	final := make(chan hopRecord, 2)
	plain := redirector(t, final)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/back" {
			http.Redirect(w, r, plain.URL+"/final", http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, "secure")
	}))
	t.Cleanup(tlsSrv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(tlsSrv.Certificate())
	mux := http.NewServeMux()
	mux.HandleFunc("/up", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, tlsSrv.URL+"/secure", http.StatusMovedPermanently)
	})
	up := newServer(t, mux.ServeHTTP)
	e := newEngine(t, WithRootCAs(pool))
	if ev := last(t, do(t, e, up.URL+"/up", "GET", nil)); ev.IsError || ev.Response.Text != "secure" {
		t.Errorf("http to https: ended %+v (D5)", ev)
	}
	if ev := last(t, do(t, e, tlsSrv.URL+"/back", "GET", nil)); ev.IsError || ev.Response.Text != "final" {
		t.Errorf("https to http: ended %+v (D5)", ev)
	}
}

// TestRedirectMixedChain follows chains that mix codes: a body dropped by one
// hop is never sent again, and a body kept by a 301 or 302 of a PUT is still
// there for a later 307, with its Content-Type (D3).
func TestRedirectMixedChain(t *testing.T) {
	tests := []struct {
		name, method    string
		codes           []int
		wantMeth, wantB string
		wantCT          string
	}{
		{"put 302 307", "PUT", []int{302, 307}, "PUT", "data", "text/plain; charset=UTF-8"},
		{"put 301 301 308", "PUT", []int{301, 301, 308}, "PUT", "data", "text/plain; charset=UTF-8"},
		{"post 302 307", "POST", []int{302, 307}, "GET", "", ""},
		{"put 303 307", "PUT", []int{303, 307}, "GET", "", ""},
		{"patch 307 302", "PATCH", []int{307, 302}, "PATCH", "data", "text/plain; charset=UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			final := make(chan hopRecord, 1)
			mux := http.NewServeMux()
			mux.HandleFunc("/hop/{i}", func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				i, _ := strconv.Atoi(r.PathValue("i"))
				next := "/final"
				if i+1 < len(tc.codes) {
					next = fmt.Sprintf("/hop/%d", i+1)
				}
				w.Header().Set("Location", next)
				w.WriteHeader(tc.codes[i])
			})
			mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				final <- hopRecord{r.Method, string(b), r.Header.Get("Content-Type")}
			})
			srv := newServer(t, mux.ServeHTTP)
			e := newEngine(t)
			ev := last(t, do(t, e, srv.URL+"/hop/0", tc.method, &Params{Body: &Body{Data: "data"}}))
			if ev.IsError || ev.Status != 200 {
				t.Errorf("ended %+v, want the final 200", ev)
			}
			got := recv(t, final)
			if got.method != tc.wantMeth || got.body != tc.wantB || got.ctype != tc.wantCT {
				t.Errorf("final hop got %+v, want %s %q with Content-Type %q (D3)", got, tc.wantMeth, tc.wantB, tc.wantCT)
			}
		})
	}
}

func TestRedirectHeadStaysHead(t *testing.T) {
	final := make(chan hopRecord, 1)
	srv := redirector(t, final)
	e := newEngine(t)
	if ev := last(t, do(t, e, srv.URL+"/r/303/1", "HEAD", nil)); ev.IsError || ev.Status != 200 {
		t.Errorf("ended %+v, want the final 200", ev)
	}
	if got := recv(t, final); got.method != "HEAD" {
		t.Errorf("final hop got %s, want HEAD: RFC 9110 §15.4.4 allows GET or HEAD after a 303", got.method)
	}
}

func TestNextHop(t *testing.T) {
	tests := []struct {
		status   int
		method   string
		wantMeth string
		wantKeep bool
	}{
		{301, "POST", "GET", false},
		{302, "POST", "GET", false},
		{303, "POST", "GET", false},
		{303, "PUT", "GET", false},
		{303, "HEAD", "HEAD", false},
		{301, "PUT", "PUT", true},
		{302, "PATCH", "PATCH", true},
		{302, "GET", "GET", true},
		{307, "POST", "POST", true},
		{308, "DELETE", "DELETE", true},
	}
	for _, tc := range tests {
		m, keep := nextHop(tc.status, tc.method)
		if m != tc.wantMeth || keep != tc.wantKeep {
			t.Errorf("nextHop(%d, %s) = %s, %v; want %s, %v", tc.status, tc.method, m, keep, tc.wantMeth, tc.wantKeep)
		}
	}
}

// TestRedirectCookiesAndHeaders checks D6: cookies set by the 3xx of a chain
// are sent on the hops that follow when their path matches, the caller's
// headers go again to the same host, and Authorization and the caller's
// Cookie are dropped on a hop to another host (info).
func TestRedirectCookiesAndHeaders(t *testing.T) {
	t.Parallel()
	type seen struct{ cookie, token, auth string }
	got := make(chan seen, 4)
	record := func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.Header.Get("Cookie"), r.Header.Get("X-Token"), r.Header.Get("Authorization")}
	}
	other := newServer(t, record)
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "elsewhere", Value: "x", Path: "/other"})
		http.Redirect(w, r, "/mid?"+r.URL.RawQuery, http.StatusFound)
	})
	mux.HandleFunc("/mid", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.Header().Set("Location", "/final?"+r.URL.RawQuery)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("away") != "" {
			http.Redirect(w, r, otherURL+"/away", http.StatusFound)
			return
		}
		record(w, r)
	})
	srv := newServer(t, mux.ServeHTTP)
	e := newEngine(t)
	hdr := map[string]string{"X-Token": "t", "Authorization": "Bearer s", "Cookie": "mine=0"}

	ev := last(t, do(t, e, srv.URL+"/start", "GET", &Params{Headers: hdr}))
	final := <-got
	if ev.IsError || ev.Status != 200 {
		t.Fatalf("ended %+v", ev)
	}
	if final.cookie != "mine=0; a=1; b=2" || final.token != "t" || final.auth != "Bearer s" {
		t.Errorf("same host: final request had %+v; want Cookie \"mine=0; a=1; b=2\", X-Token and Authorization", final)
	}

	ev = last(t, do(t, e, srv.URL+"/start?away=1", "GET", &Params{Headers: hdr}))
	away := <-got
	if ev.IsError || away.token != "t" || away.auth != "" || away.cookie != "" {
		t.Errorf("other host: ended %+v, request had %+v; want X-Token only (no Authorization, no cookie)", ev, away)
	}
}
