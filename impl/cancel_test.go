package impl

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// stalling writes the headers and first bytes of a 1000-byte body, reports
// the client going away on gone, then stalls until it does.
func stalling(gone chan<- time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		gone <- time.Now()
	}
}

// drain waits until every event queued before now has been through the
// dispatcher, by queueing a request behind them and waiting for its end.
func drain(t *testing.T, e *Engine, url string) {
	t.Helper()
	do(t, e, url, "GET", nil)
}

func TestCancelFromListener(t *testing.T) {
	gone := make(chan time.Time, 1)
	srv := newServer(t, stalling(gone))
	quick := newServer(t, fixedReply(204, ""))
	e := newEngine(t)
	path := seed(t, e, "out.bin", "old")
	r := newRecorder()
	cancelledAt := make(chan time.Time, 1)
	r.onEv = func(ev Event) {
		if ev.Phase == Progress {
			cancelledAt <- time.Now()
			if !e.Cancel(ev.RequestID) { // C4: from inside the listener
				t.Error("Cancel = false")
			}
		}
	}
	if _, err := e.Request(srv.URL, "GET", r.listen, &Params{Progress: ProgressDownload,
		Response: &FileRef{Filename: "out.bin"}}); err != nil {
		t.Fatal(err)
	}
	var at time.Time
	select {
	case at = <-gone:
	case <-time.After(waitLimit):
		t.Fatal("server never saw the connection close (C2)")
	}
	if d := at.Sub(recv(t, cancelledAt)); d > 2*time.Second {
		t.Errorf("connection closed %v after cancel, want promptly (C2)", d)
	}
	drain(t, e, quick.URL)
	if got := phases(r.snapshot()); !slices.Equal(got, []Phase{Began, Progress}) {
		t.Errorf("phases %v, want nothing after the cancel (C1)", got)
	}
	if err := e.Close(); err != nil { // waits for the transfer to clean up
		t.Fatal(err)
	}
	if readFile(t, path) != "old" || !slices.Equal(dirNames(t, filepath.Dir(path)), []string{"out.bin"}) {
		t.Error("cancelled download changed the file or left a temporary file (F3, F4)")
	}
}

func TestCancelDropsQueuedEvents(t *testing.T) {
	srv := newServer(t, fixedReply(200, "body"))
	e := newEngine(t)
	// Block the dispatcher inside a first listener.
	blocked, release := make(chan struct{}), make(chan struct{})
	if _, err := e.Request(srv.URL, "GET", func(Event) { close(blocked); <-release }, nil); err != nil {
		t.Fatal(err)
	}
	recv(t, blocked)
	// A second request ends completely while the dispatcher is blocked.
	queued := make(chan struct{})
	target := newRecorder()
	var h *Handle
	hReady := make(chan struct{})
	e.disp.mu.Lock()
	e.disp.posted = func(dv delivery) {
		<-hReady
		if dv.ev.RequestID == h && dv.ev.Phase == Ended {
			close(queued)
		}
	}
	e.disp.mu.Unlock()
	h, err := e.Request(srv.URL, "GET", target.listen, &Params{Progress: ProgressDownload})
	if err != nil {
		t.Fatal(err)
	}
	close(hReady)
	recv(t, queued)
	if !e.Cancel(h) {
		t.Fatal("Cancel = false")
	}
	close(release)
	drain(t, e, srv.URL)
	if evs := target.snapshot(); len(evs) != 0 {
		t.Errorf("got %v after cancel, want no event, not even the queued ones (C1)", phases(evs))
	}
}

func TestCancelBeforeResponse(t *testing.T) {
	gone := make(chan time.Time, 1)
	arrived := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		gone <- time.Now()
	})
	quick := newServer(t, fixedReply(204, ""))
	e := newEngine(t)
	r := newRecorder()
	h, err := e.Request(srv.URL, "GET", r.listen, nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, arrived)
	if !e.Cancel(h) {
		t.Fatal("Cancel = false")
	}
	recv(t, gone)
	drain(t, e, quick.URL)
	if evs := r.snapshot(); len(evs) != 0 {
		t.Errorf("got %v after cancel, want nothing", phases(evs))
	}
}

func TestCloseStopsRequests(t *testing.T) {
	gone := make(chan time.Time, 1)
	srv := newServer(t, stalling(gone))
	e, err := New(WithSandbox(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	began := make(chan struct{})
	r.onEv = func(ev Event) {
		if ev.Phase == Began {
			close(began)
		}
	}
	if _, err := e.Request(srv.URL, "GET", r.listen, &Params{Progress: ProgressDownload}); err != nil {
		t.Fatal(err)
	}
	recv(t, began)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	recv(t, gone)
	for _, ev := range r.snapshot() {
		if ev.Phase == Ended {
			t.Errorf("ended delivered after Close: %+v", ev)
		}
	}
}

// TestCancelBeforeRenameKeepsFile cancels after the last byte arrived and
// after the transfer last looked at its context, right before the response
// file is renamed into place: once Cancel has returned, the old file must
// stay, no temporary file may remain and no event may come (C1, F3, F4).
func TestCancelBeforeRenameKeepsFile(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "new content") })
	e, err := New(WithSandbox(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() }) // a second Close does nothing
	hooked := make(chan bool, 1)
	e.beforeCommit = func(h *Handle) { hooked <- e.Cancel(h) }
	path := seed(t, e, "out.txt", "old")
	r := newRecorder()
	if _, err := e.Request(srv.URL, "GET", r.listen, &Params{Response: &FileRef{Filename: "out.txt"}}); err != nil {
		t.Fatal(err)
	}
	if !recv(t, hooked) {
		t.Fatal("Cancel returned false for a live handle")
	}
	if err := e.Close(); err != nil { // waits for the transfer and the dispatcher
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
		t.Errorf("destination %q, %v after a cancel; want the old content (F3)", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.part")); len(left) != 0 {
		t.Errorf("temporary files left: %v (F4)", left)
	}
	if evs := r.snapshot(); len(evs) != 0 {
		t.Errorf("events after cancel: %v (C1)", phases(evs))
	}
}
