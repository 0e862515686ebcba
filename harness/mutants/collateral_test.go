package mutants

import (
	"slices"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// levels is a small catalogue for the tests: T3 is info, the rest must.
func levels(req string) (result.Level, bool) {
	if req == "T3" {
		return result.LevelInfo, true
	}
	return result.LevelMust, true
}

func TestNamedRules(t *testing.T) {
	t.Parallel()
	c := &casefile.Case{Requirements: []string{"C1", "F3"}, Expect: casefile.Expect{
		CallExpect: casefile.CallExpect{Req: "E3"},
		Calls:      map[string]casefile.CallExpect{"main": {Req: "U2"}},
		Files:      []casefile.FileExpect{{Req: "F3"}, {}},
		Journal:    &casefile.JournalExpect{Req: "C2", Requests: []casefile.RequestExpect{{Req: "D3"}}},
		Timing:     []casefile.TimingExpect{{Req: "E6"}},
	}}
	want := []string{"C1", "F3", "E3", "U2", "C2", "D3", "E6"}
	if got := namedRules(c); !slices.Equal(got, want) {
		t.Errorf("namedRules = %v, want %v", got, want)
	}
}

// TestCollateral checks which failures of a variant are collateral: a case
// that fails without naming the variant's rule or failing a check of it is;
// one that names it, or whose failing invariant names it, is not; an info
// variant blames nothing, so any failure it causes is collateral.
func TestCollateral(t *testing.T) {
	t.Parallel()
	cases := map[string]*casefile.Case{
		"f1":     {ID: "f1", Requirements: []string{"F1"}},
		"named":  {ID: "named", Requirements: []string{"F1"}, Expect: casefile.Expect{Files: []casefile.FileExpect{{Req: "F6"}}}},
		"inv":    {ID: "inv", Requirements: []string{"F1"}},
		"t3":     {ID: "t3", Requirements: []string{"T3"}},
		"passes": {ID: "passes", Requirements: []string{"F1"}},
		"broken": {ID: "broken", Requirements: []string{"F1"}},
	}
	run := result.Run{Cases: []result.CaseResult{
		{ID: "f1", Verdict: result.Fail, Mismatches: []result.Mismatch{{Requirement: "F1", Check: "files[0]", Level: result.LevelMust}}},
		{ID: "named", Verdict: result.Fail, Mismatches: []result.Mismatch{{Requirement: "F1", Level: result.LevelMust}}},
		{ID: "inv", Verdict: result.Fail, Mismatches: []result.Mismatch{{Requirement: "F6", Invariant: "x", Level: result.LevelMust}}},
		{ID: "t3", Verdict: result.Fail, Mismatches: []result.Mismatch{{Requirement: "E2", Check: "deadline", Level: result.LevelMust}}},
		{ID: "passes", Verdict: result.Pass},
		{ID: "broken", Verdict: result.Fail},
	}}
	ref := map[string]result.Verdict{"f1": result.Pass, "named": result.Pass, "inv": result.Pass, "t3": result.Info,
		"passes": result.Pass, "broken": result.Fail}
	p := Params{Levels: levels, Collateral: true}
	r := p.row(Variant{Name: "f6", Requirements: []string{"F6"}}, false, run, ref, cases)
	if want := []string{"f1", "t3"}; !slices.Equal(r.Collateral, want) {
		t.Errorf("collateral = %v, want %v", r.Collateral, want)
	}
	if !strings.Contains(r.Reasons["f1"], "F1 files[0]") {
		t.Errorf("reason for f1 = %q, want the rule and check blamed", r.Reasons["f1"])
	}
	if len(r.Caught) != 0 || r.Ran != 0 || r.Swept != len(run.Cases) {
		t.Errorf("caught %v, ran %d, swept %d; want none of F6's cases caught, ran 0, swept %d",
			r.Caught, r.Ran, r.Swept, len(run.Cases))
	}
	info := p.row(Variant{Name: "t3", Requirements: []string{"T3"}}, false, run, ref, cases)
	if !info.Info || !slices.Contains(info.Collateral, "t3") {
		t.Errorf("info variant: info %v, collateral %v; want info and t3 collateral (a must failure)", info.Info, info.Collateral)
	}
	m := &Matrix{Rows: []Row{r, info}}
	if m.CollateralCount() != len(r.Collateral)+len(info.Collateral) {
		t.Errorf("CollateralCount = %d", m.CollateralCount())
	}
	if out := m.FormatCollateral(); !strings.Contains(out, "f6 ") || !strings.Contains(out, "    f1: F1 files[0]") {
		t.Errorf("FormatCollateral:\n%s", out)
	}
	if out := (&Matrix{Rows: []Row{{Variant: "v", Swept: 3}}}).FormatCollateral(); !strings.HasPrefix(out, "collateral: 0 case(s)") {
		t.Errorf("empty matrix: %q", out)
	}
}

// TestInfoVariantIsRecorded checks that an info variant counts as shown
// when a case of its rule got an info verdict, and as missing otherwise.
func TestInfoVariantIsRecorded(t *testing.T) {
	t.Parallel()
	cases := map[string]*casefile.Case{"t3": {ID: "t3", Requirements: []string{"T3"}}}
	ref := map[string]result.Verdict{"t3": result.Pass}
	p := Params{Levels: levels}
	v := Variant{Name: "t3", Requirements: []string{"T3"}}
	rec := p.row(v, false, result.Run{Cases: []result.CaseResult{{ID: "t3", Verdict: result.Info}}}, ref, cases)
	not := p.row(v, false, result.Run{Cases: []result.CaseResult{{ID: "t3", Verdict: result.Pass}}}, ref, cases)
	m := &Matrix{Rows: []Row{rec, not}}
	m.Rows[1].Variant = "t3-unseen"
	if got := m.Uncaught(); !slices.Equal(got, []string{"t3-unseen"}) {
		t.Errorf("Uncaught = %v, want [t3-unseen]", got)
	}
	if !strings.Contains(m.Format(), "recorded") || !strings.Contains(m.Format(), "NOT RECORDED") {
		t.Errorf("Format:\n%s", m.Format())
	}
}
