package runner

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// fakeStalls hands out stall meters that report the given stalls, one per
// attempt in order (0 once the list is used up), and counts the attempts.
type fakeStalls struct {
	mu       sync.Mutex
	stalls   []time.Duration
	attempts int
}

type fixedMeter time.Duration

func (m fixedMeter) Stop() (time.Duration, time.Time) { return time.Duration(m), time.Now() }

func (f *fakeStalls) watch() stallMeter {
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Duration
	if f.attempts < len(f.stalls) {
		d = f.stalls[f.attempts]
	}
	f.attempts++
	return fixedMeter(d)
}

// TestStalledAttemptIsVoid: an attempt during which the host stalled the
// process beyond the tolerance is run again whatever its verdict; the
// result is the first clean attempt's, and its logs name the void ones. An
// attempt within the tolerance counts as it is.
func TestStalledAttemptIsVoid(t *testing.T) {
	t.Parallel()
	long := stallTolerance + 50*time.Millisecond
	tests := []struct {
		name     string
		stalls   []time.Duration
		max      int   // Params.MaxAttempts
		status   []int // the fake's answer per attempt
		attempts int
		want     result.Verdict
		notes    int
	}{
		{"clean pass", nil, 0, []int{200}, 1, result.Pass, 0},
		{"stall within tolerance counts", []time.Duration{stallTolerance}, 0, []int{404}, 1, result.Fail, 0},
		{"stalled fail is void", []time.Duration{long}, 0, []int{404, 200}, 2, result.Pass, 1},
		{"stalled pass is void too", []time.Duration{long}, 0, []int{200, 404}, 2, result.Fail, 1},
		{"every attempt stalled", []time.Duration{long, long, long, long}, 0, []int{404, 404, 404, 404},
			DefaultMaxAttempts, result.Fail, DefaultMaxAttempts},
		{"one attempt allowed: a stalled one stands", []time.Duration{long}, 1, []int{404, 200}, 1, result.Fail, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			n := 0
			d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
				mu.Lock()
				st := tc.status[min(n, len(tc.status)-1)]
				n++
				mu.Unlock()
				s.emit(h, ended(h, c, st, "hello"))
				return nil
			}}
			fx := newFakeFixture()
			r := newRunner(t, d, fx)
			r.p.MaxAttempts = tc.max
			fs := &fakeStalls{stalls: tc.stalls}
			r.watch = fs.watch
			res := r.Case(t.Context(), loadCase(t, okCase))
			if res.Verdict != tc.want {
				t.Errorf("verdict %s (%s), want %s", res.Verdict, res.Reason, tc.want)
			}
			if fs.attempts != tc.attempts || len(fx.installed) != tc.attempts {
				t.Errorf("%d attempts, %d namespaces installed; want %d", fs.attempts, len(fx.installed), tc.attempts)
			}
			var notes []string
			for _, l := range res.Logs {
				if strings.Contains(l, "the host stalled") {
					notes = append(notes, l)
				}
			}
			if len(notes) != tc.notes {
				t.Errorf("stall notes %q, want %d", notes, tc.notes)
			}
			if tc.notes == tc.attempts && !strings.Contains(notes[len(notes)-1], "may be void") {
				t.Errorf("last note %q does not say the result may be void", notes[len(notes)-1])
			}
			if res.Attempts != tc.attempts {
				t.Errorf("Attempts = %d, want %d", res.Attempts, tc.attempts)
			}
			if len(res.VoidAttempts) != tc.notes {
				t.Fatalf("VoidAttempts = %+v, want %d", res.VoidAttempts, tc.notes)
			}
			for i, v := range res.VoidAttempts {
				want := tc.status[min(i, len(tc.status)-1)]
				wantVerdict := result.Pass
				if want != 200 {
					wantVerdict = result.Fail
				}
				if v.Attempt != i+1 || v.Stall != long || v.At < 0 || v.Verdict != wantVerdict || v.Note != strings.TrimPrefix(notes[i], "runner: ") {
					t.Errorf("VoidAttempts[%d] = %+v, want attempt %d, stall %s, verdict %s, note %q", i, v, i+1, long,
						wantVerdict, notes[i])
				}
			}
			lastVoid := tc.notes == tc.attempts
			if res.LastAttemptVoid() != lastVoid {
				t.Errorf("LastAttemptVoid() = %v, want %v", res.LastAttemptVoid(), lastVoid)
			}
			if says := strings.Contains(res.Reason, "result from a void attempt"); says != lastVoid {
				t.Errorf("reason %q: says void %v, want %v", res.Reason, says, lastVoid)
			}
			if lastVoid && !strings.HasPrefix(res.Reason, "1 mismatch(es)") {
				t.Errorf("reason %q lost the verdict's own reason", res.Reason)
			}
		})
	}
}

// TestStallWatchKeepsTheWorst: the watch reports its longest lateness and
// when that stall began, and Stop returns promptly.
func TestStallWatchKeepsTheWorst(t *testing.T) {
	t.Parallel()
	w := watchStalls().(*stallWatch)
	due := time.Now().Add(-3 * stallTolerance)
	w.saw(time.Since(due), due)
	w.saw(time.Millisecond, time.Now())
	got, at := w.Stop()
	if got < 3*stallTolerance || !at.Equal(due) {
		t.Errorf("Stop = %s at %v, want >= %s at %v", got, at, 3*stallTolerance, due)
	}
}
