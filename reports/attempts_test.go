package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

func TestAttemptsLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		res  result.CaseResult
		want string
	}{
		{"never re-run", result.CaseResult{}, ""},
		{"one clean attempt", result.CaseResult{Attempts: 1}, ""},
		{"two voided then clean", result.CaseResult{Attempts: 3, VoidAttempts: []result.VoidAttempt{
			voided(1, result.Fail, 496.4, 1, true), voided(2, result.Pass, 180, 1, true)}},
			"3 attempts: 2 voided — host stalled 496 ms, 180 ms"},
		{"all voided", result.CaseResult{Attempts: 2, VoidAttempts: []result.VoidAttempt{
			voided(1, result.Fail, 120, 1, true), voided(2, result.Fail, 101, 1, false)}},
			"2 attempts: all 2 voided — host stalled 120 ms, 101 ms; verdict from a void attempt"},
		{"one attempt, voided (interrupted)", result.CaseResult{Attempts: 1, VoidAttempts: []result.VoidAttempt{
			voided(1, result.Error, 250, 1, false)}},
			"1 attempt: 1 voided — host stalled 250 ms; verdict from a void attempt"},
		{"re-run, nothing voided", result.CaseResult{Attempts: 2}, "2 attempts: none voided"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := AttemptsLine(tc.res); got != tc.want {
				t.Errorf("AttemptsLine = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSummaryVoidCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		voids  [][]int // per case: the void attempts; the case made max(last, 1) attempts, one more if clean
		clean  []bool
		suffix string
	}{
		{"none", [][]int{nil, nil}, []bool{true, true}, "0 skip"},
		{"one re-run", [][]int{{1}, nil}, []bool{true, true}, "0 skip; 1 voided attempt re-run"},
		{"re-runs and a void verdict", [][]int{{1, 2}, {1, 2, 3}}, []bool{true, false},
			"0 skip; 4 voided attempts re-run; 1 verdict from a void attempt"},
		{"two void verdicts", [][]int{{1}, {1}}, []bool{false, false}, "0 skip; 2 verdicts from a void attempt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var run result.Run
			for i, vs := range tc.voids {
				c := result.CaseResult{Verdict: result.Pass, Attempts: len(vs)}
				if tc.clean[i] {
					c.Attempts++
				}
				for _, n := range vs {
					c.VoidAttempts = append(c.VoidAttempts, voided(n, result.Pass, 200, 1, true))
				}
				run.Cases = append(run.Cases, c)
			}
			if got := Summarize(run).Line(); !strings.HasSuffix(got, tc.suffix) {
				t.Errorf("Line() = %q, want it to end %q", got, tc.suffix)
			}
		})
	}
}

// TestHTMLAttempts: a re-run case shows its attempts in its detail and a
// re-run tag; a verdict from a void attempt is tagged void; a case run once
// shows neither.
func TestHTMLAttempts(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	tests := []struct {
		id, tag, text string
		voided        string
		items         []string
	}{
		{"events.download-progress", "re-run", "3 attempts: 2 voided — host stalled 496 ms, 180 ms.", "2",
			[]string{"attempt 1 (fail): host stalled 496 ms at +120 ms", "attempt 2 (pass): host stalled 180 ms at +3 ms"}},
		{"redirects.303-get", "void", "3 attempts: all 3 voided — host stalled 210 ms, 130 ms, 150 ms; " +
			"verdict from a void attempt. No attempt was left", "3", nil},
	}
	for _, tc := range tests {
		c := doc.byID(anchor(tc.id))
		if c == nil {
			t.Fatalf("no case %s", tc.id)
		}
		tags := c.all(class("tag"))
		if len(tags) != 1 || tags[0].text() != tc.tag {
			t.Errorf("%s tags = %+v, want one %q", tc.id, tags, tc.tag)
		}
		box := c.all(class("attempts"))
		if len(box) != 1 {
			t.Fatalf("%s has %d attempts boxes, want 1", tc.id, len(box))
		}
		if got := box[0].text(); !strings.Contains(got, tc.text) || box[0].Attrs["data-voided"] != tc.voided ||
			box[0].Attrs["data-attempts"] != "3" {
			t.Errorf("%s attempts box %q %v, want %q, %s voided", tc.id, got, box[0].Attrs, tc.text, tc.voided)
		}
		if tc.tag == "void" && !strings.Contains(box[0].Attrs["class"], "void") {
			t.Errorf("%s attempts box class %q lacks void", tc.id, box[0].Attrs["class"])
		}
		for _, want := range tc.items {
			if !strings.Contains(box[0].text(), want) {
				t.Errorf("%s attempts box lacks %q", tc.id, want)
			}
		}
	}
	once := doc.byID(anchor("cancel.at-began"))
	if n := len(once.all(class("attempts"))) + len(once.all(class("tag"))); n != 0 {
		t.Errorf("a case run once shows %d attempt elements", n)
	}
}

// TestMarkdownNoVoids: a run without void attempts has no attempts section.
func TestMarkdownNoVoids(t *testing.T) {
	t.Parallel()
	rep := fixture()
	for i := range rep.Run.Cases {
		rep.Run.Cases[i].Attempts, rep.Run.Cases[i].VoidAttempts = 0, nil
	}
	md := string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, rep) }))
	if strings.Contains(md, "void") {
		t.Errorf("report.md mentions void attempts:\n%s", md)
	}
}
