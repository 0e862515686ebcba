package mockserver

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTLSListeners(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "", Route{Path: "/t", Response: Response{Body: Body{Text: "secure"}}})
	u := s.URLs()
	t.Run("trusted with HTTP/2", func(t *testing.T) {
		resp, body := get(t, newClient(t, s, true), u.HTTPS+"/t")
		if string(body) != "secure" || resp.ProtoMajor != 2 {
			t.Fatalf("%s %q", resp.Proto, body)
		}
	})
	t.Run("trusted via localhost and ::1", func(t *testing.T) {
		port := u.HTTPS[strings.LastIndex(u.HTTPS, ":")+1:]
		c := newClient(t, s, false)
		if _, body := get(t, c, "https://localhost:"+port+"/t"); string(body) != "secure" {
			t.Fatalf("localhost: %q", body)
		}
	})
	bad := []struct {
		name, url string
		want      func(error) bool
	}{
		{"untrusted", u.Untrusted, func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{"expired", u.Expired, func(err error) bool {
			var e x509.CertificateInvalidError
			return errors.As(err, &e) && e.Reason == x509.Expired
		}},
		{"wrong host", u.WrongHost, func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, s, false)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, tc.url+"/t", nil)
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("request succeeded")
			}
			if !tc.want(err) {
				t.Fatalf("error %v is not the expected certificate error", err)
			}
		})
	}
	t.Run("the CA is published", func(t *testing.T) {
		_, body := get(t, newClient(t, s, false), u.HTTP+"/__netconform/ca.pem")
		file, err := os.ReadFile(s.CAFile())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, s.CACertPEM()) || !bytes.Equal(file, s.CACertPEM()) || !strings.HasPrefix(string(body), "-----BEGIN CERTIFICATE-----") {
			t.Fatalf("ca.pem endpoint, file and CACertPEM differ")
		}
	})
}

func TestCloseRemovesCAFileAndEndsExchanges(t *testing.T) {
	t.Parallel()
	s, err := New(WithTimeScale(1))
	if err != nil {
		t.Fatal(err)
	}
	install(t, s, "slow", Route{Path: "/s", Response: Response{DelayHeaders: Duration(time.Hour)}})
	rc := dial(t, s, s.URLs().HTTP)
	rc.send("GET", "/c/slow/s", nil, "")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.Await(ctx, "slow", HasEvent(EventReceived)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // must not wait for the hour
		t.Fatal(err)
	}
	if _, err := os.Stat(s.CAFile()); !os.IsNotExist(err) {
		t.Fatalf("CA file still there: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := rc.rest(); err == nil {
		t.Fatal("connection still open")
	}
}

func TestMalformedRequestsGet400(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "", Route{Path: "/ok", Response: Response{Body: Body{Text: "fine"}}})
	for _, bad := range []string{
		"GARBAGE\r\n\r\n",
		"GET /ok HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
		"GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
	} {
		rc := dial(t, s, base)
		if _, err := io.WriteString(rc.c, bad); err != nil {
			t.Fatal(err)
		}
		if status, _ := rc.head(); !strings.HasPrefix(status, "HTTP/1.1 400") {
			t.Errorf("%q: status %q, want 400", bad, status)
		}
	}
	if _, body := get(t, newClient(t, s, false), base+"/ok"); string(body) != "fine" {
		t.Fatalf("server did not go on: %q", body)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var buf bytes.Buffer
	s := newServer(t, WithRequestLog(lockedWriter{&mu, &buf}))
	base := install(t, s, "log", Route{Path: "/x", Response: Response{Status: 418, Body: Body{Text: "tea"}}})
	get(t, newClient(t, s, false), base+"/x")
	get(t, newClient(t, s, false), base+"/missing")
	awaitDone(t, s, "log", 2)
	mu.Lock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	mu.Unlock()
	if len(lines) != 2 || !strings.Contains(lines[0], "http GET /c/log/x 418 bytes=3") ||
		!strings.Contains(lines[1], "GET /c/log/missing 404") || !strings.Contains(lines[1], "unmatched") {
		t.Fatalf("request log:\n%s", strings.Join(lines, "\n"))
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
