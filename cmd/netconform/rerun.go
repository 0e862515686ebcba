package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/reports"
)

// partialDir is the folder under --out that an interrupted run's partial
// reports go to, so that they never replace a complete run's.
const partialDir = "interrupted"

// rerunFlag is --rerun-failed: alone (the last report in --out) or with
// the report's path, as --rerun-failed=FILE or --rerun-failed FILE.
type rerunFlag struct {
	set  bool
	path string
}

func (f *rerunFlag) String() string { return f.path }

// Set records the flag; "true" and "false" are its boolean forms, any
// other value is the report's path.
func (f *rerunFlag) Set(s string) error {
	switch s {
	case "true":
		f.set = true
	case "false":
		f.set, f.path = false, ""
	default:
		f.set, f.path = true, s
	}
	return nil
}

// IsBoolFlag lets --rerun-failed stand alone.
func (f *rerunFlag) IsBoolFlag() bool { return true }

// rerunSet is what --rerun-failed re-runs: the cases that failed or
// errored in a report, by implementation.
type rerunSet struct {
	// source names what was read, for messages: a report.json, or a folder
	// of implementations' reports.
	source string
	// failed holds the failed case ids of each implementation of the
	// report(s), in id order.
	failed map[string][]string
	// single is set when the source was one report: its failures are the
	// ones to re-run whatever the implementation of this run is called.
	single bool
	// args is the command line of the (first) report's run.
	args []string
}

// loadRerun reads the report(s) --rerun-failed names: path (a report.json
// or a folder), else the last report in out (out/report.json, else
// out/<name>/report.json of a run of several implementations). It fails
// when there is no report or no failed case in it.
func loadRerun(path, out string) (*rerunSet, error) {
	if path == "" {
		if out == "" {
			return nil, usageErrorf("--rerun-failed needs a report: give its path (--rerun-failed=FILE) or --out DIR")
		}
		path = out
	}
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usageErrorf("--rerun-failed: no report at %s (run once without --rerun-failed first)", path)
		}
		return nil, fmt.Errorf("--rerun-failed: %w", err)
	}
	var files []string
	single := !fi.IsDir()
	if single {
		files = []string{path}
	} else if files, single, err = reportsIn(path); err != nil {
		return nil, err
	}
	rs := &rerunSet{source: path, failed: map[string][]string{}, single: single}
	if single {
		rs.source = files[0]
	}
	total := 0
	var counts []string
	for _, f := range files {
		rep, err := readReportFile(f)
		if err != nil {
			return nil, fmt.Errorf("--rerun-failed: %w", err)
		}
		if rs.args == nil {
			rs.args = rep.Info.Args
		}
		name := rep.Run.Implementation
		if rep.Info.Implementation != "" {
			name = rep.Info.Implementation
		}
		for _, c := range rep.Run.Cases {
			if c.Verdict.Failed() {
				rs.failed[name] = append(rs.failed[name], c.ID)
				total++
			}
		}
		counts = append(counts, reports.Summarize(rep.Run).Counts())
	}
	if total == 0 {
		return nil, usageErrorf("--rerun-failed: %s has no failed or erroring case (%s): nothing to re-run", rs.source,
			strings.Join(counts, "; "))
	}
	return rs, nil
}

// reportsIn finds the reports of the last complete run in dir: its
// report.json (one implementation, single), else each
// <folder>/report.json of a run of several implementations.
func reportsIn(dir string) (files []string, single bool, err error) {
	one := filepath.Join(dir, reports.JSONFile)
	if _, err := os.Stat(one); err == nil {
		return []string{one}, true, nil
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*", reports.JSONFile))
	if err != nil {
		return nil, false, fmt.Errorf("--rerun-failed: list reports in %s: %w", dir, err)
	}
	for _, m := range matches {
		if filepath.Base(filepath.Dir(m)) != partialDir {
			files = append(files, m)
		}
	}
	if len(files) > 0 {
		return files, false, nil
	}
	msg := fmt.Sprintf("--rerun-failed: no report in %s (run once without --rerun-failed first)", dir)
	if partial := filepath.Join(dir, partialDir, reports.JSONFile); fileExists(partial) {
		msg += fmt.Sprintf("; an interrupted run's partial report is %s: --rerun-failed=%s re-runs its failures",
			partial, partial)
	}
	return nil, false, usageErrorf("%s", msg)
}

// fileExists reports whether name exists.
func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// ids returns every failed id of the set, sorted, once.
func (rs *rerunSet) ids() []string {
	var all []string
	for _, ids := range rs.failed {
		all = append(all, ids...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// restrict keeps the picked cases that failed in the report, warning on
// stderr of failed cases the selection does not hold. None left is an
// error that says where the report's cases came from.
func (rs *rerunSet) restrict(picked []*casefile.Case, stderr io.Writer) ([]*casefile.Case, error) {
	byID := map[string]*casefile.Case{}
	for _, c := range picked {
		byID[c.ID] = c
	}
	var out []*casefile.Case
	for _, id := range rs.ids() {
		if c, ok := byID[id]; ok {
			out = append(out, c)
			continue
		}
		fmt.Fprintf(stderr, "netconform run: warning: --rerun-failed: %s failed in %s but is not among the selected cases\n",
			id, rs.source)
	}
	if len(out) == 0 {
		return nil, usageErrorf("--rerun-failed: none of the %d failed cases of %s is among the selected cases "+
			"(its run was: %s; give the same --cases)", len(rs.ids()), rs.source, strings.Join(rs.args, " "))
	}
	return out, nil
}

// casesFor returns the cases of picked to re-run on implementation impl:
// those that failed there, or with a single report, those that failed in
// it. An implementation the reports do not name runs nothing.
func (rs *rerunSet) casesFor(picked []*casefile.Case) func(impl string) []*casefile.Case {
	return func(impl string) []*casefile.Case {
		var want []string
		if rs.single {
			want = rs.ids()
		} else {
			want = rs.failed[impl]
		}
		var out []*casefile.Case
		for _, c := range picked {
			if slices.Contains(want, c.ID) {
				out = append(out, c)
			}
		}
		return out
	}
}
