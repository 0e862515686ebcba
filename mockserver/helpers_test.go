package mockserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testScale keeps scenario durations short in tests: 1s lasts 100ms.
const testScale = 0.1

// newServer starts a server for one test and closes it at cleanup.
func newServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return s
}

// install installs routes under ns and returns the namespace base URL on the
// plain HTTP listener.
func install(t testing.TB, s *Server, ns string, routes ...Route) string {
	t.Helper()
	if err := s.Install(ns, Scenario{Routes: routes}); err != nil {
		t.Fatalf("install: %v", err)
	}
	return s.URLs().HTTP + NamespacePath(ns)
}

// newClient returns a client with its own transport that trusts the
// server's CA and does not follow redirects.
func newClient(t *testing.T, s *Server, h2 bool) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CACertPool()}, ForceAttemptHTTP2: h2}
	if !h2 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// get does a GET and returns the response with its body read.
func get(t *testing.T, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp, b
}

// rawConn is a hand-driven HTTP/1.1 client connection, for what http.Client
// hides (resets, lying lengths, chunk timing).
type rawConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

// dial opens a raw connection to a base URL ("http://host:port" or https).
func dial(t testing.TB, s *Server, base string) *rawConn {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	var c net.Conn
	if u.Scheme == "https" {
		c, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{RootCAs: s.CACertPool(), NextProtos: []string{"http/1.1"}}}).
			DialContext(t.Context(), "tcp", u.Host)
	} else {
		c, err = d.DialContext(t.Context(), "tcp", u.Host)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", base, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second)) // a hung test fails instead of hanging
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

// send writes a request: the request line, Host, extra header lines and body.
func (r *rawConn) send(method, path string, headers []string, body string) {
	r.t.Helper()
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: test\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n" + body)
	if _, err := io.WriteString(r.c, b.String()); err != nil {
		r.t.Fatalf("send: %v", err)
	}
}

// head reads the status line and header lines, up to the blank line.
func (r *rawConn) head() (status string, hdr []string) {
	r.t.Helper()
	status, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read status line: %v (got %q)", err, status)
	}
	for range 200 {
		line, err := r.br.ReadString('\n')
		if err != nil {
			r.t.Fatalf("read header: %v", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return strings.TrimRight(status, "\r\n"), hdr
		}
		hdr = append(hdr, line)
	}
	r.t.Fatal("too many header lines")
	return "", nil
}

// rest reads until the connection ends and returns what came and the error
// that ended it (io.EOF for a clean close).
func (r *rawConn) rest() ([]byte, error) {
	b, err := io.ReadAll(r.br)
	if err == nil {
		err = io.EOF
	}
	return b, err
}

// header returns the value of the first header line named name.
func header(hdr []string, name string) (string, bool) {
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ":")
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// isReset reports whether err is a connection reset.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET)
}

// awaitDone waits until n records of ns are done and returns the journal.
func awaitDone(t *testing.T, s *Server, ns string, n int) []Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.Await(ctx, ns, DoneCount(n)); err != nil {
		t.Fatalf("await %d done in %q: %v (journal has %d records)", n, ns, err, len(s.Journal(ns)))
	}
	return s.Journal(ns)
}

// ms is a Duration of n milliseconds.
func ms(n int) Duration { return Duration(time.Duration(n) * time.Millisecond) }
