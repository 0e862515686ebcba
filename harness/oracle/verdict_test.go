package oracle

import (
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// The levels, short.
const (
	must   = result.LevelMust
	should = result.LevelShould
	info   = result.LevelInfo
)

func levels(req string) (result.Level, bool) {
	l, ok := map[string]result.Level{"E1": must, "E12": should, "C3": info, "F2": must}[req]
	return l, ok
}

func TestGrade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		strict    bool
		override  result.Level
		reqs      []string
		ms        []result.Mismatch
		wantLevel result.Level
		want      result.Verdict
		wantLevs  []result.Level
	}{
		{"no mismatch", false, "", []string{"E12"}, nil, should, result.Pass, nil},
		{"must fails", false, "", []string{"F2"}, []result.Mismatch{{Requirement: "F2"}}, must, result.Fail, []result.Level{must}},
		{"should warns", false, "", []string{"E12"}, []result.Mismatch{{Requirement: "E12"}}, should, result.Warn, []result.Level{should}},
		{"should fails strict", true, "", []string{"E12"}, []result.Mismatch{{Requirement: "E12"}}, should, result.Fail, []result.Level{should}},
		{"info is info", true, "", []string{"C3"}, []result.Mismatch{{Requirement: "C3"}}, info, result.Info, []result.Level{info}},
		{"worst wins", false, "", []string{"C3", "E1"},
			[]result.Mismatch{{Requirement: "C3"}, {Requirement: "E12"}}, must, result.Warn, []result.Level{info, should}},
		{"override softens own checks", false, info, []string{"F2"},
			[]result.Mismatch{{Requirement: "F2"}}, info, result.Info, []result.Level{info}},
		{"override does not soften invariants", false, info, []string{"F2"},
			[]result.Mismatch{{Requirement: "E1", Invariant: "name"}}, info, result.Fail, []result.Level{must}},
		{"unknown requirement falls back to case level", false, "", []string{"E12"},
			[]result.Mismatch{{Requirement: "Z9"}}, should, result.Warn, []result.Level{should}},
		{"unknown case requirement is must", false, "", []string{"Z9"}, []result.Mismatch{{Requirement: "Z9"}}, must, result.Fail, []result.Level{must}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Policy{Strict: tc.strict, LevelOf: levels}
			lvl, v := p.Grade(tc.override, tc.reqs, tc.ms)
			if lvl != tc.wantLevel || v != tc.want {
				t.Errorf("Grade = %s, %s; want %s, %s", lvl, v, tc.wantLevel, tc.want)
			}
			for i, m := range tc.ms {
				if m.Level != tc.wantLevs[i] {
					t.Errorf("mismatch %d graded %s, want %s", i, m.Level, tc.wantLevs[i])
				}
			}
		})
	}
}

func TestZeroPolicy(t *testing.T) {
	t.Parallel()
	ms := []result.Mismatch{{Requirement: "E12"}}
	if l, v := (Policy{}).Grade("", []string{"E12"}, ms); l != must || v != result.Fail {
		t.Errorf("zero policy = %s, %s; want must, fail", l, v)
	}
}

func TestPolicyVerdict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		level  result.Level
		strict bool
		want   result.Verdict
	}{
		{must, false, result.Fail}, {should, false, result.Warn}, {should, true, result.Fail},
		{info, false, result.Info}, {info, true, result.Info}, {"", false, result.Fail}, {"typo", true, result.Fail},
	}
	for _, tc := range tests {
		if got := (Policy{Strict: tc.strict}).Verdict(tc.level); got != tc.want {
			t.Errorf("Verdict(%q) strict=%v = %s, want %s", tc.level, tc.strict, got, tc.want)
		}
	}
}

func TestProgressKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fn       string
		progress any // nil: no progress key
		want     string
	}{
		{"request", nil, ""}, {"", "download", "download"}, {"request", "upload", "upload"},
		{"request", true, ""}, {"request", "Upload", ""},
		{"upload", nil, ""}, {"upload", true, "upload"}, {"upload", false, ""}, {"upload", "", ""},
		{"upload", "download", "upload"}, {"download", true, "download"}, {"download", false, ""},
	}
	for _, tc := range tests {
		var params map[string]any
		if tc.progress != nil {
			params = map[string]any{"progress": tc.progress}
		}
		if got := ProgressKind(tc.fn, params); got != tc.want {
			t.Errorf("ProgressKind(%q, progress=%v) = %q, want %q", tc.fn, tc.progress, got, tc.want)
		}
	}
}

// TestDeadlineBlame: a call pending at the deadline is a mismatch of the
// rule of its phase sequence, naming what it got; the deadline mismatches
// come last, and the Reason names the deadline.
func TestDeadlineBlame(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fn      casefile.Fn
		params  map[string]any
		pending Pending
		req     string
		got     string
	}{
		{"no progress", casefile.FnRequest, nil, Pending{Call: "main", Instance: "main", Started: true},
			"E2", "no ended after 1.5s, no event"},
		{"download progress", casefile.FnRequest, map[string]any{"progress": "download"},
			Pending{Call: "main", Instance: "main", Started: true, Phases: []string{"began", "progress"}},
			"E3", "no ended after 1.5s, events: began progress"},
		{"upload call", casefile.FnUpload, map[string]any{"progress": true},
			Pending{Call: "main", Instance: "main", Started: true}, "E4", "no ended after 1.5s, no event"},
		{"never started", casefile.FnRequest, nil, Pending{Call: "main", Instance: "main"},
			"E2", "never started (waiting for first)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(tc.params)
			c.Calls[0].Fn, c.Calls[0].After = tc.fn, "first"
			obs := obsOf(ev(0, "ended", 1, "name", "other"))
			obs.Deadline, obs.Pending = 1500*time.Millisecond, []Pending{tc.pending}
			j := Policy{LevelOf: levels}.Judge(c, obs)
			if len(j.Mismatches) < 2 {
				t.Fatalf("mismatches %v, want the invariant's and the deadline's", checks(j.Mismatches))
			}
			m := j.Mismatches[len(j.Mismatches)-1]
			if m.Check != "deadline" || m.Requirement != tc.req || m.Call != "main" || m.Got != tc.got {
				t.Errorf("deadline mismatch %+v, want %s on main, got %q", m, tc.req, tc.got)
			}
			if j.Verdict != result.Fail || j.Reason != "deadline 1.5s exceeded with 1 call(s) pending" {
				t.Errorf("judgement %s %q, want fail at the deadline", j.Verdict, j.Reason)
			}
		})
	}
}

// TestJudge: the judgement grades the mismatches and summarises the first.
func TestJudge(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Requirements = []string{"E12"}
	j := Policy{LevelOf: levels}.Judge(c, obsOf(ev(0, "ended", 1)))
	if j.Verdict != result.Pass || j.Level != should || j.Reason != "" || len(j.Mismatches) != 0 {
		t.Errorf("passing case judged %+v", j)
	}
	j = Policy{LevelOf: levels}.Judge(c, obsOf(ev(0, "ended", 1, "name", "other"), ev(1, "ended", 2)))
	if j.Verdict != result.Fail || len(j.Mismatches) != 3 || j.Mismatches[0].Level != must {
		t.Fatalf("judged %s with %v, want fail on E1/E2 invariants graded must", j.Verdict, checks(j.Mismatches))
	}
	if want := "3 mismatch(es), first: invariant.name [main] (E1 must)"; j.Reason != want {
		t.Errorf("reason %q, want %q", j.Reason, want)
	}
}
