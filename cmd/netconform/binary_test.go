package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/reports"
)

// builtCheckout is a git checkout of this module's source as it is now
// (tracked and untracked, not ignored files), committed once, with
// netconform built in it the way a user builds it, as bin.
type builtCheckout struct {
	dir, rev, bin string
}

// buildCheckout copies the source into a new git repository under t's
// temporary folder, commits it and builds netconform there with VCS
// stamping on. A copy, not the source tree: `go build` stamps the revision
// only in a repository whose .git is a folder, and a git worktree's is a
// file.
func buildCheckout(t *testing.T) builtCheckout {
	t.Helper()
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	list := runTool(t, root, nil, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	co := builtCheckout{dir: t.TempDir()}
	for name := range strings.SplitSeq(strings.TrimRight(list, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the tree, not yet in git
		}
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(co.dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		return runTool(t, co.dir, []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}, "git", args...)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "--no-gpg-sign", "-m", "snapshot")
	co.rev = strings.TrimSpace(git("rev-parse", "HEAD"))
	co.bin = filepath.Join(co.dir, "bin", "netconform")
	runTool(t, co.dir, []string{"GOFLAGS=-buildvcs=true"}, "go", "build", "-trimpath", "-o", co.bin, "./cmd/netconform")
	return co
}

// runTool runs name in dir with env added and returns its stdout, failing
// the test when it fails.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestBuiltBinary runs netconform as a user does: built with go build from
// a git checkout and started as a process. The build is shared by the
// subtests.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds netconform")
	}
	t.Parallel()
	co := buildCheckout(t)
	t.Run("version", func(t *testing.T) {
		t.Parallel()
		testVersion(t, co)
	})
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("interrupt/"+sig.String(), func(t *testing.T) {
			t.Parallel()
			testInterrupt(t, co, sig, false)
		})
	}
	// One Ctrl-C delivered twice at once (`timeout -s INT` signals the
	// process and its group) is one interrupt: the run still winds down.
	t.Run("interrupt/twice-at-once", func(t *testing.T) {
		t.Parallel()
		testInterrupt(t, co, syscall.SIGINT, true)
	})
	t.Run("ci-action", func(t *testing.T) {
		t.Parallel()
		testCIAction(t, co)
	})
}

// testVersion: `netconform version` and `--version` print the module
// version, the revision the binary was built from and the Go version.
func testVersion(t *testing.T, co builtCheckout) {
	for _, arg := range []string{"version", "--version"} {
		out := runTool(t, co.dir, nil, co.bin, arg)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "netconform v0.0.0-") ||
			!strings.HasSuffix(lines[0], "-"+co.rev[:12]) ||
			!strings.HasPrefix(lines[1], "revision "+co.rev+" (") || strings.Contains(lines[1], "modified") ||
			!strings.HasPrefix(lines[2], "built with go1.") {
			t.Errorf("netconform %s printed:\n%s\nwant the pseudo-version, revision %s unmodified and the Go version",
				arg, out, co.rev)
		}
	}
}

// interruptCases are two cases run one at a time: the first (the longer
// budget, so it starts first) asks a server that never answers, the
// second waits its turn.
const interruptCases = `cases:
  - id: slow.a-hangs
    title: a request to a server that never answers, cut short by the interrupt
    requirements: [E8]
    budget: 600s
    call: {url: "%s/hang", method: GET, params: {timeout: 600}}
    expect:
      ended: {isError: false, status: 200}
  - id: slow.b-waits
    title: a request that never starts, as the one before it holds the only slot
    requirements: [E8]
    server:
      routes:
        - {path: /ok, body: "fine"}
    call: {url: "{{http}}/ok", method: GET}
    expect:
      ended: {isError: false, status: 200}
`

// slowCases writes interruptCases into a new folder, with a loopback
// server that never answers, and returns the folder and a channel that
// gets a value when the server has the slow case's request.
func slowCases(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	hit := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hit <- struct{}{}:
		default:
		}
		select { // never answers: the client gives up, or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "slow", "cases.yaml"), fmt.Sprintf(interruptCases, srv.URL))
	return dir, hit
}

// testInterrupt: a signal while a case waits on a server ends the run
// with 128 + the signal's number; the case under way is marked cut short,
// the other not run; the partial reports go beside the complete run's,
// which stays as it was, and say they are partial.
func testInterrupt(t *testing.T, co builtCheckout, sig syscall.Signal, twice bool) {
	dir, hit := slowCases(t)
	out := filepath.Join(t.TempDir(), "out")
	complete := reports.Report{Run: result.Run{Implementation: "reference", Cases: []result.CaseResult{
		{ID: "slow.b-waits", Verdict: result.Pass}}}}
	if _, err := reports.WriteAll(out, complete); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(out, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, co.bin, "run", "--cases", dir, "--parallel", "1", "--out", out)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hit:
	case <-ctx.Done():
		t.Fatalf("the slow case never reached the server\n%s%s", stdout.String(), stderr.String())
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if twice {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	_ = cmd.Wait()
	want := 128 + int(sig)
	if code := cmd.ProcessState.ExitCode(); code != want {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout.String(), stderr.String())
	}
	name := sig.String()
	for _, line := range []string{
		"run interrupted (" + name + "): the cases under way were cut short, the others not started",
		"partial reports (run interrupted) go to " + filepath.Join(out, "interrupted") + ", not " + out +
			": they still hold the last complete run's",
		"0 pass, 0 warn, 0 info, 0 fail, 0 error, 2 skip",
		"0 unexpected, 0 expected non-pass; interrupted: 2 of 2 cases not run (1 cut short); ",
	} {
		if !strings.Contains(stdout.String(), line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout.String())
		}
	}
	if now, err := os.ReadFile(filepath.Join(out, reports.JSONFile)); err != nil || !bytes.Equal(now, before) {
		t.Errorf("the complete run's report.json was replaced (%v)", err)
	}
	rep := readReport(t, filepath.Join(out, "interrupted"))
	if rep.Info.Interrupted != name || rep.Info.Build.Revision != co.rev || rep.Info.Build.GoVersion == "" {
		t.Errorf("partial report: interrupted %q, build %+v; want %q and revision %s", rep.Info.Interrupted,
			rep.Info.Build, name, co.rev)
	}
	states := map[string]result.CaseResult{}
	for _, c := range rep.Run.Cases {
		states[c.ID] = c
	}
	if a := states["slow.a-hangs"]; a.Verdict != result.Skip || a.Interrupted != result.InterruptedRunning ||
		!strings.HasPrefix(a.Reason, "cut short: run interrupted ("+name+" signal received)") {
		t.Errorf("slow.a-hangs: %s, interrupted %q, reason %q; want a skip cut short", a.Verdict, a.Interrupted, a.Reason)
	}
	if b := states["slow.b-waits"]; b.Verdict != result.Skip || b.Interrupted != result.InterruptedQueued {
		t.Errorf("slow.b-waits: %s, interrupted %q; want a skip never started", b.Verdict, b.Interrupted)
	}
	md, err := os.ReadFile(filepath.Join(out, "interrupted", reports.MarkdownFile))
	if err != nil || !bytes.Contains(md, []byte("interrupted, partial results")) {
		t.Errorf("partial report.md does not say it is partial (%v)", err)
	}
}

// testCIAction runs the action's script as its steps do: install from the
// action's checkout, then run the suite with GITHUB_STEP_SUMMARY and
// GITHUB_OUTPUT set, for a passing selection and a failing one.
// actionRun returns the action's run step as CI runs it in work, with
// netconform from gobin and args as NETCONFORM_ARGS, and the paths of its
// job summary and outputs files.
func actionRun(t *testing.T, script, gobin, work, args string) (cmd *exec.Cmd, summary, output string) {
	summary, output = filepath.Join(work, "summary.md"), filepath.Join(work, "output")
	cmd = exec.CommandContext(t.Context(), "bash", script, "run")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output, "NETCONFORM_DRIVER=inproc",
		"NETCONFORM_ARGS="+args, "NETCONFORM_OUT=", "NETCONFORM_COMMAND=", "NETCONFORM_EXPECT=")
	return cmd, summary, output
}

func testCIAction(t *testing.T, co builtCheckout) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash on PATH")
	}
	script := filepath.Join(co.dir, "scripts", "ci-action.sh")
	gobin, ghPath := t.TempDir(), filepath.Join(t.TempDir(), "path")
	runTool(t, co.dir, []string{"GITHUB_ACTION_PATH=" + co.dir, "NETCONFORM_VERSION=", "GOBIN=" + gobin,
		"GITHUB_PATH=" + ghPath}, "bash", script, "install")
	if added, err := os.ReadFile(ghPath); err != nil || strings.TrimSpace(string(added)) != gobin {
		t.Fatalf("install added %q to GITHUB_PATH (%v), want %s", added, err, gobin)
	}
	probe := probeDir(t)
	for _, tc := range []struct {
		name, args string
		code       int
		heading    string
	}{
		{"passing", "--cases " + probe + " --id probe.ok", 0, "## netconform: reference — ✅ conformant"},
		{"failing", "--cases " + probe, 1, "## netconform: reference — ❌ not conformant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			cmd, summary, output := actionRun(t, script, gobin, work, tc.args)
			log, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, log)
			}
			md, err := os.ReadFile(summary)
			if err != nil || !strings.HasPrefix(string(md), tc.heading+"\n") {
				t.Errorf("step summary (%v) does not start with %q:\n%s", err, tc.heading, md)
			}
			outs, err := os.ReadFile(output)
			want := fmt.Sprintf("exit-code=%d\nreport-dir=reports/out\nreport=reports/out/report.json\n", tc.code)
			if err != nil || string(outs) != want {
				t.Errorf("GITHUB_OUTPUT = %q (%v), want %q", outs, err, want)
			}
			if _, err := os.Stat(filepath.Join(work, "reports", "out", reports.HTMLFile)); err != nil {
				t.Errorf("no report.html in the default folder: %v", err)
			}
		})
	}
	// A cancelled job: GitHub signals the step's shell alone, which passes
	// the signal on; the partial report is summarised, the code is 130.
	t.Run("cancelled", func(t *testing.T) {
		dir, hit := slowCases(t)
		work := t.TempDir()
		cmd, summary, output := actionRun(t, script, gobin, work, "--cases "+dir+" --parallel 1")
		cmd.WaitDelay = 10 * time.Second
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-hit:
		case <-t.Context().Done():
			t.Fatalf("the slow case never reached the server\n%s", log.String())
		}
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil { // the shell's pid only
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Fatalf("exit %d, want 130\n%s", code, log.String())
		}
		md, err := os.ReadFile(summary)
		if err != nil || !bytes.Contains(md, []byte("interrupted, partial results")) {
			t.Errorf("step summary (%v) is not the partial report:\n%s", err, md)
		}
		outs, err := os.ReadFile(output)
		if err != nil || !strings.HasPrefix(string(outs), "exit-code=130\n") {
			t.Errorf("GITHUB_OUTPUT = %q (%v), want exit-code=130 first", outs, err)
		}
	})
}
