package mockserver

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
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
	ns     string
	expand func(string) string // expands the templates of this namespace; safe for concurrent use

	mu      sync.Mutex    // guards the fields below
	routes  []*routeState // nil when no scenario is installed
	records []slot        // at most limit; a ring once full, the oldest at records[oldest]
	oldest  int
	changed chan struct{} // nil until a waiter needs it; closed and cleared on the next change
	limit   int
}

func newSpace(ns string, limit int, expand func(string) string) *space {
	return &space{ns: ns, limit: limit, expand: expand}
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

// entry is a record as the journal keeps it while its exchange runs: the
// Record without its Headers map, which Journal builds from the request's
// own header map (net/http and the handler never change it once the handler
// runs), and room for the first events. finish packs it (see pack.go).
type entry struct {
	rec    Record      // rec.Headers is nil, and so are the SHA-256 fields until done (see sums)
	hdr    http.Header // the request's header map; read only
	host   string      // the request's Host, journaled as the Host header
	events [initialEvents]Event
	// sums, once done, holds the SHA-256 of the response body and of the
	// request body (hex-encoded only when a Journal asks).
	sums    [2][sha256.Size]byte
	summed  bool // sums is set
	reqBody bool // the request had body bytes (else its hash is emptySHA256)
	slot    int  // the entry's index in space.records
}

// initialEvents is the initial capacity of a record's timeline: received,
// headersSent, one bodyChunk and done.
const initialEvents = 4

// init sets e up for rec, the request headers h and host, with ev as its
// first event.
func (e *entry) init(rec Record, h http.Header, host string, ev Event) {
	e.rec, e.hdr, e.host = rec, h, host
	e.events[0] = ev
	e.rec.Events = e.events[:1]
}

// newEntry returns an entry set up by init.
func newEntry(rec Record, h http.Header, host string, ev Event) *entry {
	e := &entry{}
	e.init(rec, h, host, ev)
	return e
}

// requestHeaders returns a copy of h with Host set to host when not empty,
// and without names that have no value: what the journal records.
func requestHeaders(h http.Header, host string) http.Header {
	out := make(http.Header, len(h)+1)
	for k, vv := range h {
		if len(vv) > 0 && (k != "Host" || host == "") {
			out[k] = slices.Clone(vv)
		}
	}
	if host != "" {
		out["Host"] = []string{host}
	}
	return out
}

// appendHeaders appends h, with Host set to host when not empty, as
// length-prefixed (uvarint) names and values, name first.
func appendHeaders(b []byte, h http.Header, host string) []byte {
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for k, vv := range h {
		if k == "Host" && host != "" {
			continue
		}
		for _, v := range vv {
			put(k)
			put(v)
		}
	}
	if host != "" {
		put("Host")
		put(host)
	}
	return b
}

// packHeaders packs h and host as appendHeaders does, into a string.
func packHeaders(h http.Header, host string) string {
	return string(appendHeaders(nil, h, host))
}

// unpackHeaders reverses packHeaders; the values share p's memory.
func unpackHeaders(p string) http.Header {
	h := http.Header{}
	next := func() (string, bool) {
		n, k := binary.Uvarint([]byte(p[:min(len(p), binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(p)-k) < n {
			return "", false
		}
		s := p[k : k+int(n)]
		p = p[k+int(n):]
		return s, true
	}
	for len(p) > 0 {
		name, ok1 := next()
		value, ok2 := next()
		if !ok1 || !ok2 {
			break // cannot happen for packHeaders output
		}
		h[name] = append(h[name], value)
	}
	return h
}

// record returns a deep copy of the entry's record, with its Headers.
func (e *entry) record() Record {
	c := e.rec.clone()
	e.setSums(&c)
	c.Headers = requestHeaders(e.hdr, e.host)
	return c
}

// setSums sets r's SHA-256 fields from the entry's sums, once summed.
func (e *entry) setSums(r *Record) {
	if e.summed {
		r.BodySHA256, r.RequestSHA256 = hex.EncodeToString(e.sums[0][:]), emptySHA256
		if e.reqBody {
			r.RequestSHA256 = hex.EncodeToString(e.sums[1][:])
		}
	}
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
		sp = newSpace(ns, s.cfg.journalCap, s.templater(ns))
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
