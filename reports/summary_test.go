package reports

import (
	"bytes"
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
		{"empty", nil, "0 passed, 0 failed, 0 skipped; 0 warn, 0 info", true},
		{"all kinds", []result.Verdict{result.Pass, result.Warn, result.Info, result.Fail, result.Error, result.Error, result.Skip},
			"3 passed, 3 failed (2 errors), 1 skipped; 1 warn, 1 info", false},
		{"one error", []result.Verdict{result.Error}, "0 passed, 1 failed (1 error), 0 skipped; 0 warn, 0 info", false},
		{"warn passes", []result.Verdict{result.Warn}, "1 passed, 0 failed, 0 skipped; 1 warn, 0 info", true},
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
		"**4 passed, 2 failed (1 error), 1 skipped; 1 warn, 1 info; 4 voided attempts re-run; 1 verdict from a void attempt**",
		"<details><summary>2 cases with voided attempts (the host stalled the run; the case ran again)</summary>",
		"| `events.download-progress` | pass | 3 attempts: 2 voided — host stalled 496 ms, 180 ms |",
		"| `redirects.303-get` | warn | 3 attempts: all 3 voided — host stalled 210 ms, 130 ms, 150 ms; verdict from a void attempt |",
		"| F2 | must | `files.error-keeps` (main) | `ended.response` |",
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
	if !strings.Contains(md, "✅ conformant") || strings.Contains(md, "### Failures") {
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
	for range MarkdownRows + 5 {
		c.Mismatches = append(c.Mismatches, c.Mismatches[0])
	}
	rep.Run.Cases[3] = c
	md := string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, rep) }))
	if !strings.Contains(md, "… and 8 more in report.html") {
		t.Errorf("no cap note:\n%s", md)
	}
}
