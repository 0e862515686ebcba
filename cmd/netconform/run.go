package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/expect"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/termtext"
	"github.com/netconform/netconform/reports"
)

// runUsage is the first line of `netconform run -h`.
const runUsage = `usage: netconform run [flags] [-- driver command...]

Runs the conformance cases against an implementation with the embedded mock
server and writes report.json, junit.xml, report.md and report.html to --out.
With no flags: the embedded cases, the reference implementation in process.
Remote devices that say different names are different implementations: each
runs every case, its reports go to --out/<name>/ and compare.html beside them
puts them side by side.
--rerun-failed runs again only the cases that failed or errored in a
report (by default the last one in --out; per implementation when it holds
several); --json writes one JSON object per case run as it ends on stdout,
then a summary object, and moves the human lines to stderr.
Exit code: 0 when no result is unexpected, 1 when one is (in any
implementation), 2 for usage or setup errors, 130 (SIGINT, Ctrl-C) or 143
(SIGTERM) when a signal interrupted the run: the cases under way are cut
short and marked interrupted, and the partial reports go to
--out/interrupted/, never over the last complete run's (a second Ctrl-C
exits at once). The last two lines are the verdict counts ("N pass, N warn,
N info, N fail, N error, N skip") and the expectation counts (with "N
voided attempts re-run" when the host stalled the run and cases ran again,
and how many cases an interrupt left); with several implementations, each
one's lines come first, named, and the last two are the totals.

flags:`

// runConfig is the parsed command line of run.
type runConfig struct {
	sel      selection
	drv      driverSpec
	strict   bool
	parallel int
	scale    float64
	expect   []string
	out      string
	repeat   int
	verbose  bool
	// rerun is --rerun-failed; failed is what it read (nil without it).
	rerun  rerunFlag
	failed *rerunSet
	// json is --json: JSON lines on stdout, the human lines on stderr.
	json bool
	// serverHost is the mock server's bind host ("" lets resolveHosts
	// choose).
	serverHost string
	ca         caFlags
}

// runCmd is the run command with what tests may replace.
type runCmd struct {
	drivers  map[string]driverFactory
	terminal func(io.Writer) bool
	width    int
	// lanAddr finds this host's LAN address (nil means lanAddr).
	lanAddr func() (string, error)
}

// runRun implements `netconform run`.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := runCmd{drivers: defaultDrivers(), terminal: isTerminal, width: termWidth(), lanAddr: lanAddr}
	return cmd.run(ctx, args, stdout, stderr)
}

// parseRun parses run's arguments; help is true for -h.
func parseRun(args []string, stderr io.Writer) (cfg runConfig, help bool, err error) {
	var argv []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, argv = args[:i], args[i+1:]
	}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.sel.register(fs)
	fs.StringVar(&cfg.drv.name, "driver", driverInproc, "implementation `driver`: inproc (the reference, in process), exec or remote")
	fs.StringVar(&cfg.drv.listen, "listen", "", "remote: control channel `address` for devices (default 127.0.0.1:0)")
	fs.StringVar(&cfg.drv.advertise, "advertise", "", "remote: `host` devices reach this one at, put in the control URL and, when the\n"+
		"mock server listens on all interfaces, in its URLs (default with --listen 0.0.0.0: this host's LAN address)")
	fs.StringVar(&cfg.drv.token, "token", "", "remote: the pairing `token` devices must use (default a new random one each run)")
	fs.BoolVar(&cfg.drv.deviceClock, "device-clock", false, "remote: use the devices' event times (their clock agrees with this host's)")
	fs.DurationVar(&cfg.drv.deviceWait, "device-wait", 5*time.Minute, "remote: how long to wait for the devices")
	fs.IntVar(&cfg.drv.devices, "devices", 1, "remote: wait for `N` devices before the run starts; devices that say different names\n"+
		"are different implementations, each running every case with its own reports (OUT/<name>/, OUT/compare.html)")
	fs.StringVar(&cfg.serverHost, "server-host", "", "`host` the mock server binds to: an address, or 0.0.0.0 for all interfaces\n"+
		"(default 127.0.0.1; remote: the host of --listen)")
	cfg.ca.register(fs)
	fs.BoolVar(&cfg.strict, "strict", false, "should-level mismatches fail the case (default: they warn)")
	fs.IntVar(&cfg.parallel, "parallel", 0, fmt.Sprintf("run `N` cases at once (default %d for inproc, %d for exec; for remote as many as the devices run sessions at once)",
		defaultParallel(driverInproc), defaultParallel(driverExec)))
	fs.Float64Var(&cfg.scale, "time-scale", 0, fmt.Sprintf("multiply every case duration by `factor` (default %g for inproc, %g otherwise)",
		defaultTimeScale(driverInproc), defaultTimeScale(driverExec)))
	fs.Func("expect", "expectations `file` (YAML: case-id: fail, or case-id: [pass, fail] for a known flaky case); NAME=FILE\n"+
		"    \tfor the implementation NAME only (a device's name), in place of the shared file; repeatable", func(v string) error {
		cfg.expect = append(cfg.expect, v)
		return nil
	})
	fs.StringVar(&cfg.out, "out", "reports/out", "write the reports to `dir` (\"\" writes none)")
	fs.IntVar(&cfg.repeat, "repeat", 1, "run every case `N` times and classify it stable, flaky or broken")
	fs.BoolVar(&cfg.verbose, "v", false, "one line per case run (also on a terminal), with the trace and journal of failures")
	fs.Var(&cfg.rerun, "rerun-failed", "run only the cases that failed or errored in a report: --rerun-failed alone takes the\n"+
		"last one in --out (per implementation when it holds several), --rerun-failed=`FILE` (or a folder) another")
	fs.BoolVar(&cfg.json, "json", false, "write one JSON object per case run on stdout as it ends, then a summary object;\n"+
		"the human lines go to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, runUsage)
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\n"+driverUsage())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, true, nil
		}
		return cfg, false, fmt.Errorf("%w: %w", errUsage, err)
	}
	if cfg.rerun.set && cfg.rerun.path == "" && fs.NArg() > 0 {
		// --rerun-failed REPORT.json: the report, then the other flags.
		cfg.rerun.path = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return cfg, false, fmt.Errorf("%w: %w", errUsage, err)
		}
	}
	if fs.NArg() > 0 {
		return cfg, false, usageErrorf("unexpected argument %q (driver commands go after --)", fs.Arg(0))
	}
	cfg.drv.argv = argv
	parallelSet := false
	fs.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "parallel" })
	switch {
	case parallelSet && cfg.parallel < 1:
		return cfg, false, usageErrorf("--parallel must be at least 1, got %d", cfg.parallel)
	case cfg.repeat < 1:
		return cfg, false, usageErrorf("--repeat must be at least 1, got %d", cfg.repeat)
	case cfg.scale < 0:
		return cfg, false, usageErrorf("--time-scale must be > 0, got %g", cfg.scale)
	}
	if cfg.scale == 0 {
		cfg.scale = defaultTimeScale(cfg.drv.name)
	}
	if !parallelSet {
		cfg.parallel = defaultParallel(cfg.drv.name)
	}
	if err := cfg.drv.validate(); err != nil {
		return cfg, false, err
	}
	if err := cfg.ca.validate(); err != nil {
		return cfg, false, err
	}
	if err := cfg.sel.validate(); err != nil {
		return cfg, false, fmt.Errorf("%w: %w", errUsage, err)
	}
	return cfg, false, nil
}

// run parses args, runs the selected cases on every implementation the
// driver reaches and prints the outcome (the human lines on stdout, or on
// stderr with --json, which gives stdout the JSON lines).
func (rc runCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, help, err := parseRun(args, stderr)
	if help {
		return exitOK
	}
	if err == nil && cfg.rerun.set {
		cfg.failed, err = loadRerun(cfg.rerun.path, cfg.out)
	}
	human := stdout
	if cfg.json {
		human = stderr
	}
	var env *runEnv
	if err == nil {
		env, err = rc.setUp(ctx, &cfg, human, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "netconform run: %v\n", err)
		if code, ok := interrupted(ctx); ok {
			return code
		}
		return exitUsage
	}
	defer env.close(stderr)
	impls := env.fleet.Runners()
	casesFor := func(string) []*casefile.Case { return env.picked }
	if cfg.failed != nil {
		casesFor = cfg.failed.casesFor(env.picked)
	}
	fmt.Fprintf(human, "netconform: %s%s%s against %s (driver %s, time scale %g, parallel %s%s%s)\n",
		plural(len(env.picked), "case"), rerunNote(cfg.failed), repeatNote(cfg.repeat), implsNote(impls), cfg.drv.name,
		cfg.scale, parallelOf(impls), eachNote(len(impls)), strictNote(cfg.strict))
	total := 0
	for _, r := range impls {
		n := len(casesFor(r.Implementation()))
		if n == 0 && cfg.failed != nil {
			fmt.Fprintf(stderr, "netconform run: warning: --rerun-failed: %s names no failed case of %s: it runs none\n",
				cfg.failed.source, termtext.Clean(r.Implementation()))
		}
		total += n * cfg.repeat
	}
	if total == 0 {
		fmt.Fprintf(stderr, "netconform run: --rerun-failed: no implementation of this run failed a case in %s\n",
			cfg.failed.source)
		return exitUsage
	}
	prog := newProgress(human, rc.terminal(human), cfg.verbose, rc.width, cfg.repeat)
	var stream *jsonStream
	if cfg.json {
		stream = &jsonStream{w: stdout}
	}
	started := time.Now()
	prog.start(total)
	shares := env.fleet.RepeatEach(ctx, casesFor, cfg.repeat, runHooks(prog, stream, len(impls) > 1))
	prog.finish()
	wall := time.Since(started)
	js := judgeShares(shares, env.ex, cfg)
	warnUnusedExpect(stderr, env.ex, js)
	code := exitOK
	for _, j := range js {
		if printUnexpected(human, j.prefix, j.outs) > 0 {
			code = exitFail
		}
	}
	sig := ""
	if ctx.Err() != nil {
		sig = interruptCause(ctx)
		fmt.Fprintf(human, "run interrupted (%s): the cases under way were cut short, the others not started\n", sig)
	}
	paths, err := writeReports(human, cfg, args, env, js, sig)
	if err != nil {
		fmt.Fprintf(stderr, "netconform run: %v\n", err)
		code = exitUsage
	}
	for _, r := range impls {
		if r.FixedScale() {
			fmt.Fprintf(human, "note: %s does not scale time (its hello says timeScale false): its cases ran at time scale 1, not %g\n",
				termtext.Clean(r.Implementation()), cfg.scale)
		}
		if why := r.Stopped(); why != "" {
			fmt.Fprintf(stdout, "note: %s: %s\n", r.Implementation(), why)
		}
	}
	warnLate(stderr, env.drv, env.fleet)
	printSummary(human, js, cfg.repeat, wall)
	if c, ok := interrupted(ctx); ok {
		code = c
	}
	if stream != nil {
		if err := stream.summary(js, sig, paths, wall, code); err != nil {
			fmt.Fprintf(stderr, "netconform run: %v\n", err)
			if code == exitOK || code == exitFail {
				code = exitUsage
			}
		}
	}
	return code
}

// rerunNote says, in the run's header, where the cases to re-run come
// from: " (failed in reports/out/report.json)".
func rerunNote(rs *rerunSet) string {
	if rs == nil {
		return ""
	}
	return " (failed in " + rs.source + ")"
}

// writeReports writes the reports of the runs to cfg.out, unless it is "",
// prints their paths and returns them: one implementation's straight into
// cfg.out, several into a folder each with the comparison page beside them
// (reports.WriteSet). An interrupted run's (sig names the signal) go to
// cfg.out/interrupted/ instead, so that a partial run never replaces the
// reports of the last complete one; a line says so.
func writeReports(w io.Writer, cfg runConfig, args []string, env *runEnv, js []judged, sig string) ([]string, error) {
	if cfg.out == "" {
		return nil, nil
	}
	build := reports.CurrentTool()
	reps := make([]reports.Report, len(js))
	for i, j := range js {
		reps[i] = reports.Report{
			Info: reports.RunInfo{Implementation: j.run.Implementation, Driver: cfg.drv.name, Host: reports.CurrentHost(),
				Started: j.run.Started, Ended: j.run.Started.Add(j.run.Duration),
				Args: append([]string{"netconform", "run"}, args...), Tool: build.String(), Build: build,
				Interrupted: sig},
			Requirements: reports.FromCatalog(env.st.cat),
			Run:          j.run,
		}
	}
	dir := cfg.out
	if sig != "" {
		dir = filepath.Join(cfg.out, partialDir)
		kept := "no complete run's reports are there"
		if _, single, err := reportsIn(cfg.out); err == nil {
			kept = "they still hold the last complete run's"
			if !single {
				kept = "its folders still hold the last complete run's"
			}
		}
		fmt.Fprintf(w, "partial reports (run interrupted) go to %s, not %s: %s\n", dir, cfg.out, kept)
	}
	if len(reps) > 1 {
		return writeSet(w, dir, reps)
	}
	paths, err := reports.WriteAll(dir, reps[0])
	if len(paths) > 0 {
		fmt.Fprintf(w, "reports: %s\n", strings.Join(paths, " "))
	}
	return paths, err
}

// plural returns "1 case", "2 cases": n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func repeatNote(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" × %d runs", n)
}

func strictNote(strict bool) string {
	if strict {
		return ", strict"
	}
	return ""
}

// summaryLine is the plain closing line CI parses: the count of every
// verdict, in the words and order of the reports ([reports.Summary.Counts]):
// "97 pass, 3 warn, 5 info, 2 fail, 1 error, 1 skip".
func summaryLine(s reports.Summary) string { return s.Counts() }

// voidLine counts the void attempts of every run of every case (not only
// the runs the reports show): "2 voided attempts re-run; 1 verdict from a
// void attempt", or "".
func voidLine(runs [][]result.CaseResult) string {
	var all result.Run
	for _, rs := range runs {
		all.Cases = append(all.Cases, rs...)
	}
	return reports.Summarize(all).VoidLine()
}

// detailLine follows the summary line: the expectation outcome, the
// repeat classification, notes (the void attempts, see [voidLine], and
// what an interrupt left, [reports.Summary.InterruptLine]; empty ones are
// left out) and the wall time.
func detailLine(t expect.Tally, repeat int, wall time.Duration, notes ...string) string {
	parts := []string{fmt.Sprintf("%d unexpected, %d expected non-pass", t.Unexpected, t.ExpectedNonPass)}
	if repeat > 1 {
		parts = append(parts, fmt.Sprintf("%d stable, %d flaky, %d broken over %d runs", t.ByClass[expect.Stable],
			t.ByClass[expect.Flaky], t.ByClass[expect.Broken], repeat))
	}
	for _, n := range notes {
		if n != "" {
			parts = append(parts, n)
		}
	}
	parts = append(parts, fmt.Sprintf("%.1fs", wall.Seconds()))
	return strings.Join(parts, "; ")
}

// printUnexpected lists the outcomes the expectations did not allow, under
// a heading that starts with prefix, and returns how many there were (a
// case an interrupt left unfinished is none: expect.Judge leaves it out).
func printUnexpected(w io.Writer, prefix string, outs []expect.Outcome) int {
	bad := expect.Unexpected(outs)
	if len(bad) == 0 {
		return 0
	}
	fmt.Fprintf(w, "%sunexpected results (%d):\n", prefix, len(bad))
	for _, o := range bad {
		fmt.Fprintf(w, "  %-15s %s (expected %s)", strings.ToUpper(outcomeWord(o)), o.Result.ID, o.Want)
		if o.Result.Pos != "" {
			fmt.Fprintf(w, " %s", o.Result.Pos)
		}
		fmt.Fprintln(w)
	}
	return len(bad)
}
