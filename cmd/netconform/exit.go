package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// The exit codes of every command (docs/cli.md#exit-codes has the table).
const (
	// exitOK: success (run: no result the expectations did not allow).
	exitOK = 0
	// exitFail: the command's answer is no: run had a result the
	// expectations did not allow (a conformance failure), check found an
	// invalid case file.
	exitFail = 1
	// exitUsage: a usage or setup error: a bad flag or argument, a file
	// that cannot be read or written, a driver or server that cannot start.
	exitUsage = 2
	// exitSignal is added to the number of the signal that interrupted a
	// run: 130 for SIGINT (Ctrl-C), 143 for SIGTERM, as shells report a
	// process killed by it.
	exitSignal = 128
)

// interruptError is the cause of the context of a command a signal
// interrupted.
type interruptError struct{ sig os.Signal }

func (e *interruptError) Error() string { return signalName(e.sig) + " signal received" }

// Is makes an interrupt a cancellation: errors.Is(err, context.Canceled).
func (e *interruptError) Is(target error) bool { return target == context.Canceled }

// signalName names a signal the way a user typed or sent it: "interrupt"
// (SIGINT), "terminated" (SIGTERM).
func signalName(sig os.Signal) string { return sig.String() }

// sameSignal is how soon after the first a signal counts as the same
// interrupt: `timeout -s INT` and a terminal both may deliver one Ctrl-C to
// the process twice (to its group and to it).
const sameSignal = time.Second

// notifyInterrupt returns a context that the first SIGINT or SIGTERM
// cancels with an [interruptError], so that a command winds down: run
// ends the cases under way, marks them interrupted and writes the partial
// reports. A second signal (sameSignal or more after the first) means
// "now": the process exits at once with the signal's code, saying so on
// stderr. stop releases the signals.
func notifyInterrupt(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(&interruptError{sig: sig})
		case <-done:
			return
		}
		first := time.Now()
		for {
			select {
			case sig := <-ch:
				if time.Since(first) < sameSignal {
					continue // one Ctrl-C delivered twice (to the group and to this process)
				}
				fmt.Fprintf(stderr, "netconform: %s again: exiting at once (the reports were not written)\n", signalName(sig))
				os.Exit(signalCode(sig))
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// signalCode is the exit code of a process a signal interrupted: 128 + the
// signal's number (130 for SIGINT, 143 for SIGTERM).
func signalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return exitSignal + int(s)
	}
	return exitSignal + int(syscall.SIGINT)
}

// interrupted reports whether ctx ended, and if so the exit code that
// says so: the code of the signal ([signalCode]), or 130 (as for Ctrl-C)
// when ctx ended otherwise (a test, a parent's cancellation).
func interrupted(ctx context.Context) (code int, ok bool) {
	if ctx.Err() == nil {
		return 0, false
	}
	var ie *interruptError
	if errors.As(context.Cause(ctx), &ie) {
		return signalCode(ie.sig), true
	}
	return signalCode(os.Interrupt), true
}

// interruptCause names what ended ctx for the user: "interrupt" or
// "terminated" for a signal, else the cause's text.
func interruptCause(ctx context.Context) string {
	var ie *interruptError
	if errors.As(context.Cause(ctx), &ie) {
		return signalName(ie.sig)
	}
	return context.Cause(ctx).Error()
}
