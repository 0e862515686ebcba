package impl

import (
	"sync"
	"time"
)

// delivery is one queued dispatcher job: a listener call, or a function
// queued by Engine.Do.
type delivery struct {
	h  *Handle
	l  Listener
	ev Event

	fn  func()        // Engine.Do's function; h, l and ev are unset
	ran chan struct{} // closed once fn has returned
}

// dispatcher runs every listener call of an engine on one goroutine, one at
// a time and in the order the events were queued (E14), like Solar2D's main
// thread. Its queue is unbounded, so transfers never wait for listeners. It
// is also the authority of the progress rate limit (E6): it judges each
// progress event by its own clock at delivery time, since that is when the
// listener runs.
type dispatcher struct {
	interval time.Duration // scaled minimum gap between progress calls of a request (E6)

	mu     sync.Mutex // guards queue and closed
	queue  []delivery
	closed bool
	wake   chan struct{} // buffered(1): queue became non-empty or closed
	done   chan struct{} // closed when the goroutine has returned

	posted  func(delivery) // test hook, called after a job is queued; set before any request
	dropped func(Event)    // test hook, called on the dispatcher for a progress event dropped as too early
}

// newDispatcher starts the dispatcher goroutine, rate limiting progress
// calls to one per interval and request; stop ends it.
func newDispatcher(interval time.Duration) *dispatcher {
	d := &dispatcher{interval: interval, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go d.loop()
	return d
}

// post queues ev for l. It never blocks; after stop it drops the event.
func (d *dispatcher) post(h *Handle, l Listener, ev Event) {
	d.enqueue(delivery{h: h, l: l, ev: ev})
}

// enqueue queues dv and reports whether it was queued: false after stop.
func (d *dispatcher) enqueue(dv delivery) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return false
	}
	d.queue = append(d.queue, dv)
	d.mu.Unlock()
	if d.posted != nil {
		d.posted(dv)
	}
	d.signal()
	return true
}

// signal wakes the loop without blocking.
func (d *dispatcher) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// loop runs queued jobs until stop.
func (d *dispatcher) loop() {
	defer close(d.done)
	for range d.wake {
		for {
			d.mu.Lock()
			if d.closed {
				d.queue = nil
				d.mu.Unlock()
				return
			}
			if len(d.queue) == 0 {
				d.mu.Unlock()
				break
			}
			next := d.queue[0]
			d.queue[0] = delivery{}
			d.queue = d.queue[1:]
			d.mu.Unlock()
			d.run(next)
		}
	}
}

// run performs one job. A handle's cancelled flag is checked right before
// each call, so events queued before Cancel are dropped (C1). A progress
// event is delivered only if the interval has passed since the previous
// progress call of its request returned; otherwise it is dropped (E6).
func (d *dispatcher) run(dv delivery) {
	switch {
	case dv.fn != nil:
		defer close(dv.ran)
		dv.fn()
	case dv.h.cancelled.Load():
	case dv.ev.Phase != Progress:
		dv.l(dv.ev)
	case !dv.h.prog.admit(time.Now(), d.interval):
		if d.dropped != nil {
			d.dropped(dv.ev)
		}
	default:
		dv.l(dv.ev)
		dv.h.prog.delivered(time.Now())
	}
}

// do runs f on the dispatcher goroutine between two jobs and waits for it.
// It returns false, without running f, if the dispatcher stopped first; it
// then returns only once the goroutine has returned.
func (d *dispatcher) do(f func()) bool {
	ran := make(chan struct{})
	if !d.enqueue(delivery{fn: f, ran: ran}) {
		<-d.done
		return false
	}
	select {
	case <-ran:
		return true
	case <-d.done:
		select {
		case <-ran: // ran just before the loop returned
			return true
		default:
			return false
		}
	}
}

// stop drops the queued jobs, lets a running one return and waits for the
// goroutine. It must not be called from a listener.
func (d *dispatcher) stop() {
	d.mu.Lock()
	already := d.closed
	d.closed = true
	d.mu.Unlock()
	if !already {
		d.signal()
	}
	<-d.done
}

// Do runs f on the engine's dispatcher goroutine, between two listener calls,
// like code on Solar2D's main thread, and returns once f has returned. Code
// on another goroutine uses it to act at a well-defined point of the event
// stream: Cancel inside Do lands between two deliveries, so no event of the
// request is delivered after Do returns (C1) and everything delivered before
// is known. f runs after the jobs already queued and should be quick: no
// listener runs meanwhile. Once Close has stopped the dispatcher, Do returns
// ErrClosed without running f; it then returns only after the last listener
// call has, and no listener runs again. Do must not be called from a listener
// (or from f): the dispatcher would wait for itself forever. A listener is
// already on the dispatcher goroutine and calls Cancel directly (C4).
func (e *Engine) Do(f func()) error {
	if !e.disp.do(f) {
		return ErrClosed
	}
	return nil
}
