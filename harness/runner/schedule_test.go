package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// fakeCases records the order and concurrency of the case runs schedule
// starts; its run method stands in for Runner.Case.
type fakeCases struct {
	mu      sync.Mutex
	order   []string
	running int
	peak    int
	release chan struct{} // nil: return at once
	entered chan struct{} // nil: no signal
}

func (f *fakeCases) run(ctx context.Context, c *casefile.Case) result.CaseResult {
	f.mu.Lock()
	f.order = append(f.order, c.ID)
	f.running++
	f.peak = max(f.peak, f.running)
	f.mu.Unlock()
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
		}
	}
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
	return result.CaseResult{ID: c.ID, Verdict: result.Pass}
}

func TestScheduleOrderAndRepeat(t *testing.T) {
	t.Parallel()
	cs := []*casefile.Case{{ID: "a.fast"}, {ID: "b.slow", Budget: casefile.Duration(60 * time.Second)},
		{ID: "c.fast"}, {ID: "d.mid", Budget: casefile.Duration(20 * time.Second)}}
	f := &fakeCases{}
	var mu sync.Mutex
	var started, done []string
	h := Hooks{
		Started: func(id string, rep int) { mu.Lock(); started = append(started, runKey(id, rep)); mu.Unlock() },
		Done:    func(res result.CaseResult, rep int) { mu.Lock(); done = append(done, runKey(res.ID, rep)); mu.Unlock() },
	}
	out := schedule(t.Context(), cs, 2, 1, f.run, h)
	want := []string{"b.slow", "d.mid", "a.fast", "c.fast", "b.slow", "d.mid", "a.fast", "c.fast"}
	if !slices.Equal(f.order, want) {
		t.Errorf("order %v, want longest budget first, pass after pass: %v", f.order, want)
	}
	for i, runs := range out {
		if len(runs) != 2 || runs[0].ID != cs[i].ID || runs[1].ID != cs[i].ID {
			t.Errorf("results of %s: %+v", cs[i].ID, runs)
		}
	}
	wantHooks := []string{"b.slow#0", "d.mid#0", "a.fast#0", "c.fast#0", "b.slow#1", "d.mid#1", "a.fast#1", "c.fast#1"}
	if !slices.Equal(started, wantHooks) || !slices.Equal(done, wantHooks) {
		t.Errorf("hooks started %v, done %v; want each run once: %v", started, done, wantHooks)
	}
}

// TestScheduleAloneFirst: the alone cases start before every other case
// (each waits for the cases in flight, so they cost least at the start),
// then the longest budgets.
func TestScheduleAloneFirst(t *testing.T) {
	t.Parallel()
	cs := []*casefile.Case{{ID: "a.fast"}, {ID: "b.slow", Budget: casefile.Duration(60 * time.Second)},
		{ID: "c.alone", Alone: true}, {ID: "d.alone-slow", Alone: true, Budget: casefile.Duration(30 * time.Second)}}
	f := &fakeCases{}
	schedule(t.Context(), cs, 1, 1, f.run, Hooks{})
	if want := []string{"d.alone-slow", "c.alone", "b.slow", "a.fast"}; !slices.Equal(f.order, want) {
		t.Errorf("order %v, want the alone cases first: %v", f.order, want)
	}
}

// runKey names one run of a case in the hook records.
func runKey(id string, rep int) string { return fmt.Sprintf("%s#%d", id, rep) }

func TestScheduleBoundsParallelism(t *testing.T) {
	t.Parallel()
	var cs []*casefile.Case
	for _, id := range []string{"a.1", "a.2", "a.3", "a.4", "a.5", "a.6"} {
		cs = append(cs, &casefile.Case{ID: id})
	}
	f := &fakeCases{release: make(chan struct{}), entered: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		schedule(t.Context(), cs, 1, 3, f.run, Hooks{})
	}()
	for range 3 { // three run at once...
		<-f.entered
	}
	for range 3 { // ...and each end lets the next one in
		f.release <- struct{}{}
		<-f.entered
	}
	for range 3 {
		f.release <- struct{}{}
	}
	<-done
	if f.peak != 3 {
		t.Errorf("peak concurrency %d, want 3", f.peak)
	}
}

func TestScheduleInterruptedSkipsTheRest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cs := []*casefile.Case{{ID: "a.1"}, {ID: "a.2"}}
	f := &fakeCases{}
	out := schedule(ctx, cs, 2, 1, f.run, Hooks{})
	for _, runs := range out {
		for _, r := range runs {
			if r.Verdict != result.Skip || r.Interrupted != result.InterruptedQueued ||
				!strings.HasPrefix(r.Reason, "not run: run interrupted") {
				t.Errorf("%+v: want skipped as interrupted", r)
			}
		}
	}
	if len(f.order) != 0 {
		t.Errorf("ran %v after the interrupt", f.order)
	}
}

// TestRepeatUsesTheRunnersBound: Repeat runs through Runner.Case at
// Params.Parallel, n times, and counts n below 1 as one run.
func TestRepeatUsesTheRunnersBound(t *testing.T) {
	t.Parallel()
	r := newRunner(t, &fakeDriver{onCall: answer(200, "hello")}, newFakeFixture())
	c := loadCase(t, okCase)
	out := r.Repeat(t.Context(), []*casefile.Case{c}, 3, Hooks{})
	if len(out) != 1 || len(out[0]) != 3 {
		t.Fatalf("Repeat(3) = %+v, want one case with three runs", out)
	}
	for _, res := range out[0] {
		if res.Verdict != result.Pass {
			t.Errorf("run %+v, want pass", res)
		}
	}
	if out := r.Repeat(t.Context(), []*casefile.Case{c}, 0, Hooks{}); len(out[0]) != 1 {
		t.Errorf("Repeat(0) ran %d times, want 1", len(out[0]))
	}
}

// TestScheduleAloneRunsAlone: a case marked alone starts only when no other
// run is in flight, and none starts before it ended, at any parallelism.
func TestScheduleAloneRunsAlone(t *testing.T) {
	t.Parallel()
	var cs []*casefile.Case
	for _, id := range []string{"a.1", "a.2", "a.3", "a.4", "a.5", "a.6", "a.7", "a.8"} {
		cs = append(cs, &casefile.Case{ID: id, Alone: id == "a.3" || id == "a.6"})
	}
	var mu sync.Mutex
	running := map[string]bool{}
	var bad []string
	run := func(_ context.Context, c *casefile.Case) result.CaseResult {
		mu.Lock()
		running[c.ID] = true
		for id := range running {
			if id != c.ID && (c.Alone || cs[idx(cs, id)].Alone) {
				bad = append(bad, c.ID+" with "+id)
			}
		}
		mu.Unlock()
		time.Sleep(2 * time.Millisecond) // overlap, if the gate let it
		mu.Lock()
		delete(running, c.ID)
		mu.Unlock()
		return result.CaseResult{ID: c.ID, Verdict: result.Pass}
	}
	out := schedule(t.Context(), cs, 3, 8, run, Hooks{})
	if len(bad) > 0 {
		t.Errorf("alone cases overlapped: %v", bad)
	}
	for i, runs := range out {
		for _, r := range runs {
			if r.Verdict != result.Pass {
				t.Errorf("%s: %+v", cs[i].ID, r)
			}
		}
	}
}

// idx returns the index of the case named id.
func idx(cs []*casefile.Case, id string) int {
	return slices.IndexFunc(cs, func(c *casefile.Case) bool { return c.ID == id })
}
