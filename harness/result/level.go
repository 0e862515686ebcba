package result

// Level is a requirement's conformance level, as in the profile
// (docs/profile.md): must, should or info. It is the one level type: the
// requirement catalogue (package catalog), a case's level override (package
// casefile) and a graded mismatch all use it; how a level becomes a verdict
// is the oracle's decision (oracle.Policy).
type Level string

// The levels, strongest first.
const (
	// LevelMust: the Solar2D docs say so; a failure is a conformance
	// failure.
	LevelMust Level = "must"
	// LevelShould: the docs are silent and Android, Apple and Win32 agree; a
	// failure fails in strict mode and warns otherwise.
	LevelShould Level = "should"
	// LevelInfo: platforms disagree or contradict the docs; the case records
	// what the implementation did and never fails the run.
	LevelInfo Level = "info"
)

// Levels returns the valid levels, strongest first.
func Levels() []Level { return []Level{LevelMust, LevelShould, LevelInfo} }

// Valid reports whether l is one of [Levels].
func (l Level) Valid() bool { return l.rank() > 0 }

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
