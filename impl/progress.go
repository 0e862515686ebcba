package impl

import (
	"sync"
	"time"
)

// progressGate rate limits the progress events of one request at the
// listener (E6). E6 is judged by when the listener runs, not by when an event
// is queued: queueing delay could otherwise bring two calls closer than the
// interval. So a transfer reserves the gate before it builds and queues a
// progress event, and a request has at most one progress event queued or
// being delivered at a time; while it waits, later reads build nothing (the
// newest byte count reaches the listener in the next progress event or in
// ended). The dispatcher then admits the event only if the interval has
// passed since the previous progress call of the request returned, by its
// own clock at delivery time, and drops it otherwise. The gap is measured
// from the end of the previous call, so any clock reading a listener takes
// inside its call is also at least the interval after the previous one's.
// With the reservation the drop is a safety net: an event is reserved no
// earlier than the interval after the last call returned.
type progressGate struct {
	mu      sync.Mutex // guards pending and last
	pending bool       // a progress event is queued or being delivered
	last    time.Time  // when the previous progress call returned; zero before the first
}

// dueLocked reports whether a progress event reserved at now could be delivered.
func (g *progressGate) dueLocked(now time.Time, interval time.Duration) bool {
	return !g.pending && (g.last.IsZero() || now.Sub(g.last) >= interval)
}

// due reports whether a progress event reserved at now would pass, so that
// transfers build events only when they may be sent.
func (g *progressGate) due(now time.Time, interval time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.dueLocked(now, interval)
}

// reserve marks a progress event as pending if one is due at now, and
// reports whether it did; the caller then queues exactly one event.
func (g *progressGate) reserve(now time.Time, interval time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.dueLocked(now, interval) {
		return false
	}
	g.pending = true
	return true
}

// admit reports whether the dispatcher may deliver a progress event at now.
// A refused event is dropped, which frees the gate.
func (g *progressGate) admit(now time.Time, interval time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last.IsZero() || now.Sub(g.last) >= interval {
		return true
	}
	g.pending = false
	return false
}

// delivered records that a progress call returned at now and frees the gate.
func (g *progressGate) delivered(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = now
	g.pending = false
}
