package proto

import (
	"sync"

	"github.com/netconform/netconform/harness/driver"
)

// queue is an unbounded FIFO in front of a channel, so the peer's reader
// never waits for the session's consumer. A pump goroutine feeds out and
// closes it after close, once every queued event was taken.
type queue struct {
	out  chan driver.Event
	wake chan struct{} // buffered(1)

	mu     sync.Mutex // guards items and closed
	items  []driver.Event
	closed bool
}

// newQueue starts the pump; the consumer must drain out until it closes.
func newQueue() *queue {
	q := &queue{out: make(chan driver.Event), wake: make(chan struct{}, 1)}
	go q.pump()
	return q
}

// push appends an event without blocking; after close it is dropped.
func (q *queue) push(ev driver.Event) {
	q.mu.Lock()
	if !q.closed {
		q.items = append(q.items, ev)
	}
	q.mu.Unlock()
	q.signal()
}

// close lets the pump close out once the queue is empty. It is idempotent.
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

// pump moves events to out in order.
func (q *queue) pump() {
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
