package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failingWriter fails every write, as stdout does when its reader went away.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestExitCodesAcrossCommands: every command exits 2 for a usage error and
// for a setup or I/O error (a file it cannot write, an output it cannot
// print to); 1 is only a "no" (run: an unexpected result; check: an
// invalid case), as docs/cli.md's table says.
func TestExitCodesAcrossCommands(t *testing.T) {
	t.Parallel()
	file := writeFile(t, filepath.Join(t.TempDir(), "plain"), "not a folder")
	report := filepath.Join(t.TempDir(), "out")
	if code, out, _ := (cli{}).run(t, "--cases", probeDir(t), "--id", "probe.ok", "--out", report); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	tests := []struct {
		name   string
		args   []string
		stdout io.Writer
		want   int
	}{
		{"unknown command", []string{"frobnicate"}, nil, exitUsage},
		{"no command", nil, nil, exitUsage},
		{"version with an argument", []string{"version", "x"}, nil, exitUsage},
		{"version", []string{"version"}, nil, exitOK},
		{"--version", []string{"--version"}, nil, exitOK},
		{"list to a broken stdout", []string{"list", "--json"}, failingWriter{}, exitUsage},
		{"list with a bad flag", []string{"list", "--bogus"}, nil, exitUsage},
		{"report into a file's folder", []string{"report", "-o", filepath.Join(file, "compare.html"),
			filepath.Join(report, "report.json")}, nil, exitUsage},
		{"report of a missing file", []string{"report", filepath.Join(report, "nope.json")}, nil, exitUsage},
		{"ca into a file's folder", []string{"ca", filepath.Join(file, "ca")}, nil, exitUsage},
		{"run with a bad flag", []string{"run", "--bogus"}, nil, exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errb strings.Builder
			stdout := tc.stdout
			if stdout == nil {
				stdout = &out
			}
			if code := run(t.Context(), tc.args, stdout, &errb); code != tc.want {
				t.Errorf("netconform %q: exit %d, want %d\n%s%s", tc.args, code, tc.want, out.String(), errb.String())
			}
		})
	}
}

// TestInterruptedExitCode: a context a signal ended gives 128 + the
// signal's number; one ended otherwise gives 130, as for Ctrl-C.
func TestInterruptedExitCode(t *testing.T) {
	t.Parallel()
	if _, ok := interrupted(t.Context()); ok {
		t.Error("a live context counts as interrupted")
	}
	for _, tc := range []struct {
		cause error
		want  int
		name  string
	}{
		{&interruptError{sig: os.Interrupt}, 130, "interrupt"},
		{&interruptError{sig: syscall.SIGTERM}, 143, "terminated"},
		{context.Canceled, 130, "context canceled"},
	} {
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(tc.cause)
		if code, ok := interrupted(ctx); !ok || code != tc.want || interruptCause(ctx) != tc.name {
			t.Errorf("cause %v: code %d (%v), name %q; want %d, %q", tc.cause, code, ok, interruptCause(ctx), tc.want, tc.name)
		}
		if !errors.Is(context.Cause(ctx), context.Canceled) {
			t.Errorf("cause %v is not a cancellation", tc.cause)
		}
	}
}
