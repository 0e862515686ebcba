package strictyaml

import "fmt"

// PosError is a problem at a position of a YAML file. Its message is
// "file:line:col: field: message", for example
//
//	routes.yaml:7:5: routes[0].statsu: unknown key "statsu" (did you mean "status"?)
//
// Without a file name (input that has none, such as an embedded catalogue)
// the position reads "line 7:5", or "line 7" when the column is unknown.
type PosError struct {
	// File is the file name as given to the decoder; it may be empty.
	File string
	// Line and Col are 1-based; Col may be 0 (unknown) when File is empty.
	Line, Col int
	// Field is the dotted path of the offending key, such as
	// "routes[0].then[1].status" (relative to the decoded node), or empty.
	Field string
	// Err is the problem.
	Err error
}

// Error returns "file:line:col: field: message" (see [PosError]).
func (e *PosError) Error() string {
	var pos string
	switch {
	case e.File != "":
		pos = fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col)
	case e.Col == 0:
		pos = fmt.Sprintf("line %d", e.Line)
	default:
		pos = fmt.Sprintf("line %d:%d", e.Line, e.Col)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", pos, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", pos, e.Field, e.Err)
}

// Unwrap returns Err.
func (e *PosError) Unwrap() error { return e.Err }

// FieldError is a validation problem with one field of a value; Field is
// its dotted path relative to the value, such as "routes[2].fault.kind".
// The [Decoder] turns the FieldErrors of a value's Validate method into
// [*PosError] values at the field's node.
type FieldError struct {
	// Field is the dotted path of the field.
	Field string
	// Err is the problem.
	Err error
}

// Error returns "field: message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }
