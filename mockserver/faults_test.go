package mockserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestFaultsOnTheWire(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	body := strings.Repeat("x", 1000)
	route := func(path string, f Fault, length Length) Route {
		return Route{Path: path, Response: Response{Body: Body{Text: body}, Fault: &f, Length: length}}
	}
	install(t, s, "f",
		route("/reset-before", Fault{Kind: FaultReset}, Length{}),
		route("/close-before", Fault{Kind: FaultClose}, Length{}),
		route("/garbage-before", Fault{Kind: FaultGarbage}, Length{}),
		route("/reset-headers", Fault{Kind: FaultReset, At: AtAfterHeaders}, Length{}),
		route("/close-body", Fault{Kind: FaultClose, At: AtAfterBody, Bytes: 300}, Length{}),
		route("/reset-body", Fault{Kind: FaultReset, At: AtAfterBody, Bytes: 300}, Length{}),
		route("/reset-after-all", Fault{Kind: FaultReset, At: AtAfterBody}, Length{Mode: LengthNone}),
		route("/malformed", Fault{Kind: FaultMalformedChunk, At: AtAfterBody, Bytes: 10}, Length{}),
		route("/malformed-default", Fault{Kind: FaultMalformedChunk}, Length{}),
	)
	tests := []struct {
		name      string
		path      string
		status    bool   // a status line arrives
		chunked   bool   // Transfer-Encoding: chunked
		wantBody  string // exact bytes after the headers (or of the whole stream without status)
		wantReset bool   // the read ends with ECONNRESET, not EOF
	}{
		{"reset before status", "/reset-before", false, false, "", true},
		{"close before status", "/close-before", false, false, "", false},
		{"garbage before status", "/garbage-before", false, false, garbage, false},
		{"reset after headers", "/reset-headers", true, false, "", true},
		{"close after 300 body bytes", "/close-body", true, false, body[:300], false},
		{"reset after 300 body bytes", "/reset-body", true, false, body[:300], true},
		{"reset after whole chunked body", "/reset-after-all", true, true, "3e8\r\n" + body + "\r\n", true},
		{"malformed chunk after 10 bytes", "/malformed", true, true, "a\r\n" + body[:10] + "\r\n" + malformedChunk, false},
		{"malformed chunk right after headers", "/malformed-default", true, true, malformedChunk, false},
	}
	t.Run("wire", func(t *testing.T) { // returns once its parallel subtests are done
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				rc := dial(t, s, s.URLs().HTTP)
				rc.send("GET", "/c/f"+tc.path, nil, "")
				if tc.status {
					status, hdr := rc.head()
					if status != "HTTP/1.1 200 OK" {
						t.Fatalf("status %q", status)
					}
					te, _ := header(hdr, "Transfer-Encoding")
					if (te == "chunked") != tc.chunked {
						t.Fatalf("Transfer-Encoding %q, want chunked=%v", te, tc.chunked)
					}
				}
				got, err := rc.rest()
				if !strings.HasPrefix(string(got), tc.wantBody) || len(got) != len(tc.wantBody) {
					t.Errorf("got %q, want %q", got, tc.wantBody)
				}
				if isReset(err) != tc.wantReset || (!tc.wantReset && err != io.EOF) {
					t.Errorf("read ended with %v, want reset=%v", err, tc.wantReset)
				}
			})
		}
	})
	recs := awaitDone(t, s, "f", len(tests))
	for _, r := range recs {
		ev, ok := r.Event(EventFault)
		if !ok || r.Fault == "" || r.FaultAt.IsZero() {
			t.Errorf("%s: no fault recorded: %+v", r.Path, r)
			continue
		}
		if r.Path == "/reset-body" && (ev.Bytes != 300 || r.BytesSent != 300 || r.Fault != FaultReset) {
			t.Errorf("%s: fault event %+v, bytes sent %d", r.Path, ev, r.BytesSent)
		}
	}
}

func TestFaultsInsideTLS(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "tlsf",
		Route{Path: "/garbage", Response: Response{Fault: &Fault{Kind: FaultGarbage}}},
		Route{Path: "/reset", Response: Response{Body: Body{Text: "0123456789"}, Fault: &Fault{Kind: FaultReset, At: AtAfterBody, Bytes: 4}}},
	)
	t.Run("garbage is sent as TLS records", func(t *testing.T) {
		t.Parallel()
		rc := dial(t, s, s.URLs().HTTPS) // the handshake succeeds: the fault is inside TLS
		rc.send("GET", "/c/tlsf/garbage", nil, "")
		got, _ := rc.rest()
		if string(got) != garbage {
			t.Fatalf("decrypted %q, want the garbage payload", got)
		}
	})
	t.Run("reset under the TLS session", func(t *testing.T) {
		t.Parallel()
		rc := dial(t, s, s.URLs().HTTPS)
		rc.send("GET", "/c/tlsf/reset", nil, "")
		rc.head()
		got, err := rc.rest()
		if string(got) != "0123" || !isReset(err) {
			t.Fatalf("got %q, %v; want \"0123\" then a reset", got, err)
		}
	})
}

func TestFaultOverHTTP2AbortsStream(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "h2f", Route{Path: "/r", Response: Response{
		Body: Body{Text: "0123456789"}, Fault: &Fault{Kind: FaultReset, At: AtAfterBody, Bytes: 4},
	}})
	c := newClient(t, s, true)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URLs().HTTPS+"/c/h2f/r", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("proto %s, want HTTP/2", resp.Proto)
	}
	b, err := io.ReadAll(resp.Body)
	if err == nil || string(b) != "0123" {
		t.Fatalf("read %q, %v; want 4 bytes then a stream error", b, err)
	}
	r := awaitDone(t, s, "h2f", 1)[0]
	if r.Fault != FaultReset || r.Proto != "HTTP/2.0" {
		t.Fatalf("record %+v", r)
	}
}

func TestClientSeesFaultsAsErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "cf", Route{Path: "/m", Response: Response{Body: Body{Text: "abc"}, Fault: &Fault{Kind: FaultMalformedChunk}}})
	c := newClient(t, s, false)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/m", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	if err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("http.Client read a malformed chunk without error (%v)", err)
	}
}
