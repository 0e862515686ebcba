package mutants

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// session is a driver.Session broken by a variant. A pump goroutine reads
// the inner session's events, passes each through the variant and renumbers
// what comes out, so Seq stays 1, 2, 3... in delivery order; cancels report
// AfterSeq in that numbering.
type session struct {
	inner driver.Session
	v     Variant
	env   *env
	out   *driver.Queue
	done  chan struct{} // closed when the pump has returned

	mu       sync.Mutex    // guards everything below
	changed  chan struct{} // closed and replaced on every change
	inFlight int           // inner Calls not returned yet
	streams  map[string]*stream
	seqOf    map[int64]int64 // inner Seq -> last outer Seq once that event was passed
	passed   int64           // last inner Seq passed
	seq      int64           // last outer Seq assigned
}

// newSession wraps inner and starts the pump.
func newSession(inner driver.Session, v Variant, e *env) *session {
	s := &session{inner: inner, v: v, env: e, out: driver.NewQueue(), done: make(chan struct{}),
		changed: make(chan struct{}), streams: make(map[string]*stream), seqOf: make(map[int64]int64)}
	e.inject = s.inject
	go s.pump()
	return s
}

// signal wakes waiters; the lock must be held.
func (s *session) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Capabilities are the inner session's.
func (s *session) Capabilities() driver.Capabilities { return s.inner.Capabilities() }

// Logs are the inner session's.
func (s *session) Logs() []string { return s.inner.Logs() }

// Events returns the altered events.
func (s *session) Events() <-chan driver.Event { return s.out.Out() }

// Close closes the inner session; the pump then closes Events once the
// inner channel is drained.
func (s *session) Close(ctx context.Context) error {
	if s.v.h.close != nil {
		s.v.h.close(s.env)
	}
	if err := s.inner.Close(ctx); err != nil {
		return fmt.Errorf("close %s session: %w", s.v.Name, err)
	}
	return nil
}

// Call passes a copy of c through the variant's in hook, then makes it.
func (s *session) Call(ctx context.Context, c driver.Call) (string, error) {
	c.Params = copyTable(c.Params)
	if s.v.h.in != nil {
		s.v.h.in(s.env, &c)
	}
	fakeAt := ""
	if s.v.h.keepDelivering && c.CancelInListener != "" {
		fakeAt, c.CancelInListener = c.CancelInListener, ""
	}
	s.mu.Lock()
	s.inFlight++
	s.mu.Unlock()
	started := time.Now()
	h, err := s.inner.Call(ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if err == nil {
		st := s.streamLocked(h)
		st.call, st.fakeCancelAt, st.started = c, fakeAt, started
	}
	s.signal()
	return h, err // a *driver.RejectedError must reach the runner unwrapped
}

// streamLocked returns the handle's stream, creating it; the lock is held.
func (s *session) streamLocked(h string) *stream {
	st, ok := s.streams[h]
	if !ok {
		st = &stream{phases: make(map[string]int)}
		s.streams[h] = st
	}
	return st
}

// stream returns the stream of an event's handle. Events may arrive before
// Call has returned the handle, so it waits while calls are in flight and
// the handle is unknown.
func (s *session) stream(h string) *stream {
	for {
		s.mu.Lock()
		st, ok := s.streams[h]
		if ok || s.inFlight == 0 {
			if !ok {
				st = s.streamLocked(h)
			}
			s.mu.Unlock()
			return st
		}
		ch := s.changed
		s.mu.Unlock()
		<-ch
	}
}

// Cancel cancels through the inner session and maps its AfterSeq; a
// keepDelivering variant answers without cancelling.
func (s *session) Cancel(ctx context.Context, handle string) (driver.Cancelled, error) {
	if s.v.h.cancel != nil {
		s.mu.Lock()
		st, known := s.streams[handle]
		s.mu.Unlock()
		if known && s.v.h.cancel(s.env, st) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return driver.Cancelled{Returned: true, AfterSeq: s.seq}, nil
		}
	}
	if s.v.h.keepDelivering {
		s.mu.Lock()
		defer s.mu.Unlock()
		_, known := s.streams[handle]
		var ret any // nil for a handle the session never issued (C3)
		if known {
			ret = true
		}
		return driver.Cancelled{Returned: ret, AfterSeq: s.seq}, nil
	}
	c, err := s.inner.Cancel(ctx, handle)
	if err != nil {
		return c, fmt.Errorf("cancel %s: %w", s.v.Name, err)
	}
	if s.v.h.afterCancel != nil {
		s.mu.Lock()
		st, known := s.streams[handle]
		s.mu.Unlock()
		if known {
			s.v.h.afterCancel(s.env, st)
		}
	}
	c.AfterSeq, err = s.outerSeq(ctx, c.AfterSeq)
	if err != nil {
		return c, fmt.Errorf("cancel %s: %w", s.v.Name, err)
	}
	return c, nil
}

// outerSeq returns the outer Seq matching inner Seq n, once the pump has
// passed that event (every inner event up to n is already queued when the
// inner Cancel returns, so the wait is short).
func (s *session) outerSeq(ctx context.Context, n int64) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	for {
		s.mu.Lock()
		if s.passed >= n {
			o := s.seqOf[n]
			s.mu.Unlock()
			return o, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
			s.mu.Lock()
			o := s.seq
			s.mu.Unlock()
			return o, nil
		case <-ctx.Done():
			return 0, fmt.Errorf("map event number %d: %w", n, context.Cause(ctx))
		}
	}
}

// inject delivers ev, an inner event the variant held back (its Seq still
// the inner one), after the events delivered so far, numbered as the next;
// a cancel's AfterSeq past the inner event maps past it. It must be called
// before the session closes.
func (s *session) inject(ev driver.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner := ev.Seq
	s.seq++
	ev.Seq = s.seq
	s.seqOf[inner] = s.seq // a cancel after the inner event comes after this one
	s.out.Push(ev)
}

// pump alters, renumbers and queues the inner events until the inner
// channel closes, then lets the queue close Events.
func (s *session) pump() {
	defer s.out.Close()
	defer close(s.done)
	for ev := range s.inner.Events() {
		outs := s.alter(ev)
		s.mu.Lock()
		for i := range outs {
			s.seq++
			outs[i].Seq = s.seq
			if outs[i].Kind == driver.KindCancel && outs[i].Cancel != nil {
				c := *outs[i].Cancel
				if c.AfterSeq < 0 { // a fake in-listener cancel: after the event before it
					c.AfterSeq = s.seq - 1
				} else {
					c.AfterSeq = s.seqOf[c.AfterSeq]
				}
				outs[i].Cancel = &c
			}
		}
		s.out.Push(outs...)                            // under the lock, so pushes keep Seq order
		if _, injected := s.seqOf[ev.Seq]; !injected { // inject may have mapped a held event already
			s.seqOf[ev.Seq] = s.seq
		}
		s.passed = ev.Seq
		s.signal()
		s.mu.Unlock()
	}
}

// alter passes one inner event through the variant.
func (s *session) alter(ev driver.Event) []driver.Event {
	if ev.Kind != driver.KindEvent {
		return []driver.Event{ev}
	}
	st := s.stream(ev.Handle)
	ph := phase(ev)
	st.phases[ph]++
	outs := []driver.Event{ev}
	if s.v.h.out != nil {
		outs = s.v.h.out(s.env, st, ev)
	}
	if st.fakeCancelAt == ph && !st.fakeCancelled {
		st.fakeCancelled = true
		outs = append(outs, driver.Event{Kind: driver.KindCancel, Handle: ev.Handle, Time: time.Now(),
			Cancel: &driver.Cancelled{Returned: true, AfterSeq: -1}})
	}
	return outs
}

// phase returns an event's phase field.
func phase(ev driver.Event) string {
	p, _ := ev.Fields["phase"].(string)
	return p
}

// with returns a copy of ev with its fields copied and field k set to v.
func with(ev driver.Event, k string, v any) driver.Event {
	ev.Fields = maps.Clone(ev.Fields)
	if ev.Fields == nil {
		ev.Fields = make(map[string]any)
	}
	ev.Fields[k] = v
	return ev
}

// copyTable deep-copies a params table (maps and lists), so hooks never
// change the runner's own values.
func copyTable(t map[string]any) map[string]any {
	if t == nil {
		return nil
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return copyTable(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
