package runner

import (
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

const cancelAtBeganCase = `
id: t.cancel
title: cancel at began; nothing follows
requirements: [C1]
call: {url: "{{http}}/x", params: {progress: download}}
actions:
  - {cancel: main, at: began}
expect:
  trace: began
  cancelReturned: true
`

// trickler sends began, then progress events until cancelled (or, when
// lateEvent is set, one more progress after the cancel: a C1 violation).
func trickler(lateEvent bool) *fakeDriver {
	d := &fakeDriver{}
	d.onCall = func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, phase(h, c, "began", 0))
		return nil
	}
	d.onCancel = func(s *fakeSession, h string) {
		if lateEvent {
			s.emit(h, phase(h, driver.Call{URL: "http://fake.test" + mockserver.NamespacePath("x")}, "progress", 1))
		}
	}
	return d
}

func TestCancelOrdering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		late  bool
		want  result.Verdict
		check string
	}{
		{"nothing after cancel", false, result.Pass, ""},
		{"event after cancel", true, result.Fail, "invariant.nothingAfterCancel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRunner(t, trickler(tc.late), newFakeFixture())
			res := r.Case(t.Context(), loadCase(t, cancelAtBeganCase))
			if res.Verdict != tc.want {
				t.Fatalf("verdict %s (%s), want %s: %+v", res.Verdict, res.Reason, tc.want, res.Mismatches)
			}
			if tc.check != "" && !hasCheck(res, tc.check) {
				t.Errorf("no %s mismatch in %+v", tc.check, res.Mismatches)
			}
		})
	}
}

const inListenerCase = `
id: t.in-listener
title: cancel from inside the listener at began
requirements: [C4]
call: {url: "{{http}}/x", params: {progress: download}}
actions:
  - {cancel: main, at: began, inListener: true}
expect:
  trace: began
`

// TestCancelInListenerIsPassedToTheDriver: the call carries the phase and the
// driver's cancel report counts as the call's cancel.
func TestCancelInListenerIsPassedToTheDriver(t *testing.T) {
	t.Parallel()
	var got string
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		got = c.CancelInListener
		s.emit(h, phase(h, c, "began", 0))
		s.mu.Lock()
		defer s.mu.Unlock()
		s.seq++
		s.events <- driver.Event{Seq: s.seq, Kind: driver.KindCancel, Handle: h, Time: time.Now(),
			Cancel: &driver.Cancelled{Returned: true, AfterSeq: s.seq - 1}}
		return nil
	}}
	r := newRunner(t, d, newFakeFixture())
	res := r.Case(t.Context(), loadCase(t, inListenerCase))
	if got != "began" {
		t.Errorf("Call.CancelInListener = %q, want began", got)
	}
	if res.Verdict != result.Pass {
		t.Errorf("verdict %s (%s): %+v", res.Verdict, res.Reason, res.Mismatches)
	}
}

const afterCase = `
id: t.after
title: cancel 2s (API) after the start
requirements: [C1]
call: {url: "{{http}}/x", params: {progress: download}}
actions:
  - {cancel: main, after: 2s}
expect:
  trace: began
`

// TestCancelAfterIsScaled: after: 2s at scale 0.01 waits at least 20ms
// from the case's start.
func TestCancelAfterIsScaled(t *testing.T) {
	t.Parallel()
	d := trickler(false)
	cancelled := make(chan time.Time, 1)
	d.onCancel = func(*fakeSession, string) { cancelled <- time.Now() }
	r := newRunner(t, d, newFakeFixture())
	start := time.Now()
	res := r.Case(t.Context(), loadCase(t, afterCase))
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s (%s): %+v", res.Verdict, res.Reason, res.Mismatches)
	}
	if el := (<-cancelled).Sub(start); el < 20*time.Millisecond {
		t.Errorf("cancel came %s after the start, want at least 20ms", el)
	}
}

const receivedCase = `
id: t.received
title: cancel once the server has the request
requirements: [C2]
call: {url: "{{http}}/slow"}
actions:
  - {cancel: main, at: received}
expect:
  cancelReturned: true
  journal: {clientClosed: true}
`

// TestCancelAtReceivedWaitsForTheJournal: the cancel comes only after the
// fixture journaled the call's path.
func TestCancelAtReceivedWaitsForTheJournal(t *testing.T) {
	t.Parallel()
	fx := newFakeFixture()
	var journaled time.Time
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		path := urlPath(c.URL)
		ns := fx.namespace()
		s.Go(func(stop <-chan struct{}) {
			journaled = time.Now()
			now := time.Now()
			fx.record(ns, mockserver.Record{Seq: 1, Method: "GET", Path: "/slow", FullPath: path, Received: now})
			<-stop
		})
		return nil
	}}
	d.onCancel = func(s *fakeSession, h string) {
		if journaled.IsZero() {
			t.Error("cancel before the request was journaled")
		}
		ns := fx.namespace()
		fx.record(ns, mockserver.Record{Seq: 2, Method: "GET", Path: "/slow", FullPath: mockserver.NamespacePath(ns) + "/slow",
			Received: time.Now(), ClientClosed: time.Now(), Done: time.Now()})
	}
	r := newRunner(t, d, fx)
	res := r.Case(t.Context(), loadCase(t, receivedCase))
	if res.Verdict != result.Pass {
		t.Errorf("verdict %s (%s): %+v", res.Verdict, res.Reason, res.Mismatches)
	}
}

const rejectedCase = `
id: t.rejected
title: a bad call is rejected with no event
requirements: [B1]
call: {url: "not a url"}
expect: {rejected: true}
`

func TestRejectedCall(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{onCall: func(*fakeSession, string, driver.Call) error {
		return &driver.RejectedError{Message: "network: bad url"}
	}}
	r := newRunner(t, d, newFakeFixture())
	res := r.Case(t.Context(), loadCase(t, rejectedCase))
	if res.Verdict != result.Pass {
		t.Errorf("verdict %s (%s): %+v", res.Verdict, res.Reason, res.Mismatches)
	}
	if len(res.Logs) == 0 || res.Logs[0] != "fake: log line" {
		t.Errorf("logs %v, want the session's lines", res.Logs)
	}
}
