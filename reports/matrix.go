package reports

import (
	"slices"

	"github.com/netconform/netconform/harness/result"
)

// Untested is the Status of a requirement that no case checks.
const Untested result.Verdict = "untested"

// RuleRow is one requirement's row of the requirement matrix.
type RuleRow struct {
	Requirement
	// Status is the worst verdict the requirement got from any case (skip
	// only when every case skipped), or [Untested].
	Status result.Verdict
	// Cases lists, per verdict, the ids of the cases that gave the
	// requirement that verdict, in run order.
	Cases map[result.Verdict][]string
}

// Count returns how many cases gave the row verdict v.
func (r RuleRow) Count(v result.Verdict) int { return len(r.Cases[v]) }

// Matrix returns the requirement matrix: one row per requirement, in
// catalogue order, then the requirements that cases name but the catalogue
// lacks, sorted.
//
// A case gives a requirement a verdict when it names the requirement or has a
// mismatch attributed to it (an invariant can blame a rule the case does not
// name): skip or error when the case skipped or errored; else the worst
// verdict of its mismatches on that requirement (must → fail, should → warn,
// or fail when strict, info → info); else pass.
func Matrix(rep Report) []RuleRow {
	rows := make(map[string]*RuleRow)
	var order []string
	row := func(id string) *RuleRow {
		if r, ok := rows[id]; ok {
			return r
		}
		r := &RuleRow{Requirement: Requirement{ID: id}, Status: Untested, Cases: map[result.Verdict][]string{}}
		rows[id] = r
		order = append(order, id)
		return r
	}
	for _, q := range rep.Requirements {
		row(q.ID).Requirement = q
	}
	known := len(order)
	var extra []string
	derived := map[string]derivedLevel{}
	for _, c := range rep.Run.Cases {
		for id, v := range ruleVerdicts(c, rep.Run.Strict) {
			if _, ok := rows[id]; !ok {
				extra = append(extra, id)
			}
			r := row(id)
			r.Cases[v] = append(r.Cases[v], c.ID)
			if r.Status == Untested || v.Worse(r.Status) {
				r.Status = v
			}
		}
		deriveLevels(c, derived)
	}
	slices.Sort(extra)
	order = append(order[:known], extra...)
	out := make([]RuleRow, 0, len(order))
	for _, id := range order {
		r := *rows[id]
		if r.Level == "" {
			r.Level = derived[id].level
		}
		out = append(out, r)
	}
	return out
}

// ruleVerdicts returns the verdict the case gives each requirement it names
// or blames.
func ruleVerdicts(c result.CaseResult, strict bool) map[string]result.Verdict {
	out := make(map[string]result.Verdict)
	for _, id := range c.Requirements {
		switch c.Verdict {
		case result.Skip, result.Error:
			out[id] = c.Verdict
		default:
			out[id] = result.Pass
		}
	}
	if c.Verdict == result.Skip || c.Verdict == result.Error {
		return out
	}
	for _, m := range c.Mismatches {
		if m.Requirement == "" {
			continue
		}
		v := mismatchVerdict(m.Level, strict)
		if cur, ok := out[m.Requirement]; !ok || cur == result.Pass || v.Worse(cur) {
			out[m.Requirement] = v
		}
	}
	return out
}

// deriveLevels guesses levels for requirements outside the catalogue: a
// mismatch's graded level, else the weakest level of a case naming it (a
// case's level is the strongest of its requirements, so an upper bound).
func deriveLevels(c result.CaseResult, into map[string]derivedLevel) {
	for _, m := range c.Mismatches {
		if m.Level.Valid() && m.Requirement != "" {
			into[m.Requirement] = derivedLevel{level: m.Level, graded: true}
		}
	}
	if !c.Level.Valid() {
		return
	}
	for _, id := range c.Requirements {
		if cur, ok := into[id]; !ok || (!cur.graded && cur.level.Stronger(c.Level)) {
			into[id] = derivedLevel{level: c.Level}
		}
	}
}

// derivedLevel is a guessed level; graded when a mismatch was graded at it.
type derivedLevel struct {
	level  result.Level
	graded bool
}

// levelGroups returns the matrix rows grouped by level, must first; rows of
// no known level come last under "".
func levelGroups(rows []RuleRow) []levelGroup {
	var out []levelGroup
	for _, l := range []result.Level{result.LevelMust, result.LevelShould, result.LevelInfo, ""} {
		g := levelGroup{Level: l}
		for _, r := range rows {
			if r.Level == l || (l == "" && !r.Level.Valid()) {
				g.Rows = append(g.Rows, r)
			}
		}
		if len(g.Rows) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// levelGroup is the matrix rows of one level.
type levelGroup struct {
	Level result.Level
	Rows  []RuleRow
}

// Name is the group's heading.
func (g levelGroup) Name() string {
	if g.Level == "" {
		return "unrated"
	}
	return string(g.Level)
}
