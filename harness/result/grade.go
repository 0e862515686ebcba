package result

// Policy turns mismatches into a verdict. The zero Policy is non-strict and
// knows no requirement levels (every mismatch is graded at the case level).
type Policy struct {
	// Strict makes should mismatches fail instead of warn.
	Strict bool
	// LevelOf looks a requirement's level up in the catalogue; nil, or ok
	// false, means unknown.
	LevelOf func(req string) (level Level, ok bool)
}

// CaseLevel is a case's level: its override if valid, else the strongest level
// of its requirements, else LevelMust (an unknown requirement is treated as must
// so a typo cannot soften a case).
func (p Policy) CaseLevel(override Level, reqs []string) Level {
	if override.Valid() {
		return override
	}
	var best Level
	for _, r := range reqs {
		l := LevelMust
		if p.LevelOf != nil {
			if got, ok := p.LevelOf(r); ok && got.Valid() {
				l = got
			}
		}
		if l.Stronger(best) {
			best = l
		}
	}
	if best == "" {
		return LevelMust
	}
	return best
}

// Grade sets the Level of every mismatch and returns the case level and the
// verdict. A case's own checks are graded at the override when there is one,
// else at their requirement's level; invariants always at their requirement's
// level; an unknown requirement falls back to the case level. Then must →
// Fail, should → Warn (Fail when Strict), info → Info; the verdict is the
// worst, or Pass with no mismatch.
func (p Policy) Grade(override Level, reqs []string, ms []Mismatch) (Level, Verdict) {
	caseLevel := p.CaseLevel(override, reqs)
	v := Pass
	for i := range ms {
		l := caseLevel
		if ms[i].Invariant != "" || !override.Valid() {
			if p.LevelOf != nil {
				if got, ok := p.LevelOf(ms[i].Requirement); ok && got.Valid() {
					l = got
				}
			}
		}
		ms[i].Level = l
		if mv := p.verdictFor(l); mv.Worse(v) {
			v = mv
		}
	}
	return caseLevel, v
}

func (p Policy) verdictFor(l Level) Verdict {
	switch l {
	case LevelShould:
		if p.Strict {
			return Fail
		}
		return Warn
	case LevelInfo:
		return Info
	}
	return Fail
}
