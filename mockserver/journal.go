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
	records []slot        // at most limit; a ring once full, the oldest at records[oldest]
	oldest  int
	changed chan struct{} // nil until a waiter needs it; closed and cleared on the next change
	limit   int
}

func newSpace(ns string, limit int) *space {
	return &space{ns: ns, limit: limit}
}

// notifyLocked wakes every Await on the space; sp.mu must be held. It costs
// nothing when nobody waits.
func (sp *space) notifyLocked() {
	if sp.changed != nil {
		close(sp.changed)
		sp.changed = nil
	}
}

// slot is one record of the journal: live while its exchange runs, packed
// (see pack.go) once it is done.
type slot struct {
	live   *entry // nil once packed
	packed []byte // never changed once set
}

// add appends a new record and routes its request (see matchLocked) under
// one lock; the record is then only changed through event, under sp.mu.
func (sp *space) add(r *entry, method, path string) (match, bool) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	defer sp.notifyLocked()
	sp.append(r)
	return sp.matchLocked(method, path, &r.rec)
}

// append adds r to the records; sp.mu must be held.
func (sp *space) append(r *entry) {
	if sp.limit > 0 && len(sp.records) >= sp.limit {
		// Full: overwrite the oldest (O(1); shifting the slice cost a
		// copy of every pointer per request).
		r.slot = sp.oldest
		sp.records[sp.oldest] = slot{live: r}
		sp.oldest = (sp.oldest + 1) % len(sp.records)
	} else {
		r.slot = len(sp.records)
		sp.records = append(sp.records, slot{live: r})
	}
}

// store replaces the done entry r by its packed form p (unless newer
// records pushed it out of the ring meanwhile) and wakes waiters.
func (sp *space) store(r *entry, p []byte) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if r.slot < len(sp.records) && sp.records[r.slot].live == r {
		sp.records[r.slot] = slot{packed: p}
	}
	sp.notifyLocked()
}

// event appends evs to r's timeline and lets fn (if not nil) update r's
// fields, both under the lock, then wakes waiters. chunks counts the
// bodyChunk and requestRead events of r so far (the caller's counter, also
// guarded by the lock); past maxChunkEvents the last such event is updated
// instead of appended.
func (sp *space) event(r *Record, chunks *int, fn func(*Record), evs ...Event) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.eventLocked(r, chunks, fn, evs)
	sp.notifyLocked()
}

// eventQuiet is event without waking waiters; the caller wakes them later
// (store does).
func (sp *space) eventQuiet(r *Record, chunks *int, fn func(*Record), evs ...Event) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.eventLocked(r, chunks, fn, evs)
}

func (sp *space) eventLocked(r *Record, chunks *int, fn func(*Record), evs []Event) {
	for _, ev := range evs {
		if ev.Kind == EventBodyChunk || ev.Kind == EventRequestRead {
			last := len(r.Events) - 1
			if *chunks >= maxChunkEvents && last >= 0 && r.Events[last].Kind == ev.Kind {
				r.Events[last] = ev
				continue
			}
			*chunks++
		}
		r.Events = append(r.Events, ev)
	}
	if fn != nil {
		fn(r)
	}
}

// snapshot returns deep copies of the records and, if watch is set, a
// channel closed on the next change.
func (sp *space) snapshot(watch bool) ([]Record, <-chan struct{}) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	out := make([]Record, 0, len(sp.records))
	for _, s := range sp.records[sp.oldest:] {
		out = append(out, s.record())
	}
	for _, s := range sp.records[:sp.oldest] {
		out = append(out, s.record())
	}
	if !watch {
		return out, nil
	}
	if sp.changed == nil {
		sp.changed = make(chan struct{})
	}
	return out, sp.changed
}

// record returns a copy of the slot's record, unpacking it if needed.
func (s slot) record() Record {
	if s.live != nil {
		return s.live.record()
	}
	r, err := unpackRecord(string(s.packed))
	if err != nil { // cannot happen: packEntry wrote it
		return Record{Route: -1, Error: "journal: " + err.Error()}
	}
	return r
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
	return s.spaceLocked(ns)
}

// spaceLocked is space with s.mu held and the server open.
func (s *Server) spaceLocked(ns string) *space {
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
	recs, _ := sp.snapshot(false)
	// After the snapshot: a record done in it had its log line queued
	// under the same lock (see exchange.finish), so it is written now.
	s.syncLog()
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
		recs, changed := sp.snapshot(true)
		s.syncLog() // a done record's log line is written once cond sees it (see Journal)
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
