package serve

import (
	"context"
	"net"
	"net/http"
	"testing"
)

// TestUntilStopsWithItsContext serves one request, then cancels: Until must
// return nil once the server is closed.
func TestUntilStopsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	go func() { done <- Until(ctx, srv, ln) }()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Until = %v, want nil after cancel", err)
	}
}

// TestUntilReportsServeError: a listener that is already closed ends Serve
// at once, and Until says so.
func TestUntilReportsServeError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	if err := Until(t.Context(), &http.Server{}, ln); err == nil {
		t.Fatal("Until on a closed listener = nil, want the serve error")
	}
}
