package oracle

import (
	"fmt"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// Policy turns mismatches into a verdict: the must/should/info policy of the
// profile. The zero Policy is non-strict and knows no requirement levels
// (every mismatch is graded at the case level).
type Policy struct {
	// Strict makes should mismatches fail instead of warn.
	Strict bool
	// LevelOf looks a requirement's level up in the catalogue; nil, or ok
	// false, means unknown.
	LevelOf func(req string) (level result.Level, ok bool)
}

// Judgement is the oracle's verdict on one case run.
type Judgement struct {
	// Level is the case's level ([Policy.CaseLevel]).
	Level result.Level
	// Verdict is the worst verdict of the mismatches, or Pass.
	Verdict result.Verdict
	// Reason summarises a non-passing verdict in words that are the same
	// from run to run: "2 mismatch(es), first: <label>" (the first
	// mismatch's [result.Mismatch.Label], which leaves out what the run
	// observed), or, when calls were still pending at the deadline,
	// "deadline 1.25s exceeded with 1 call(s) pending".
	Reason string
	// Mismatches are [Check]'s, graded (each has its Level).
	Mismatches []result.Mismatch
}

// Judge checks obs against c ([Check]) and grades the mismatches under p.
func (p Policy) Judge(c *casefile.Case, obs Observation) Judgement {
	ms := Check(c, obs)
	j := Judgement{Mismatches: ms}
	j.Level, j.Verdict = p.Grade(c.Level, c.Requirements, ms)
	blocked := 0
	for _, pd := range obs.Pending {
		if pd.Blocked {
			blocked++
		}
	}
	switch {
	case blocked > 0:
		j.Reason = fmt.Sprintf("%d call(s) blocked: the network.* call had not returned within %s", blocked, obs.Deadline)
	case len(obs.Pending) > 0:
		j.Reason = fmt.Sprintf("deadline %s exceeded with %d call(s) pending", obs.Deadline, len(obs.Pending))
	case len(ms) > 0:
		j.Reason = fmt.Sprintf("%d mismatch(es), first: %s", len(ms), ms[0].Label())
	}
	return j
}

// CaseLevel is a case's level: its override if valid, else the strongest level
// of its requirements, else LevelMust (an unknown requirement is treated as must
// so a typo cannot soften a case).
func (p Policy) CaseLevel(override result.Level, reqs []string) result.Level {
	if override.Valid() {
		return override
	}
	var best result.Level
	for _, r := range reqs {
		l := result.LevelMust
		if got, ok := p.levelOf(r); ok {
			l = got
		}
		if l.Stronger(best) {
			best = l
		}
	}
	if best == "" {
		return result.LevelMust
	}
	return best
}

// Grade sets the Level of every mismatch and returns the case level and the
// verdict. A case's own checks are graded at the override when there is one,
// else at their requirement's level; invariants always at their requirement's
// level; an unknown requirement falls back to the case level. Then each
// mismatch gives [Policy.Verdict] of its level; the case's verdict is the
// worst, or Pass with no mismatch.
func (p Policy) Grade(override result.Level, reqs []string, ms []result.Mismatch) (result.Level, result.Verdict) {
	caseLevel := p.CaseLevel(override, reqs)
	v := result.Pass
	for i := range ms {
		l := caseLevel
		if ms[i].Invariant != "" || !override.Valid() {
			if got, ok := p.levelOf(ms[i].Requirement); ok {
				l = got
			}
		}
		ms[i].Level = l
		if mv := p.Verdict(l); mv.Worse(v) {
			v = mv
		}
	}
	return caseLevel, v
}

// Verdict is the verdict a mismatch graded at level l gives its case: must
// → Fail, should → Warn (Fail when Strict), info → Info. Any other level
// (an ungraded mismatch) is Fail, as an unknown requirement is must.
func (p Policy) Verdict(l result.Level) result.Verdict {
	switch l {
	case result.LevelShould:
		if p.Strict {
			return result.Fail
		}
		return result.Warn
	case result.LevelInfo:
		return result.Info
	}
	return result.Fail
}

// levelOf is LevelOf's answer when it knows a valid level for req.
func (p Policy) levelOf(req string) (result.Level, bool) {
	if p.LevelOf == nil {
		return "", false
	}
	l, ok := p.LevelOf(req)
	return l, ok && l.Valid()
}
