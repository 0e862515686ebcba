package casefile

import "regexp"

// IDPattern is the syntax of a case id: dotted lower-case segments, area first,
// e.g. "redirects.302.no-follow".
var IDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$`)

// ReqPattern is the syntax of a requirement id: a capital letter and a rule
// number, e.g. "E13".
var ReqPattern = regexp.MustCompile(`^[A-Z][0-9]+$`)

// CallIDPattern is the syntax of a call id.
var CallIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Invariant names a built-in check the oracle applies to every case unless
// the case lists it in expect.skipInvariants.
type Invariant string

// The built-in invariants; [InvariantReqs] gives the requirement each is
// graded by.
const (
	InvName               Invariant = "name"               // every event's name is "networkRequest" (E1)
	InvPhase              Invariant = "phase"              // every phase is began, progress or ended (E1)
	InvOneEnded           Invariant = "oneEnded"           // exactly one ended unless cancelled/rejected/no listener (E2, E3, E4)
	InvNothingAfterEnded  Invariant = "nothingAfterEnded"  // ended is last (E2, E3, E4)
	InvProgressAsked      Invariant = "progressAsked"      // began/progress only when params.progress was asked (E2)
	InvBeganFirst         Invariant = "beganFirst"         // began at most once, and first (E3, E4)
	InvBytesMonotonic     Invariant = "bytesMonotonic"     // bytesTransferred never decreases (E7)
	InvNothingAfterCancel Invariant = "nothingAfterCancel" // no event after cancel returned (C1)
	InvRequestID          Invariant = "requestId"          // requestId equals the call's handle (E13)
	InvURL                Invariant = "url"                // url equals the URL passed (E12)
	InvNoTempFiles        Invariant = "noTempFiles"        // no temporary file left in the sandbox (F4)
	InvNoEvents           Invariant = "noEvents"           // no event for a rejected call or a nil listener (B1, B2)
	InvAfterReturn        Invariant = "afterReturn"        // listeners run after the call returned, not inside it (E16)
	InvNoRaise            Invariant = "noRaise"            // a call that is not refused never raises a Lua error (B3)
)

// InvariantReqs maps each invariant to the requirement it is graded by. Where
// a rule depends on the progress kind (E2 none, E3 download, E4 upload) the
// oracle picks the one that applies to the call; the value here is the
// default. It returns a fresh map on every call.
func InvariantReqs() map[Invariant]string {
	return map[Invariant]string{
		InvName:               "E1",
		InvPhase:              "E1",
		InvOneEnded:           "E2",
		InvNothingAfterEnded:  "E2",
		InvProgressAsked:      "E2",
		InvBeganFirst:         "E3",
		InvBytesMonotonic:     "E7",
		InvNothingAfterCancel: "C1",
		InvRequestID:          "E13",
		InvURL:                "E12",
		InvNoTempFiles:        "F4",
		InvNoEvents:           "B1",
		InvAfterReturn:        "E16",
		InvNoRaise:            "B3",
	}
}

// TimingMoments returns the moment names a timing check may use in from and
// to (see [TimingExpect]).
func TimingMoments() []string {
	return []string{"began", "progress", "lastProgress", "ended", "server.received", "server.headers",
		"server.firstBody", "server.lastBody", "server.done", "server.clientClosed"}
}
