package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		runs []status
		want stability
	}{
		{[]status{statusPass, statusPass}, stable},
		{[]status{statusPass, statusSkip}, stable},
		{[]status{statusFail, statusError}, broken},
		{[]status{statusPass, statusFail, statusPass}, flaky},
		{[]status{statusError, statusPass}, flaky},
		{[]status{statusSkip, statusSkip}, skippedRuns},
	}
	for _, tc := range tests {
		if got := classify(tc.runs); got != tc.want {
			t.Errorf("classify(%v) = %s, want %s", tc.runs, got, tc.want)
		}
	}
}

func TestJudgeShowsTheWorstRun(t *testing.T) {
	t.Parallel()
	runs := []result.CaseResult{
		{ID: "a.b", Verdict: result.Pass},
		{ID: "a.b", Verdict: result.Fail, Reason: "1 mismatch(es)"},
		{ID: "a.b", Verdict: result.Warn},
	}
	o := judge(runs, &expectations{byID: map[string]expectation{}})
	if o.res.Verdict != result.Fail || o.class != flaky || o.expected {
		t.Fatalf("outcome %+v: want the failing run, flaky, unexpected", o)
	}
	if want := "flaky over 3 runs (pass, fail, pass); shown: run 2; 1 mismatch(es)"; o.res.Reason != want {
		t.Errorf("reason %q, want %q", o.res.Reason, want)
	}
	if runs[1].Logs != nil {
		t.Error("judge changed the caller's result")
	}
	// One run, passing, no expectation: nothing is added.
	o = judge(runs[:1], &expectations{byID: map[string]expectation{}})
	if o.res.Reason != "" || len(o.res.Logs) != 0 || !o.expected {
		t.Errorf("single pass annotated: %+v", o.res)
	}
}

// fakeRunner records the order and concurrency of Case calls.
type fakeRunner struct {
	mu      sync.Mutex
	order   []string
	running int
	peak    int
	release chan struct{} // nil: return at once
	entered chan struct{} // nil: no signal
}

func (f *fakeRunner) Case(ctx context.Context, c *casefile.Case) result.CaseResult {
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

type nopObserver struct{}

func (nopObserver) caseStarted(string, int)         {}
func (nopObserver) caseDone(result.CaseResult, int) {}

func TestExecuteOrderAndRepeat(t *testing.T) {
	t.Parallel()
	cs := []*casefile.Case{{ID: "a.fast"}, {ID: "b.slow", Budget: casefile.Duration(60 * time.Second)},
		{ID: "c.fast"}, {ID: "d.mid", Budget: casefile.Duration(20 * time.Second)}}
	f := &fakeRunner{}
	out := execute(t.Context(), f, cs, 2, 1, nopObserver{})
	want := []string{"b.slow", "d.mid", "a.fast", "c.fast", "b.slow", "d.mid", "a.fast", "c.fast"}
	if !slices.Equal(f.order, want) {
		t.Errorf("order %v, want longest budget first, pass after pass: %v", f.order, want)
	}
	for i, runs := range out {
		if len(runs) != 2 || runs[0].ID != cs[i].ID || runs[1].ID != cs[i].ID {
			t.Errorf("results of %s: %+v", cs[i].ID, runs)
		}
	}
}

func TestExecuteBoundsParallelism(t *testing.T) {
	t.Parallel()
	var cs []*casefile.Case
	for _, id := range []string{"a.1", "a.2", "a.3", "a.4", "a.5", "a.6"} {
		cs = append(cs, &casefile.Case{ID: id})
	}
	f := &fakeRunner{release: make(chan struct{}), entered: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		execute(t.Context(), f, cs, 1, 3, nopObserver{})
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

func TestExecuteInterruptedSkipsTheRest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cs := []*casefile.Case{{ID: "a.1"}, {ID: "a.2"}}
	f := &fakeRunner{}
	out := execute(ctx, f, cs, 1, 1, nopObserver{})
	for _, runs := range out {
		if runs[0].Verdict != result.Skip || !strings.HasPrefix(runs[0].Reason, "run interrupted") {
			t.Errorf("%+v: want skipped as interrupted", runs[0])
		}
	}
	if len(f.order) != 0 {
		t.Errorf("ran %v after the interrupt", f.order)
	}
}
