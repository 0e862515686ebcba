package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netconform/netconform/reports"
)

func TestReportComparesRuns(t *testing.T) {
	t.Parallel()
	cases := probeDir(t)
	a, b := t.TempDir(), t.TempDir()
	if code, out, _ := (cli{}).run(t, "--cases", cases, "--out", a); code != 1 {
		t.Fatalf("run a: exit %d\n%s", code, out)
	}
	if code, out, _ := (cli{}).run(t, "--cases", cases, "--id", "probe.ok", "--out", b); code != 0 {
		t.Fatalf("run b: exit %d\n%s", code, out)
	}
	page := filepath.Join(t.TempDir(), "sub", "compare.html")
	// -o after the positional arguments works too.
	code, out, errs := call(t, runReport, filepath.Join(a, reports.JSONFile), filepath.Join(b, reports.JSONFile), "-o", page)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "wrote "+page+" (2 runs)") {
		t.Errorf("stdout %q", out)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{"probe.wrong-status", "probe.ok", "1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip", "1 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip"} {
		if !strings.Contains(s, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	if strings.Contains(s, `src="http`) || strings.Contains(s, `href="http`) {
		t.Errorf("compare page loads something from the network")
	}

	// "-" writes the page to stdout.
	code, out, _ = call(t, runReport, "-o", "-", filepath.Join(b, reports.JSONFile))
	if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("-o -: exit %d, output starts %.40q", code, out)
	}
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	notJSON := writeFile(t, filepath.Join(t.TempDir(), "x.json"), `{"hello": 1}`)
	for _, args := range [][]string{{}, {"/nonexistent/report.json"}, {notJSON}, {"--nope", notJSON}} {
		code, _, errs := call(t, runReport, append(args, "-o", filepath.Join(t.TempDir(), "c.html"))...)
		if code != 2 {
			t.Errorf("report %v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
}
