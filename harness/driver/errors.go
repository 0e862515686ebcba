package driver

import "errors"

// ErrNoReply marks a request the driver did not answer in time: a
// network.* call that blocks, or a driver that hung. Errors wrap it.
var ErrNoReply = errors.New("no reply in time")

// Abandoner is implemented by a session whose driver can be given up on
// when one of its calls blocked: Abandon ends the driver (a process is
// stopped, never reused) so that Close returns at once, with err.
type Abandoner interface {
	Abandon(err error)
}

// RejectedError is a call that gave no handle: the network.* call returned
// nil and the implementation logged Message (a call-time rejection, rules
// B1, F7, F9), or it raised a Lua error (Raised, rule B3). It is an outcome
// to judge, not a driver failure.
type RejectedError struct {
	// Message is the logged error, as the implementation wrote it, or the
	// error the call raised.
	Message string `json:"message"`
	// Raised reports that the call raised a Lua error instead of returning.
	Raised bool `json:"raised,omitempty"`
	// Missing reports that the function called does not exist (network.upload
	// is nil): calling it raised.
	Missing bool `json:"missing,omitempty"`
	// Handle is set when the listener was called inside the call, before it
	// returned nil or raised: the token those events carry (their
	// [Event.InCall] is set). Such a call is no call-time rejection; its
	// events are judged.
	Handle string `json:"handle,omitempty"`
}

// Error returns "call rejected: " (or "call raised: ") and the message.
func (e *RejectedError) Error() string {
	what := "call rejected"
	if e.Raised {
		what = "call raised an error"
	}
	if e.Message == "" {
		return what
	}
	return what + ": " + e.Message
}
