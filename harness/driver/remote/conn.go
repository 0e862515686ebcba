package remote

import (
	"context"
	"errors"
	"sync"
	"time"
)

// conn is one device's control channel: lines for the device wait in out
// until it polls; lines it posts are handed to the peer's reader via in.
type conn struct {
	closed    chan struct{}
	closeOnce sync.Once
	in        chan []byte // device → harness, unbuffered: posting waits for the reader

	mu       sync.Mutex // guards below
	out      [][]byte
	wake     chan struct{} // closed and replaced when out grows
	lastSeen time.Time
	polling  int
	err      error
}

// newConn returns an open connection seen now.
func newConn() *conn {
	return &conn{closed: make(chan struct{}), in: make(chan []byte), wake: make(chan struct{}), lastSeen: time.Now()}
}

// ReadLine returns the next line the device posted.
func (c *conn) ReadLine() ([]byte, error) {
	select {
	case line := <-c.in:
		return line, nil
	case <-c.closed:
		return nil, c.closeErr()
	}
}

// closeErr says why the connection closed.
func (c *conn) closeErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	return errors.New("connection closed")
}

// WriteLine queues a line for the device's next poll.
func (c *conn) WriteLine(_ context.Context, line []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		return errors.New("connection closed")
	default:
	}
	c.out = append(c.out, append([]byte(nil), line...))
	close(c.wake)
	c.wake = make(chan struct{})
	return nil
}

// Close ends the connection.
func (c *conn) Close() error {
	c.fail(errors.New("connection closed"))
	return nil
}

// fail closes the connection with err (the first error counts).
func (c *conn) fail(err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.closed)
	})
}

// poll waits up to wait for queued lines and takes them all; ok is false
// when the connection is closed.
func (c *conn) poll(ctx context.Context, wait time.Duration) (lines [][]byte, ok bool) {
	c.mu.Lock()
	c.polling++
	c.lastSeen = time.Now()
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.polling--
		c.lastSeen = time.Now()
		c.mu.Unlock()
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		c.mu.Lock()
		if len(c.out) > 0 {
			lines, c.out = c.out, nil
			c.mu.Unlock()
			return lines, true
		}
		wake := c.wake
		c.mu.Unlock()
		select {
		case <-wake:
		case <-t.C:
			return nil, true
		case <-ctx.Done():
			return nil, true
		case <-c.closed:
			return nil, false
		}
	}
}

// deliver hands a posted line to the reader.
func (c *conn) deliver(ctx context.Context, line []byte) error {
	c.mu.Lock()
	c.lastSeen = time.Now()
	c.mu.Unlock()
	select {
	case c.in <- line:
		return nil
	case <-c.closed:
		return c.closeErr()
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// silentFor returns how long the device has been silent at now (no poll
// outstanding, no request since), and false while a poll is outstanding.
func (c *conn) silentFor(now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.polling > 0 {
		return 0, false
	}
	return now.Sub(c.lastSeen), true
}
