package impl

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestProgressGate(t *testing.T) {
	t.Parallel()
	const iv = time.Second
	t0 := time.Now()
	var g progressGate
	if !g.due(t0, iv) || !g.reserve(t0, iv) {
		t.Fatal("a fresh gate must let the first progress event through")
	}
	if g.due(t0.Add(time.Hour), iv) || g.reserve(t0.Add(time.Hour), iv) {
		t.Error("a second event was reserved while one is pending")
	}
	if !g.admit(t0, iv) {
		t.Fatal("the first event was not admitted")
	}
	g.delivered(t0)
	if g.due(t0.Add(iv-1), iv) || !g.due(t0.Add(iv), iv) {
		t.Error("due must open exactly one interval after the previous call returned")
	}
	if g.admit(t0.Add(iv-1), iv) {
		t.Error("an event one nanosecond early was admitted")
	}
	if !g.reserve(t0.Add(iv), iv) { // the refused admit freed the gate
		t.Error("the gate stayed pending after a dropped event")
	}
}

func TestDispatcherDropsEarlyProgress(t *testing.T) {
	t.Parallel()
	d := newDispatcher(time.Hour)
	t.Cleanup(d.stop)
	var (
		mu  sync.Mutex
		got []Phase
	)
	dropped := make(chan Event, 1)
	d.dropped = func(ev Event) { dropped <- ev }
	ended := make(chan struct{})
	l := func(ev Event) {
		mu.Lock()
		got = append(got, ev.Phase)
		mu.Unlock()
		if ev.Phase == Ended {
			close(ended)
		}
	}
	h := &Handle{}
	// Queued without reserving, as a transfer bypassing the gate would.
	d.post(h, l, Event{Phase: Progress, BytesTransferred: 1})
	d.post(h, l, Event{Phase: Progress, BytesTransferred: 2})
	d.post(h, l, Event{Phase: Ended, BytesTransferred: 3})
	recv(t, ended)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, []Phase{Progress, Ended}) {
		t.Errorf("delivered %v, want [progress ended]: the second progress is within the interval (E6)", got)
	}
	if ev := recv(t, dropped); ev.BytesTransferred != 2 {
		t.Errorf("dropped %+v, want the second progress event", ev)
	}
}

// TestProgressSpacedAtListener: a listener that is slow on began must not
// get progress events bunched up behind it. Every progress call starts at
// least the interval after the previous one, as the listener measures (E6).
func TestProgressSpacedAtListener(t *testing.T) {
	t.Parallel()
	const scale = 0.1
	iv := time.Duration(scale * float64(time.Second))
	const chunks, slowUntil = 24, 12
	sentMany := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		for i := range chunks {
			if i > 0 {
				select {
				case <-time.After(iv / 4): // a trickling server, part of the scenario
				case <-r.Context().Done():
					return
				}
			}
			_, _ = w.Write([]byte("0123456789"))
			w.(http.Flusher).Flush()
			if i == slowUntil {
				close(sentMany) // three intervals of body arrived while began blocks
			}
		}
	})
	e := newEngine(t, WithTimeScale(scale))
	r := newRecorder()
	var starts []time.Time // only touched on the dispatcher
	r.onEv = func(ev Event) {
		switch ev.Phase {
		case Began:
			recv(t, sentMany)
		case Progress:
			starts = append(starts, time.Now())
		}
	}
	if _, err := e.Request(srv.URL, "GET", r.listen, &Params{Progress: ProgressDownload}); err != nil {
		t.Fatal(err)
	}
	evs := r.wait(t)
	if ev := last(t, evs); ev.BytesTransferred != 10*chunks {
		t.Errorf("ended %+v, want all %d bytes", ev, 10*chunks)
	}
	if len(starts) < 2 {
		t.Fatalf("%d progress events over %v of body, want at least 2", len(starts), time.Duration(chunks)*iv/4)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < iv {
			t.Errorf("progress %d started %v after the previous one, want >= %v (E6)", i, gap, iv)
		}
	}
}
