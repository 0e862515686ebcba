package main

import (
	"context"
	"fmt"
	"io"

	"github.com/netconform/netconform/reports"
)

// toolVersion returns netconform's version for reports: the module version
// and, when the build recorded it, the VCS revision ("(devel) 1a2b3c4d5e6f",
// "(devel) 1a2b3c4d5e6f+dirty"); see [reports.ToolBuild.String].
func toolVersion() string { return reports.CurrentTool().String() }

// runVersion implements `netconform version` (and --version): the module
// version, the VCS revision with its time and whether the tree was
// modified, and the Go version, one per line, as the build recorded them.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "netconform version: unexpected argument %q\n", args[0])
		return exitUsage
	}
	printVersion(stdout, reports.CurrentTool())
	return exitOK
}

// printVersion prints b: "netconform VERSION", then "revision REV
// (TIME)[, modified]" when the build recorded one, then "built with GOVERSION".
func printVersion(w io.Writer, b reports.ToolBuild) {
	v := b.Version
	if v == "" {
		v = "unknown (no build information)"
	}
	fmt.Fprintf(w, "netconform %s\n", v)
	if b.Revision != "" {
		line := "revision " + b.Revision
		if b.Time != "" {
			line += " (" + b.Time + ")"
		}
		if b.Modified {
			line += ", modified"
		}
		fmt.Fprintln(w, line)
	} else {
		fmt.Fprintln(w, "revision unknown (not built from a VCS checkout, or built with -buildvcs=false)")
	}
	if b.GoVersion != "" {
		fmt.Fprintf(w, "built with %s\n", b.GoVersion)
	}
}
