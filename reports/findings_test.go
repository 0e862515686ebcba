package reports

import (
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

// TestFindingsGroupAndCollapse: mismatches of one rule and check in several
// cases are one finding, most cases first; a check repeated per event and
// per call instance in one case is one collapsed mismatch; the root cause
// is the first mismatch graded at the case's verdict.
func TestFindingsGroupAndCollapse(t *testing.T) {
	t.Parallel()
	perEvent := func(call, want string) result.Mismatch {
		return result.Mismatch{Requirement: "E1", Invariant: "name", Call: call, Check: "invariant.name", Want: want,
			Got: "absent", Level: result.LevelMust}
	}
	should := result.Mismatch{Requirement: "E12", Check: "invariant.url", Want: "url", Got: "absent",
		Level: result.LevelShould}
	trace := result.Mismatch{Requirement: "E3", Call: "main", Check: "calls.main.trace", Want: "began ended",
		Got: "[ended]", Level: result.LevelMust}
	run := result.Run{Cases: []result.CaseResult{
		{ID: "a", Verdict: result.Fail, Mismatches: []result.Mismatch{should, perEvent("c#1", "x"),
			perEvent("c#2", "x"), perEvent("c#2", "x")}},
		{ID: "b", Verdict: result.Fail, Mismatches: []result.Mismatch{trace, perEvent("main", "x")}},
		{ID: "c", Verdict: result.Fail, Mismatches: []result.Mismatch{{Requirement: "E3", Call: "d",
			Check: "trace", Want: "ended", Got: "[]", Level: result.LevelMust}}},
		{ID: "d", Verdict: result.Error, Reason: "driver failed: boom"},
		{ID: "e", Verdict: result.Error, Reason: "driver failed: boom"},
		{ID: "f", Verdict: result.Warn, Mismatches: []result.Mismatch{should}},
	}}
	fs := Findings(run, result.Fail)
	if len(fs) != 2 || fs[0].Requirement != "E1" || len(fs[0].Cases) != 2 || fs[0].Mismatches != 4 ||
		fs[1].Requirement != "E3" || fs[1].Check != "trace" || strings.Join(fs[1].Cases, " ") != "b c" {
		t.Errorf("fail findings = %+v, want E1 in a and b (4 times), then E3 trace in b and c", fs)
	}
	if es := Findings(run, result.Error); len(es) != 1 || len(es[0].Cases) != 2 || es[0].Check != "error" {
		t.Errorf("error findings = %+v, want one reason of two cases", es)
	}
	if ws := Findings(run, result.Warn); len(ws) != 1 || strings.Join(ws[0].Cases, " ") != "f" {
		t.Errorf("warn findings = %+v, want the warn case only (not a's should mismatch)", ws)
	}
	cs := Collapse(run.Cases[0].Mismatches)
	if len(cs) != 2 || cs[1].Times != 3 {
		t.Errorf("collapsed = %+v, want the url mismatch and the name mismatch 3 times", cs)
	}
	m, rules, ok := RootCause(run.Cases[0], false)
	if !ok || m.Requirement != "E1" || strings.Join(rules, " ") != "E12 E1" {
		t.Errorf("root cause = %+v %v %v, want the first must mismatch, rules E12 E1", m, rules, ok)
	}
	if top := topFindings(run); len(top) != 3 || top[0].Requirement != "E1" {
		t.Errorf("top reasons = %+v", top)
	}
}
