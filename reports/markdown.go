package reports

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/netconform/netconform/harness/result"
)

// MarkdownRows bounds each table of the Markdown report; the rest is counted
// and left to report.html.
const MarkdownRows = 30

// WriteMarkdown writes rep as report.md, a summary fit for a CI job summary
// or a pull-request comment (GitHub-flavoured Markdown): a title with the
// outcome, the totals line of [Summary.Line], the run information, the top
// reasons ([Findings]: failing and erroring cases grouped by rule and check,
// or by error reason, most cases first), the failing cases one row each
// with their root cause ([RootCause]; repeated mismatches counted once),
// the warning, info, skipped and voided cases in collapsed sections, and
// the requirement matrix compressed to one row per level.
func WriteMarkdown(w io.Writer, rep Report) error {
	bw := bufio.NewWriter(w)
	s := Summarize(rep.Run)
	outcome := "✅ conformant"
	if !s.OK() {
		outcome = "❌ not conformant"
	}
	partial := partialNotice(rep)
	if partial != "" {
		outcome = "⚠️ interrupted, partial results"
	}
	fmt.Fprintf(bw, "## netconform: %s — %s\n\n", mdText(rep.label()), outcome)
	if partial != "" {
		fmt.Fprintf(bw, "> **%s**\n\n", mdText(partial))
	}
	fmt.Fprintf(bw, "**%s**\n\n", s.Line())
	fmt.Fprintf(bw, "%s\n\n", mdRunLine(rep))

	var skips, voids [][]string
	for _, c := range rep.Run.Cases {
		if line := AttemptsLine(c); line != "" {
			voids = append(voids, []string{mdCode(c.ID), string(c.Verdict), mdText(line)})
		}
		if c.Verdict == result.Skip {
			skips = append(skips, []string{mdCode(c.ID), mdText(c.Reason)})
		}
	}
	top := topFindings(rep.Run)
	if len(top) > 0 {
		fmt.Fprintf(bw, "### Top reasons\n\n")
		fmt.Fprintf(bw, "The failing and erroring cases grouped by the rule and check they fail on (an error by its reason), most cases first.\n\n")
		mdTable(bw, []string{"Rule", "Level", "Cases", "Check", "Want", "Got (first case)", "First cases"}, findingRows(top))
		fmt.Fprintf(bw, "### Failing cases\n\n")
		mdTable(bw, []string{"Case", "Verdict", "Root cause", "Want", "Got", "Also"}, caseRows(rep.Run, result.Fail, result.Error))
	}
	warnHead := []string{"Case", "Verdict", "First should-level mismatch", "Want", "Got", "Also"}
	if w := caseRows(rep.Run, result.Warn); len(w) > 0 {
		mdDetails(bw, fmt.Sprintf("%d %s with should-level mismatches only (warn: pass outside strict mode)", len(w),
			plural(len(w), "case", "cases")), warnHead, w)
	}
	if in := caseRows(rep.Run, result.Info); len(in) > 0 {
		mdDetails(bw, fmt.Sprintf("%d %s recording what an info rule observed (never fail)", len(in),
			plural(len(in), "case", "cases")), []string{"Case", "Verdict", "Observation", "Want", "Got", "Also"}, in)
	}
	mdDetails(bw, fmt.Sprintf("%d skipped", len(skips)), []string{"Case", "Reason"}, skips)
	mdDetails(bw, fmt.Sprintf("%d %s with voided attempts (the host stalled the run; the case ran again)", len(voids),
		plural(len(voids), "case", "cases")), []string{"Case", "Verdict", "Attempts"}, voids)

	fmt.Fprintf(bw, "### Requirements\n\n")
	cols := append([]result.Verdict{}, verdictOrder()...)
	cols = append(cols, Untested)
	mhead := []string{"Level", "Rules"}
	for _, v := range cols {
		mhead = append(mhead, verdictTitle(v))
	}
	var mrows [][]string
	for _, g := range levelGroups(Matrix(rep)) {
		byStatus := map[result.Verdict][]string{}
		for _, r := range g.Rows {
			byStatus[r.Status] = append(byStatus[r.Status], r.ID)
		}
		row := []string{g.Name(), strconv.Itoa(len(g.Rows))}
		for _, v := range cols {
			ids := byStatus[v]
			switch {
			case len(ids) == 0:
				row = append(row, "")
			case v == result.Pass:
				row = append(row, strconv.Itoa(len(ids)))
			default:
				row = append(row, fmt.Sprintf("%d: %s", len(ids), mdText(strings.Join(ids, " "))))
			}
		}
		mrows = append(mrows, row)
	}
	mdTable(bw, mhead, mrows)
	fmt.Fprintf(bw, "A rule's status is the worst verdict any case gave it. Details, traces and timelines: report.html.\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// findingRows are the rows of the top reasons table.
func findingRows(fs []Finding) [][]string {
	var rows [][]string
	for _, f := range fs {
		first := f.Cases
		if len(first) > 3 {
			first = first[:3]
		}
		var ids []string
		for _, id := range first {
			ids = append(ids, mdCode(id))
		}
		more := strings.Join(ids, ", ")
		if n := len(f.Cases) - len(first); n > 0 {
			more += fmt.Sprintf(" and %d more", n)
		}
		cases := strconv.Itoa(len(f.Cases))
		if f.Mismatches > len(f.Cases) {
			cases += fmt.Sprintf(" (%d times)", f.Mismatches)
		}
		req, level, want := mdText(f.Requirement), string(f.Level), mdCode(f.Want)
		if f.Check == "error" {
			req, level, want = "—", "error", "—"
		}
		rows = append(rows, []string{req, level, cases, mdCode(f.Check), want, mdCode(f.Got), more})
	}
	return rows
}

// caseRows are one row per case with one of the verdicts: its root cause
// (the first mismatch that gave the verdict; an error's reason) and what
// else it has, repeated mismatches counted once.
func caseRows(run result.Run, verdicts ...result.Verdict) [][]string {
	var rows [][]string
	for _, c := range run.Cases {
		if !slices.Contains(verdicts, c.Verdict) {
			continue
		}
		m, rules, ok := RootCause(c, run.Strict)
		if !ok {
			rows = append(rows, []string{mdCode(c.ID), string(c.Verdict), mdCode(c.Headline()), "—", "—", ""})
			continue
		}
		cause := mdText(strings.TrimSpace(m.Requirement+" "+string(m.Level))) + " " + mdCode(m.Check)
		if m.Call != "" {
			cause += " (" + mdText(m.Call) + ")"
		}
		distinct := len(Collapse(c.Mismatches))
		also := ""
		if distinct > 1 {
			also = fmt.Sprintf("%d more (%s)", distinct-1, mdText(strings.Join(rules, " ")))
		}
		rows = append(rows, []string{mdCode(c.ID), string(c.Verdict), cause, mdCode(m.Want), mdCode(m.Got), also})
	}
	return rows
}

// mdRunLine is the run information on one line.
func mdRunLine(rep Report) string {
	var parts []string
	if rep.Info.Driver != "" {
		parts = append(parts, "driver "+mdCode(rep.Info.Driver))
	}
	parts = append(parts, "time scale "+strconv.FormatFloat(rep.Run.TimeScale, 'g', -1, 64))
	if rep.Run.Strict {
		parts = append(parts, "strict")
	} else {
		parts = append(parts, "not strict")
	}
	if d := rep.duration(); d > 0 {
		parts = append(parts, strconv.FormatFloat(d.Seconds(), 'f', 1, 64)+" s")
	}
	if h := rep.Info.Host; h.OS != "" {
		parts = append(parts, mdText(strings.TrimSpace(h.Name+" "+h.OS+"/"+h.Arch)))
	}
	if s := rep.started(); !s.IsZero() {
		parts = append(parts, "started "+s.UTC().Format("2006-01-02 15:04:05Z"))
	}
	return strings.Join(parts, " · ")
}

// verdictTitle is a Markdown matrix column heading. The emoji suit GitHub and
// CI summaries; report.html draws CSS markers instead, since headless
// browsers without an emoji font show them as empty boxes.
func verdictTitle(v result.Verdict) string {
	switch v {
	case result.Fail:
		return "❌ fail"
	case result.Error:
		return "💥 error"
	case result.Warn:
		return "⚠️ warn"
	case result.Info:
		return "ℹ️ info"
	case result.Pass:
		return "✅ pass"
	case result.Skip:
		return "⏭️ skip"
	}
	return string(v)
}

// mdTable writes a table of at most MarkdownRows rows.
func mdTable(w io.Writer, head []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for i, r := range rows {
		if i == MarkdownRows {
			fmt.Fprintf(w, "\n… and %d more in report.html\n", len(rows)-MarkdownRows)
			break
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
}

// mdDetails writes a collapsed table, or nothing when there are no rows.
func mdDetails(w io.Writer, summary string, head []string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "<details><summary>%s</summary>\n\n", summary)
	mdTable(w, head, rows)
	fmt.Fprintf(w, "</details>\n\n")
}

// mdCaseCall is the case cell: the id, and the call when there is one.
func mdCaseCall(id, call string) string {
	if call == "" {
		return mdCode(id)
	}
	return mdCode(id) + " (" + mdText(call) + ")"
}

// mdCode renders s as an inline code span safe inside a table cell: one
// line, at most 100 characters, backticks replaced, pipes escaped.
func mdCode(s string) string {
	if s == "" {
		return "(empty)"
	}
	s = strings.ReplaceAll(oneLine(s), "`", "'")
	s = shorten(s, 100)
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// mdText escapes Markdown and HTML punctuation in plain text, on one line.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		if strings.ContainsRune("\\`*_[]<>|#!~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shorten cuts s to n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
