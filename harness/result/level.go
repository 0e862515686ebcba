package result

// Level is a requirement's conformance level, as in the profile
// (decisions.md): must, should or info.
type Level string

// The levels, strongest first.
const (
	// Must: the docs say so; a failure is a conformance failure.
	Must Level = "must"
	// Should: platforms agree; a failure fails in strict mode and warns
	// otherwise.
	Should Level = "should"
	// Info: platforms disagree; the case records what happened and never
	// fails the run.
	Info Level = "info"
)

// Valid reports whether l is one of Must, Should and Info.
func (l Level) Valid() bool { return l == Must || l == Should || l == Info }

// Stronger reports whether l ranks above m (must > should > info > anything
// else).
func (l Level) Stronger(m Level) bool { return l.rank() > m.rank() }

func (l Level) rank() int {
	switch l {
	case Must:
		return 3
	case Should:
		return 2
	case Info:
		return 1
	}
	return 0
}
