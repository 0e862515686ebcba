package oracle

import (
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// deadline blames each call still pending at the deadline on the rule that
// makes a call end: the rule of its phase sequence (E2, E3 or E4 by the
// progress it asked for). A call that had not even returned is blamed on
// E16 (the request is asynchronous: the call returns at once).
func (ck *checker) deadline() {
	for _, p := range ck.obs.Pending {
		cl := ck.call(p.Call)
		pos, after := ck.c.Pos.String(), ""
		if cl != nil {
			pos, after = cl.Pos.String(), cl.After
		}
		if p.Blocked {
			fn := "request"
			if cl != nil && cl.Fn != "" {
				fn = string(cl.Fn)
			}
			ck.add(result.Mismatch{Requirement: "E16", Invariant: string(casefile.InvAfterReturn), Call: p.Instance,
				Check: "invariant." + string(casefile.InvAfterReturn),
				Want:  "network." + fn + " returns at once, the request running asynchronously",
				Got:   "the call had not returned when the driver was given up on (it blocks, or the driver hung)", Pos: pos})
			continue
		}
		got := "no ended after " + ck.obs.Deadline.String()
		if !p.Started {
			got = "never started (waiting for " + after + ")"
		}
		if len(p.Phases) > 0 {
			got += ", events: " + strings.Join(p.Phases, " ")
		} else if p.Started {
			got += ", no event"
		}
		ck.add(result.Mismatch{Requirement: phaseReq(progressKind(cl)), Call: p.Instance, Check: "deadline",
			Want: "the call ends, is cancelled or is rejected within the case budget", Got: got, Pos: pos})
	}
}
