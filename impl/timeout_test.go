package impl

import (
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// silent answers nothing until the client goes away.
func silent(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestTimeout(t *testing.T) {
	const scale = 0.01
	tests := []struct {
		name    string
		timeout float64
		min     time.Duration // lower bound of the scaled timeout
		max     time.Duration // generous sanity limit
	}{
		{"given in seconds (T1)", 2, 20 * time.Millisecond, 5 * time.Second},
		{"zero means 30 (T3)", 0, 300 * time.Millisecond, 10 * time.Second},
		{"negative means 30 (T3)", -1, 300 * time.Millisecond, 10 * time.Second},
		{"fractions honoured (T3)", 0.5, 5 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, silent)
			e := newEngine(t, WithTimeScale(scale))
			start := time.Now()
			ev := last(t, do(t, e, srv.URL, "GET", &Params{Timeout: tc.timeout}))
			el := time.Since(start)
			if !ev.IsError || ev.Status != -1 || !strings.Contains(ev.Response.Text, "timed out") {
				t.Errorf("ended %+v, want a timeout error", ev)
			}
			if el < tc.min || el > tc.max {
				t.Errorf("took %v, want between %v and %v", el, tc.min, tc.max)
			}
		})
	}
}

func TestTimeoutMidBody(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Header().Set("X-Seen", "yes")
		_, _ = io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	e := newEngine(t, WithTimeScale(0.01))
	path := seed(t, e, "out.bin", "old")
	evs := do(t, e, srv.URL, "GET", &Params{Timeout: 1, Progress: ProgressDownload, Response: &FileRef{Filename: "out.bin"}})
	ev := last(t, evs)
	if !ev.IsError || ev.Status != 200 || ev.ResponseHeaders["X-Seen"] != "yes" || ev.BytesTransferred != 5 ||
		!strings.Contains(ev.Response.Text, "timed out") {
		t.Errorf("ended %+v, want a timeout with the status and headers that arrived (E9)", ev)
	}
	if evs[0].Phase != Began {
		t.Errorf("phases %v, want began first", phases(evs))
	}
	if readFile(t, path) != "old" || len(dirNames(t, strings.TrimSuffix(path, "/out.bin"))) != 1 {
		t.Errorf("file or folder changed by a timed-out download (F3, F4)")
	}
}

func TestTimeoutIsIdleNotTotal(t *testing.T) {
	// Idle timeout 150 ms; the body arrives in 8 chunks 30 ms apart (240 ms in total) (T2).
	srv := newServer(t, chunked(8, 10, 30*time.Millisecond, true))
	e := newEngine(t, WithTimeScale(0.1))
	start := time.Now()
	ev := last(t, do(t, e, srv.URL, "GET", &Params{Timeout: 1.5}))
	if el := time.Since(start); el < 210*time.Millisecond {
		t.Fatalf("took %v, want >= 210ms for the test to mean anything", el)
	}
	if ev.IsError || ev.BytesTransferred != 80 {
		t.Errorf("ended %+v, want success: the timeout bounds idle time only", ev)
	}
}

// smallBufListener shrinks the receive buffer of accepted connections, so
// that a slow reader really slows the sender down.
type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		_ = c.(*net.TCPConn).SetReadBuffer(256 << 10)
	}
	return c, err
}

func TestTimeoutIsIdleForUploads(t *testing.T) {
	// The server reads 128 KiB every 10 ms: 8 MiB take ~650 ms, the idle timeout is 150 ms (T2).
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 128<<10)
		for range 1 << 10 {
			if _, err := io.ReadFull(r.Body, buf); err != nil {
				break
			}
			select {
			case <-time.After(10 * time.Millisecond): // a slow reader, part of the scenario
			case <-r.Context().Done():
				return
			}
		}
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Listener = smallBufListener{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	dialer := &net.Dialer{}
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err == nil {
			_ = c.(*net.TCPConn).SetWriteBuffer(256 << 10)
		}
		return c, err
	}}
	e := newEngine(t, WithTimeScale(0.1), WithTransport(tr))
	start := time.Now()
	ev := last(t, do(t, e, srv.URL, "POST", &Params{Timeout: 1.5, BodyType: BodyBinary,
		Body: &Body{Data: strings.Repeat("b", 8<<20)}}))
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("upload took %v, want >= 300ms for the test to mean anything", el)
	}
	if ev.IsError || ev.Response.Text != "ok" {
		t.Errorf("ended %+v (%q), want success", ev, ev.Response.Text)
	}
}

func TestTimeoutDuringTLSHandshake(t *testing.T) {
	// The server accepts and says nothing: the wait for the handshake is bounded too.
	addr := rawServer(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	e := newEngine(t, WithTimeScale(0.01))
	ev := last(t, do(t, e, "https://"+addr+"/", "GET", &Params{Timeout: 1}))
	if !ev.IsError || ev.Status != -1 || !strings.Contains(ev.Response.Text, "timed out") {
		t.Errorf("ended %+v, want a timeout", ev)
	}
}

// TestTimeoutHuge checks that a timeout too long for a time.Duration means
// "practically never" rather than overflowing into an instant timeout (T1, T3).
func TestTimeoutHuge(t *testing.T) {
	for _, secs := range []float64{1e10, 1e12, 1e300} {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
		e := newEngine(t)
		if ev := last(t, do(t, e, srv.URL, "GET", &Params{Timeout: secs})); ev.IsError || ev.Response.Text != "ok" {
			t.Errorf("timeout %g: ended %+v, want the body", secs, ev)
		}
	}
	if d := (&Engine{scale: 1}).scaled(math.MaxFloat64); d != math.MaxInt64 {
		t.Errorf("scaled(MaxFloat64) = %v, want the longest Duration", d)
	}
}
