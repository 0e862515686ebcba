package result

import (
	"encoding/json"
	"strings"
	"testing"
)

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
