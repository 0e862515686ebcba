package oracle

import (
	"fmt"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// timing checks expect.timing lower bounds.
func (ck *checker) timing() {
	for i, te := range ck.c.Expect.Timing {
		bound := time.Duration(float64(te.AtLeast) * ck.obs.TimeScale)
		co := ck.timingCall(te.Call)
		mis := func(want, got string) {
			inst := ""
			if co != nil {
				inst = co.Instance
			}
			ck.add(result.Mismatch{Requirement: ck.req(te.Req), Call: inst, Check: fmt.Sprintf("timing[%d]", i),
				Want: want, Got: got, Pos: te.Pos.String()})
		}
		if co == nil {
			mis("a call "+te.Call, "no such call observed")
			continue
		}
		if te.Each == trace.Progress {
			var prev *trace.Event
			for j := range co.Events {
				e := &co.Events[j]
				if e.Phase() != trace.Progress {
					continue
				}
				if prev != nil && e.At-prev.At < bound {
					mis(fmt.Sprintf("progress events at least %s apart", bound),
						fmt.Sprintf("events %d and %d %s apart", prev.Seq, e.Seq, e.At-prev.At))
				}
				prev = e
			}
			continue
		}
		from, okFrom := ck.moment(co, te.From)
		to, okTo := ck.moment(co, te.To)
		if !okFrom || !okTo {
			missing := te.From
			if okFrom {
				missing = te.To
			}
			mis(fmt.Sprintf("%s at least %s after %s", te.To, bound, te.From), missing+" did not happen")
			continue
		}
		if d := to.Sub(from); d < bound {
			mis(fmt.Sprintf("%s at least %s after %s", te.To, bound, te.From), fmt.Sprintf("%s after", d))
		}
	}
}

// timingCall returns the instance a timing check is about: the named call's
// first instance, or the first call observed.
func (ck *checker) timingCall(id string) *CallObservation {
	if id == "" {
		if len(ck.obs.Calls) == 0 {
			return nil
		}
		return &ck.obs.Calls[0]
	}
	if in := ck.instances(id); len(in) > 0 {
		return in[0]
	}
	return nil
}

// moment returns the wall time of a named moment (see casefile.TimingExpect).
func (ck *checker) moment(co *CallObservation, name string) (time.Time, bool) {
	at := func(d time.Duration) time.Time { return ck.obs.Start.Add(d) }
	switch name {
	case trace.Began, trace.Progress, trace.Ended:
		for _, e := range co.Events {
			if e.Phase() == name {
				return at(e.At), true
			}
		}
		return time.Time{}, false
	case "lastProgress":
		for j := len(co.Events) - 1; j >= 0; j-- {
			if co.Events[j].Phase() == trace.Progress {
				return at(co.Events[j].At), true
			}
		}
		return time.Time{}, false
	}
	rec, ok := ck.recordFor(co)
	if !ok {
		return time.Time{}, false
	}
	var t time.Time
	switch name {
	case "server.received":
		t = rec.Received
	case "server.headers":
		t = rec.HeadersSent
	case "server.done":
		t = rec.Done
	case "server.clientClosed":
		t = rec.ClientClosed
	case "server.firstBody", "server.lastBody":
		for _, ev := range rec.Events {
			if ev.Kind == mockserver.EventBodyChunk {
				t = ev.At
				if name == "server.firstBody" {
					break
				}
			}
		}
	}
	return t, !t.IsZero()
}
