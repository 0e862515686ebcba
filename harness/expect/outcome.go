package expect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/result"
)

// Stability classifies a case's repeated runs.
type Stability string

const (
	// Stable: every run that ran passed (pass, warn or info).
	Stable Stability = "stable"
	// Flaky: some runs passed and some failed or errored.
	Flaky Stability = "flaky"
	// Broken: every run that ran failed or errored.
	Broken Stability = "broken"
	// Skipped: no run ran.
	Skipped Stability = "skipped"
)

// Classify returns the stability of a case's run outcomes; skipped runs do
// not count.
func Classify(runs []Status) Stability {
	pass, bad := 0, 0
	for _, s := range runs {
		switch s {
		case Pass:
			pass++
		case Fail, Error:
			bad++
		}
	}
	switch {
	case pass == 0 && bad == 0:
		return Skipped
	case bad == 0:
		return Stable
	case pass == 0:
		return Broken
	}
	return Flaky
}

// Outcome is the judged result of one case over all its runs.
type Outcome struct {
	// Result is the worst run, its Reason and Logs annotated with the
	// classification and the expectation.
	Result result.CaseResult
	// Statuses is every run's outcome class, in pass order.
	Statuses []Status
	// Class is the stability of the runs.
	Class Stability
	// Expected reports that every run's outcome is allowed.
	Expected bool
	// Want describes the expectation: "pass" when the file has no entry.
	Want string
	// Named reports that the expectations file has an entry for the case.
	Named bool
}

// UnexpectedPass reports an outcome that passed against an expectation that
// did not allow it.
func (o Outcome) UnexpectedPass() bool {
	return !o.Expected && o.Class == Stable
}

// Judge merges a case's runs (at least one) into one outcome: the worst
// run's result (the most to explain), with the repeat classification and
// the expectation written into its reason and logs so that every report
// shows them. The runs are not changed.
//
// The runs an interrupted run left unfinished ([result.CaseResult.Interrupted])
// are left out: they have no outcome. A case with no finished run is
// expected whatever the file says, its result the interrupted run's.
func Judge(runs []result.CaseResult, ex *Expectations) Outcome {
	finished := slices.DeleteFunc(slices.Clone(runs), func(r result.CaseResult) bool { return r.Interrupted != "" })
	if len(finished) == 0 {
		_, named := ex.Allowed(runs[0].ID)
		return Outcome{Result: runs[0], Statuses: []Status{Skip}, Class: Skipped, Expected: true, Named: named,
			Want: "(not judged: interrupted)"}
	}
	runs = finished
	worst := 0
	sts := make([]Status, len(runs))
	for i, r := range runs {
		sts[i] = StatusOf(r.Verdict)
		if r.Verdict.Worse(runs[worst].Verdict) {
			worst = i
		}
	}
	o := Outcome{Result: runs[worst], Statuses: sts, Class: Classify(sts)}
	_, o.Named = ex.Allowed(o.Result.ID)
	o.Expected, o.Want = ex.Allows(o.Result.ID, sts)
	var notes []string
	if len(runs) > 1 {
		list := make([]string, len(sts))
		for i, s := range sts {
			list[i] = string(s)
		}
		note := fmt.Sprintf("%s over %d runs (%s)", o.Class, len(runs), strings.Join(list, ", "))
		if o.Class == Flaky || o.Class == Broken {
			note += fmt.Sprintf("; shown: run %d", worst+1)
		}
		notes = append(notes, note)
		o.Result.Logs = append(append([]string(nil), o.Result.Logs...), "netconform: "+note)
	}
	switch {
	case o.Named && o.Expected:
		notes = append(notes, "expected "+o.Want+" (expectations file)")
	case !o.Expected && o.UnexpectedPass():
		notes = append(notes, "unexpected pass: expected "+o.Want)
	case !o.Expected && o.Named:
		notes = append(notes, "unexpected: expected "+o.Want)
	}
	if len(notes) > 0 && (o.Class != Stable || o.Named || !o.Expected) {
		reason := strings.Join(notes, "; ")
		if o.Result.Reason != "" {
			reason += "; " + o.Result.Reason
		}
		o.Result.Reason = reason
	}
	return o
}

// JudgeAll judges each case's runs (as runner.Runner.Repeat returns them),
// in the same order.
func JudgeAll(runs [][]result.CaseResult, ex *Expectations) []Outcome {
	outs := make([]Outcome, len(runs))
	for i, rs := range runs {
		outs[i] = Judge(rs, ex)
	}
	return outs
}

// Tally counts a run's outcomes for its closing lines.
type Tally struct {
	// Unexpected counts the outcomes the expectations do not allow.
	Unexpected int
	// ExpectedNonPass counts the outcomes the expectations file names and
	// allows that are not stable passes.
	ExpectedNonPass int
	// ByClass counts the outcomes of each stability.
	ByClass map[Stability]int
}

// Count tallies outs.
func Count(outs []Outcome) Tally {
	t := Tally{ByClass: map[Stability]int{}}
	for _, o := range outs {
		t.ByClass[o.Class]++
		switch {
		case !o.Expected:
			t.Unexpected++
		case o.Named && o.Class != Stable && o.Result.Interrupted == "":
			t.ExpectedNonPass++
		}
	}
	return t
}

// Unexpected returns the outcomes the expectations do not allow, in order.
func Unexpected(outs []Outcome) []Outcome {
	var bad []Outcome
	for _, o := range outs {
		if !o.Expected {
			bad = append(bad, o)
		}
	}
	return bad
}
