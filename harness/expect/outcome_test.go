package expect

import (
	"testing"

	"github.com/netconform/netconform/harness/result"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		runs []Status
		want Stability
	}{
		{[]Status{Pass, Pass}, Stable},
		{[]Status{Pass, Skip}, Stable},
		{[]Status{Fail, Error}, Broken},
		{[]Status{Pass, Fail, Pass}, Flaky},
		{[]Status{Error, Pass}, Flaky},
		{[]Status{Skip, Skip}, Skipped},
	}
	for _, tc := range tests {
		if got := Classify(tc.runs); got != tc.want {
			t.Errorf("Classify(%v) = %s, want %s", tc.runs, got, tc.want)
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
	o := Judge(runs, None())
	if o.Result.Verdict != result.Fail || o.Class != Flaky || o.Expected {
		t.Fatalf("outcome %+v: want the failing run, flaky, unexpected", o)
	}
	if want := "flaky over 3 runs (pass, fail, pass); shown: run 2; 1 mismatch(es)"; o.Result.Reason != want {
		t.Errorf("reason %q, want %q", o.Result.Reason, want)
	}
	if runs[1].Logs != nil {
		t.Error("Judge changed the caller's result")
	}
	// One run, passing, no expectation: nothing is added.
	o = Judge(runs[:1], None())
	if o.Result.Reason != "" || len(o.Result.Logs) != 0 || !o.Expected {
		t.Errorf("single pass annotated: %+v", o.Result)
	}
}

// TestJudgeNotesTheExpectation: a named expectation that holds, an
// unexpected pass and an unexpected failure each say so in the reason.
func TestJudgeNotesTheExpectation(t *testing.T) {
	t.Parallel()
	ex, err := Parse("e.yaml", []byte("a.fail: fail\na.pass: fail\na.err: [pass, fail]\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id      string
		verdict result.Verdict
		want    string
	}{
		{"a.fail", result.Fail, "expected fail (expectations file); was 404"},
		{"a.pass", result.Pass, "unexpected pass: expected fail; was 404"},
		{"a.err", result.Error, "unexpected: expected [pass, fail]; was 404"},
	}
	for _, tc := range tests {
		o := Judge([]result.CaseResult{{ID: tc.id, Verdict: tc.verdict, Reason: "was 404"}}, ex)
		if o.Result.Reason != tc.want || !o.Named {
			t.Errorf("%s: reason %q (named %v), want %q", tc.id, o.Result.Reason, o.Named, tc.want)
		}
	}
}

func TestCountAndUnexpected(t *testing.T) {
	t.Parallel()
	ex, err := Parse("e.yaml", []byte("a.known: fail\n"))
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]result.CaseResult{
		{{ID: "a.ok", Verdict: result.Pass}, {ID: "a.ok", Verdict: result.Info}},
		{{ID: "a.known", Verdict: result.Fail}, {ID: "a.known", Verdict: result.Fail}},
		{{ID: "a.flaky", Verdict: result.Pass}, {ID: "a.flaky", Verdict: result.Error}},
	}
	outs := JudgeAll(runs, ex)
	if len(outs) != 3 || outs[1].Result.ID != "a.known" {
		t.Fatalf("JudgeAll = %+v: want one outcome per case, in order", outs)
	}
	got := Count(outs)
	if got.Unexpected != 1 || got.ExpectedNonPass != 1 ||
		got.ByClass[Stable] != 1 || got.ByClass[Broken] != 1 || got.ByClass[Flaky] != 1 {
		t.Errorf("Count = %+v: want 1 unexpected, 1 expected non-pass, 1 each of stable, broken, flaky", got)
	}
	if bad := Unexpected(outs); len(bad) != 1 || bad[0].Result.ID != "a.flaky" {
		t.Errorf("Unexpected = %+v, want a.flaky alone", bad)
	}
}

// TestJudgeLeavesInterruptedRunsOut: a run an interrupt left unfinished
// is not judged: the finished runs decide, and a case with none is
// expected whatever the file says, and counted as nothing.
func TestJudgeLeavesInterruptedRunsOut(t *testing.T) {
	t.Parallel()
	ex, err := Parse("e.yaml", []byte("a.known: fail\n"))
	if err != nil {
		t.Fatal(err)
	}
	cut := func(id string) result.CaseResult {
		return result.CaseResult{ID: id, Verdict: result.Skip, Interrupted: result.InterruptedRunning}
	}
	outs := JudgeAll([][]result.CaseResult{
		{cut("a.known")},
		{{ID: "a.ok", Verdict: result.Pass}, cut("a.ok")},
		{{ID: "a.bad", Verdict: result.Fail}, cut("a.bad")},
	}, ex)
	if !outs[0].Expected || outs[0].Result.Interrupted == "" {
		t.Errorf("interrupted a.known = %+v: want expected, its result the interrupted run", outs[0])
	}
	if !outs[1].Expected || outs[1].Class != Stable || len(outs[1].Statuses) != 1 {
		t.Errorf("a.ok = %+v: want judged on its one finished run, a stable pass", outs[1])
	}
	if outs[2].Expected || outs[2].Result.Verdict != result.Fail {
		t.Errorf("a.bad = %+v: want its finished failure unexpected", outs[2])
	}
	if got := Count(outs); got.Unexpected != 1 || got.ExpectedNonPass != 0 {
		t.Errorf("Count = %+v: want 1 unexpected (a.bad), 0 expected non-pass", got)
	}
}
