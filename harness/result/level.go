package result

// Level is a requirement's conformance level, as in the profile
// (docs/profile.md): must, should or info.
type Level string

// The levels, strongest first.
const (
	// LevelMust: the docs say so; a failure is a conformance failure.
	LevelMust Level = "must"
	// LevelShould: platforms agree; a failure fails in strict mode and warns
	// otherwise.
	LevelShould Level = "should"
	// LevelInfo: platforms disagree; the case records what happened and never
	// fails the run.
	LevelInfo Level = "info"
)

// Valid reports whether l is one of LevelMust, LevelShould and LevelInfo.
func (l Level) Valid() bool { return l == LevelMust || l == LevelShould || l == LevelInfo }

// Stronger reports whether l ranks above m (must > should > info > anything
// else).
func (l Level) Stronger(m Level) bool { return l.rank() > m.rank() }

func (l Level) rank() int {
	switch l {
	case LevelMust:
		return 3
	case LevelShould:
		return 2
	case LevelInfo:
		return 1
	}
	return 0
}
