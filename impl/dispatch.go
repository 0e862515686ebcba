package impl

import "sync"

// delivery is one queued listener call.
type delivery struct {
	h  *Handle
	l  Listener
	ev Event
}

// dispatcher runs every listener call of an engine on one goroutine, one at
// a time and in the order the events were queued (E14), like Solar2D's main
// thread. Its queue is unbounded, so transfers never wait for listeners.
type dispatcher struct {
	mu     sync.Mutex // guards queue and closed
	queue  []delivery
	closed bool
	wake   chan struct{} // buffered(1): queue became non-empty or closed
	done   chan struct{} // closed when the goroutine has returned

	posted func(Event) // test hook, called after an event is queued; set before any request
}

// newDispatcher starts the dispatcher goroutine; stop ends it.
func newDispatcher() *dispatcher {
	d := &dispatcher{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go d.loop()
	return d
}

// post queues ev for l. It never blocks; after stop it drops the event.
func (d *dispatcher) post(h *Handle, l Listener, ev Event) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.queue = append(d.queue, delivery{h: h, l: l, ev: ev})
	d.mu.Unlock()
	if d.posted != nil {
		d.posted(ev)
	}
	d.signal()
}

// signal wakes the loop without blocking.
func (d *dispatcher) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// loop delivers queued events until stop. A handle's cancelled flag is
// checked right before each call, so events queued before Cancel are dropped (C1).
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
			if !next.h.cancelled.Load() {
				next.l(next.ev)
			}
		}
	}
}

// stop drops the queued events, lets a running listener return and waits for
// the goroutine. It must not be called from a listener.
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
