package mockserver

import (
	"fmt"
	"reflect"

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

// StrictUnmarshaler is implemented by types with their own YAML form, such
// as a shorthand scalar for a mapping (Duration, Body, Length) or a closed
// set of operators. The [Decoder] hands such a value its node instead of
// walking it by reflection: documents and aliases are resolved, and null
// nodes are passed too, so that a type can give null a meaning (a pointer
// to such a type is allocated first). field is the value's dotted path.
//
// A returned error is reported at n under field. To report several
// problems, or problems at inner nodes, call [Decoder.Failf] and return
// nil; decode inner values with [Decoder.Decode] or [Decoder.Free] so that
// their errors and nodes are positioned too.
type StrictUnmarshaler interface {
	UnmarshalStrict(d *Decoder, n *yaml.Node, field string) error
}

// DecodeScenario decodes a Scenario from a YAML node (for example a case
// file's `server:` mapping) strictly: unknown keys and wrong types are
// *PosError values naming file (used only in messages), line, column and field
// path, and the result is validated with [Scenario.Validate], whose errors are
// positioned too. Several problems are joined with errors.Join, in document
// order. A nil or null node gives the zero Scenario.
func DecodeScenario(file string, n *yaml.Node) (Scenario, error) {
	var sc Scenario
	if err := DecodeStrict(file, n, &sc); err != nil {
		return Scenario{}, err
	}
	return sc, nil
}

// DecodeStrict decodes YAML node n into out (a non-nil pointer) with a new
// [Decoder] and returns [Decoder.Err]: keys come from `yaml` struct tags,
// an unknown key is an error that suggests the closest known one, scalars
// must have the right type, null leaves the zero value, and values with a
// Validate() error method are validated once decoded, their [*FieldError]
// values positioned at their field. See [Decoder] for the whole rule set.
// file is used only in messages; a nil n leaves out unchanged.
func DecodeStrict(file string, n *yaml.Node, out any) error {
	d := NewDecoder(file)
	d.Decode(n, out, "")
	return d.Err()
}

// ParseConfig decodes a whole YAML (or JSON, a subset of YAML) file holding a
// Scenario, as `netconform serve --config` reads it, with DecodeScenario's
// strict errors. An empty file is an error.
func ParseConfig(filename string, data []byte) (Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", filename, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return Scenario{}, fmt.Errorf("%s: empty config", filename)
	}
	return DecodeScenario(filename, &doc)
}

// scenarioFields is Scenario without its methods, for the reflective walk.
type scenarioFields Scenario

// UnmarshalStrict decodes a scenario mapping; Validate runs afterwards, as
// for any value that has it. String fields take the text of any scalar, as
// `serve --config` reads them, even in a decoder with StrictStrings set (a
// case file's `server:` block), so a scenario reads the same everywhere.
func (sc *Scenario) UnmarshalStrict(d *Decoder, n *yaml.Node, field string) error {
	strict := d.StrictStrings
	d.StrictStrings = false
	d.value(n, reflect.ValueOf((*scenarioFields)(sc)).Elem(), field)
	d.StrictStrings = strict
	return nil
}
