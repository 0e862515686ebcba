package impl

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// TestDoRunsBetweenListenerCalls: Do called while a listener runs waits for
// it, runs f on the dispatcher after it, and returns once f has run.
func TestDoRunsBetweenListenerCalls(t *testing.T) {
	t.Parallel()
	srv := newServer(t, fixedReply(200, "body"))
	e := newEngine(t)
	var order []string // only touched on the dispatcher
	blocked, release := make(chan struct{}), make(chan struct{})
	if _, err := e.Request(srv.URL, "GET", func(Event) {
		close(blocked)
		<-release
		order = append(order, "listener returned")
	}, nil); err != nil {
		t.Fatal(err)
	}
	recv(t, blocked)
	done := make(chan error)
	go func() { done <- e.Do(func() { order = append(order, "f") }) }()
	close(release)
	if err := recv(t, done); err != nil {
		t.Fatalf("Do = %v", err)
	}
	if want := []string{"listener returned", "f"}; !slices.Equal(order, want) { // Do's return orders this read
		t.Errorf("order %v, want %v", order, want)
	}
}

func TestDoAfterClose(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	ran := false
	if err := e.Do(func() { ran = true }); !errors.Is(err, ErrClosed) || ran {
		t.Errorf("Do after Close = %v (ran %v), want ErrClosed without running f", err, ran)
	}
}

// TestDoDroppedByStop: a Do still queued when the dispatcher stops returns
// false without running its function, and does not hang.
func TestDoDroppedByStop(t *testing.T) {
	t.Parallel()
	d := newDispatcher(0)
	queued := make(chan struct{}, 2)
	d.posted = func(delivery) { queued <- struct{}{} }
	inFirst, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		d.do(func() {
			close(inFirst)
			<-release
			// What stop does first, while the loop is busy here.
			d.mu.Lock()
			d.closed = true
			d.mu.Unlock()
		})
	})
	recv(t, inFirst)
	<-queued
	second := make(chan bool)
	ran := false
	go func() { second <- d.do(func() { ran = true }) }()
	recv(t, queued)
	close(release)
	if ok := recv(t, second); ok || ran {
		t.Errorf("queued do = %v (ran %v), want false without running f", ok, ran)
	}
	d.stop()
	wg.Wait()
}

// TestDoCancelIsExact: a cancel made inside Do from another goroutine falls
// between two deliveries: the listener got exactly what Do saw, and nothing
// after it (C1).
func TestDoCancelIsExact(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		for range 100000 { // streams until the client goes away
			if _, err := w.Write([]byte("0123456789")); err != nil || r.Context().Err() != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	quick := newServer(t, fixedReply(204, ""))
	e := newEngine(t, WithTimeScale(1e-6)) // a progress event per read (1 µs interval)
	for i := range 20 {
		r := newRecorder()
		third := make(chan struct{})
		delivered := 0 // only touched on the dispatcher
		r.onEv = func(Event) {
			delivered++
			if delivered == 3 {
				close(third)
			}
		}
		h, err := e.Request(srv.URL, "GET", r.listen, &Params{Progress: ProgressDownload, Timeout: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		recv(t, third)
		var seen int
		if err := e.Do(func() { e.Cancel(h); seen = delivered }); err != nil {
			t.Fatalf("Do = %v", err)
		}
		drain(t, e, quick.URL)
		if got := len(r.snapshot()); got != seen {
			t.Fatalf("round %d: %d events delivered, %d when the cancel ran (C1)", i, got, seen)
		}
	}
}
