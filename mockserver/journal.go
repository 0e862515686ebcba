package mockserver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// ErrClosed is returned by Await and Install once the server is closed.
var ErrClosed = errors.New("mockserver: server closed")

// maxChunkEvents caps the bodyChunk and requestRead events of one record;
// past it the last such event keeps being updated.
const maxChunkEvents = 1024

// space is one namespace: its routes, call counters and journal.
type space struct {
	ns string

	mu      sync.Mutex    // guards the fields below
	routes  []*routeState // nil when no scenario is installed
	records []*Record     // arrival order, at most limit
	changed chan struct{} // closed and replaced on every change
	limit   int
	chunks  map[*Record]int // chunk events per record in progress
}

func newSpace(ns string, limit int) *space {
	return &space{ns: ns, changed: make(chan struct{}), limit: limit, chunks: map[*Record]int{}}
}

// notifyLocked wakes every Await on the space; sp.mu must be held.
func (sp *space) notifyLocked() {
	close(sp.changed)
	sp.changed = make(chan struct{})
}

// add appends a new record and returns it; the record is then only changed
// through event and update, under sp.mu.
func (sp *space) add(r *Record) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.limit > 0 && len(sp.records) >= sp.limit {
		drop := len(sp.records) - sp.limit + 1
		for _, old := range sp.records[:drop] {
			delete(sp.chunks, old)
		}
		sp.records = slices.Delete(sp.records, 0, drop)
	}
	sp.records = append(sp.records, r)
	sp.notifyLocked()
}

// event appends an event to r's timeline (chunk events are capped) and
// lets fn update r's fields, both under the lock, then wakes waiters.
func (sp *space) event(r *Record, ev Event, fn func(*Record)) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.eventLocked(r, ev, fn)
	sp.notifyLocked()
}

// eventQuiet is event without waking waiters; the caller calls notify later.
func (sp *space) eventQuiet(r *Record, ev Event, fn func(*Record)) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.eventLocked(r, ev, fn)
}

// notify wakes every Await on the space.
func (sp *space) notify() {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.notifyLocked()
}

func (sp *space) eventLocked(r *Record, ev Event, fn func(*Record)) {
	if ev.Kind == EventBodyChunk || ev.Kind == EventRequestRead {
		n := sp.chunks[r]
		last := len(r.Events) - 1
		if n >= maxChunkEvents && last >= 0 && r.Events[last].Kind == ev.Kind {
			r.Events[last] = ev
		} else {
			r.Events = append(r.Events, ev)
			sp.chunks[r] = n + 1
		}
	} else if ev.Kind != "" {
		r.Events = append(r.Events, ev)
	}
	if fn != nil {
		fn(r)
	}
	if ev.Kind == EventDone {
		delete(sp.chunks, r)
	}
}

// snapshot returns deep copies of the records and the current change channel.
func (sp *space) snapshot() ([]Record, <-chan struct{}) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	out := make([]Record, len(sp.records))
	for i, r := range sp.records {
		out[i] = r.clone()
	}
	return out, sp.changed
}

func (r *Record) clone() Record {
	c := *r
	c.Headers = r.Headers.Clone()
	c.RequestHead = slices.Clone(r.RequestHead)
	c.Events = slices.Clone(r.Events)
	return c
}

// space returns the namespace's space, creating it if needed; nil once the
// server is closed.
func (s *Server) space(ns string) *space {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	sp, ok := s.spaces[ns]
	if !ok {
		sp = newSpace(ns, s.cfg.journalCap)
		s.spaces[ns] = sp
	}
	return sp
}

// Journal returns copies of the records of namespace ns, in arrival order
// (oldest first). Records of exchanges still in progress are included, with a
// zero Done.
func (s *Server) Journal(ns string) []Record {
	s.mu.Lock()
	sp := s.spaces[ns]
	s.mu.Unlock()
	if sp == nil {
		return []Record{}
	}
	recs, _ := sp.snapshot()
	return recs
}

// Await blocks until cond, called with a fresh Journal(ns) at the start and
// after every change to that journal (a new record, or a new event on one),
// returns true. It returns nil then, the context's cause (wrapped) if ctx ends
// first, or ErrClosed if the server closes. cond runs on the caller's
// goroutine and must not call back into the server.
func (s *Server) Await(ctx context.Context, ns string, cond func([]Record) bool) error {
	for {
		sp := s.space(ns)
		if sp == nil {
			return ErrClosed
		}
		recs, changed := sp.snapshot()
		if cond(recs) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("await journal %q: %w", ns, context.Cause(ctx))
		case <-s.done:
			return ErrClosed
		}
	}
}

// HasEvent returns an Await condition that holds once some record has an
// event of the given kind.
func HasEvent(kind string) func([]Record) bool {
	return func(recs []Record) bool {
		for _, r := range recs {
			for _, e := range r.Events {
				if e.Kind == kind {
					return true
				}
			}
		}
		return false
	}
}

// DoneCount returns an Await condition that holds once at least n records
// are done.
func DoneCount(n int) func([]Record) bool {
	return func(recs []Record) bool {
		done := 0
		for _, r := range recs {
			if !r.Done.IsZero() {
				done++
			}
		}
		return done >= n
	}
}

// Event returns the first event of the given kind and true, or a zero Event
// and false.
func (r Record) Event(kind string) (Event, bool) {
	for _, e := range r.Events {
		if e.Kind == kind {
			return e, true
		}
	}
	return Event{}, false
}

// EventsOf returns the events of the given kind, in order.
func (r Record) EventsOf(kind string) []Event {
	var out []Event
	for _, e := range r.Events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Remove deletes the routes and the journal of namespace ns; requests to it
// then get 404s (and start a new journal).
func (s *Server) Remove(ns string) {
	s.mu.Lock()
	sp := s.spaces[ns]
	delete(s.spaces, ns)
	s.mu.Unlock()
	if sp != nil {
		sp.mu.Lock()
		sp.notifyLocked() // waiters re-fetch the (new) space
		sp.mu.Unlock()
	}
}

// namespaces returns the names of the known namespaces, sorted.
func (s *Server) namespaces() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.spaces))
}

// now is the timestamp used in records: wall clock without the monotonic
// reading, so records compare and serialise stably.
func now() time.Time { return time.Now().Round(0) }
