// Command netconform is the netconform command-line tool: it runs the
// conformance cases against an implementation and writes the reports (run),
// lists and checks cases (list, check), puts several runs' reports side by
// side (report), runs the mock HTTP/HTTPS server on its own (serve), writes
// a CA for the mock server that devices can trust once (ca) and serves the
// reference implementation over the driver protocol (driver).
//
// Usage:
//
//	netconform <command> [flags]
//
// Run `netconform help` for the list of commands and `netconform <command>
// -h` for the flags of one; `netconform version` prints the build. Exit
// codes, the same for every command: 0 success, 1 an unexpected result
// (run) or an invalid case (check), 2 usage or setup errors, 128 + the
// signal's number (130 for Ctrl-C, 143 for SIGTERM) when a signal
// interrupted a run (docs/cli.md).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// command is one subcommand. run gets the arguments after the command name
// and returns the process exit code; it must return when ctx is done.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the dispatch table; add new subcommands here.
func commands() []command {
	return []command{
		{"run", "run the conformance cases and write the reports (the whole job, no flags needed)", runRun},
		{"list", "list cases and requirements (same selection flags as run, --json)", runList},
		{"check", "validate case files (the embedded set or --cases DIR); file:line:col messages", runCheck},
		{"report", "render several report.json files side by side in one HTML page", runReport},
		{"serve", "run the mock HTTP/HTTPS server from a routes file", runServe},
		{"ca", "write a CA for the mock server to DIR, for devices to trust once (--ca-cert, --ca-key)", runCA},
		{"driver", "serve the reference implementation over the driver protocol on stdio", runDriver},
		{"version", "print netconform's version, VCS revision and Go version (also --version)", runVersion},
	}
}

func main() {
	ctx, stop := notifyInterrupt(context.Background(), os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit code: 2 for usage
// errors.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "--version", "-version":
		return runVersion(ctx, args[1:], stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "netconform: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: netconform <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'netconform <command> -h' for the flags of a command.")
}
