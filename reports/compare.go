package reports

import (
	"errors"
	"io"
	"slices"

	"github.com/netconform/netconform/harness/result"
)

// comparePage is the view of the side-by-side report.
type comparePage struct {
	Runs  []compareRun
	Areas []compareArea
	Rules []compareRule
}

type compareRun struct {
	Label, Detail, Line string
	OK                  bool
	// Link is the run's report.html relative to the page ("" for none).
	Link string
}

type compareArea struct {
	Name string
	Rows []compareRow
}

type compareRow struct {
	ID, Title string
	Cells     []compareCell
	Differs   bool
}

type compareRule struct {
	Requirement
	Cells   []compareCell
	Differs bool
}

// compareCell is one run's verdict; Verdict is "" when the run lacks the
// case.
type compareCell struct {
	Verdict result.Verdict
	Note    string
}

// RenderCompare writes one self-contained HTML page that puts several runs
// side by side, Autobahn-style: a column per run (for example per
// implementation or platform), a row per case grouped by area and a row per
// requirement, each cell the verdict, with the reason or first mismatch as
// its tooltip. Rows where the runs disagree are marked. Runs usually come
// from [ReadJSON].
func RenderCompare(w io.Writer, reps []Report) error { return renderCompare(w, reps, nil) }

// renderCompare is RenderCompare with each run's column heading linked to
// links[i] when it is not "".
func renderCompare(w io.Writer, reps []Report, links []string) error {
	if len(reps) == 0 {
		return errors.New("render compare: no runs")
	}
	t, err := parseTemplates()
	if err != nil {
		return err
	}
	var page comparePage
	byID := make([]map[string]result.CaseResult, len(reps))
	var ids []string
	titles := map[string]string{}
	for i, rep := range reps {
		s := Summarize(rep.Run)
		run := compareRun{Label: rep.label(), Detail: compareDetail(rep), Line: s.Line(), OK: s.OK()}
		if i < len(links) {
			run.Link = links[i]
		}
		page.Runs = append(page.Runs, run)
		byID[i] = map[string]result.CaseResult{}
		for _, c := range rep.Run.Cases {
			if _, ok := titles[c.ID]; !ok {
				ids = append(ids, c.ID)
				titles[c.ID] = c.Title
			}
			byID[i][c.ID] = c
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		row := compareRow{ID: id, Title: titles[id]}
		for i := range reps {
			c, ok := byID[i][id]
			if !ok {
				row.Cells = append(row.Cells, compareCell{Note: "not in this run"})
				continue
			}
			row.Cells = append(row.Cells, compareCell{Verdict: c.Verdict, Note: caseNote(c)})
		}
		row.Differs = differs(row.Cells)
		area := Area(id)
		if n := len(page.Areas); n == 0 || page.Areas[n-1].Name != area {
			page.Areas = append(page.Areas, compareArea{Name: area})
		}
		a := &page.Areas[len(page.Areas)-1]
		a.Rows = append(a.Rows, row)
	}
	page.Rules = compareRules(reps)
	return execute(w, t, "compare", page)
}

// compareRules lines the runs' requirement matrices up, in the order of the
// first run that names each requirement.
func compareRules(reps []Report) []compareRule {
	mats := make([]map[string]RuleRow, len(reps))
	var order []Requirement
	seen := map[string]bool{}
	for i, rep := range reps {
		mats[i] = map[string]RuleRow{}
		for _, r := range Matrix(rep) {
			mats[i][r.ID] = r
			if !seen[r.ID] {
				seen[r.ID] = true
				order = append(order, r.Requirement)
			}
		}
	}
	var out []compareRule
	for _, q := range order {
		row := compareRule{Requirement: q}
		for i := range reps {
			r, ok := mats[i][q.ID]
			if !ok {
				row.Cells = append(row.Cells, compareCell{Note: "not in this run"})
				continue
			}
			row.Cells = append(row.Cells, compareCell{Verdict: r.Status, Note: ruleNote(r)})
		}
		row.Differs = differs(row.Cells)
		out = append(out, row)
	}
	return out
}

// differs reports whether the cells do not all hold the same verdict.
func differs(cells []compareCell) bool {
	for _, c := range cells[1:] {
		if c.Verdict != cells[0].Verdict {
			return true
		}
	}
	return false
}

// caseNote is a cell's tooltip: the case's headline, the same from run to
// run ([result.CaseResult.Headline]).
func caseNote(c result.CaseResult) string { return c.Headline() }

// ruleNote lists the cases behind a rule's status.
func ruleNote(r RuleRow) string {
	ids := r.Cases[r.Status]
	if len(ids) == 0 {
		return string(r.Status)
	}
	return string(r.Status) + ": " + shorten(joinComma(ids), 200)
}

// compareDetail is a run's subtitle: driver, host, time scale, strictness.
func compareDetail(rep Report) string {
	var parts []string
	for _, p := range runInfoKV(rep) {
		if p.K == "driver" || p.K == "host" || p.K == "time scale" || p.K == "started" {
			parts = append(parts, p.K+" "+p.V)
		}
	}
	if rep.Run.Strict {
		parts = append(parts, "strict")
	}
	return joinComma(parts)
}
