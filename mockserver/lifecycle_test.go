package mockserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// mustPanic runs f and returns what it panicked with, failing if it did not.
func mustPanic(t *testing.T, what string, f func()) (v any) {
	t.Helper()
	defer func() {
		v = recover()
		if v == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
	return nil
}

// TestUnstartedServer configures a server before Start (a scenario and a
// TLS 1.3 floor), then checks the listeners, and the misuse panics.
func TestUnstartedServer(t *testing.T) {
	t.Parallel()
	s := NewUnstarted()
	t.Cleanup(func() { _ = s.Close() })
	if u := s.URLs(); u != (URLs{}) {
		t.Errorf("URLs before Start = %+v, want none", u)
	}
	if v := mustPanic(t, "Client before Start", func() { s.Client() }); v != nil && !strings.Contains(v.(string), "before Start") {
		t.Errorf("Client before Start panicked with %v", v)
	}
	if err := s.Install("early", Scenario{Routes: []Route{{Path: "/t", Response: Response{Body: Body{Text: "{{ns}}"}}}}}); err != nil {
		t.Fatalf("install before Start: %v", err)
	}
	s.TLS = &tls.Config{MinVersion: tls.VersionTLS13}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if v := mustPanic(t, "second Start", func() { _ = s.Start() }); v != "mockserver: already started" {
		t.Errorf("second Start panicked with %v, want \"mockserver: already started\"", v)
	}
	if _, body := get(t, s.Client(), s.URLs().HTTPS+NamespacePath("early")+"/t"); string(body) != "/c/early" {
		t.Errorf("scenario installed before Start served %q, want its templates expanded", body)
	}
	old := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CACertPool(), MaxVersion: tls.VersionTLS12}}
	t.Cleanup(old.CloseIdleConnections)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URLs().HTTPS+"/c/early/t", nil)
	if resp, err := (&http.Client{Transport: old}).Do(req); err == nil {
		resp.Body.Close()
		t.Error("a TLS 1.2 client got through, want the TLS field's TLS 1.3 floor applied")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	mustPanic(t, "Start after Close", func() { _ = s.Start() })
}

// TestCloseUnstarted closes a server that never started.
func TestCloseUnstarted(t *testing.T) {
	t.Parallel()
	s := NewUnstarted()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Install("x", Scenario{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Install after Close: %v, want ErrClosed", err)
	}
}

// TestClientTrustsTheCA checks that Client reaches the trusted listener
// over HTTP/2 and rejects the untrusted one, and that Certificate is the CA
// to trust.
func TestClientTrustsTheCA(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	install(t, s, "", Route{Path: "/t", Response: Response{Body: Body{Text: "secure"}}})
	resp, body := get(t, s.Client(), s.URLs().HTTPS+"/t")
	if string(body) != "secure" || resp.ProtoMajor != 2 {
		t.Fatalf("Client: %s %q, want HTTP/2 and the body", resp.Proto, body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URLs().Untrusted+"/t", nil)
	var unknown x509.UnknownAuthorityError
	if resp, err := s.Client().Do(req); !errors.As(err, &unknown) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("Client to the untrusted listener: %v, want an unknown authority", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	if _, body := get(t, &http.Client{Transport: tr}, s.URLs().HTTPS+"/t"); string(body) != "secure" {
		t.Fatalf("a pool of Certificate(): %q", body)
	}
	if !s.Certificate().IsCA {
		t.Error("Certificate is not the CA certificate")
	}
}

// warnings is a slog handler that sends each warn record's message and
// attributes to a channel.
type warnings chan string

func (w warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w warnings) WithAttrs([]slog.Attr) slog.Handler           { return w }
func (w warnings) WithGroup(string) slog.Handler                { return w }
func (w warnings) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	select {
	case w <- b.String():
	default:
	}
	return nil
}

// TestCloseLogsStuckConnections holds a connection open past Close (as
// net/http would for one whose goroutine has not ended: it is registered
// through connState and never closed) with the wait shortened to 20ms:
// Close must log a line naming it, then return once it ends.
func TestCloseLogsStuckConnections(t *testing.T) {
	t.Parallel()
	logged := make(warnings, 8)
	s := NewUnstarted(WithLogger(slog.New(logged)))
	s.cfg.stuckAfter = 20 * time.Millisecond
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s.connState(conn, http.StateNew)
	s.connState(conn, http.StateActive)

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case line := <-logged:
		if !strings.Contains(line, conn.RemoteAddr().String()) || !strings.Contains(line, "active") {
			t.Errorf("stuck-connection line %q does not name %s in state active", line, conn.RemoteAddr())
		}
	case err := <-closed:
		t.Fatalf("Close returned (%v) with a connection still open", err)
	case <-time.After(10 * time.Second):
		t.Error("no stuck-connection line within 10s")
	}
	s.connState(conn, http.StateClosed) // net/http's goroutine ends
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}
