package reports

import (
	"cmp"
	"regexp"
	"slices"

	"github.com/netconform/netconform/harness/result"
)

// Finding is one reason several cases share: a rule's check that gave the
// same verdict in each (the same invariant, or the same expectation of
// the case files), or, for errors, the same headline. The reports lead with
// them, most cases first, so that a reader sees the few root causes before
// the many cases.
type Finding struct {
	// Requirement and Level are the rule the check is blamed on; empty for
	// an error.
	Requirement string
	Level       result.Level
	// Check names the check: "invariant.afterReturn", "trace", "ended.status"
	// (a call's own check without its "calls.<id>." prefix), or "error".
	Check string
	// Want and Got are the first case's (for an error, Got is its headline).
	Want, Got string
	// Cases are the ids of the cases it occurs in, in the run's order.
	Cases []string
	// Mismatches counts its occurrences over all the cases (several per
	// case when it repeats per event or per call).
	Mismatches int
}

// callPrefix is the "calls.<id>." prefix of a call's own check.
var callPrefix = regexp.MustCompile(`^calls\.[^.]+\.`)

// findingCheck is the check a mismatch is grouped by.
func findingCheck(m result.Mismatch) string {
	return callPrefix.ReplaceAllString(m.Check, "")
}

// Findings groups the mismatches that give verdict v (Fail, Warn or Info),
// of the cases whose verdict is v, by rule and check; for v Error, the
// error cases by headline. The most frequent come first (ties in rule and
// check order).
func Findings(run result.Run, v result.Verdict) []Finding {
	type key struct{ req, check string }
	index := map[key]int{}
	var out []Finding
	for _, c := range run.Cases {
		if c.Verdict != v {
			continue
		}
		if v == result.Error {
			h := c.Headline()
			k := key{"", h}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, Finding{Check: "error", Got: h})
			}
			out[i].Cases = append(out[i].Cases, c.ID)
			out[i].Mismatches++
			continue
		}
		seen := map[int]bool{}
		for _, m := range c.Mismatches {
			if mismatchVerdict(m.Level, run.Strict) != v {
				continue
			}
			k := key{m.Requirement, findingCheck(m)}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, Finding{Requirement: m.Requirement, Level: m.Level, Check: k.check, Want: m.Want,
					Got: m.Got})
			}
			out[i].Mismatches++
			if !seen[i] {
				seen[i] = true
				out[i].Cases = append(out[i].Cases, c.ID)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(len(b.Cases), len(a.Cases)), cmp.Compare(a.Requirement, b.Requirement),
			cmp.Compare(a.Check, b.Check))
	})
	return out
}

// Collapsed is a case's mismatch with how many times it repeats: the same
// rule, check and want (a per-event check failing on every event, or on
// every instance of a repeated call).
type Collapsed struct {
	result.Mismatch
	// Times is how many mismatches it stands for, at least 1.
	Times int
}

// Collapse merges a case's repeated mismatches, keeping the first of each
// in order.
func Collapse(ms []result.Mismatch) []Collapsed {
	type key struct{ req, check, want string }
	index := map[key]int{}
	var out []Collapsed
	for _, m := range ms {
		k := key{m.Requirement, findingCheck(m), m.Want}
		if i, ok := index[k]; ok {
			out[i].Times++
			continue
		}
		index[k] = len(out)
		out = append(out, Collapsed{Mismatch: m, Times: 1})
	}
	return out
}

// RootCause is the mismatch a case's verdict comes from first: the first
// one graded at the verdict it gives (the oracle orders a call's root
// cause, such as a raised or refused call, before what follows from it),
// and how many distinct mismatches and rules the case has besides. ok is
// false for a case without mismatches.
func RootCause(c result.CaseResult, strict bool) (m result.Mismatch, rules []string, ok bool) {
	for _, x := range c.Mismatches {
		if !ok && mismatchVerdict(x.Level, strict) == c.Verdict {
			m, ok = x, true
		}
		if !slices.Contains(rules, x.Requirement) {
			rules = append(rules, x.Requirement)
		}
	}
	return m, rules, ok
}

// topFindings are the reasons of the failing and erroring cases together,
// most cases first: the reports' top reasons.
func topFindings(run result.Run) []Finding {
	top := append(Findings(run, result.Fail), Findings(run, result.Error)...)
	slices.SortStableFunc(top, func(a, b Finding) int { return cmp.Compare(len(b.Cases), len(a.Cases)) })
	return top
}
