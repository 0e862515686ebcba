package driver

import "sync"

// Queue is an unbounded FIFO of events in front of a channel, for driver
// implementations: Push never blocks, so whatever produces events (an
// implementation's dispatcher, a protocol reader) never waits for the
// session's reader. A goroutine feeds [Queue.Out] in order and closes it after
// [Queue.Close], once every queued event was taken; the reader must drain Out
// until it is closed. A Queue is safe for concurrent use.
type Queue struct {
	out  chan Event
	wake chan struct{} // buffered(1)

	mu     sync.Mutex // guards items and closed
	items  []Event
	closed bool
}

// NewQueue returns a queue and starts its feeding goroutine, which ends once
// Close was called and Out drained.
func NewQueue() *Queue {
	q := &Queue{out: make(chan Event), wake: make(chan struct{}, 1)}
	go q.feed()
	return q
}

// Out returns the channel the queued events come out of, in push order.
func (q *Queue) Out() <-chan Event { return q.out }

// Push appends events without blocking; after Close they are dropped.
func (q *Queue) Push(evs ...Event) {
	q.mu.Lock()
	if !q.closed {
		q.items = append(q.items, evs...)
	}
	q.mu.Unlock()
	q.signal()
}

// Close lets Out close once the queue is empty. It is idempotent.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// feed moves events to out in order.
func (q *Queue) feed() {
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
		q.items[0] = Event{}
		q.items = q.items[1:]
		q.mu.Unlock()
		q.out <- ev
	}
}
