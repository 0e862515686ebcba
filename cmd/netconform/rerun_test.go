package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/reports"
)

// reportIDs returns the ids of the cases of the report.json in dir.
func reportIDs(t *testing.T, dir string) []string {
	t.Helper()
	var ids []string
	for _, c := range readReport(t, dir).Run.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestRunRerunFailed: after a run with a failing case, --rerun-failed
// runs that case alone, from the last report in --out or from a report
// named after the flag, either way round.
func TestRunRerunFailed(t *testing.T) {
	t.Parallel()
	cases, out := probeDir(t), t.TempDir()
	if code, stdout, _ := (cli{}).run(t, "--cases", cases, "--out", out); code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s", code, stdout)
	}
	first := filepath.Join(out, reports.JSONFile)
	again := t.TempDir()
	for _, args := range [][]string{
		{"--rerun-failed", "--cases", cases, "--out", out},
		{"--rerun-failed", first, "--cases", cases, "--out", again},
		{"--cases", cases, "--rerun-failed=" + first, "--out", again},
	} {
		code, stdout, stderr := cli{}.run(t, args...)
		if code != 1 {
			t.Fatalf("%q: exit %d, want 1 (the case still fails)\n%s%s", args, code, stdout, stderr)
		}
		if !strings.Contains(stdout, "netconform: 1 case (failed in "+first+") against reference") {
			t.Errorf("%q: the header does not say what is re-run:\n%s", args, stdout)
		}
		if strings.Contains(stdout, "probe.ok") {
			t.Errorf("%q: probe.ok passed in the report, yet ran again:\n%s", args, stdout)
		}
		if summary, _ := lastLines(t, stdout); summary != "0 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip" {
			t.Errorf("%q: summary %q, want the one failing case", args, summary)
		}
	}
	if ids := reportIDs(t, again); !slices.Equal(ids, []string{"probe.wrong-status"}) {
		t.Errorf("re-run report holds %v, want probe.wrong-status alone", ids)
	}
}

// TestRunRerunFailedErrors: no report, a report without failures, and
// failures the selection lacks are usage errors that say what to do.
func TestRunRerunFailedErrors(t *testing.T) {
	t.Parallel()
	cases, passed := probeDir(t), t.TempDir()
	if code, stdout, _ := (cli{}).run(t, "--cases", cases, "--id", "probe.ok", "--out", passed); code != 0 {
		t.Fatalf("passing run: exit %d\n%s", code, stdout)
	}
	failed := t.TempDir()
	if code, _, _ := (cli{}).run(t, "--cases", cases, "--out", failed); code != 1 {
		t.Fatalf("failing run: exit %d, want 1", code)
	}
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no report", []string{"--rerun-failed", "--out", empty},
			"--rerun-failed: no report in " + empty + " (run once without --rerun-failed first)"},
		{"missing file", []string{"--rerun-failed", filepath.Join(empty, "nope.json")}, "no report at"},
		{"no --out", []string{"--rerun-failed", "--out", ""}, "--rerun-failed needs a report"},
		{"no failures", []string{"--rerun-failed", "--out", passed},
			"has no failed or erroring case (1 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip): nothing to re-run"},
		{"failures not selected", []string{"--rerun-failed", "--out", failed},
			"none of the 1 failed cases of " + filepath.Join(failed, reports.JSONFile) + " is among the selected cases"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli{}.run(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and stderr with %q:\n%s%s", code, tc.want, stdout, stderr)
			}
		})
	}
}

// TestRerunSetPerImplementation: from the folder of a run of several
// implementations, each implementation re-runs its own failures, and one
// the reports do not name runs nothing; the partial folder is not read.
func TestRerunSetPerImplementation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := func(impl string, verdicts map[string]result.Verdict) reports.Report {
		r := reports.Report{Run: result.Run{Implementation: impl}}
		for _, id := range []string{"a.1", "a.2", "a.3"} {
			r.Run.Cases = append(r.Run.Cases, result.CaseResult{ID: id, Verdict: verdicts[id]})
		}
		return r
	}
	set := []reports.Report{
		run("ios", map[string]result.Verdict{"a.1": result.Fail, "a.2": result.Pass, "a.3": result.Error}),
		run("android", map[string]result.Verdict{"a.1": result.Pass, "a.2": result.Fail, "a.3": result.Pass}),
	}
	if _, err := reports.WriteSet(dir, set); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.WriteAll(filepath.Join(dir, partialDir), run("ios", map[string]result.Verdict{"a.2": result.Fail})); err != nil {
		t.Fatal(err)
	}
	rs, err := loadRerun("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if rs.single || !slices.Equal(rs.ids(), []string{"a.1", "a.2", "a.3"}) {
		t.Fatalf("rerun set %+v: want ios's and android's failures", rs)
	}
	picked := []*casefile.Case{{ID: "a.1"}, {ID: "a.2"}, {ID: "a.3"}}
	for impl, want := range map[string][]string{"ios": {"a.1", "a.3"}, "android": {"a.2"}, "windows": nil} {
		var got []string
		for _, c := range rs.casesFor(picked)(impl) {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s re-runs %v, want %v", impl, got, want)
		}
	}
}

// TestRunJSONLines: with --json, stdout is JSON lines only, one per case
// run and then the summary with the unexpected outcome and the exit
// code; the human lines go to stderr.
func TestRunJSONLines(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := cli{}.run(t, "--cases", probeDir(t), "--json", "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("stdout line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, v)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 2 cases and a summary:\n%s", len(lines), stdout)
	}
	verdicts := map[string]string{}
	for _, l := range lines[:2] {
		if l["type"] != "case" || l["implementation"] != "reference" || l["run"] != 1.0 {
			t.Errorf("case line %v", l)
		}
		verdicts[l["id"].(string)] = l["verdict"].(string)
	}
	if verdicts["probe.ok"] != "pass" || verdicts["probe.wrong-status"] != "fail" {
		t.Errorf("case verdicts %v", verdicts)
	}
	var sum reports.StreamSummary
	last := strings.Split(strings.TrimSpace(stdout), "\n")[2]
	if err := json.NewDecoder(bytes.NewReader([]byte(last))).Decode(&sum); err != nil {
		t.Fatal(err)
	}
	if sum.Type != "summary" || sum.Pass != 1 || sum.Fail != 1 || sum.UnexpectedCount != 1 || sum.ExitCode != 1 ||
		len(sum.Unexpected) != 1 || sum.Unexpected[0].ID != "probe.wrong-status" || sum.Unexpected[0].Want != "pass" ||
		len(sum.Reports) != 4 {
		t.Errorf("summary %+v", sum)
	}
	if summary, _ := lastLines(t, stderr); summary != "1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip" {
		t.Errorf("the human lines are not on stderr (last but one %q):\n%s", summary, stderr)
	}
}
