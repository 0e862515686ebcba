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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: netconform driver\n\nServes the reference implementation over the driver protocol on stdin/stdout.")
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
	if err := refdriver.ServeStdio(ctx, os.Stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "netconform driver: %v\n", err)
		return 1
	}
	return 0
}
