package oracle

import (
	"fmt"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
)

// unobserved reports each call of the case, and each key of expect.calls,
// that no observed call instance matches: without one, every expectation
// about it would hold vacuously. The runner observes every instance it
// expands, so this flags a broken observation rather than an implementation.
func (ck *checker) unobserved() {
	for _, cl := range ck.c.Calls {
		if len(ck.instances(cl.ID)) == 0 {
			ck.add(result.Mismatch{Requirement: ck.req(), Call: cl.ID, Check: "call " + cl.ID,
				Want: "an observation of call " + cl.ID, Got: "no such call observed", Pos: cl.Pos.String()})
		}
	}
	for _, key := range sortedKeys(ck.c.Expect.Calls) {
		if ce := ck.c.Expect.Calls[key]; len(ck.instances(key)) == 0 {
			ck.add(result.Mismatch{Requirement: ck.req(ce.Req), Call: key, Check: "calls." + key,
				Want: "an observation of " + key, Got: "no such call observed", Pos: ce.Pos.String()})
		}
	}
}

// callExpects applies the top-level call expectations and those of
// expect.calls naming this call or instance.
//
// A call that raised where it should have returned a handle is blamed once,
// by the noRaise invariant, and one that never returned once, as blocked:
// their other expectations are not judged.
func (ck *checker) callExpects(co *CallObservation) {
	if (co.Raised && (co.Missing || !ck.expectsRejection(co))) || ck.blocked(co.Instance) {
		return
	}
	ck.callExpect(co, &ck.c.Expect.CallExpect, "")
	for _, key := range sortedKeys(ck.c.Expect.Calls) {
		if key == co.Call || key == co.Instance {
			ce := ck.c.Expect.Calls[key]
			ck.callExpect(co, &ce, "calls."+key+".")
		}
	}
}

func (ck *checker) callExpect(co *CallObservation, ce *casefile.CallExpect, prefix string) {
	req := ck.req(ce.Req)
	mis := func(check, want, got string, pos casefile.Pos) {
		if pos.Line == 0 {
			pos = ce.Pos
		}
		ck.add(result.Mismatch{Requirement: req, Call: co.Instance, Check: prefix + check, Want: want, Got: got, Pos: pos.String()})
	}
	switch {
	case ce.Rejected != nil && *ce.Rejected && co.Raised:
		mis("rejected", "call-time rejection: nil returned and an error logged, no Lua error raised",
			"raised an error: "+co.RejectMessage, casefile.Pos{})
	case ce.Rejected != nil && *ce.Rejected && co.NoHandle:
		mis("rejected", "call-time rejection (nil handle, no event)",
			"nil returned after the listener was called inside the call: "+phasesString(co.Events), casefile.Pos{})
	case ce.Rejected != nil && *ce.Rejected != co.Rejected && !co.NoHandle:
		if *ce.Rejected {
			mis("rejected", "call-time rejection (nil handle, no event)",
				fmt.Sprintf("handle %q, events %s", co.Handle, phasesString(co.Events)), casefile.Pos{})
		} else {
			mis("rejected", "a handle", "rejected: "+co.RejectMessage, casefile.Pos{})
		}
	}
	if ce.Trace != "" {
		m, err := trace.Compile(ce.Trace)
		switch {
		case err != nil:
			mis("trace", "a valid trace expression", err.Error(), casefile.Pos{})
		case !m.MatchEvents(co.Events):
			mis("trace", ce.Trace, phasesString(co.Events), casefile.Pos{})
		}
	}
	sv := served{}
	sv.rec, sv.ok = ck.recordFor(co)
	for _, ph := range []struct {
		name   string
		fields casefile.Fields
		all    bool
	}{{trace.Began, ce.Began, false}, {trace.Progress, ce.Progress, true}, {trace.Ended, ce.Ended, false}, {"each", ce.Each, true}} {
		if len(ph.fields) == 0 {
			continue
		}
		var evs []trace.Event
		for _, e := range co.Events {
			if ph.name == "each" || e.Phase() == ph.name {
				evs = append(evs, e)
			}
		}
		if !ph.all {
			if len(evs) == 0 {
				mis(ph.name, "a "+ph.name+" event", phasesString(co.Events), casefile.Pos{})
				continue
			}
			evs = evs[:1]
		}
		for _, e := range evs {
			for _, f := range sortedKeys(ph.fields) {
				p := ph.fields[f]
				v, ok := e.Get(f)
				if w := eval(p, v, ok, sv); w != "" {
					mis(ph.name+"."+f, w, fmt.Sprintf("%s (event %d: %s)", fieldText(v, ok), e.Seq, e.Summary()), p.Pos)
				}
			}
		}
	}
	if ce.CancelReturned != nil {
		if len(co.Cancels) == 0 {
			mis("cancelReturned", describe(ce.CancelReturned), "no cancel was made", ce.CancelReturned.Pos)
		} else {
			v := co.Cancels[len(co.Cancels)-1].Returned
			if w := eval(ce.CancelReturned, v, v != nil, sv); w != "" {
				mis("cancelReturned", w, fieldText(v, v != nil), ce.CancelReturned.Pos)
			}
		}
	}
}
