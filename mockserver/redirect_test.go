package mockserver

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
)

func TestRedirectLocations(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	u := s.URLs()
	install(t, s, "rd",
		Route{Path: "/one", Response: Response{Redirect: &Redirect{To: "final"}, Body: Body{Text: "see final"}}},
		Route{Path: "/abs", Response: Response{Status: 301, Redirect: &Redirect{To: "{{https}}/final"}}},
		Route{Path: "/path", Response: Response{Redirect: &Redirect{Status: 307, To: "/elsewhere", Hops: 3}}},
		Route{Path: "/rel", Response: Response{Redirect: &Redirect{To: "{{ns}}/final", Hops: 3, HopStyle: HopRelative}}},
		Route{Path: "/x", Response: Response{Redirect: &Redirect{To: "{{http}}/final", Hops: 2, HopStyle: HopHTTPS}}},
		Route{Path: "/loop", Response: Response{Redirect: &Redirect{Loop: true, Hops: 3, HopStyle: HopRelative}}},
		Route{Path: "/self", Response: Response{Redirect: &Redirect{Loop: true, HopStyle: HopAbsolute}}},
	)
	tests := []struct {
		path, status, location string
		body                   string
	}{
		{"/one", "302 Found", "final", "see final"},
		{"/abs", "301 Moved Permanently", u.HTTPS + "/c/rd/final", ""},
		{"/path", "307 Temporary Redirect", "/c/rd/path/1", ""},
		{"/path/1", "307 Temporary Redirect", "/c/rd/path/2", ""},
		{"/path/2", "307 Temporary Redirect", "/elsewhere", ""},
		{"/rel", "302 Found", "rel/1", ""},
		{"/rel/1", "302 Found", "2", ""},
		{"/rel/2", "302 Found", "/c/rd/final", ""},
		{"/x", "302 Found", u.HTTPS + "/c/rd/x/1", ""},
		{"/x/1", "302 Found", u.HTTP + "/c/rd/final", ""},
		{"/loop/2", "302 Found", "../loop", ""},
		{"/self", "302 Found", "http://test/c/rd/self", ""},
	}
	for _, tc := range tests {
		rc := dial(t, s, u.HTTP)
		rc.send("GET", "/c/rd"+tc.path, []string{"Connection: close"}, "")
		status, hdr := rc.head()
		if status != "HTTP/1.1 "+tc.status {
			t.Errorf("%s: status %q, want %s", tc.path, status, tc.status)
		}
		if loc, _ := header(hdr, "Location"); loc != tc.location {
			t.Errorf("%s: Location %q, want %q", tc.path, loc, tc.location)
		}
		if body, _ := rc.rest(); string(body) != tc.body {
			t.Errorf("%s: body %q, want %q", tc.path, body, tc.body)
		}
	}
	// Beyond the chain the paths are not routes.
	rc := dial(t, s, u.HTTP)
	rc.send("GET", "/c/rd/path/3", []string{"Connection: close"}, "")
	if status, _ := rc.head(); !strings.Contains(status, "404") {
		t.Errorf("/path/3: %s, want 404", status)
	}
}

func TestRedirectChainFollowed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "chain",
		Route{Path: "/start", Response: Response{Redirect: &Redirect{To: "{{https}}/final", Hops: 5, HopStyle: HopRelative}}},
		Route{Path: "/final", Response: Response{Body: Body{Text: "arrived"}}},
		Route{Path: "/loop", Response: Response{Redirect: &Redirect{Loop: true, Hops: 2}}},
	)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CACertPool()}}
	t.Cleanup(tr.CloseIdleConnections)
	var hops []string
	c := &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		hops = append(hops, req.URL.Scheme+" "+req.URL.Path)
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, body := get(t, c, s.URLs().HTTP+"/c/chain/start")
	if resp.StatusCode != 200 || string(body) != "arrived" || resp.Request.URL.Scheme != "https" {
		t.Fatalf("ended at %s %d %q", resp.Request.URL, resp.StatusCode, body)
	}
	want := "http /c/chain/start/1,http /c/chain/start/2,http /c/chain/start/3,http /c/chain/start/4,https /c/chain/final"
	if strings.Join(hops, ",") != want {
		t.Fatalf("hops %q\nwant %q", hops, want)
	}
	hops = nil
	resp, _ = get(t, c, s.URLs().HTTP+"/c/chain/loop")
	if resp.StatusCode != 302 || len(hops) != 10 || hops[1] != "http /c/chain/loop" {
		t.Fatalf("loop: %d after %d hops %q", resp.StatusCode, len(hops), hops)
	}
	recs := awaitDone(t, s, "chain", 6+10)
	if recs[4].Route != 0 || recs[4].Call != 5 || recs[5].Route != 1 {
		t.Fatalf("hops counted as calls of route 0: %+v", recs[4])
	}
}
