package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

// drive starts the calls and runs the actions, then waits until every
// instance finished or ctx ended (the deadline). It returns the instances
// still pending. Every goroutine it starts has returned when it returns.
func (ex *execution) drive(ctx context.Context) []*instance {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for _, cl := range ex.calls {
		wg.Go(func() { ex.launch(ctx, cl.ID, cl.After) })
	}
	wg.Go(func() { ex.act(ctx) })
	_ = ex.st.wait(ctx, ex.allFinished)
	if ctx.Err() == nil {
		ex.awaitNoListener(ctx)
	}
	var pending []*instance
	ex.st.mu.Lock()
	for _, in := range ex.insts {
		if !ex.st.finished(in) || in.blocked {
			pending = append(pending, in)
		}
	}
	ex.st.mu.Unlock()
	if ctx.Err() == nil {
		// Every call finished: let the action script run to its end (a
		// last cancel after ended, C3), bounded by the deadline.
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
	stop()
	if !waitGroupWithin(&wg, closeGrace) {
		ex.driverBroke(fmt.Errorf("a call or cancel did not return within %s of the case's end", closeGrace))
	}
	return pending
}

// waitGroupWithin waits for wg at most d and reports whether it finished.
func waitGroupWithin(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// allFinished reports whether every instance finished; the lock is held.
func (ex *execution) allFinished() bool {
	for _, in := range ex.insts {
		if !ex.st.finished(in) {
			return false
		}
	}
	return true
}

// launch makes the calls of one case call: at once, or once the call named
// by after finished.
func (ex *execution) launch(ctx context.Context, id, after string) {
	if after != "" {
		prev := ex.instancesOf(after)
		err := ex.st.wait(ctx, func() bool {
			for _, in := range prev {
				if !ex.st.finished(in) {
					return false
				}
			}
			return true
		})
		if err != nil {
			return
		}
	}
	for _, in := range ex.instancesOf(id) {
		if in.call.ID == id {
			ex.call(ctx, in)
		}
	}
}

// call makes one instance's call and records its outcome.
func (ex *execution) call(ctx context.Context, in *instance) {
	at := time.Since(ex.st.start)
	h, err := ex.sess.Call(ctx, in.dcall)
	var rej *driver.RejectedError
	// A call the driver did not answer by the case's deadline, or within
	// its operation deadline, blocks: the call is blamed (the step that
	// blocked), not the close that a blocked driver cannot answer.
	blocked := err != nil && !errors.As(err, &rej) && errors.Is(err, driver.ErrNoReply)
	ex.st.update(func() {
		in.started, in.startedAt = true, at
		switch {
		case rej != nil:
			in.rejected, in.raised, in.rejectMsg, in.token = true, rej.Raised, rej.Message, rej.Handle
			in.missing = rej.Missing
		case blocked:
			in.blocked = true
		case err != nil:
			in.failed = err
		default:
			in.handle, in.token = h, h
		}
	})
	if err != nil && rej == nil && !blocked && ctx.Err() == nil {
		ex.driverBroke(fmt.Errorf("call %s: %w", in.name, err))
	}
}

// blockedCall returns the first instance whose call blocked, or nil.
func (ex *execution) blockedCall() *instance {
	if ex.st == nil { // no call was made
		return nil
	}
	ex.st.mu.Lock()
	defer ex.st.mu.Unlock()
	for _, in := range ex.insts {
		if in.blocked {
			return in
		}
	}
	return nil
}

// cancel calls network.cancel on an instance's handle ("" when it has none).
func (ex *execution) cancel(ctx context.Context, in *instance) {
	ex.st.mu.Lock()
	h := in.handle
	ex.st.mu.Unlock()
	c, err := ex.sess.Cancel(ctx, h)
	at := time.Since(ex.st.start)
	if err != nil {
		if ctx.Err() == nil {
			ex.driverBroke(fmt.Errorf("cancel %s: %w", in.name, err))
		}
		return
	}
	files := ex.lookAtCancel(ctx, in)
	ex.st.update(func() {
		in.cancels = append(in.cancels, cancelRecord{at: at, returned: c.Returned, afterSeq: c.AfterSeq, files: files})
	})
}

// lookAtCancel reads the instance's destination file right after a cancel
// returned, for the checks that it no longer changes then
// (unchangedOrServed; other cases are not slowed by it, and get nil).
func (ex *execution) lookAtCancel(ctx context.Context, in *instance) []result.FileState {
	key := in.destination()
	if key == "" || !slices.ContainsFunc(ex.c.Expect.Files, func(fe casefile.FileExpect) bool { return fe.UnchangedOrServed }) {
		return nil
	}
	f, looked, err := ex.files.look(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			ex.driverBroke(fmt.Errorf("read %s after a cancel: %w", key, err))
		}
		return nil
	}
	if !looked {
		return nil
	}
	if f == nil {
		return []result.FileState{} // looked: no file
	}
	return []result.FileState{*f}
}

// awaitNoListener waits until the server finished one exchange per started
// nil-listener instance (they deliver no event, B2, so the journal is the
// only sign they are done), bounded by ctx.
func (ex *execution) awaitNoListener(ctx context.Context) {
	want := make(map[string]int)
	ex.st.mu.Lock()
	for _, in := range ex.insts {
		if in.dcall.NoListener && in.handle != "" {
			want[urlPath(in.url)]++
		}
	}
	ex.st.mu.Unlock()
	if len(want) == 0 {
		return
	}
	err := ex.r.p.Fixture.Await(ctx, ex.ns, func(recs []mockserver.Record) bool {
		done := make(map[string]int)
		for _, r := range recs {
			if !r.Done.IsZero() {
				done[r.FullPath]++
			}
		}
		for p, n := range want {
			if done[p] < n {
				return false
			}
		}
		return true
	})
	if err != nil {
		ex.st.note("the calls without a listener had not finished their requests at the mock server by the case's deadline")
	}
}

// settle keeps listening for the case's settle window (scaled, with a wall
// floor) so that late events are seen.
func (ex *execution) settle(ctx context.Context) {
	d := DefaultSettle
	if ex.c.Settle > 0 {
		d = time.Duration(ex.c.Settle)
	}
	t := time.NewTimer(max(scaleDur(d, ex.scale), minSettle))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// awaitQuiet waits, at most closeGrace, until the server finished every
// exchange of the case, so the journal holds clientClosed and done times.
func (ex *execution) awaitQuiet(ctx context.Context) {
	ctx, stop := context.WithTimeout(context.WithoutCancel(ctx), closeGrace)
	defer stop()
	open := 0
	err := ex.r.p.Fixture.Await(ctx, ex.ns, func(recs []mockserver.Record) bool {
		open = 0
		for _, r := range recs {
			if r.Done.IsZero() {
				open++
			}
		}
		return open == 0
	})
	if err != nil {
		ex.st.note(fmt.Sprintf("%d request(s) to the mock server were still open %s after the calls finished: the implementation had not closed their connections",
			open, closeGrace))
	}
}

// closeSession closes the session, giving it sessionCloseGrace; a driver
// that does not return by then is reported broken and abandoned.
//
// A session one of whose calls blocked is abandoned first when its driver
// can be ([driver.Abandoner]: the process is stopped, never reused), and
// then the close's failure is a note: the blocked call is the case's
// reason.
func (ex *execution) closeSession(ctx context.Context) error {
	if in := ex.blockedCall(); in != nil {
		if ab, ok := ex.sess.(driver.Abandoner); ok {
			ab.Abandon(fmt.Errorf("network.%s of call %s blocked", in.call.Fn, in.name))
		}
		if err := ex.closeWithin(ctx); err != nil {
			ex.st.note(fmt.Sprintf("the session could not be closed after a call blocked: %v", err))
		}
		return nil
	}
	return ex.closeWithin(ctx)
}

// closeWithin closes the session, giving it sessionCloseGrace.
func (ex *execution) closeWithin(ctx context.Context) error {
	ctx, stop := context.WithTimeout(context.WithoutCancel(ctx), sessionCloseGrace)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- ex.sess.Close(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("close %s session: %w", ex.r.p.Driver.Name(), err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close %s session: did not return within %s", ex.r.p.Driver.Name(), sessionCloseGrace)
	}
}

// drain waits for the collector to see the Events channel closed.
func (ex *execution) drain(collected <-chan struct{}) error {
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-collected:
		return nil
	case <-t.C:
		return fmt.Errorf("%s session: events channel not closed %s after Close", ex.r.p.Driver.Name(), closeGrace)
	}
}
