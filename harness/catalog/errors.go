package catalog

import "fmt"

// PosError is a catalogue error at a position of the YAML input. Load returns
// one per problem, joined with errors.Join.
type PosError struct {
	// Line and Col are 1-based; Col is 0 when unknown.
	Line, Col int
	// Err is the problem.
	Err error
}

// Error formats the error as "line L:C: message", like a compiler.
func (e *PosError) Error() string {
	if e.Col == 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d:%d: %v", e.Line, e.Col, e.Err)
}

// Unwrap returns the underlying problem.
func (e *PosError) Unwrap() error { return e.Err }

// suggest returns the candidate closest to word by edit distance, or "" when
// none is close enough to be a likely misspelling.
func suggest(word string, candidates []string) string {
	best, bestDist := "", len(word)/2+1
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
