package mutants

import (
	"sync"

	"github.com/netconform/netconform/harness/driver"
)

// queue is an unbounded FIFO in front of a channel, so the session's pump
// never waits for the reader: a cancel can then always be mapped to the
// events already passed, whether or not anyone is reading. A forwarding
// goroutine feeds out and closes it after close, once every queued event was
// taken; the reader must drain out until it is closed.
type queue struct {
	out  chan driver.Event
	wake chan struct{} // buffered(1)

	mu     sync.Mutex // guards items and closed
	items  []driver.Event
	closed bool
}

// newQueue starts the forwarding goroutine.
func newQueue() *queue {
	q := &queue{out: make(chan driver.Event), wake: make(chan struct{}, 1)}
	go q.forward()
	return q
}

// push appends events; it never blocks.
func (q *queue) push(evs ...driver.Event) {
	q.mu.Lock()
	q.items = append(q.items, evs...)
	q.mu.Unlock()
	q.signal()
}

// close lets the forwarder close out once the queue is empty.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// forward moves events to out in order.
func (q *queue) forward() {
	defer close(q.out)
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			closed := q.closed
			q.mu.Unlock()
			if closed {
				return
			}
			<-q.wake
			continue
		}
		ev := q.items[0]
		q.items[0] = driver.Event{}
		q.items = q.items[1:]
		q.mu.Unlock()
		q.out <- ev
	}
}
