package mockserver

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// PosError is a decoding error at a position of a YAML file. Its message is
// "file:line:col: field: message", for example
//
//	routes.yaml:7:5: routes[0].statsu: unknown key "statsu" (did you mean "status"?)
type PosError struct {
	// File is the file name as given to the decoder.
	File string
	// Line and Col are 1-based.
	Line, Col int
	// Field is the dotted path of the offending key, such as
	// "routes[0].then[1].status" (relative to the decoded node).
	Field string
	// Err is the problem.
	Err error
}

// Error returns "file:line:col: field: message".
func (e *PosError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Col, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %v", e.File, e.Line, e.Col, e.Field, e.Err)
}

// Unwrap returns Err.
func (e *PosError) Unwrap() error { return e.Err }

// DecodeScenario decodes a Scenario from a YAML node (for example a case
// file's `server:` mapping) strictly: unknown keys and wrong types are
// *PosError values naming file (used only in messages), line, column and field
// path, and the result is validated with [Scenario.Validate]. Several problems
// are joined with errors.Join, in document order.
func DecodeScenario(file string, n *yaml.Node) (Scenario, error) {
	return Scenario{}, errUnbuilt
}

// ParseConfig decodes a whole YAML (or JSON) file holding a Scenario, as
// `netconform serve --config` reads it, with DecodeScenario's strict errors.
func ParseConfig(filename string, data []byte) (Scenario, error) {
	return Scenario{}, errUnbuilt
}
