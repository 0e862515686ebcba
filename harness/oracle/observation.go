// Package oracle judges one case's observation against the case's
// expectations and the built-in invariants. It is pure: no I/O, no clock, no
// goroutines; the runner collects an [Observation] and asks [Policy.Judge]
// for the verdict.
//
// The oracle owns the verdict, and the other packages ask it:
//   - which rule a mismatch is blamed on, including the rule of a call's
//     phase sequence (E2 without progress, E3 download, E4 upload; see
//     [ProgressKind]) that a call still pending at the deadline breaks;
//   - the must/should/info policy ([Policy]): a case's level, each
//     mismatch's level, the verdict a level gives ([Policy.Verdict]: the
//     reports ask it) and the case's verdict;
//   - the Reason that summarises a non-passing verdict ([Judgement]).
//
// The level type itself is [result.Level]; the text a reader sees for a
// mismatch and a case (label, headline, details) is rendered by package
// result ([result.Mismatch.Label], [result.CaseResult.Headline]).
package oracle

import (
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// Observation is everything the runner saw while running one case.
type Observation struct {
	// Start is time zero of the events' At and the reference point that
	// relates them to journal times.
	Start time.Time
	// TimeScale is the scale the case ran at; 0 means 1. Lower bounds in the
	// case (API time) are multiplied by it.
	TimeScale float64
	// Calls holds one entry per call instance, in call order (instances of a
	// repeated call "<id>#1" ... in order).
	Calls []CallObservation
	// Journal is the mock server's journal for the case's namespace.
	Journal []mockserver.Record
	// FilesBefore lists every sandbox file before the first call.
	FilesBefore []result.FileState
	// FilesAfter lists every sandbox file after the run.
	FilesAfter []result.FileState
	// FileJournal is every change seen in the sandbox folders from the
	// first call to the look after the run, with a [result.FileClose]
	// where the session's close began; nil when it was not recorded, and
	// then the checks that need it rely on the two listings alone.
	FileJournal []result.FileEvent
	// Deadline is the case's deadline (its scaled budget and the runner's
	// allowance), as the runner enforced it.
	Deadline time.Duration
	// Pending are the call instances still pending when the deadline
	// passed, in call order; each is a mismatch.
	Pending []Pending
}

// Pending is a call instance that had not finished (ended, been cancelled or
// been rejected) when the case's deadline passed.
type Pending struct {
	// Call is the id of the case's call; Instance the instance id, as in
	// [CallObservation].
	Call, Instance string
	// Started reports whether the call was made at all: a call waiting for
	// another (after:) may never have started.
	Started bool
	// Blocked reports that the call itself had not returned (the driver
	// did not answer it in time): the call blocks, or its driver hung.
	Blocked bool
	// Phases are the phases of the events its listener got, in order.
	Phases []string
}

// CallObservation is what one call instance did.
type CallObservation struct {
	// Call is the id of the case's call this is an instance of.
	Call string
	// Instance is the instance id: Call, or "<Call>#n" for a repeated call.
	Instance string
	// URL is the URL passed, after templating.
	URL string
	// Destination is the file the call writes its response to, after
	// templating, as "dir/name" like [Destination] gives it; "" for none.
	Destination string
	// Handle is the token of the handle the call returned (what the
	// implementation reports as requestId); "" when it returned none.
	Handle string
	// Rejected reports a call-time rejection: the call returned nil or
	// raised (Raised), and its listener was not called inside it.
	Rejected bool
	// NoHandle reports a call that returned nil or raised (Raised) after
	// its listener was called inside it: no rejection, its Events are
	// judged, but it gave no handle.
	NoHandle bool
	// Raised reports that the call raised a Lua error (its text is
	// RejectMessage) instead of returning.
	Raised bool
	// Missing reports that the function called does not exist
	// (network.upload is nil), so calling it raised.
	Missing bool
	// RejectMessage is the driver's description of the rejection (the logged
	// error, or the error raised), if any.
	RejectMessage string
	// Started is when the call was made, since Start.
	Started time.Duration
	// Events are the events the listener received, in order.
	Events []trace.Event
	// Cancels are the network.cancel calls made on this instance, in order.
	Cancels []Cancel
}

// Cancel is one network.cancel call.
type Cancel struct {
	// At is when cancel returned, since Start.
	At time.Duration
	// EventsBefore is how many events the listener had begun to receive when
	// cancel returned; events from this index on were delivered after cancel
	// (C1). A cancel made inside the listener at event k has EventsBefore k+1.
	EventsBefore int
	// Returned is what cancel returned: true, false, or nil.
	Returned any
	// Files lists every sandbox file as the runner read it right after
	// cancel returned; nil when it did not look (it looks only in cases
	// with an unchangedOrServed file check).
	Files []result.FileState
}
