// Package proto implements both ends of the netconform driver protocol
// (docs/driver-protocol.md, schema in harness/driver/protocol.schema.json):
// newline-delimited JSON messages that carry the [driver.Session] calls to an
// implementation running elsewhere and its listener events back.
//
// The harness end is a [Peer]: one connected driver (a subprocess, a device)
// that has said hello. Peer.Open starts a session on it, which implements
// [driver.Session] and checks everything the driver sends (ordering, handles,
// sequence numbers, deadlines); a violation breaks the peer, and the session
// then reports the reason from Call, Cancel and Close. Transports (package
// exec, package remote) only move lines: they implement [Conn].
//
// The driver end is [Serve]: it serves any in-process [driver.Driver] over a
// line stream, keeping the protocol's ordering promises, and with
// ServeOptions.Files the files capability from folders of its own. It is
// how the reference implementation is reachable as `netconform driver`.
package proto
