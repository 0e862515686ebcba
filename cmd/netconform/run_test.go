package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/reports"
)

// probeCases are two cases against the reference: probe.ok passes,
// probe.wrong-status expects a 201 from a route that answers 200, so it
// fails on purpose.
const probeCases = `cases:
  - id: probe.ok
    title: a 200 ends with status 200 and its body
    requirements: [E8]
    server:
      routes:
        - {path: /ok, headers: {Content-Type: text/plain}, body: "fine"}
    call: {url: "{{http}}/ok", method: GET}
    expect:
      ended: {isError: false, status: 200, response: "fine"}

  - id: probe.wrong-status
    title: expects 201 from a route that answers 200 (wrong on purpose)
    requirements: [E8]
    server:
      routes:
        - {path: /ok, headers: {Content-Type: text/plain}, body: "fine"}
    call: {url: "{{http}}/ok", method: GET}
    expect:
      ended: {isError: false, status: 201}
`

// probeDir writes probeCases as <dir>/probe/cases.yaml and returns dir.
func probeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "probe", "cases.yaml"), probeCases)
	return dir
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// cli runs the command line in process and returns the exit code, stdout
// and stderr.
type cli struct {
	drivers  map[string]driverFactory
	terminal bool
}

func (c cli) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := runCmd{drivers: c.drivers, terminal: func(io.Writer) bool { return c.terminal }, width: 100}
	if rc.drivers == nil {
		rc.drivers = defaultDrivers()
	}
	code := rc.run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// lastLines returns the last two lines of out.
func lastLines(t *testing.T, out string) (summary, detail string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("output has fewer than two lines:\n%s", out)
	}
	return lines[len(lines)-2], lines[len(lines)-1]
}

// summaryRE is the closing line CI parses, alone on its line.
var summaryRE = regexp.MustCompile(`^(\d+) pass, (\d+) warn, (\d+) info, (\d+) fail, (\d+) error, (\d+) skip$`)

func readReport(t *testing.T, dir string) reports.Report {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := reports.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunEmbeddedSelectionPasses(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := cli{}.run(t, "--id", "events.status.*", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	summary, detail := lastLines(t, stdout)
	m := summaryRE.FindStringSubmatch(summary)
	if m == nil || m[4] != "0" || m[5] != "0" || m[1] == "0" {
		t.Fatalf("summary line %q does not read \"N pass, ..., 0 fail, 0 error, ...\"", summary)
	}
	if !strings.Contains(detail, "unexpected") {
		t.Errorf("detail line %q lacks the expectation outcome", detail)
	}
	for _, name := range []string{reports.JSONFile, reports.JUnitFile, reports.MarkdownFile, reports.HTMLFile} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s not written: %v", name, err)
		}
	}
	rep := readReport(t, out)
	if len(rep.Run.Cases) == 0 || rep.Info.Driver != "inproc" || rep.Run.TimeScale != 0.05 {
		t.Errorf("report: %d cases, driver %q, scale %g; want cases, inproc, 0.05", len(rep.Run.Cases),
			rep.Info.Driver, rep.Run.TimeScale)
	}
	for _, c := range rep.Run.Cases {
		if !strings.HasPrefix(c.ID, "events.status.") {
			t.Errorf("case %s ran but --id events.status.* excludes it", c.ID)
		}
	}
	if !strings.Contains(stdout, "PASS  events.status.ok (") {
		t.Errorf("no plain per-case line for events.status.ok:\n%s", stdout)
	}
}

func TestRunFailingCaseExitsOne(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := cli{}.run(t, "--cases", probeDir(t), "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if summary, _ := lastLines(t, stdout); summary != "1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip" {
		t.Errorf("summary %q, want \"1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip\"", summary)
	}
	for _, want := range []string{
		"FAIL  probe.wrong-status (",
		"probe/cases.yaml:", // the mismatch points at the case file
		"want: 201\n", "got:  200 ",
		"unexpected results (1):",
		"FAIL            probe.wrong-status (expected pass)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	rep := readReport(t, out)
	if got := reports.Summarize(rep.Run); got.Fail != 1 || got.Pass != 1 {
		t.Errorf("report summary %+v, want 1 pass 1 fail", got)
	}
}

func TestRunExpectedFailureExitsZero(t *testing.T) {
	t.Parallel()
	dir := probeDir(t)
	exp := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.wrong-status: fail\n")
	out := t.TempDir()
	code, stdout, stderr := cli{}.run(t, "--cases", dir, "--expect", exp, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (the failure is expected)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	summary, detail := lastLines(t, stdout)
	if summary != "1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip" {
		t.Errorf("summary %q, want the raw counts \"1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip\"", summary)
	}
	if !strings.Contains(detail, "0 unexpected, 1 expected non-pass") {
		t.Errorf("detail %q does not count the expected failure", detail)
	}
	if strings.Contains(stdout, "unexpected results") {
		t.Errorf("an expected failure is listed as unexpected:\n%s", stdout)
	}
	for _, c := range readReport(t, out).Run.Cases {
		if c.ID == "probe.wrong-status" && !strings.Contains(c.Reason, "expected fail (expectations file)") {
			t.Errorf("report reason %q does not say the failure was expected", c.Reason)
		}
	}
}

func TestRunUnexpectedPassIsReported(t *testing.T) {
	t.Parallel()
	exp := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.ok: fail\nprobe.wrong-status: [pass, fail]\n")
	out := t.TempDir()
	code, stdout, _ := cli{}.run(t, "--cases", probeDir(t), "--expect", exp, "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1 for an unexpected pass\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "UNEXPECTED PASS probe.ok (expected fail)") {
		t.Errorf("the unexpected pass is not listed:\n%s", stdout)
	}
	if strings.Contains(stdout, "probe.wrong-status (expected") {
		t.Errorf("probe.wrong-status failed as [pass, fail] allows, yet is listed:\n%s", stdout)
	}
	for _, c := range readReport(t, out).Run.Cases {
		if c.ID == "probe.ok" && !strings.Contains(c.Reason, "unexpected pass: expected fail") {
			t.Errorf("report reason %q does not flag the unexpected pass", c.Reason)
		}
	}
}

func TestRunRepeatClassifiesStableAndBroken(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, _ := cli{}.run(t, "--cases", probeDir(t), "--repeat", "2", "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (probe.wrong-status is broken)\n%s", code, stdout)
	}
	_, detail := lastLines(t, stdout)
	if !strings.Contains(detail, "1 stable, 0 flaky, 1 broken over 2 runs") {
		t.Errorf("detail %q lacks the classification", detail)
	}
	for _, want := range []string{"PASS  probe.ok #1 (", "PASS  probe.ok #2 (", "FAIL  probe.wrong-status #2 ("} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, c := range readReport(t, out).Run.Cases {
		switch c.ID {
		case "probe.wrong-status":
			if !strings.HasPrefix(c.Reason, "broken over 2 runs (fail, fail)") {
				t.Errorf("broken case reason %q", c.Reason)
			}
		case "probe.ok":
			if !strings.Contains(strings.Join(c.Logs, "\n"), "netconform: stable over 2 runs (pass, pass)") {
				t.Errorf("stable case logs %q lack the classification", c.Logs)
			}
		}
	}
}

// flakyDriver is the reference driver whose every odd-numbered session fails
// to open: a case run twice, one at a time, errors once and passes once.
type flakyDriver struct {
	*refdriver.Driver
	opens atomic.Int64
}

func (d *flakyDriver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	if d.opens.Add(1)%2 == 1 {
		return nil, errors.New("flaky driver: odd session refused")
	}
	return d.Driver.Open(ctx, cfg)
}

func flakyCLI() cli {
	return cli{drivers: map[string]driverFactory{driverInproc: func(driverSpec) (driver.Driver, error) {
		return &flakyDriver{Driver: refdriver.New()}, nil
	}}}
}

func TestRunRepeatClassifiesFlaky(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, _ := flakyCLI().run(t, "--cases", probeDir(t), "--id", "probe.ok", "--repeat", "2",
		"--parallel", "1", "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1 for a flaky case with no expectation\n%s", code, stdout)
	}
	_, detail := lastLines(t, stdout)
	if !strings.Contains(detail, "0 stable, 1 flaky, 0 broken over 2 runs") {
		t.Errorf("detail %q does not classify probe.ok as flaky", detail)
	}
	if !strings.Contains(stdout, "FLAKY           probe.ok (expected pass)") {
		t.Errorf("the flaky case is not listed as unexpected:\n%s", stdout)
	}
	rep := readReport(t, out)
	if len(rep.Run.Cases) != 1 || !strings.HasPrefix(rep.Run.Cases[0].Reason, "flaky over 2 runs (error, pass); shown: run 1") {
		t.Errorf("report cases %+v: want probe.ok with the flaky classification", rep.Run.Cases)
	}

	// A known flaky case, [pass, error], is expected.
	exp := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.ok: [pass, error]\n")
	code, stdout, _ = flakyCLI().run(t, "--cases", probeDir(t), "--id", "probe.ok", "--repeat", "2",
		"--parallel", "1", "--out", t.TempDir(), "--expect", exp)
	if code != 0 {
		t.Fatalf("exit %d, want 0 for an expected flaky case\n%s", code, stdout)
	}
}

func TestRunUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	badExpect := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.ok: maybe\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "flag provided but not defined"},
		{"positional argument", []string{"extra"}, `unexpected argument "extra"`},
		{"unknown driver", []string{"--driver", "wasm"}, `unknown driver "wasm"`},
		{"exec without command", []string{"--driver", "exec"}, "needs the driver command after --"},
		{"listen without remote", []string{"--listen", "127.0.0.1:0"}, "for --driver remote only"},
		{"argv for remote", []string{"--driver", "remote", "--", "lua"}, "for --driver exec only"},
		{"argv for inproc", []string{"--", "lua"}, "for --driver exec only"},
		{"repeat zero", []string{"--repeat", "0"}, "--repeat must be at least 1"},
		{"parallel zero", []string{"--parallel", "0"}, "--parallel must be at least 1"},
		{"devices zero", []string{"--driver", "remote", "--devices", "0"}, "--devices must be at least 1"},
		{"devices without remote", []string{"--devices", "2"}, "--devices is for --driver remote only"},
		{"bad glob", []string{"--id", "["}, "bad --id glob"},
		{"bad level", []string{"--level", "may"}, `bad --level "may"`},
		{"no match", []string{"--id", "nothing.matches.this"}, "no case matches the selection"},
		{"missing cases dir", []string{"--cases", "/nonexistent/netconform"}, "no such file"},
		{"bad expectations", []string{"--expect", badExpect}, `expect.yaml:1:11: probe.ok: unknown status "maybe"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli{}.run(t, append(tc.args, "--out", t.TempDir())...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}

func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	code, _, stderr := cli{}.run(t, "-h")
	if code != 0 || !strings.Contains(stderr, "usage: netconform run") || !strings.Contains(stderr, "-expect") {
		t.Fatalf("exit %d, usage:\n%s", code, stderr)
	}
}

func TestRunLiveProgressOnTerminal(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli{terminal: true}.run(t, "--cases", probeDir(t), "--out", t.TempDir())
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "\r\x1b[K[2/2] 1 failed") {
		t.Errorf("no redrawn progress line reaching [2/2] 1 failed:\n%q", stdout)
	}
	if strings.Contains(stdout, "PASS  probe.ok") {
		t.Errorf("live mode printed a line for a passing case:\n%q", stdout)
	}
	if !strings.Contains(stdout, "FAIL  probe.wrong-status (") {
		t.Errorf("live mode did not print the failing case:\n%q", stdout)
	}
	summary, _ := lastLines(t, stdout)
	if !summaryRE.MatchString(summary) {
		t.Errorf("summary line %q is not alone on its line", summary)
	}
	// Nothing unexpected and no reports: the summary follows the live line.
	_, stdout, _ = cli{terminal: true}.run(t, "--cases", probeDir(t), "--id", "probe.ok", "--out", "")
	if summary, _ := lastLines(t, stdout); summary != "1 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip" {
		t.Errorf("summary line %q is not alone on its line after the live line", summary)
	}
}

func TestDispatchReachesTheCommands(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"help"}, &out, &errb); code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	for _, name := range []string{"run", "list", "check", "report", "serve", "driver"} {
		if !regexp.MustCompile(`(?m)^  ` + name + ` `).MatchString(out.String()) {
			t.Errorf("help does not list %s:\n%s", name, out.String())
		}
	}
	out.Reset()
	code := run(t.Context(), []string{"run", "--cases", probeDir(t), "--id", "probe.ok", "--out", t.TempDir()}, &out, &errb)
	if summary, _ := lastLines(t, out.String()); code != 0 || summary != "1 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip" {
		t.Errorf("netconform run: exit %d, summary %q\n%s", code, summary, errb.String())
	}
}

// TestRunInterruptedBeforeTheFirstCase: a run whose context ends before
// any case starts exits 130, as for Ctrl-C, counts every case as not run,
// and writes its partial reports beside the last complete run's, which it
// leaves as they were.
func TestRunInterruptedBeforeTheFirstCase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := probeDir(t)
	if code, out, errs := (cli{}).run(t, "--cases", cases, "--out", dir); code != 1 {
		t.Fatalf("complete run: exit %d, want 1\n%s%s", code, out, errs)
	}
	complete, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // as if SIGINT arrived before the first case
	var out, errb bytes.Buffer
	rc := runCmd{drivers: defaultDrivers(), terminal: func(io.Writer) bool { return false }, width: 100}
	code := rc.run(ctx, []string{"--cases", cases, "--out", dir}, &out, &errb)
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s%s", code, out.String(), errb.String())
	}
	summary, detail := lastLines(t, out.String())
	if summary != "0 pass, 0 warn, 0 info, 0 fail, 0 error, 2 skip" || !strings.Contains(detail, "interrupted: 2 of 2 cases not run;") {
		t.Errorf("summary %q, detail %q, output:\n%s", summary, detail, out.String())
	}
	partial := filepath.Join(dir, "interrupted")
	if !strings.Contains(out.String(), "partial reports (run interrupted) go to "+partial+", not "+dir+": they still hold the last complete run's") {
		t.Errorf("no line says where the partial reports went:\n%s", out.String())
	}
	if now, err := os.ReadFile(filepath.Join(dir, reports.JSONFile)); err != nil || !bytes.Equal(now, complete) {
		t.Errorf("the complete run's report.json changed (%v)", err)
	}
	rep := readReport(t, partial)
	if s := reports.Summarize(rep.Run); s.Skip != 2 || s.Interrupted != 2 || rep.Info.Interrupted == "" {
		t.Errorf("partial report: %+v, interrupted %q; want 2 interrupted skips", s, rep.Info.Interrupted)
	}
}
