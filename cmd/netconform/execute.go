package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// caseRunner runs one case; *runner.Runner satisfies it.
type caseRunner interface {
	Case(ctx context.Context, c *casefile.Case) result.CaseResult
}

// observer is told about each run of a case as it starts and ends. Its
// methods are called from several goroutines.
type observer interface {
	caseStarted(id string, rep int)
	caseDone(res result.CaseResult, rep int)
}

// execute runs every case repeat times, parallel runs at once, pass after
// pass (all cases once, then all again), and returns each case's runs in
// pass order, indexed like cs. When ctx ends, the runs not started yet are
// skipped.
func execute(ctx context.Context, r caseRunner, cs []*casefile.Case, repeat, parallel int, obs observer) [][]result.CaseResult {
	out := make([][]result.CaseResult, len(cs))
	for i := range out {
		out[i] = make([]result.CaseResult, repeat)
	}
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	order := longestFirst(cs)
	for rep := range repeat {
		for _, i := range order {
			c := cs[i]
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				out[i][rep] = result.CaseResult{ID: c.ID, Title: c.Title, Pos: c.Pos.String(),
					Requirements: c.Requirements, Verdict: result.Skip,
					Reason: "run interrupted: " + context.Cause(ctx).Error()}
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				obs.caseStarted(c.ID, rep)
				res := r.Case(ctx, c)
				out[i][rep] = res
				obs.caseDone(res, rep)
			}()
		}
	}
	wg.Wait()
	return out
}

// longestFirst returns the indexes of cs with the cases that declare the
// longest budget first (in id order otherwise), so the slow timeout cases
// do not start last and leave the run waiting on them alone.
func longestFirst(cs []*casefile.Case) []int {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cs[b].Budget, cs[a].Budget) })
	return order
}

// stability classifies a case's repeated runs.
type stability string

const (
	// stable: every run that ran passed (pass, warn or info).
	stable stability = "stable"
	// flaky: some runs passed and some failed or errored.
	flaky stability = "flaky"
	// broken: every run that ran failed or errored.
	broken stability = "broken"
	// skipped: no run ran.
	skippedRuns stability = "skipped"
)

// classify returns the stability of a case's run outcomes; skipped runs do
// not count.
func classify(runs []status) stability {
	pass, bad := 0, 0
	for _, s := range runs {
		switch s {
		case statusPass:
			pass++
		case statusFail, statusError:
			bad++
		}
	}
	switch {
	case pass == 0 && bad == 0:
		return skippedRuns
	case bad == 0:
		return stable
	case pass == 0:
		return broken
	}
	return flaky
}

// outcome is the judged result of one case over all its runs.
type outcome struct {
	res      result.CaseResult // the worst run, annotated
	statuses []status          // every run's outcome class, in pass order
	class    stability
	expected bool   // every run's outcome is allowed by the expectations
	want     string // the expectation, "pass" when the file has no entry
	named    bool   // the expectations file has an entry for the case
}

// unexpectedPass reports an outcome that passed against an expectation that
// did not allow it.
func (o outcome) unexpectedPass() bool {
	return !o.expected && o.class == stable
}

// judge merges a case's runs into one outcome: the worst run's result (the
// most to explain), with the repeat classification and the expectation
// written into its reason and logs so that every report shows them.
func judge(runs []result.CaseResult, ex *expectations) outcome {
	worst := 0
	sts := make([]status, len(runs))
	for i, r := range runs {
		sts[i] = statusOf(r.Verdict)
		if r.Verdict.Worse(runs[worst].Verdict) {
			worst = i
		}
	}
	o := outcome{res: runs[worst], statuses: sts, class: classify(sts)}
	_, o.named = ex.allowed(o.res.ID)
	o.expected, o.want = ex.judge(o.res.ID, sts)
	var notes []string
	if len(runs) > 1 {
		list := make([]string, len(sts))
		for i, s := range sts {
			list[i] = string(s)
		}
		note := fmt.Sprintf("%s over %d runs (%s)", o.class, len(runs), strings.Join(list, ", "))
		if o.class == flaky || o.class == broken {
			note += fmt.Sprintf("; shown: run %d", worst+1)
		}
		notes = append(notes, note)
		o.res.Logs = append(append([]string(nil), o.res.Logs...), "netconform: "+note)
	}
	switch {
	case o.named && o.expected:
		notes = append(notes, "expected "+o.want+" (expectations file)")
	case !o.expected && o.unexpectedPass():
		notes = append(notes, "unexpected pass: expected "+o.want)
	case !o.expected && o.named:
		notes = append(notes, "unexpected: expected "+o.want)
	}
	if len(notes) > 0 && (o.class != stable || o.named || !o.expected) {
		reason := strings.Join(notes, "; ")
		if o.res.Reason != "" {
			reason += "; " + o.res.Reason
		}
		o.res.Reason = reason
	}
	return o
}
