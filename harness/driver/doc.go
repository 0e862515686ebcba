// Package driver defines the only way the harness reaches an implementation
// of Solar2D's network API: a [Driver] opens [Session]s, a session makes
// calls, cancels them and reports every listener event in delivery order.
// The harness never imports an implementation; the reference one is wired in
// by internal/refdriver, others speak the driver protocol (newline-delimited
// JSON, below) from a subprocess or a device, which is why every type here
// marshals to plain JSON.
//
// # A session's life
//
// The runner opens one session per case with a [Config]: the four sandbox
// folders (DocumentsDirectory, TemporaryDirectory, CachesDirectory,
// ResourceDirectory, already created), the mock server's CA bundle and the
// time scale. It then makes calls:
//
//	h, err := s.Call(ctx, driver.Call{Fn: "request", URL: u, Params: map[string]any{"progress": "download"}})
//	var rej *driver.RejectedError
//	switch {
//	case errors.As(err, &rej): // network.request returned nil and logged rej.Message (B1)
//	case err != nil:           // the driver broke: an error verdict
//	}
//
// and reads [Event]s from s.Events() until it has seen what it needs. Each
// event carries a session-wide sequence number (Seq, from 1, in delivery
// order) and the handle token of its call; Fields holds the networkRequest
// event's fields exactly as the listener got them. A handle token is an
// opaque string chosen by the driver; the implementation's requestId field
// must carry the same token (E13).
//
// # Cancel and ordering
//
// Solar2D calls listeners and network.cancel on one thread, so a cancel
// always falls between two listener calls. Drivers keep that order:
// [Session.Cancel] runs between deliveries and returns [Cancelled] with
// AfterSeq, the Seq of the last event delivered before it took effect. Any
// later event of that handle is an event after cancel (C1), judged exactly,
// with no timing window. Cancelling from inside a listener (C4) cannot be
// driven from outside: the runner sets [Call].CancelInListener to a phase, and
// the driver's own listener calls network.cancel while handling the first
// event of that phase, then reports an Event of kind KindCancel (same Seq
// numbering, AfterSeq = the Seq of the event being handled).
//
// network.cancel's return value is reported as is in Cancelled.Returned:
// true, false, or nil (JSON null) when it returned nothing (C3).
//
// # Logs
//
// [Session.Logs] returns what the implementation logged (call-time errors
// such as "network: bad headers"), one line each, for the case's report.
//
// # Files
//
// A session normally works in the folders of Config.Dirs, which the runner
// creates, fills with the case's given files and reads after the run. A
// session whose Capabilities have Files keeps folders of its own instead
// (an app on a phone, a host in a container) and is a [FileSession]: the
// runner places the given files with PlaceFile and looks at the folders
// with Files, before the first call and after the run. [Folders] is a
// local sandbox of either kind.
//
// # Out-of-process drivers
//
// The driver protocol (docs/driver-protocol.md, JSON Schema in
// protocol.schema.json) mirrors these types one for one over
// newline-delimited JSON: hello/welcome, then per session open, call,
// cancel and close requests answered by replies, with event and log
// messages as they happen. Package proto implements both ends (a Peer is
// the harness end and yields Sessions; Serve serves any Driver); package
// exec runs a subprocess speaking it on stdio, package remote accepts
// devices over an HTTP long-poll channel.
package driver
