package oracle

import (
	"fmt"
	"math"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
)

// invariants checks the built-in invariants of one call instance.
func (ck *checker) invariants(co *CallObservation) {
	cl := ck.call(co.Call)
	pos := ck.c.Pos.String()
	if cl != nil {
		pos = cl.Pos.String()
	}
	fail := func(inv casefile.Invariant, req, want, got string) {
		if ck.skip[inv] {
			return
		}
		ck.add(result.Mismatch{Requirement: req, Invariant: string(inv), Call: co.Instance,
			Check: "invariant." + string(inv), Want: want, Got: got, Pos: pos})
	}
	if co.Raised && (co.Missing || !ck.expectsRejection(co)) {
		// The root cause leads: the call raised where it should have
		// returned a handle; its other expectations are not judged.
		fn := "request"
		if cl != nil && cl.Fn != "" {
			fn = string(cl.Fn)
		}
		switch {
		case co.Missing && fn == "upload":
			fail(casefile.InvNoRaise, "U1", "a network.upload function", co.RejectMessage)
		case co.Missing && fn == "download":
			fail(casefile.InvNoRaise, "U2", "a network.download function", co.RejectMessage)
		default:
			fail(casefile.InvNoRaise, "B3", "a handle, with failures reported as events (no Lua error raised)",
				fmt.Sprintf("network.%s raised an error: %s", fn, co.RejectMessage))
		}
	}
	if ck.blocked(co.Instance) {
		return // the call never returned: deadline blames it once (E16)
	}
	if co.Rejected || (cl != nil && cl.Listener == "none") {
		if len(co.Events) > 0 {
			req, why := "B1", "rejected call"
			if !co.Rejected {
				req, why = "B2", "nil listener"
			}
			fail(casefile.InvNoEvents, req, "no event for a "+why, phasesString(co.Events))
		}
		return
	}
	kind := progressKind(cl)
	preq := phaseReq(kind)
	ck.afterReturn(co, kind, fail)
	checkID := !co.NoHandle
	if co.NoHandle && !ck.expectsRejection(co) {
		what := "returned nil"
		if co.Raised {
			what = "raised an error"
		}
		fail(casefile.InvRequestID, "E13", "a handle returned by the call, which the events' requestId names",
			fmt.Sprintf("the call %s after calling its listener inside the call (%s)", what, phasesString(co.Events)))
	}
	cut, cancelled := cancelIndex(co)
	ended, firstEnded := 0, -1
	lastBytes, lastBytesAt := math.Inf(-1), -1
	for i, e := range co.Events {
		if v, ok := e.Get(trace.FieldName); !ok || v != "networkRequest" {
			fail(casefile.InvName, "E1", `name "networkRequest"`, fmt.Sprintf("event %d: name %s", i, fieldText(v, ok)))
		}
		ph := e.Phase()
		switch ph {
		case trace.Began, trace.Progress, trace.Ended:
		default:
			v, ok := e.Get(trace.FieldPhase)
			fail(casefile.InvPhase, "E1", "phase began, progress or ended", fmt.Sprintf("event %d: phase %s", i, fieldText(v, ok)))
		}
		if kind == "" && (ph == trace.Began || ph == trace.Progress) {
			fail(casefile.InvProgressAsked, "E2", "only ended without params.progress",
				fmt.Sprintf("event %d: %s", i, ph))
		}
		if ph == trace.Began && kind != "" && i > 0 {
			fail(casefile.InvBeganFirst, preq, "began at most once, as the first event",
				fmt.Sprintf("event %d is began after %s", i, phasesString(co.Events[:i])))
		}
		if ph == trace.Ended {
			ended++
			if firstEnded < 0 {
				firstEnded = i
			}
		}
		if firstEnded >= 0 && i > firstEnded {
			fail(casefile.InvNothingAfterEnded, preq, "nothing after ended",
				fmt.Sprintf("event %d: %s after ended (event %d)", i, e.Summary(), firstEnded))
		}
		if cancelled && i >= cut {
			fail(casefile.InvNothingAfterCancel, "C1", "no event after network.cancel returned",
				fmt.Sprintf("event %d: %s (cancel returned after %d events)", i, e.Summary(), cut))
		}
		// A present bytesTransferred is compared as any number (a fraction
		// too) and reported when it is no number at all, so a decrease cannot
		// hide behind a value of the wrong shape. A began after other events
		// is out of order, which beganFirst (or the case's trace) blames: its
		// count of 0 is no decrease of its own, so one divergence is blamed
		// once.
		if v, present := e.Get(trace.FieldBytesTransferred); present && (ph != trace.Began || i == 0) {
			b, isNum := trace.Number(v)
			switch {
			case !isNum:
				fail(casefile.InvBytesMonotonic, "E7", "bytesTransferred a number that never decreases",
					fmt.Sprintf("event %d: bytesTransferred %s", i, trace.Format(v)))
			case b < lastBytes:
				fail(casefile.InvBytesMonotonic, "E7", "bytesTransferred never decreasing",
					fmt.Sprintf("event %d: %s after %s (event %d)", i, trace.Format(b), trace.Format(lastBytes), lastBytesAt))
			}
			if isNum {
				lastBytes, lastBytesAt = b, i
			}
		}
		if v, ok := e.Get(trace.FieldRequestID); checkID && (!ok || fmt.Sprint(v) != co.Handle) {
			fail(casefile.InvRequestID, "E13", fmt.Sprintf("requestId %q (the handle returned)", co.Handle),
				fmt.Sprintf("event %d: requestId %s", i, fieldText(v, ok)))
		}
		if v, ok := e.Get(trace.FieldURL); !ok || v != co.URL {
			fail(casefile.InvURL, "E12", fmt.Sprintf("url %q (as passed)", co.URL),
				fmt.Sprintf("event %d: url %s", i, fieldText(v, ok)))
		}
	}
	switch {
	case ended == 0 && !cancelled:
		fail(casefile.InvOneEnded, preq, "exactly one ended", "no ended: "+phasesString(co.Events))
	case ended > 1:
		fail(casefile.InvOneEnded, preq, "exactly one ended", fmt.Sprintf("%d ended: %s", ended, phasesString(co.Events)))
	}
}

// fieldText renders a field value or "absent".
func fieldText(v any, present bool) string {
	if !present {
		return "absent"
	}
	return trace.Format(v)
}

// afterReturn checks rule E16 once per call: no listener call inside the
// network.* call, but for the began of an upload (Apple sends it inside
// the call, an info clause of the rule).
func (ck *checker) afterReturn(co *CallObservation, kind string,
	fail func(inv casefile.Invariant, req, want, got string)) {
	var in []trace.Event
	for _, e := range co.Events {
		if e.InCall && (e.Phase() != trace.Began || kind != "upload") {
			in = append(in, e)
		}
	}
	if len(in) == 0 {
		return
	}
	fail(casefile.InvAfterReturn, "E16", "every listener call after the call returned, from the event loop",
		fmt.Sprintf("%d of %d events delivered inside the call: %s (first: %s)", len(in), len(co.Events),
			phasesString(in), in[0].Summary()))
}

// expectsRejection reports whether the case expects the call to be refused
// at call time (rejected: true at the top or for the call).
func (ck *checker) expectsRejection(co *CallObservation) bool {
	if r := ck.c.Expect.Rejected; r != nil && *r {
		return true
	}
	for key, ce := range ck.c.Expect.Calls {
		if (key == co.Call || key == co.Instance) && ce.Rejected != nil && *ce.Rejected {
			return true
		}
	}
	return false
}

// blocked reports whether the call instance never returned (its driver did
// not answer the call in time).
func (ck *checker) blocked(instance string) bool {
	for _, p := range ck.obs.Pending {
		if p.Blocked && p.Instance == instance {
			return true
		}
	}
	return false
}
