package oracle

import (
	"fmt"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// Check returns the mismatches between the observation and what the case
// expects, built-in invariants first, then the case's own checks in file
// order. An empty result means the case passed. c must be a loaded case
// (casefile.Load fills Calls and defaults in). A call of the case, or a key
// of expect.calls, that obs has no instance of is a mismatch, never a
// vacuous pass. A call still pending at the deadline (obs.Pending) is a
// mismatch too, the last ones.
func Check(c *casefile.Case, obs Observation) []result.Mismatch {
	ck := &checker{c: c, obs: obs, skip: make(map[casefile.Invariant]bool)}
	for _, n := range c.Expect.SkipInvariants {
		ck.skip[casefile.Invariant(n)] = true
	}
	if ck.obs.TimeScale <= 0 {
		ck.obs.TimeScale = 1
	}
	ck.unobserved()
	for i := range obs.Calls {
		co := &obs.Calls[i]
		ck.invariants(co)
		ck.callExpects(co)
	}
	ck.files()
	ck.noTempFiles()
	ck.atomicReplace()
	ck.journal()
	ck.timing()
	ck.deadline()
	return ck.out
}

type checker struct {
	c    *casefile.Case
	obs  Observation
	skip map[casefile.Invariant]bool
	out  []result.Mismatch
}

// req returns the explicit requirement or the case's first.
func (ck *checker) req(explicit ...string) string {
	for _, r := range explicit {
		if r != "" {
			return r
		}
	}
	if len(ck.c.Requirements) > 0 {
		return ck.c.Requirements[0]
	}
	return ""
}

func (ck *checker) add(m result.Mismatch) { ck.out = append(ck.out, m) }

// call returns the case's call with the given id, or nil.
func (ck *checker) call(id string) *casefile.Call {
	for _, cl := range ck.c.Calls {
		if cl.ID == id {
			return cl
		}
	}
	return nil
}

// ProgressKind is the progress a call of network.<fn> with these params asks
// for: "", "upload" or "download". network.upload and network.download take
// any set params.progress (not nil, false or "") as their own direction (U1,
// U2); network.request takes the string "upload" or "download". fn "" is
// network.request. It decides which rule governs the call's phases
// (phaseReq) and is what the mutants ask too.
func ProgressKind(fn string, params map[string]any) string {
	p, has := params["progress"]
	switch casefile.Fn(fn) {
	case casefile.FnUpload, casefile.FnDownload:
		if !has || p == nil || p == false || p == "" {
			return ""
		}
		return fn
	}
	if s, ok := p.(string); ok && (s == "upload" || s == "download") {
		return s
	}
	return ""
}

// progressKind is [ProgressKind] of a case's call; "" for nil.
func progressKind(cl *casefile.Call) string {
	if cl == nil {
		return ""
	}
	return ProgressKind(string(cl.Fn), cl.Params)
}

// phaseReq is the rule governing a call's phase sequence, and so the rule a
// call that breaks it or never ends is blamed on: E2 without progress, E3
// download, E4 upload.
func phaseReq(kind string) string {
	switch kind {
	case "download":
		return "E3"
	case "upload":
		return "E4"
	}
	return "E2"
}

// cancelIndex returns the index of the first event delivered after a cancel
// returned, and whether the call was cancelled at all.
func cancelIndex(co *CallObservation) (int, bool) {
	if len(co.Cancels) == 0 {
		return 0, false
	}
	first := co.Cancels[0].EventsBefore
	for _, cn := range co.Cancels[1:] {
		first = min(first, cn.EventsBefore)
	}
	return first, true
}

// recordFor returns the last journal record that belongs to the call: the
// last one whose path and query are the call URL's, or, when none is (a
// redirect chain), the last record of the case.
func (ck *checker) recordFor(co *CallObservation) (mockserver.Record, bool) {
	j := ck.obs.Journal
	if len(j) == 0 {
		return mockserver.Record{}, false
	}
	path, query := splitURL(co.URL)
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].FullPath == path && j[i].Query == query {
			return j[i], true
		}
	}
	return j[len(j)-1], true
}

// instances returns the call observations of a call id or instance id.
func (ck *checker) instances(id string) []*CallObservation {
	var out []*CallObservation
	for i := range ck.obs.Calls {
		co := &ck.obs.Calls[i]
		if co.Call == id || co.Instance == id {
			out = append(out, co)
		}
	}
	return out
}

func phasesString(evs []trace.Event) string {
	if len(evs) == 0 {
		return "(no events)"
	}
	ph := trace.Phases(evs)
	for i, p := range ph {
		if p == "" {
			ph[i] = "?"
		}
	}
	return fmt.Sprint(ph)
}
