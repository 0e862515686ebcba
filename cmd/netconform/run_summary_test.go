package main

import (
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/expect"
	"github.com/netconform/netconform/harness/result"
)

// TestDetailLineVoids: the closing detail line counts the void attempts of
// every run of every case, repeats included, before the wall time; a run
// without any says nothing of them.
func TestDetailLineVoids(t *testing.T) {
	t.Parallel()
	clean := result.CaseResult{ID: "a", Verdict: result.Pass, Attempts: 1}
	rerun := result.CaseResult{ID: "a", Verdict: result.Pass, Attempts: 2, VoidAttempts: voids(1)}
	kept := result.CaseResult{ID: "b", Verdict: result.Fail, Attempts: 3, VoidAttempts: voids(3)}
	tests := []struct {
		name string
		runs [][]result.CaseResult
		want string
	}{
		{"none", [][]result.CaseResult{{clean, clean}}, ""},
		{"a re-run in the second repeat", [][]result.CaseResult{{clean, rerun}}, "1 voided attempt re-run"},
		{"re-runs and a kept void", [][]result.CaseResult{{rerun, rerun}, {kept}},
			"4 voided attempts re-run; 1 verdict from a void attempt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := voidLine(tc.runs)
			if v != tc.want {
				t.Errorf("voidLine = %q, want %q", v, tc.want)
			}
			line := detailLine(expect.Tally{}, 1, 1500*time.Millisecond, v)
			switch {
			case tc.want == "" && strings.Contains(line, "void"):
				t.Errorf("detail line %q mentions void attempts", line)
			case tc.want != "" && !strings.HasSuffix(line, "; "+tc.want+"; 1.5s"):
				t.Errorf("detail line %q, want it to end %q", line, "; "+tc.want+"; 1.5s")
			}
		})
	}
}
