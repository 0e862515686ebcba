package refdriver_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/execdriver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/internal/testkit"
	"github.com/netconform/netconform/mockserver"
)

// scale is the time scale of the suite runs.
const scale = 0.05

// runAll runs cs through d and returns verdicts by case id.
func runAll(t *testing.T, srv *mockserver.Server, d driver.Driver, p runner.Params, cs []*casefile.Case) map[string]result.CaseResult {
	t.Helper()
	p.Driver, p.Fixture, p.TimeScale, p.Strict = d, srv, scale, true
	p.TempDir = t.TempDir()
	r, err := runner.New(p)
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	run := r.Run(t.Context(), cs)
	out := make(map[string]result.CaseResult, len(run.Cases))
	for _, c := range run.Cases {
		out[c.ID] = c
	}
	return out
}

// newExec returns an exec driver running the helper in mode, closed (and
// checked for leftover processes) at cleanup.
func newExec(t *testing.T, mode string, o execdriver.Options) *execdriver.Driver {
	t.Helper()
	o.Args = helperArgs()
	o.Env = append(helperEnv(mode, filepath.Join(t.TempDir(), "faulted")), o.Env...)
	d, err := execdriver.New(o)
	if err != nil {
		t.Fatalf("new exec driver: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close exec driver: %v", err)
		}
		for _, pid := range d.PIDs() {
			if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
				t.Errorf("driver process %d still exists after Close (kill 0: %v)", pid, err)
			}
		}
	})
	return d
}

// compare fails the test for every case whose verdict differs from the
// in-process run. There is no re-run: an attempt the host stalled is
// already void and re-run by the runner, so a difference is a real one.
func compare(t *testing.T, name string, want, got map[string]result.CaseResult) {
	t.Helper()
	for _, id := range slices.Sorted(maps.Keys(want)) {
		w, g := want[id], got[id]
		if g.Verdict == result.Skip && strings.HasSuffix(g.Reason, runner.LinkSkip) {
			continue // a linked given file cannot be placed on the driver's side (the files capability): it skips there
		}
		if w.Verdict != g.Verdict {
			t.Errorf("%s: %s verdict %s (%s), inproc %s (%s)", id, name, g.Verdict, g.Reason, w.Verdict, w.Reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s ran %d cases, inproc %d", name, len(got), len(want))
	}
}

// TestSameVerdicts: the whole suite gives the in-process verdicts, case by
// case, through a subprocess (`netconform driver`'s code path) and through
// the remote driver with Go clients playing devices.
func TestSameVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("full suite")
	}
	cs := testkit.Cases(t)
	srv := testkit.Server(t)
	want := runAll(t, srv, refdriver.New(), runner.Params{}, cs)
	if n := tally(want)[result.Pass]; n < len(cs)/2 {
		t.Fatalf("only %d of %d cases pass in process: the comparison would mean little", n, len(cs))
	}
	t.Run("exec", func(t *testing.T) {
		d := newExec(t, "ref", execdriver.Options{})
		got := runAll(t, srv, d, runner.Params{}, cs)
		compare(t, "exec", want, got)
		t.Logf("verdicts: inproc %v, exec %v", tally(want), tally(got))
		if n := len(d.PIDs()); n > runner.DefaultParallel {
			t.Errorf("started %d processes for %d parallel sessions; want reuse", n, runner.DefaultParallel)
		}
		if d.Name() != refdriver.Name {
			t.Errorf("Name() = %q, want the hello's %q", d.Name(), refdriver.Name)
		}
	})
	t.Run("exec-sessions", func(t *testing.T) {
		// One process serving four sessions at once runs the cases where
		// sessions could meet (files, cancels, concurrency, timeouts) with
		// the verdicts of one session at a time.
		var sub []*casefile.Case
		for _, c := range cs {
			if area, _, _ := strings.Cut(c.ID, "."); slices.Contains([]string{"files", "cancel", "concurrency", "timeouts"}, area) {
				sub = append(sub, c)
			}
		}
		d := newExec(t, "ref", execdriver.Options{Env: []string{envSessions + "=4"}})
		got := runAll(t, srv, d, runner.Params{Parallel: 4}, sub)
		part := make(map[string]result.CaseResult, len(sub))
		for _, c := range sub {
			part[c.ID] = want[c.ID]
		}
		compare(t, "exec with 4 sessions", part, got)
		t.Logf("%d cases: inproc %v, exec with 4 sessions %v", len(sub), tally(part), tally(got))
		if n := len(d.PIDs()); n != 1 {
			t.Errorf("started %d processes; want one serving the 4 sessions at once", n)
		}
	})
	t.Run("remote", func(t *testing.T) {
		// A case with a symbolic link among its given files skips on a
		// device that keeps its files itself (a link cannot be placed
		// over the control channel), and the pool sends it to either.
		var plain []*casefile.Case
		wantPlain := make(map[string]result.CaseResult)
		for _, c := range cs {
			if !slices.ContainsFunc(c.Given.Files, func(f casefile.GivenFile) bool { return f.Link != "" }) {
				plain = append(plain, c)
				wantPlain[c.ID] = want[c.ID]
			}
		}
		if len(plain) == len(cs) {
			t.Error("no case with a linked given file: the filter is stale")
		}
		remoteSameVerdicts(t, srv, plain, wantPlain)
	})
}

// TestExecFaults: a subprocess that crashes, hangs, prints garbage, reports
// an unknown handle or a duplicate event errors its case with the reason;
// the process is replaced and the next case passes; the run ends. So does
// one that announces files but drops a placed file from its listing,
// reports a wrong hash for it or never answers the look (the first case
// then places photo.bin; only the hang needs a fresh process).
func TestExecFaults(t *testing.T) {
	all := testkit.Cases(t)
	pick := func(id string) *casefile.Case {
		for _, c := range all {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("no case %s", id)
		return nil
	}
	plain, placing, second := pick("events.bytes.known-length"), pick("files.success-replaces-old"), pick("events.status.ok")
	tests := []struct {
		mode   string
		first  *casefile.Case
		reason []string
		procs  int
	}{
		{"crash", plain, []string{"driver exited", "exit status 3"}, 2},
		// The hang after the call's reply is noticed at the next request
		// answered: the look at the files after the run.
		{"hang", plain, []string{"no reply to files within"}, 2},
		{"garbage", plain, []string{"not a JSON message", "oops"}, 2},
		{"unknown-handle", plain, []string{"unknown handle", "h-nope"}, 2},
		{"dup", plain, []string{"duplicate or out of order"}, 2},
		{"files-missing", placing, []string{"driver files before the first call",
			"DocumentsDirectory/photo.bin was placed (300 bytes", "missing from the listing"}, 1},
		{"files-hash", placing, []string{"driver files before the first call",
			"DocumentsDirectory/photo.bin was placed as 300 bytes", "listed as 300 bytes, sha256 000000000000"}, 1},
		{"files-hang", placing, []string{"driver files before the first call", "no reply to files within"}, 2},
	}
	srv := testkit.Server(t)
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			// Only the hangs wait for the op timeout, so only they get a
			// short one; the others keep the defaults, so that race-built
			// processes starting at once on a loaded machine are not taken
			// for hung ones (no hello, no reply, or a case deadline).
			o := execdriver.Options{WaitDelay: 300 * time.Millisecond}
			if strings.HasSuffix(tc.mode, "hang") {
				o.OpTimeout = hangOpTimeout
			}
			d := newExec(t, tc.mode, o)
			start := time.Now()
			// One attempt: the fault fires once, so a re-run of an attempt
			// the loaded host stalled would pass on a fresh process.
			res := runAll(t, srv, d, runner.Params{Parallel: 1, MaxAttempts: 1}, []*casefile.Case{tc.first, second})
			if r := res[tc.first.ID]; r.Verdict != result.Error || !wantReason(r.Reason, tc.reason...) {
				t.Errorf("faulty case: verdict %s reason %q; want error mentioning %q", r.Verdict, r.Reason, tc.reason)
			}
			if r := res[second.ID]; r.Verdict != result.Pass {
				t.Errorf("next case: verdict %s reason %q; want pass", r.Verdict, r.Reason)
			}
			if n := len(d.PIDs()); n != tc.procs {
				t.Errorf("started %d processes, want %d", n, tc.procs)
			}
			t.Logf("%s: run took %s", tc.mode, time.Since(start))
		})
	}
}

// hangOpTimeout is the op timeout of the one fault that waits for it (a
// driver that never replies to close); below the runner's 2 s close grace,
// so that the protocol names the hang first.
const hangOpTimeout = time.Second

// TestExecLateEvent: an event after the close reply retires the process;
// the next case runs on a fresh one and passes.
func TestExecLateEvent(t *testing.T) {
	all := testkit.Cases(t)
	var cs []*casefile.Case
	for _, c := range all {
		if c.ID == "events.bytes.known-length" || c.ID == "events.status.ok" {
			cs = append(cs, c)
		}
	}
	srv := testkit.Server(t)
	d := newExec(t, "late", execdriver.Options{WaitDelay: 300 * time.Millisecond})
	res := runAll(t, srv, d, runner.Params{Parallel: 1, MaxAttempts: 1}, cs)
	for id, r := range res {
		if r.Verdict != result.Pass {
			t.Errorf("%s: verdict %s reason %q", id, r.Verdict, r.Reason)
		}
	}
	if n := len(d.PIDs()); n != 2 {
		t.Errorf("started %d processes, want 2: the late one retired", n)
	}
}

// TestServeStdioEndsAtBye: the server says hello, then ends at bye.
func TestServeStdioEndsAtBye(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	inR, inW := io.Pipe()
	defer inW.Close()
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- refdriver.ServeStdio(ctx, inR, &out, refdriver.StdioOptions{}) }()
	if _, err := io.WriteString(inW, `{"type":"welcome","version":1}`+"\n"+`{"type":"bye"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("ServeStdio = %v, want nil after bye", err)
	}
	if got := out.String(); !wantReason(got, `"type":"hello"`, `"name":"reference"`, `"versions":[1]`) {
		t.Errorf("output %q, want a hello", got)
	}
}

// tally counts verdicts.
func tally(rs map[string]result.CaseResult) map[result.Verdict]int {
	out := make(map[result.Verdict]int)
	for _, r := range rs {
		out[r.Verdict]++
	}
	return out
}
