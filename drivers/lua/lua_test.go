package lua_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/execdriver"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/testkit"
	"github.com/netconform/netconform/mockserver"
)

// scale is the time scale of the exec runs (the LuaSocket implementation
// scales its timeouts and progress interval).
const scale = 0.05

// sessionsScale is the time scale of the run with four sessions in one
// process: twice the others', since the sessions share one Lua thread (a
// session hashing a file holds up the other three), and at 0.05 a cancel
// due within the first 75 ms of a trickle came late once in a loaded run.
const sessionsScale = 0.1

// fullEnv names the variable that makes TestLuaSocketSuite run every case.
const fullEnv = "NETCONFORM_LUA_FULL"

// basicExec returns quick cases of every area: plain requests, events,
// files, cancel, redirects, TLS, timeouts and bad input.
func basicExec() []string {
	return []string{
		"events.name-phase.no-progress",
		"events.status.ok",
		"events.request-id.two-calls",
		"files.success-200",
		"files.error-404-no-file",
		"files.escape-dotdot",
		"cancel.returns-true",
		"redirects.follow.302",
		"tls.trusted-get",
		"timeouts.fraction",
		"input.bad-params.progress-unknown",
		"convenience.download.basic",
		"request.headers.number",
	}
}

// extraExec returns further cases of the subset: phases, rate limit,
// cancel, atomic files, bad certificates, idle timeouts and redirect methods.
func extraExec() []string {
	return []string{
		"events.download-phases.known-length",
		"events.upload-phases.file-body",
		"events.rate-limit.trickle",
		"cancel.in-listener-began",
		"cancel.mid-body",
		"files.atomic-late-failure",
		"tls.bad-cert.untrusted",
		"timeouts.idle-body",
		"convenience.upload.basic",
		"concurrency.echo.own-request-body",
		"redirects.method.301-put-kept",
		"redirects.method.303-post-becomes-get",
	}
}

// basicRemote returns the cases the Solar2D app runs under the LuaSocket
// host (time scale 1, so only quick ones).
func basicRemote() []string {
	return []string{
		"events.name-phase.no-progress",
		"events.status.ok",
		"input.bad-params.progress-unknown",
		"cancel.returns-true-after-ended",
		"events.request-id.two-calls",
	}
}

// filesRemote returns quick files and upload cases for the Solar2D app at
// time scale 1: given files placed in its own folders, responses written
// there, uploads read from there, no temporary file left.
func filesRemote() []string {
	return []string{
		"files.success-200",
		"files.success-replaces-old",
		"files.error-404-no-file",
		"files.atomic-late-failure",
		"files.upload-body-default-documents",
		"files.download-resource-to-documents",
		"convenience.upload.basic",
		"convenience.upload.base-directory-default",
		"convenience.download.basic",
	}
}

// usesFiles reports whether a case places, checks or writes files: the
// F and U rules, given files, files expectations, file bodies and
// response files.
func usesFiles(c *casefile.Case) bool {
	for _, r := range c.Requirements {
		if strings.HasPrefix(r, "F") || r == "U1" || r == "U2" {
			return true
		}
	}
	return len(c.Given.Files) > 0 || len(c.Expect.Files) > 0 || strings.HasPrefix(c.ID, "files.") ||
		strings.HasPrefix(c.ID, "convenience.")
}

// needLua returns the lua5.1 path, skipping the test when Lua or its
// modules are missing, unless CI=true, where that is a failure.
func needLua(t *testing.T) string {
	t.Helper()
	lua, err := exec.LookPath("lua5.1")
	if err == nil {
		err = exec.Command(lua, "-e", `require("socket"); require("ssl"); require("cjson")`).Run()
	}
	if err != nil {
		msg := fmt.Sprintf("lua5.1 with lua-socket, lua-sec and lua-cjson is needed (apt-get install lua5.1 lua-socket lua-sec lua-cjson): %v", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return lua
}

// pick returns the embedded cases with the given ids, failing on unknown ids.
func pick(t *testing.T, all []*casefile.Case, ids ...[]string) []*casefile.Case {
	t.Helper()
	var out []*casefile.Case
	for _, list := range ids {
		for _, id := range list {
			i := slices.IndexFunc(all, func(c *casefile.Case) bool { return c.ID == id })
			if i < 0 {
				t.Fatalf("no case %q in the suite", id)
			}
			out = append(out, all[i])
		}
	}
	return out
}

// run runs cs through d and returns the results by case id.
func run(t *testing.T, d driver.Driver, srv *mockserver.Server, ts float64, parallel int, cs []*casefile.Case) map[string]result.CaseResult {
	t.Helper()
	r, err := runner.New(runner.Params{Driver: d, Fixture: srv, TimeScale: ts, Strict: true, Parallel: parallel,
		Levels: testkit.Catalog(t).Level, TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	out := make(map[string]result.CaseResult)
	for _, c := range r.Run(t.Context(), cs).Cases {
		out[c.ID] = c
	}
	return out
}

// check asserts a pass (the runs are strict: a should mismatch fails too)
// for every case in cs, or an info verdict (an info rule records what the
// implementation does), and logs the tally.
func check(t *testing.T, name string, cs []*casefile.Case, got map[string]result.CaseResult) {
	t.Helper()
	tally := map[result.Verdict]int{}
	for _, c := range cs {
		r, ok := got[c.ID]
		if !ok || r.Verdict == "" {
			t.Errorf("%s: case %s has no verdict", name, c.ID)
			continue
		}
		tally[r.Verdict]++
		if r.Verdict == result.Skip && strings.HasSuffix(r.Reason, runner.LinkSkip) {
			continue // a linked given file cannot be placed on the driver's side (--files)
		}
		if r.Verdict != result.Pass && r.Verdict != result.Info {
			why := r.Reason
			for _, m := range r.Mismatches {
				why += fmt.Sprintf("; %s %s: want %s, got %s", m.Requirement, m.Check, m.Want, m.Got)
			}
			t.Errorf("%s: %s: verdict %s, want pass: %s", name, c.ID, r.Verdict, why)
		}
	}
	t.Logf("%s: %d cases: %v", name, len(cs), tally)
}

// TestLuaSocketSuite runs a subset of the suite (the whole suite with
// NETCONFORM_LUA_FULL=1 or CI=true, about 10 s) through the exec driver with
// `lua5.1 stdio_driver.lua network_luasocket`, in strict mode: every case
// run must pass, as README.md says the LuaSocket implementation does.
func TestLuaSocketSuite(t *testing.T) {
	lua := needLua(t)
	all := testkit.Cases(t)
	cs := pick(t, all, basicExec(), extraExec())
	if os.Getenv(fullEnv) == "1" || os.Getenv("CI") == "true" {
		cs = all
	}
	srv := testkit.Server(t)
	d, err := execdriver.New(execdriver.Options{Args: []string{lua, "stdio_driver.lua", "network_luasocket"},
		WaitDelay: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("new exec driver: %v", err)
	}
	t.Cleanup(func() { checkStopped(t, d) })
	got := run(t, d, srv, scale, 0, cs)
	check(t, "lua:luasocket", cs, got)
	if n := d.Name(); n != "lua:luasocket" {
		t.Errorf("driver name %q, want the hello's lua:luasocket", n)
	}
}

// TestLuaSocketDriverFiles runs every case that uses files through
// `stdio_driver.lua --files`, whose sessions keep their folders in the
// driver's own temporary folder: the harness places the given files and
// reads the results through the protocol only. Every case must pass, as
// it does with the harness's folders.
func TestLuaSocketDriverFiles(t *testing.T) {
	lua := needLua(t)
	var cs []*casefile.Case
	for _, c := range testkit.Cases(t) {
		if usesFiles(c) {
			cs = append(cs, c)
		}
	}
	if len(cs) < 50 {
		t.Fatalf("only %d cases use files: the selection is wrong", len(cs))
	}
	srv := testkit.Server(t)
	own := t.TempDir()
	d, err := execdriver.New(execdriver.Options{Args: []string{lua, "stdio_driver.lua", "--files=" + own, "network_luasocket"},
		WaitDelay: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("new exec driver: %v", err)
	}
	t.Cleanup(func() {
		checkStopped(t, d)
		if ents, _ := os.ReadDir(own); len(ents) != 0 {
			t.Errorf("the driver left %d entries in its folder %s", len(ents), own)
		}
	})
	caps, err := d.Probe(t.Context())
	if err != nil || !caps.Files {
		t.Fatalf("probe: files %v, %v; want the files capability announced", caps.Files, err)
	}
	got := run(t, d, srv, scale, 0, cs)
	check(t, "lua:luasocket --files", cs, got)
}

// TestLuaSocketDriverSessions runs the suite (every case under CI=true or
// NETCONFORM_LUA_FULL=1, else the files cases and the quick subset)
// through one `stdio_driver.lua --sessions=4 --files` process serving four
// sessions at once, each with its folders on the driver's side: every case
// must pass, as it does one session at a time.
func TestLuaSocketDriverSessions(t *testing.T) {
	lua := needLua(t)
	all := testkit.Cases(t)
	cs := pick(t, all, basicExec(), extraExec())
	for _, c := range all {
		if usesFiles(c) && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	if os.Getenv(fullEnv) == "1" || os.Getenv("CI") == "true" {
		cs = all
	}
	srv := testkit.Server(t)
	d, err := execdriver.New(execdriver.Options{Args: []string{lua, "stdio_driver.lua", "--sessions=4", "--files=" + t.TempDir(),
		"network_luasocket"}, WaitDelay: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("new exec driver: %v", err)
	}
	t.Cleanup(func() { checkStopped(t, d) })
	got := run(t, d, srv, sessionsScale, 4, cs)
	check(t, "lua:luasocket --sessions=4", cs, got)
	if n := len(d.PIDs()); n != 1 {
		t.Errorf("started %d processes; want one serving the 4 sessions at once", n)
	}
}

// checkStopped closes the driver and checks that no process is left.
func checkStopped(t *testing.T, d *execdriver.Driver) {
	t.Helper()
	if err := d.Close(); err != nil {
		t.Errorf("close exec driver: %v", err)
	}
	for _, pid := range d.PIDs() {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("driver process %d still exists after Close (kill 0: %v)", pid, err)
		}
	}
}

// TestSolar2DAppRemote runs drivers/solar2d/main.lua under plain Lua (the
// LuaSocket implementation plays the engine) against the remote driver:
// the app says hello over HTTP long-poll, runs the cases and leaves after
// bye. Its files are in its own folders (the host's DOCS_DIR), which the
// harness reaches only through the files capability, so the files and
// upload cases are judged on the app's listings. It runs once with one
// session at a time and once with eight (half the app's default: the
// host's one Lua thread serves them all, on a CI machine that may be
// loaded; with sixteen, a loaded run saw a 1 s timeout fire late), each
// session in its own subfolders, the runner taking its parallelism from
// the device's hello; the second run adds timing cases, which must stay
// as accurate as one at a time, and logs its wall time over its slowest
// case.
func TestSolar2DAppRemote(t *testing.T) {
	t.Run("sessions-1", func(t *testing.T) { runApp(t, 1, basicRemote(), filesRemote()) })
	t.Run("sessions-8", func(t *testing.T) { runApp(t, 8, basicRemote(), filesRemote(), timingRemote()) })
}

// timingRemote returns timing cases for the app at time scale 1 (3 s at
// most each): timeouts before and during the body, a cancel that must
// arrive before a held body, downloads at once into one folder, and
// twenty requests at once whose events must keep their order.
func timingRemote() []string {
	return []string{
		"timeouts.slow-headers",
		"timeouts.idle-body",
		"timeouts.headers-within-timeout",
		"timeouts.fraction",
		"concurrency.cancel-one.others-complete",
		"concurrency.same-folder.overlapping",
		"concurrency.twenty.ordered",
	}
}

// runApp runs the app host with the given number of sessions and judges
// the given cases through it.
func runApp(t *testing.T, sessions int, ids ...[]string) {
	lua := needLua(t)
	cs := pick(t, testkit.Cases(t), ids...)
	srv := testkit.Server(t)
	d, err := remote.New(remote.Options{PollWait: 5 * time.Second})
	if err != nil {
		t.Fatalf("new remote driver: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logPath := filepath.Join(t.TempDir(), "host.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("create host log: %v", err)
	}
	t.Cleanup(func() { _ = logFile.Close() })
	hostLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd := exec.CommandContext(ctx, lua, "solar2d_host.lua", d.URL(), t.TempDir(), strconv.Itoa(sessions))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start app host: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-exited
	})

	waitSessions(t, d, sessions, hostLog)
	start := time.Now()
	got := run(t, d, srv, 1, 0, cs)
	wall := time.Since(start)
	check(t, "solar2d:luasocket-host", cs, got)
	var slowest result.CaseResult
	for _, r := range got {
		if r.Duration > slowest.Duration {
			slowest = r
		}
	}
	t.Logf("%d cases, %d sessions: %.1f s, %.1fx the slowest case (%s, %.1f s)", len(cs), sessions, wall.Seconds(),
		wall.Seconds()/slowest.Duration.Seconds(), slowest.ID, slowest.Duration.Seconds())
	for _, c := range cs {
		if r := got[c.ID]; len(c.Given.Files) > 0 && r.Verdict == result.Pass && len(r.Files) == 0 {
			t.Errorf("%s: no file in the report: the app's listings did not reach the harness", c.ID)
		}
	}
	if n := d.Name(); n != "solar2d:luasocket-host" {
		t.Errorf("driver name %q, want the app's hello name", n)
	}
	if err := d.Close(); err != nil { // says bye: the app leaves
		t.Errorf("close remote driver: %v", err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Errorf("app host: %v\n%s", err, hostLog())
		}
	case <-time.After(15 * time.Second):
		t.Errorf("app host still running 15s after bye\n%s", hostLog())
	}
}

// waitSessions waits (10 s at most) until the app's hello has given d the
// wanted number of session places, failing when it gives another number.
func waitSessions(t *testing.T, d *remote.Driver, want int, hostLog func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for d.Sessions() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := d.Sessions(); got != want {
		t.Fatalf("the app offers %d sessions, want %d (settings.sessions)\n%s", got, want, hostLog())
	}
}
