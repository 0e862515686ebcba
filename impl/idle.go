package impl

import (
	"context"
	"time"
)

// idleTimer bounds each wait of a transfer (T2): connecting, waiting for the
// response and every wait for body data. It cancels the transfer's context
// with ErrTimedOut unless reset within d. Its methods are safe for
// concurrent use (the transport reads request bodies on its own goroutine).
type idleTimer struct {
	d time.Duration
	t *time.Timer
}

// startIdle arms a timer that calls cancel(ErrTimedOut) after d without a reset.
func startIdle(d time.Duration, cancel context.CancelCauseFunc) *idleTimer {
	return &idleTimer{d: d, t: time.AfterFunc(d, func() { cancel(ErrTimedOut) })}
}

// reset records progress: the next timeout is d from now.
func (i *idleTimer) reset() { i.t.Reset(i.d) }

// stop disarms the timer for good.
func (i *idleTimer) stop() { i.t.Stop() }
