package mutants

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// infoOnly reports whether every rule of v is info, so that no case can
// catch it (Params.Levels nil knows no levels: false).
func (p Params) infoOnly(v Variant) bool {
	return len(v.Requirements) > 0 && len(p.gradedRules(v)) == 0
}

// gradedRules returns v's rules that are must or should: the ones a failing
// case may blame. A rule of unknown level counts as must.
func (p Params) gradedRules(v Variant) []string {
	var out []string
	if v.InfoClause {
		return nil
	}
	for _, r := range v.Requirements {
		if p.Levels != nil {
			if l, ok := p.Levels(r); ok && l == result.LevelInfo {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// blames reports whether the failing result res of case c lays the blame on
// one of v's must or should rules: c names the rule (namedRules), or a must
// or should mismatch of res is attributed to it. An info variant is never
// blamed: its divergence may only ever give info verdicts.
func (p Params) blames(v Variant, c *casefile.Case, res result.CaseResult) bool {
	rules := p.gradedRules(v)
	if slices.ContainsFunc(namedRules(c), func(r string) bool { return slices.Contains(rules, r) }) {
		return true
	}
	for _, m := range res.Mismatches {
		if m.Level != result.LevelInfo && slices.Contains(rules, m.Requirement) {
			return true
		}
	}
	return false
}

// namedRules returns the rules case c names: its requirements and every req
// field of its expectations, without repeats.
func namedRules(c *casefile.Case) []string {
	out := slices.Clone(c.Requirements)
	add := func(r string) {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	e := &c.Expect
	add(e.Req)
	for _, ce := range e.Calls {
		add(ce.Req)
	}
	for _, fe := range e.Files {
		add(fe.Req)
	}
	if e.Journal != nil {
		add(e.Journal.Req)
		for _, re := range e.Journal.Requests {
			add(re.Req)
		}
	}
	for _, te := range e.Timing {
		add(te.Req)
	}
	return out
}

// blamed summarises the rules a failing result blames: each must or should
// mismatch as "rule check: want ..., got ...".
func blamed(res result.CaseResult) string {
	var parts []string
	for _, m := range res.Mismatches {
		if m.Level == result.LevelInfo {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s: want %s, got %s", m.Requirement, m.Check, m.Want, m.Got))
	}
	if len(parts) == 0 {
		return res.Reason
	}
	return strings.Join(parts, "; ")
}

// CollateralCount returns how many collateral failures the variants had in
// all.
func (m *Matrix) CollateralCount() int {
	n := 0
	for _, r := range m.Rows {
		n += len(r.Collateral)
	}
	return n
}

// FormatCollateral renders the collateral matrix as text: for each variant
// with collateral failures, its rules and each such case with the rules it
// blamed instead; then the summary (the goal is none).
func (m *Matrix) FormatCollateral() string {
	var b strings.Builder
	with, swept := 0, 0
	for _, r := range m.Rows {
		swept = max(swept, r.Swept)
		if len(r.Collateral) == 0 {
			continue
		}
		with++
		fmt.Fprintf(&b, "%-26s %-10s %3d collateral of %d cases\n", r.Variant, strings.Join(r.Requirements, ","),
			len(r.Collateral), r.Swept)
		for _, id := range r.Collateral {
			fmt.Fprintf(&b, "    %s: %s\n", id, clip(r.Reasons[id], 300))
		}
	}
	fmt.Fprintf(&b, "collateral: %d case(s) in %d of %d variants, %d cases run against each (goal: none)\n",
		m.CollateralCount(), with, len(m.Rows), swept)
	return b.String()
}

// clip shortens s to at most n bytes, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
