package runner

import (
	"reflect"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/trace"
)

// TestObserveIsIdempotent: observing a collected state twice gives the same
// view. An instance cancelled once by the runner and once from inside its
// listener has two cancels both times; observe used to append the
// listener's cancel to the instance on every call, so a second call saw it
// twice.
func TestObserveIsIdempotent(t *testing.T) {
	t.Parallel()
	start := time.Now()
	in := &instance{call: &casefile.Call{ID: "main"}, name: "main", n: 1, url: "http://fake.test/c/x", handle: "h1", token: "h1",
		started: true, cancels: []cancelRecord{{at: 30 * time.Millisecond, returned: true, afterSeq: 3}}}
	s := newState(start, []*instance{in})
	events := make(chan driver.Event, 3)
	events <- driver.Event{Seq: 1, Kind: driver.KindEvent, Handle: "h1", Time: start.Add(10 * time.Millisecond),
		Fields: map[string]any{trace.FieldPhase: trace.Began}}
	events <- driver.Event{Seq: 2, Kind: driver.KindCancel, Handle: "h1", Time: start.Add(20 * time.Millisecond),
		Cancel: &driver.Cancelled{Returned: true, AfterSeq: 1}}
	events <- driver.Event{Seq: 3, Kind: driver.KindEvent, Handle: "h1", Time: start.Add(25 * time.Millisecond),
		Fields: map[string]any{trace.FieldPhase: trace.Progress}}
	close(events)
	s.collect(events)

	calls, tr := s.observe()
	if len(calls) != 1 || len(calls[0].Cancels) != 2 {
		t.Fatalf("first observe: calls %+v, want one call with the runner's and the listener's cancel", calls)
	}
	if c := calls[0].Cancels; c[0].At != 20*time.Millisecond || c[0].EventsBefore != 1 || c[1].EventsBefore != 2 {
		t.Errorf("cancels %+v, want the listener's (after 1 event) before the runner's (after 2)", c)
	}
	if len(tr) != 2 {
		t.Errorf("trace %+v, want began and progress (a cancel report is no event)", tr)
	}
	again, tr2 := s.observe()
	if !reflect.DeepEqual(again, calls) || !reflect.DeepEqual(tr2, tr) {
		t.Errorf("second observe differs:\n got %+v\nwant %+v", again, calls)
	}
	if len(in.cancels) != 1 {
		t.Errorf("observe changed the instance: %d cancels recorded, want the runner's 1", len(in.cancels))
	}
}
