package result

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

func TestMismatchLabel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    Mismatch
		want string
	}{
		{"full", Mismatch{Requirement: "F2", Level: LevelMust, Call: "main", Check: "ended.status", Pos: "cases/f.yaml:9:5",
			Want: "404", Got: "200"}, "cases/f.yaml:9:5: ended.status [main] (F2 must)"},
		{"ungraded, no call", Mismatch{Requirement: "F2", Check: "files[0]"}, "files[0] (F2)"},
		{"bare", Mismatch{Check: "journal"}, "journal"},
	}
	for _, tc := range tests {
		if got := tc.m.Label(); got != tc.want {
			t.Errorf("%s: Label() = %q, want %q", tc.name, got, tc.want)
		}
	}
	m := tests[0].m
	if got, want := m.Line(), "cases/f.yaml:9:5: ended.status [main] (F2 must): want 404, got 200"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
}

func TestHeadline(t *testing.T) {
	t.Parallel()
	ms := []Mismatch{
		{Requirement: "E11", Level: LevelInfo, Check: "ended.responseType", Call: "main"},
		{Requirement: "F2", Level: LevelMust, Check: "ended.response", Call: "main", Pos: "cases/f.yaml:14:7"},
		{Requirement: "F3", Level: LevelMust, Check: "files[0]"},
	}
	tests := []struct {
		name string
		c    CaseResult
		want string
	}{
		{"pass", CaseResult{Verdict: Pass}, ""},
		{"the strongest mismatch leads", CaseResult{Verdict: Fail, Reason: "3 mismatch(es)", Mismatches: ms},
			"cases/f.yaml:14:7: ended.response [main] (F2 must), and 2 more"},
		{"one mismatch", CaseResult{Verdict: Info, Mismatches: ms[:1]}, "ended.responseType [main] (E11 info)"},
		{"error reason on one line", CaseResult{Verdict: Error, Reason: "driver failed:\n  pipe broke"},
			"driver failed: pipe broke"},
		{"skip", CaseResult{Verdict: Skip, Reason: "driver x does not support network.upload"},
			"driver x does not support network.upload"},
	}
	for _, tc := range tests {
		if got := tc.c.Headline(); got != tc.want {
			t.Errorf("%s: Headline() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestHeadlineStable: two runs that broke the same way, with their servers
// on different ports and their sandboxes and files in different temporary
// folders, have the same headline; the details keep what each saw.
func TestHeadlineStable(t *testing.T) {
	t.Parallel()
	run := func(port, tmp string) CaseResult {
		sandbox := filepath.ToSlash(filepath.Join(tmp, "netconform-files.x-"+port))
		return CaseResult{ID: "files.x", Verdict: Fail, Mismatches: []Mismatch{
			{Requirement: "F2", Level: LevelMust, Call: "main", Check: "ended.response", Pos: "cases/files/x.yaml:3:5",
				Want: `"ok"`, Got: "http://127.0.0.1:" + port + "/c/files.x " + sandbox + "/Documents/a.txt"}}}
	}
	errRun := func(port, tmp string) CaseResult {
		sandbox := filepath.ToSlash(filepath.Join(tmp, "netconform-files.x-"+port))
		return CaseResult{Verdict: Error, Reason: "driver failed: dial tcp 127.0.0.1:" + port + ": refused; open " +
			sandbox + "/Documents/a.txt: denied; read " + filepath.ToSlash(filepath.Join(os.TempDir(), "drv"+port, "ca.pem")) +
			": gone; [::1]:" + port + " localhost:" + port}
	}
	a, b := run("41234", t.TempDir()), run("50001", t.TempDir())
	if a.Headline() != b.Headline() {
		t.Errorf("headlines differ:\n%q\n%q", a.Headline(), b.Headline())
	}
	if a.Details("", DetailParts{}) == b.Details("", DetailParts{}) || !strings.Contains(a.Details("", DetailParts{}), "41234") {
		t.Errorf("details lost the run's port:\n%s", a.Details("", DetailParts{}))
	}
	ea, eb := errRun("41234", t.TempDir()), errRun("50001", os.TempDir())
	if ea.Headline() != eb.Headline() {
		t.Errorf("error headlines differ:\n%q\n%q", ea.Headline(), eb.Headline())
	}
	want := "driver failed: dial tcp 127.0.0.1:PORT: refused; open $WORK/Documents/a.txt: denied; read $TMPDIR: gone; " +
		"[::1]:PORT localhost:PORT"
	if got := ea.Headline(); got != want {
		t.Errorf("error headline\n got %q\nwant %q", got, want)
	}
}

func TestDetails(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := CaseResult{
		Mismatches: []Mismatch{{Requirement: "F2", Level: LevelMust, Call: "main", Check: "ended.status",
			Pos: "cases/f.yaml:9:5", Want: "404", Got: "200"}},
		Trace: []trace.Event{{Call: "main", Seq: 0, At: 12500 * time.Microsecond,
			Fields: map[string]any{"phase": "ended", "status": 200}}},
		Journal: []mockserver.Record{{Seq: 1, Listener: "http", Method: "GET", Path: "/c/ns/x", Status: 200, BytesSent: 4,
			Fault: "reset", Received: t0, Done: t0.Add(2 * time.Millisecond)}},
		Logs: []string{"runner: settled"},
	}
	want := "  cases/f.yaml:9:5: ended.status [main] (F2 must)\n" +
		"    want: 404\n" +
		"    got:  200\n"
	if got := c.Details("  ", DetailParts{}); got != want {
		t.Errorf("mismatches only:\n%s\nwant:\n%s", got, want)
	}
	want += "  trace:\n" +
		"      0    12.5ms main     ended status=200\n" +
		"  journal:\n" +
		"    #1 http GET /c/ns/x status=200 sent=4 reqBytes=0 fault=reset done=+2ms\n" +
		"  logs:\n" +
		"    runner: settled\n"
	if got := c.Details("  ", DetailParts{Trace: true, Journal: true, Logs: true}); got != want {
		t.Errorf("all parts:\n%s\nwant:\n%s", got, want)
	}
	empty := CaseResult{}.Details("", DetailParts{Trace: true, Journal: true, Logs: true})
	if want := "trace:\n  (no events)\njournal:\n  (no requests)\n"; empty != want {
		t.Errorf("empty:\n%s\nwant:\n%s", empty, want)
	}
}
