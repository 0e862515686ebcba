package result

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAttempts: the attempt count, whether the result's own attempt was
// void, and how many void attempts were run again, from Attempts and
// VoidAttempts.
func TestAttempts(t *testing.T) {
	t.Parallel()
	void := func(n ...int) []VoidAttempt {
		var out []VoidAttempt
		for _, a := range n {
			out = append(out, VoidAttempt{Attempt: a, Stall: 200 * time.Millisecond})
		}
		return out
	}
	tests := []struct {
		name      string
		res       CaseResult
		count     int
		lastVoid  bool
		reRunVoid int
	}{
		{"zero value is one clean attempt", CaseResult{}, 1, false, 0},
		{"one clean attempt", CaseResult{Attempts: 1}, 1, false, 0},
		{"void then clean", CaseResult{Attempts: 2, VoidAttempts: void(1)}, 2, false, 1},
		{"two void then clean", CaseResult{Attempts: 3, VoidAttempts: void(1, 2)}, 3, false, 2},
		{"every attempt void", CaseResult{Attempts: 3, VoidAttempts: void(1, 2, 3)}, 3, true, 2},
		{"single void attempt (interrupted)", CaseResult{Attempts: 1, VoidAttempts: void(1)}, 1, true, 0},
		{"attempts missing, void list says", CaseResult{VoidAttempts: void(1, 2)}, 2, true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.res.AttemptCount(); got != tc.count {
				t.Errorf("AttemptCount() = %d, want %d", got, tc.count)
			}
			if got := tc.res.LastAttemptVoid(); got != tc.lastVoid {
				t.Errorf("LastAttemptVoid() = %v, want %v", got, tc.lastVoid)
			}
			if got := tc.res.ReRunVoids(); got != tc.reRunVoid {
				t.Errorf("ReRunVoids() = %d, want %d", got, tc.reRunVoid)
			}
		})
	}
}

// TestAttemptsJSON: a clean single attempt adds nothing to the JSON (zero
// Attempts is omitted); re-runs show as "attempts" and "voidAttempts".
func TestAttemptsJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(CaseResult{ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "attempts") || strings.Contains(s, "voidAttempts") {
		t.Errorf("clean result marshals attempts: %s", s)
	}
	b, err = json.Marshal(CaseResult{ID: "a", Attempts: 2, VoidAttempts: []VoidAttempt{{Attempt: 1, Verdict: Fail,
		Stall: time.Second, At: time.Millisecond, Note: "n"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"attempts":2`, `"voidAttempts":[{"attempt":1,"verdict":"fail","stall":1000000000,"at":1000000,"note":"n"}]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}
