package casefile

import (
	"fmt"

	"github.com/netconform/netconform/mockserver"
)

// Duration is a duration written as a Go duration string ("150ms", "2s") in
// case files; it is the mock server's type, so both read the same way. Case
// durations are API time and are multiplied by the run's time scale.
type Duration = mockserver.Duration

// Pos is a position in a case file.
type Pos struct {
	// File is the case file's path as given to the loader.
	File string `json:"file"`
	// Line and Col are 1-based; 0 means unknown.
	Line int `json:"line"`
	Col  int `json:"col"`
}

// String returns "file:line:col", or less when parts are unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}
