package refdriver

import (
	"context"
	"io"

	"github.com/netconform/netconform/harness/driver"

	"github.com/netconform/netconform/harness/driver/proto"
)

// StdioOptions tunes ServeStdio; the zero value serves one session at a
// time.
type StdioOptions struct {
	// Sessions is how many sessions to serve at once (announced in hello;
	// 0 and 1 mean one at a time). Each has its own folders.
	Sessions int
}

// ServeStdio serves the reference implementation over the driver protocol
// (docs/driver-protocol.md): it says hello on out, then runs the harness's
// sessions read from in, one at a time or o.Sessions at once. It returns
// nil after bye or at the end of in. This is `netconform driver`, so that
// the exec driver can run the reference as a subprocess. It announces the
// files capability: each session works in folders of its own in the
// system's temporary folder, which the harness fills and reads through the
// protocol, so the reference is judged the same when it runs where the
// harness cannot read its files.
func ServeStdio(ctx context.Context, in io.Reader, out io.Writer, o StdioOptions) error {
	return proto.Serve(ctx, in, out, New(), proto.ServeOptions{Name: Name, Capabilities: Capabilities(), Files: true,
		Sessions: o.Sessions})
}

// Capabilities returns what every reference session supports: the whole API.
func Capabilities() driver.Capabilities { return (&session{}).Capabilities() }
