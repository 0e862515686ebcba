package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/netconform/netconform/internal/refdriver"
)

// runDriver implements `netconform driver`: the reference implementation
// served over the driver protocol on stdin and stdout, so that
// `netconform run --driver exec -- netconform driver` runs it as a
// subprocess (docs/driver-protocol.md). It returns when the harness says
// bye, stdin ends or ctx is done.
func runDriver(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("driver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sessions := fs.Int("sessions", 1, "serve `N` sessions at once (the capabilities.sessions of hello)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: netconform driver [--sessions N]\n\nServes the reference implementation over the driver protocol on stdin/stdout.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "netconform driver: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *sessions < 1 {
		fmt.Fprintf(stderr, "netconform driver: --sessions must be at least 1, got %d\n", *sessions)
		return 2
	}
	if err := refdriver.ServeStdio(ctx, os.Stdin, stdout, refdriver.StdioOptions{Sessions: *sessions}); err != nil {
		fmt.Fprintf(stderr, "netconform driver: %v\n", err)
		return exitUsage
	}
	return 0
}
