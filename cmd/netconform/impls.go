package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/expect"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/termtext"
	"github.com/netconform/netconform/reports"
)

// judged is one implementation's share of a run, judged against the
// expectations (the same file for every implementation).
type judged struct {
	// prefix starts the implementation's lines: "" when it is the run's
	// only one, else "NAME: ".
	prefix string
	runs   [][]result.CaseResult
	outs   []expect.Outcome
	// run is what the reports show: the judged result of each case.
	run result.Run
}

// judgeShares judges each implementation's runs against its expectations
// (its own file, else the shared one).
func judgeShares(shares []runner.Share, ex *expect.Set, cfg runConfig) []judged {
	js := make([]judged, len(shares))
	for i, s := range shares {
		j := judged{runs: s.Runs, outs: expect.JudgeAll(s.Runs, ex.For(s.Implementation)),
			run: result.Run{Implementation: s.Implementation, Strict: cfg.strict, TimeScale: cfg.scale,
				Started: s.Started, Duration: s.Duration}}
		if len(shares) > 1 {
			j.prefix = termtext.Clean(s.Implementation) + ": "
		}
		for _, o := range j.outs {
			j.run.Cases = append(j.run.Cases, o.Result)
		}
		js[i] = j
	}
	return js
}

// implsNote names the implementations of the run's header: the name of
// the only one, or "2 implementations: a (2 devices), b (1 device)".
func implsNote(rs []*runner.Runner) string {
	if len(rs) == 1 {
		return termtext.Clean(rs[0].Implementation())
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = termtext.Clean(r.Implementation())
		if c, ok := r.Driver().(interface{ Devices() int }); ok {
			parts[i] += " (" + plural(c.Devices(), "device") + ")"
		}
	}
	return plural(len(rs), "implementation") + ": " + strings.Join(parts, ", ")
}

// parallelOf is how many cases the runners run at once: one number, or
// each implementation's when they differ (their devices' sessions).
func parallelOf(rs []*runner.Runner) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, strconv.Itoa(r.Parallel()))
	}
	if len(parts) > 0 && slices.Equal(parts, slices.Repeat(parts[:1], len(parts))) {
		return parts[0]
	}
	return strings.Join(parts, "/")
}

// eachNote says that --parallel holds for each implementation, when there
// are several.
func eachNote(n int) string {
	if n > 1 {
		return " each"
	}
	return ""
}

// runHooks reports each implementation's runs to prog and, with --json,
// to stream; with several implementations, a case's lines start with its
// implementation, "[name] ".
func runHooks(prog *progress, stream *jsonStream, several bool) func(impl string) runner.Hooks {
	return func(impl string) runner.Hooks {
		tag := ""
		if several {
			tag = "[" + impl + "] "
		}
		return runner.Hooks{
			Started: func(id string, rep int) { prog.caseStarted(tag+id, rep) },
			Done: func(res result.CaseResult, rep int) {
				stream.caseDone(impl, res, rep)
				res.ID = tag + res.ID // a copy: the runner keeps its own
				prog.caseDone(res, rep)
			},
		}
	}
}

// writeSet writes several implementations' reports under dir and prints
// where each went and where the comparison page is.
func writeSet(stdout io.Writer, dir string, reps []reports.Report) ([]string, error) {
	w, err := reports.WriteSet(dir, reps)
	var all []string
	for i, paths := range w.Reports {
		if len(paths) > 0 {
			fmt.Fprintf(stdout, "reports %s: %s\n", termtext.Clean(reps[i].Run.Implementation), strings.Join(paths, " "))
			all = append(all, paths...)
		}
	}
	if w.Compare != "" {
		fmt.Fprintf(stdout, "comparison: %s\n", w.Compare)
		all = append(all, w.Compare)
	}
	return all, err
}

// warnUnusedExpect warns of expectations files named for implementations
// the run did not have.
func warnUnusedExpect(w io.Writer, ex *expect.Set, js []judged) {
	names := make([]string, len(js))
	for i, j := range js {
		names[i] = j.run.Implementation
	}
	for _, n := range ex.Unused(names) {
		fmt.Fprintf(w, "netconform run: warning: --expect %s=... names no implementation of this run (it had %s)\n",
			n, strings.Join(names, ", "))
	}
}

// warnLate warns of the implementations drv reaches now that the run did
// not: devices with a new name that connected after the run started.
func warnLate(w io.Writer, drv driver.Driver, fleet *runner.Fleet) {
	ran := map[string]bool{}
	for _, r := range fleet.Runners() {
		ran[r.Implementation()] = true
	}
	for _, d := range runner.Implementations(drv) {
		if !ran[d.Name()] {
			fmt.Fprintf(w, "netconform run: warning: devices named %q connected after the run started and ran no case "+
				"(--devices N waits for N devices)\n", d.Name())
		}
	}
}

// printSummary prints the closing lines: the summary and detail lines of
// the only implementation, or of each (starting with its name) and then
// the totals over all of them, so that the last two lines always read as
// one implementation's would. wall is the run's wall time.
func printSummary(w io.Writer, js []judged, repeat int, wall time.Duration) {
	if len(js) == 1 {
		s := reports.Summarize(js[0].run)
		fmt.Fprintln(w, summaryLine(s))
		fmt.Fprintln(w, detailLine(expect.Count(js[0].outs), repeat, js[0].run.Duration, voidLine(js[0].runs),
			s.InterruptLine()))
		return
	}
	var all result.Run
	var outs []expect.Outcome
	var runs [][]result.CaseResult
	for _, j := range js {
		s := reports.Summarize(j.run)
		fmt.Fprintln(w, j.prefix+summaryLine(s))
		fmt.Fprintln(w, j.prefix+detailLine(expect.Count(j.outs), repeat, j.run.Duration, voidLine(j.runs),
			s.InterruptLine()))
		all.Cases = append(all.Cases, j.run.Cases...)
		outs = append(outs, j.outs...)
		runs = append(runs, j.runs...)
	}
	fmt.Fprintf(w, "total over %d implementations:\n", len(js))
	s := reports.Summarize(all)
	fmt.Fprintln(w, summaryLine(s))
	fmt.Fprintln(w, detailLine(expect.Count(outs), repeat, wall, voidLine(runs), s.InterruptLine()))
}
