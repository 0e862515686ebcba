package runner

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
)

// destination returns the file the instance writes its response to, with
// its arguments templated, as the oracle names it ("" for none).
func (in *instance) destination() string {
	cl := *in.call
	cl.Params = in.dcall.Params
	cl.Filename, cl.BaseDirectory = deref(in.dcall.Filename), deref(in.dcall.BaseDirectory)
	d, _ := oracle.Destination(&cl)
	return d
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// instance is one call instance of a running case.
type instance struct {
	call  *casefile.Call
	name  string // call id, or "<id>#n" for a repeated call
	n     int    // instance number from 1
	url   string // after templating
	dcall driver.Call

	// Guarded by state.mu.
	started   bool
	startedAt time.Duration
	handle    string // what the call returned; "" for nil
	token     string // the token its events carry: handle, or the in-call token of a call that gave none
	rejected  bool   // the call returned nil or raised
	raised    bool
	missing   bool // the function called does not exist
	rejectMsg string
	failed    error // the driver broke on this call
	blocked   bool  // the call did not return in time (it blocks, or its driver hung)
	cancels   []cancelRecord
}

// cancelRecord is one network.cancel of an instance, before it is turned into
// an oracle.Cancel once every event is in.
type cancelRecord struct {
	at       time.Duration
	returned any
	afterSeq int64
	files    []result.FileState // the sandbox right after it returned, when looked at
}

// handleLog is what arrived for one handle token. Events may arrive before
// Call returns the token, so they are kept by token, not by instance.
type handleLog struct {
	events        []driver.Event
	ended         bool
	seen          map[string]bool // phases delivered
	listenerCancl bool            // an in-listener cancel was reported
}

// state is the shared, lock-guarded record of one running case. Waiters call
// wait with a condition; every change wakes them.
type state struct {
	start time.Time

	mu      sync.Mutex    // guards everything below
	changed chan struct{} // closed and replaced on every change
	insts   []*instance
	logs    map[string]*handleLog
	notes   []string // runner notes for the report
}

// newState returns an empty state with time zero start.
func newState(start time.Time, insts []*instance) *state {
	return &state{start: start, changed: make(chan struct{}), insts: insts, logs: make(map[string]*handleLog)}
}

// update runs f under the lock and wakes every waiter.
func (s *state) update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until cond (called under the lock) holds or ctx ends.
func (s *state) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// note adds a runner note to the report.
func (s *state) note(msg string) { s.update(func() { s.notes = append(s.notes, msg) }) }

// logFor returns the handle's log, creating it; the lock must be held.
func (s *state) logFor(handle string) *handleLog {
	l, ok := s.logs[handle]
	if !ok {
		l = &handleLog{seen: make(map[string]bool)}
		s.logs[handle] = l
	}
	return l
}

// collect reads the session's events until the channel closes.
func (s *state) collect(events <-chan driver.Event) {
	for ev := range events {
		if ev.Time.IsZero() {
			ev.Time = time.Now()
		}
		s.update(func() {
			l := s.logFor(ev.Handle)
			l.events = append(l.events, ev)
			switch ev.Kind {
			case driver.KindCancel:
				l.listenerCancl = true
			default:
				ph, _ := ev.Fields[trace.FieldPhase].(string)
				l.seen[ph] = true
				if ph == trace.Ended {
					l.ended = true
				}
			}
		})
	}
}

// finished reports whether an instance is done: rejected, broken, ended or
// cancelled. A call that gave no handle after calling its listener inside
// the call is done once its events ended. Instances without a listener are
// judged by the journal instead (see execution.awaitNoListener). The lock
// must be held.
func (s *state) finished(in *instance) bool {
	if (in.rejected && in.token == "") || in.failed != nil || in.blocked || len(in.cancels) > 0 {
		return true
	}
	if !in.started || in.token == "" {
		return false
	}
	if in.dcall.NoListener {
		return true // no event ever; drive waits on the journal instead
	}
	l := s.logs[in.token]
	return l != nil && (l.ended || l.listenerCancl)
}

// reached reports whether an instance's listener got the first event of a
// phase (or, with inListener, reported its own cancel). The lock must be held.
func (s *state) reached(in *instance, phase string, inListener bool) bool {
	if in.token == "" {
		return false
	}
	l := s.logs[in.token]
	if l == nil {
		return false
	}
	if inListener {
		return l.listenerCancl
	}
	return l.seen[phase]
}

// observe builds the oracle's view and the case's whole trace once the
// session is closed and every event is in. It changes nothing, so calling
// it again gives the same view: the cancels reported from inside a listener
// are merged with the instance's own (the runner's network.cancel calls) in
// a copy, not appended to them.
func (s *state) observe() ([]oracle.CallObservation, []trace.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type tagged struct {
		ev   driver.Event
		inst string
	}
	var all []tagged
	owner := make(map[string]*instance)
	for _, in := range s.insts {
		if in.token != "" {
			owner[in.token] = in
		}
	}
	for h, l := range s.logs {
		name := "?" + h // events of a handle no call returned
		if in, ok := owner[h]; ok {
			name = in.name
		}
		for _, ev := range l.events {
			all = append(all, tagged{ev, name})
		}
	}
	slices.SortFunc(all, func(a, b tagged) int { return cmp.Compare(a.ev.Seq, b.ev.Seq) })
	var tr []trace.Event
	perInst := make(map[string][]trace.Event)
	perInstSeqs := make(map[string][]int64)
	cancels := make(map[*instance][]cancelRecord, len(s.insts))
	for _, in := range s.insts {
		cancels[in] = slices.Clone(in.cancels)
	}
	for _, t := range all {
		if t.ev.Kind == driver.KindCancel {
			if in, ok := owner[t.ev.Handle]; ok && t.ev.Cancel != nil {
				cancels[in] = append(cancels[in], cancelRecord{at: t.ev.Time.Sub(s.start),
					returned: t.ev.Cancel.Returned, afterSeq: t.ev.Cancel.AfterSeq})
			}
			continue
		}
		te := trace.Event{Call: t.inst, Seq: len(tr), At: t.ev.Time.Sub(s.start), Fields: t.ev.Fields,
			InCall: t.ev.InCall}
		tr = append(tr, te)
		perInst[t.inst] = append(perInst[t.inst], te)
		perInstSeqs[t.inst] = append(perInstSeqs[t.inst], t.ev.Seq)
	}
	calls := make([]oracle.CallObservation, 0, len(s.insts))
	for _, in := range s.insts {
		co := oracle.CallObservation{Call: in.call.ID, Instance: in.name, URL: in.url, Handle: in.handle,
			Rejected: in.rejected && in.token == "", NoHandle: in.rejected && in.token != "", Raised: in.raised,
			Missing:       in.missing,
			RejectMessage: in.rejectMsg, Started: in.startedAt, Events: perInst[in.name], Destination: in.destination()}
		cs := cancels[in]
		slices.SortStableFunc(cs, func(a, b cancelRecord) int { return cmp.Compare(a.at, b.at) })
		for _, c := range cs {
			before := 0
			for _, seq := range perInstSeqs[in.name] {
				if seq <= c.afterSeq {
					before++
				}
			}
			co.Cancels = append(co.Cancels, oracle.Cancel{At: c.at, EventsBefore: before, Returned: c.returned, Files: c.files})
		}
		calls = append(calls, co)
	}
	return calls, tr
}
