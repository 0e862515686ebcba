package impl

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitLimit bounds every wait of a test; it is a safety net, not a timing assert.
const waitLimit = 20 * time.Second

// newEngine returns an engine on a fresh sandbox, closed at cleanup.
func newEngine(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	e, err := New(append([]Option{WithSandbox(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// withLog returns an option logging to a buffer, and the buffer.
func withLog() (Option, *logBuffer) {
	b := &logBuffer{}
	return WithLogger(slog.New(slog.NewTextHandler(b, nil))), b
}

// recorder collects a request's events.
type recorder struct {
	mu     sync.Mutex
	events []Event
	ended  chan struct{}
	onEv   func(Event) // optional, called on the dispatcher before recording
}

func newRecorder() *recorder { return &recorder{ended: make(chan struct{})} }

// listen is the Listener.
func (r *recorder) listen(ev Event) {
	if r.onEv != nil {
		r.onEv(ev)
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	if ev.Phase == Ended {
		close(r.ended)
	}
}

// snapshot returns the events so far.
func (r *recorder) snapshot() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// wait returns the events once ended arrived.
func (r *recorder) wait(t *testing.T) []Event {
	t.Helper()
	select {
	case <-r.ended:
	case <-time.After(waitLimit):
		t.Fatalf("no ended event; got %v", phases(r.snapshot()))
	}
	return r.snapshot()
}

// last returns the ended event after checking it is last and unique.
func last(t *testing.T, evs []Event) Event {
	t.Helper()
	for i, ev := range evs {
		if (ev.Phase == Ended) != (i == len(evs)-1) {
			t.Fatalf("phases %v: want exactly one ended, last", phases(evs))
		}
	}
	return evs[len(evs)-1]
}

// phases lists the phases of evs.
func phases(evs []Event) []Phase {
	p := make([]Phase, len(evs))
	for i, ev := range evs {
		p[i] = ev.Phase
	}
	return p
}

// do runs one request and returns its events.
func do(t *testing.T, e *Engine, url, method string, p *Params) []Event {
	t.Helper()
	r := newRecorder()
	h, err := e.Request(url, method, r.listen, p)
	if err != nil {
		t.Fatalf("Request: %v", err)
	}
	evs := r.wait(t)
	for _, ev := range evs {
		if ev.RequestID != h || ev.URL != url || ev.Name != EventName {
			t.Fatalf("event %+v: want requestId %v, url %q, name %q", ev, h, url, EventName)
		}
	}
	return evs
}

// newServer starts a loopback server, closed at cleanup.
func newServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// rawServer accepts connections on loopback and hands each to serve, for
// faults net/http cannot produce (resets, truncation, silence).
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 1000 {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				serve(c)
			})
		}
	})
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

// readFile returns a file's content, or "<missing>".
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dirNames lists a folder.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// recv receives from ch, failing the test after waitLimit.
func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("nothing received in %v", waitLimit)
		panic("unreachable")
	}
}
