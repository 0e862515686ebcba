package mockserver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Await and Install once the server is closed.
var ErrClosed = errors.New("mockserver: server closed")

// maxChunkEvents caps the bodyChunk and requestRead events of one record;
// past it the last such event keeps being updated.
const maxChunkEvents = 1024

// space is one namespace: its routes, call counters and journal.
type space struct {
	ns     string
	budget *budget // the server's; shared by every space

	mu       sync.Mutex    // guards the fields below (bytes is written under it too)
	routes   []*routeState // nil when no scenario is installed
	settings *nsSettings   // what the last Install set; nil before one
	records  []slot        // oldest first; records[i] is at position first+i
	first    int64         // the position of records[0]: records before it were dropped or cleared
	dropped  int64         // records dropped by the budgets since the last reset
	changed  chan struct{} // nil until a waiter needs it; closed and cleared on the next change
	gone     bool          // removed from the server's map: keeps nothing, waiters re-fetch

	bytes atomic.Int64 // what records cost (see cost); read without mu by the total trim
	users atomic.Int32 // handlers serving a request in the space (added under Server.mu)
}

// budget is the journal's limits and the bytes all spaces hold.
type budget struct {
	records int   // per namespace; <= 0: no limit
	nsBytes int64 // per namespace; <= 0: no limit
	total   int64 // all namespaces; <= 0: no limit
	held    atomic.Int64
}

// The cost of a record, counted against the budgets, approximates the memory
// it holds: its packed bytes once done (see pack.go), and before that its
// request headers (net/http's map, which the entry shares) plus the entry.
const (
	liveOverhead   = 1 << 10 // an entry with its first events
	packedOverhead = 64      // the slot and the slice header
)

func newSpace(ns string, b *budget) *space {
	return &space{ns: ns, budget: b}
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
	cost   int64
}

// add appends a new record and routes its request (see matchLocked) under
// one lock; the record is then only changed through event, under sp.mu.
// The caller trims the journals afterwards (Server.trimJournals).
func (sp *space) add(r *entry, method, path string) (match, bool) {
	cost := liveOverhead + int64(len(r.host)+len(r.rec.FullPath)+len(r.rec.Query)+len(r.rec.RemoteAddr))
	for k, vv := range r.hdr { // read only, as the entry reads it
		for _, v := range vv {
			cost += int64(len(k) + len(v) + 4)
		}
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	defer sp.notifyLocked()
	if !sp.gone { // a request that raced Remove: routed, not kept
		r.pos = sp.first + int64(len(sp.records))
		sp.records = append(sp.records, slot{live: r, cost: cost})
		sp.charge(cost)
		sp.trimLocked()
	}
	return sp.matchLocked(method, path, &r.rec)
}

// charge counts d more bytes held by the space (and the server); sp.mu must
// be held.
func (sp *space) charge(d int64) {
	sp.bytes.Add(d)
	sp.budget.held.Add(d)
}

// trimLocked drops the oldest records while the space holds more than its
// budgets allow, always keeping the newest; sp.mu must be held.
func (sp *space) trimLocked() {
	b := sp.budget
	for len(sp.records) > 1 && (b.records > 0 && len(sp.records) > b.records || b.nsBytes > 0 && sp.bytes.Load() > b.nsBytes) {
		sp.dropOldestLocked()
	}
}

// dropOldestLocked drops the oldest record and counts it; sp.mu must be held.
func (sp *space) dropOldestLocked() {
	sp.charge(-sp.records[0].cost)
	sp.records[0] = slot{} // let the collector have it (the array's head stays until append moves it)
	sp.records = sp.records[1:]
	sp.first++
	sp.dropped++
}

// clearLocked forgets every record (not counted as dropped); sp.mu must be
// held.
func (sp *space) clearLocked() {
	sp.charge(-sp.bytes.Load())
	sp.first += int64(len(sp.records))
	sp.records = nil
}

// store replaces the done entry r by its packed form p (unless the budgets
// dropped it meanwhile) and wakes waiters.
func (sp *space) store(r *entry, p []byte) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if i := r.pos - sp.first; i >= 0 && i < int64(len(sp.records)) && sp.records[i].live == r {
		cost := int64(cap(p)) + packedOverhead
		sp.charge(cost - sp.records[i].cost)
		sp.records[i] = slot{packed: p, cost: cost}
		sp.trimLocked()
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
// channel closed on the next change (at once for a removed space, whose
// waiters must fetch the namespace's new one).
func (sp *space) snapshot(watch bool) ([]Record, <-chan struct{}) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	out := make([]Record, 0, len(sp.records))
	for _, s := range sp.records {
		out = append(out, s.record())
	}
	if !watch {
		return out, nil
	}
	if sp.gone {
		c := make(chan struct{})
		close(c)
		return out, c
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
		sp = newSpace(ns, &s.budget)
		s.spaces[ns] = sp
	}
	return sp
}

// lockSpace returns the namespace's space (created if needed) with its mu
// held, or ErrClosed. A space the total trim removes between the lookup and
// the lock is looked up again.
func (s *Server) lockSpace(ns string) (*space, error) {
	for range 1000 { // bounded: a removal needs the space empty, unused and unwatched
		sp := s.space(ns)
		if sp == nil {
			return nil, ErrClosed
		}
		sp.mu.Lock()
		if !sp.gone {
			return sp, nil
		}
		sp.mu.Unlock()
	}
	return nil, fmt.Errorf("namespace %q: removed repeatedly while locking it", ns)
}

// trimJournals drops records when all namespaces together hold more than
// the total budget: it takes the namespaces holding the most down to one
// level (oldest records first), so that the traffic of one namespace
// cannot push out the small journals of the others, until 7/8 of the budget
// is held. A namespace left with no record, no routes, no request in
// progress and nobody waiting is forgotten. Only one trim runs at a time;
// the others return at once.
func (s *Server) trimJournals() {
	b := &s.budget
	if b.total <= 0 || b.held.Load() <= b.total || !s.trimming.TryLock() {
		return
	}
	defer s.trimming.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	spaces := slices.Collect(maps.Values(s.spaces))
	sizes := make([]int64, len(spaces))
	for i, sp := range spaces {
		sizes[i] = sp.bytes.Load()
	}
	level := waterLevel(sizes, b.total-b.total/8)
	for _, sp := range spaces {
		if sp.bytes.Load() <= level {
			continue
		}
		sp.mu.Lock()
		for len(sp.records) > 0 && sp.bytes.Load() > level {
			sp.dropOldestLocked()
		}
		if len(sp.records) == 0 && sp.routes == nil && sp.users.Load() == 0 && sp.changed == nil {
			delete(s.spaces, sp.ns)
			sp.gone = true
		}
		sp.mu.Unlock()
	}
}

// waterLevel returns the largest level such that the sizes, each cut down
// to it, add up to at most target.
func waterLevel(sizes []int64, target int64) int64 {
	sorted := slices.Sorted(slices.Values(sizes))
	var below int64 // the sum of sorted[:i]
	for i, v := range sorted {
		rest := int64(len(sorted) - i)
		if below+v*rest > target {
			return max(0, (target-below)/rest)
		}
		below += v
	}
	return sorted[len(sorted)-1] // everything fits (cannot happen: the trim runs over budget)
}

// now is the timestamp used in records: wall clock without the monotonic
// reading, so records compare and serialise stably.
func now() time.Time { return time.Now().Round(0) }

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

// Remove deletes the routes and the journal of namespace ns; requests to it
// then get 404s (and start a new journal).
func (s *Server) Remove(ns string) {
	s.mu.Lock()
	sp := s.spaces[ns]
	delete(s.spaces, ns)
	s.mu.Unlock()
	if sp != nil {
		sp.mu.Lock()
		sp.gone = true
		sp.clearLocked()
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
