package result

import (
	"encoding/json"
	"strings"
	"testing"
)

func levels(req string) (Level, bool) {
	l, ok := map[string]Level{"E1": LevelMust, "E12": LevelShould, "C3": LevelInfo, "F2": LevelMust}[req]
	return l, ok
}

func TestGrade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		strict    bool
		override  Level
		reqs      []string
		ms        []Mismatch
		wantLevel Level
		want      Verdict
		wantLevs  []Level
	}{
		{"no mismatch", false, "", []string{"E12"}, nil, LevelShould, Pass, nil},
		{"must fails", false, "", []string{"F2"}, []Mismatch{{Requirement: "F2"}}, LevelMust, Fail, []Level{LevelMust}},
		{"should warns", false, "", []string{"E12"}, []Mismatch{{Requirement: "E12"}}, LevelShould, Warn, []Level{LevelShould}},
		{"should fails strict", true, "", []string{"E12"}, []Mismatch{{Requirement: "E12"}}, LevelShould, Fail, []Level{LevelShould}},
		{"info is info", true, "", []string{"C3"}, []Mismatch{{Requirement: "C3"}}, LevelInfo, Info, []Level{LevelInfo}},
		{"worst wins", false, "", []string{"C3", "E1"},
			[]Mismatch{{Requirement: "C3"}, {Requirement: "E12"}}, LevelMust, Warn, []Level{LevelInfo, LevelShould}},
		{"override softens own checks", false, LevelInfo, []string{"F2"},
			[]Mismatch{{Requirement: "F2"}}, LevelInfo, Info, []Level{LevelInfo}},
		{"override does not soften invariants", false, LevelInfo, []string{"F2"},
			[]Mismatch{{Requirement: "E1", Invariant: "name"}}, LevelInfo, Fail, []Level{LevelMust}},
		{"unknown requirement falls back to case level", false, "", []string{"E12"},
			[]Mismatch{{Requirement: "Z9"}}, LevelShould, Warn, []Level{LevelShould}},
		{"unknown case requirement is must", false, "", []string{"Z9"}, []Mismatch{{Requirement: "Z9"}}, LevelMust, Fail, []Level{LevelMust}},
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
	ms := []Mismatch{{Requirement: "E12"}}
	if l, v := (Policy{}).Grade("", []string{"E12"}, ms); l != LevelMust || v != Fail {
		t.Errorf("zero policy = %s, %s; want must, fail", l, v)
	}
}

func TestVerdictOrder(t *testing.T) {
	t.Parallel()
	order := []Verdict{Skip, Pass, Info, Warn, Fail, Error}
	for i := 1; i < len(order); i++ {
		if !order[i].Worse(order[i-1]) || order[i-1].Worse(order[i]) {
			t.Errorf("%s should be worse than %s", order[i], order[i-1])
		}
	}
	if !Fail.Failed() || !Error.Failed() || Warn.Failed() {
		t.Error("Failed() wrong")
	}
	if !LevelMust.Stronger(LevelShould) || !LevelShould.Stronger(LevelInfo) || LevelInfo.Stronger(LevelMust) || Level("x").Valid() {
		t.Error("level order wrong")
	}
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	r := Run{Cases: []CaseResult{
		{ID: "a.b", Verdict: Pass},
		{ID: "a.c", Verdict: Fail, Mismatches: []Mismatch{{Requirement: "F2", Check: "ended.status", Want: "404", Got: "200"}}},
	}}
	if c := r.Counts(); c[Pass] != 1 || c[Fail] != 1 || !r.Failed() {
		t.Errorf("Counts = %v, Failed = %v", c, r.Failed())
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"verdict":"fail"`, `"check":"ended.status"`, `"requirement":"F2"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}
