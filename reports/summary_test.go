package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

func TestSummaryLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vs   []result.Verdict
		want string
		ok   bool
	}{
		{"empty", nil, "0 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip", true},
		{"all kinds", []result.Verdict{result.Pass, result.Warn, result.Info, result.Fail, result.Error, result.Error, result.Skip},
			"1 pass, 1 warn, 1 info, 1 fail, 2 error, 1 skip", false},
		{"one error", []result.Verdict{result.Error}, "0 pass, 0 warn, 0 info, 0 fail, 1 error, 0 skip", false},
		{"warn is no failure", []result.Verdict{result.Warn}, "0 pass, 1 warn, 0 info, 0 fail, 0 error, 0 skip", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var run result.Run
			for _, v := range tc.vs {
				run.Cases = append(run.Cases, result.CaseResult{Verdict: v})
			}
			s := Summarize(run)
			if got := s.Line(); got != tc.want || s.OK() != tc.ok || s.Total != len(tc.vs) {
				t.Errorf("Line() = %q ok %v, want %q ok %v", got, s.OK(), tc.want, tc.ok)
			}
		})
	}
}

func TestMatrixStrict(t *testing.T) {
	t.Parallel()
	rep := fixture()
	rep.Run.Strict = true
	status := map[string]result.Verdict{}
	for _, r := range Matrix(rep) {
		status[r.ID] = r.Status
	}
	if status["D3"] != result.Fail || status["E10"] != result.Fail || status["E11"] != result.Info {
		t.Errorf("strict statuses = %v", status)
	}
}

func TestMarkdownContent(t *testing.T) {
	t.Parallel()
	md := string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, fixture()) }))
	for _, want := range []string{
		"**2 pass, 1 warn, 1 info, 1 fail, 1 error, 1 skip; 4 voided attempts re-run; 1 verdict from a void attempt**",
		"<details><summary>2 cases with voided attempts (the host stalled the run; the case ran again)</summary>",
		"| `events.download-progress` | pass | 3 attempts: 2 voided — host stalled 496 ms, 180 ms |",
		"| `redirects.303-get` | warn | 3 attempts: all 3 voided — host stalled 210 ms, 130 ms, 150 ms; verdict from a void attempt |",
		"| F2 | must | 1 | `ended.response` |",
		"| `files.error-keeps` | fail | F2 must `ended.response` (main) |",
		"`3 bytes 'x\\|y'`", // pipes escaped, backticks replaced
		"| must | 7 | 1: F2 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// Every table row has as many cells as its header.
	cols := 0
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row has %d cells, header %d: %s", n, cols, line)
		}
	}
	ok := fixture()
	ok.Run.Cases = ok.Run.Cases[:2]
	md = string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, ok) }))
	if !strings.Contains(md, "✅ conformant") || strings.Contains(md, "### Top reasons") {
		t.Errorf("passing run report:\n%s", md)
	}
	ok.Run.Cases = ok.Run.Cases[:1]
	md = string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, ok) }))
	if strings.Contains(md, "voided") || strings.Contains(md, "void attempt") {
		t.Errorf("passing run report:\n%s", md)
	}
}

func TestMarkdownRowCap(t *testing.T) {
	t.Parallel()
	rep := fixture()
	c := rep.Run.Cases[3]
	if c.Verdict != result.Fail {
		t.Fatalf("fixture case 3 is %s, want a failing one", c.Verdict)
	}
	for i := range MarkdownRows + 5 {
		d := c
		d.ID = fmt.Sprintf("%s.copy-%02d", c.ID, i)
		rep.Run.Cases = append(rep.Run.Cases, d)
	}
	md := string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, rep) }))
	// 37 failing cases (36 failing, 1 error), one row each: 7 over the cap.
	if !strings.Contains(md, "… and 7 more in report.html") {
		t.Errorf("no cap note:\n%s", md)
	}
	// The top reasons group them: the copies' check is one row.
	if !strings.Contains(md, "| F2 | must | 36 | `ended.response` |") {
		t.Errorf("top reasons do not group the 36 cases:\n%s", md)
	}
}
