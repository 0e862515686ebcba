package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/mockserver"
)

// act runs the case's action script in order. A step whose trigger can no
// longer happen (the call finished first) is noted and its cancel skipped.
func (ex *execution) act(ctx context.Context) {
	prev := ex.st.start
	for i, a := range ex.c.Actions {
		if ctx.Err() != nil {
			return
		}
		prev = ex.step(ctx, i, a, prev)
	}
}

// step runs one action and returns when it ended, the "previous step" moment
// of the next one.
func (ex *execution) step(ctx context.Context, i int, a casefile.Action, prev time.Time) time.Time {
	after := scaleDur(time.Duration(a.After), ex.scale)
	trig := a.Call
	if trig == "" {
		trig = a.Cancel
	}
	switch {
	case a.At == "":
		// after alone: counts from the previous step, then cancel everything named.
		if !sleepUntil(ctx, prev.Add(after)) {
			return prev
		}
		for _, in := range ex.instancesOf(a.Cancel) {
			ex.cancel(ctx, in)
		}
	case a.Cancel != "" && (a.Call == "" || a.Call == a.Cancel):
		// Each instance: its own trigger, then the delay, then its cancel,
		// all at once (one instance's wait or cancel does not hold up
		// another's); the step ends when every instance's has.
		var wg sync.WaitGroup
		for _, in := range ex.instancesOf(a.Cancel) {
			wg.Go(func() {
				when, ok := ex.trigger(ctx, in, a)
				if !ok {
					ex.skipped(ctx, i, a, in)
					return
				}
				if a.InListener || !sleepUntil(ctx, when.Add(after)) {
					return
				}
				ex.cancel(ctx, in)
			})
		}
		wg.Wait()
	default:
		// A wait step, or a cancel triggered by another call: wait for every
		// instance of the trigger's call, then act on all targets.
		var last time.Time
		for _, in := range ex.instancesOf(trig) {
			when, ok := ex.trigger(ctx, in, a)
			if !ok {
				ex.skipped(ctx, i, a, in)
				continue
			}
			if when.After(last) {
				last = when
			}
		}
		if last.IsZero() {
			last = time.Now()
		}
		if !sleepUntil(ctx, last.Add(after)) {
			return prev
		}
		if a.Cancel != "" && !a.InListener {
			for _, in := range ex.instancesOf(a.Cancel) {
				ex.cancel(ctx, in)
			}
		}
	}
	return time.Now()
}

// skipped notes a step whose trigger did not happen for an instance.
func (ex *execution) skipped(ctx context.Context, i int, a casefile.Action, in *instance) {
	if ctx.Err() != nil {
		return
	}
	what := "its " + string(a.At) + " event"
	if a.InListener {
		what = "the cancel in its listener at " + string(a.At)
	}
	step := "the case's step"
	if a.Cancel != "" {
		step = "the case's cancel"
	}
	ex.st.note(fmt.Sprintf("%s %d (%s) was not made for call %s: the call was over before %s", step, i+1, a.Pos, in.name, what))
}

// trigger waits until the instance reaches the action's moment and returns
// when that happened; ok is false when the instance finished without it or
// ctx ended.
func (ex *execution) trigger(ctx context.Context, in *instance, a casefile.Action) (time.Time, bool) {
	if a.At == casefile.AtReceived || a.At == casefile.AtSent {
		return ex.journaled(ctx, in, a.At)
	}
	phase := string(a.At)
	var hit bool
	err := ex.st.wait(ctx, func() bool {
		hit = ex.st.reached(in, phase, a.InListener)
		return hit || ex.st.finished(in)
	})
	if err != nil || !hit {
		return time.Time{}, false
	}
	ex.st.mu.Lock()
	defer ex.st.mu.Unlock()
	for _, ev := range ex.st.logs[in.token].events {
		if a.InListener && ev.Kind == driver.KindCancel {
			return ev.Time, true
		}
		if !a.InListener && ev.Fields["phase"] == phase {
			return ev.Time, true
		}
	}
	return time.Now(), true
}

// journaled waits until the mock server's record of the instance's request
// shows the action's moment, and returns when it happened: at: received,
// the request was journaled (its headers were read); at: sent, the server
// finished the exchange (the whole response handed to the connection). The
// record is the n-th for the instance's URL path, n being the instance's
// rank among instances with that path (the query is not compared: a client
// may encode it otherwise).
func (ex *execution) journaled(ctx context.Context, in *instance, at casefile.Trigger) (time.Time, bool) {
	path := urlPath(in.url)
	rank := 0
	for _, o := range ex.insts {
		if urlPath(o.url) == path {
			rank++
		}
		if o == in {
			break
		}
	}
	ctx, stop := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		_ = ex.st.wait(ctx, func() bool { return ex.st.finished(in) })
		stop()
	}()
	defer func() { stop(); <-watched }()
	var when time.Time
	err := ex.r.p.Fixture.Await(ctx, ex.ns, func(recs []mockserver.Record) bool {
		n := 0
		for _, r := range recs {
			if r.FullPath != path {
				continue
			}
			if n++; n < rank {
				continue
			}
			if at == casefile.AtSent {
				when = r.Done
			} else {
				when = r.Received
			}
			return !when.IsZero()
		}
		return false
	})
	if err != nil {
		return time.Time{}, false
	}
	// The server may see the request before Call returned its handle (an
	// out-of-process driver replies over a pipe): cancel needs the handle.
	if err := ex.st.wait(ctx, func() bool { return in.started }); err != nil {
		return time.Time{}, false
	}
	return when, true
}

// sleepUntil waits until t or ctx ends; it reports whether t was reached.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
