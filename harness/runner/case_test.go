package runner

import (
	"strings"
	"testing"
	"time"
)

// TestCaseRecordsStart: the result carries the trace's time zero as a wall
// clock, so a report can put Start+At on the journal's clock.
func TestCaseRecordsStart(t *testing.T) {
	t.Parallel()
	r := newRunner(t, &fakeDriver{onCall: answer(200, "hello")}, newFakeFixture())
	before := time.Now().Round(0)
	res := r.Case(t.Context(), loadCase(t, okCase))
	after := time.Now().Round(0)
	if res.Start.IsZero() {
		t.Fatal("result has no Start")
	}
	if res.Start.Before(before) || res.Start.After(after) {
		t.Errorf("Start %v outside the case (%v to %v)", res.Start, before, after)
	}
	if strings.Contains(res.Start.String(), "m=") {
		t.Errorf("Start %v keeps a monotonic reading; the journal's times are wall clock only", res.Start)
	}
	if len(res.Trace) == 0 {
		t.Fatal("no trace")
	}
	for _, e := range res.Trace {
		if at := res.Start.Add(e.At); e.At < 0 || at.After(after) {
			t.Errorf("event %d at Start+%s = %v, want within %v to %v", e.Seq, e.At, at, res.Start, after)
		}
	}
}
