package mockserver

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

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

// DecodeStrict decodes YAML node n into out (a non-nil pointer) with the
// strict rules of [DecodeScenario]: keys come from `yaml` struct tags (with
// ",inline" for embedded structs), an unknown key is an error that suggests
// the closest known one, a duplicate key is an error, scalars must have the
// right type (integers for int fields, true/false for bool fields), and null
// leaves the zero value. The mockserver types with a shorthand form (Duration,
// Headers, Body, Length) decode as documented on them. If out (or, for a
// Scenario, the result) has a Validate() error method, it is called and its
// [*FieldError] values are positioned at their field. file is used only in
// messages.
func DecodeStrict(file string, n *yaml.Node, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("mockserver: DecodeStrict needs a non-nil pointer") // programmer misuse
	}
	d := &decoder{file: file, nodes: map[string]*yaml.Node{}}
	if n != nil {
		d.value(n, rv.Elem(), "")
	}
	if len(d.errs) > 0 {
		return errors.Join(d.errs...)
	}
	if v, ok := out.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return d.position(err, n)
		}
	}
	return nil
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

// nodeDecoder is implemented by the model types with a shorthand YAML form.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, field string)
}

// decoder walks a yaml.Node tree into Go values, collecting positioned errors
// and remembering which node each field path came from.
type decoder struct {
	file  string
	errs  []error
	nodes map[string]*yaml.Node
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field,
		Err: fmt.Errorf(format, args...)})
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, field string) {
	for range 64 { // bounded alias/document unwrapping
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return
			}
			n = n.Content[0]
			continue
		case yaml.AliasNode:
			if n.Alias == nil {
				return
			}
			n = n.Alias
			continue
		}
		break
	}
	d.nodes[field] = n
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			nd.decodeNode(d, n, field)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), field)
	case reflect.Struct:
		d.structValue(n, v, field)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, field, "want a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", field, i))
		}
		v.Set(s)
	default:
		d.scalar(n, v, field)
	}
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, field, "want %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	tag := n.ShortTag()
	ok := false
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value) // any scalar reads as its text
		return
	case reflect.Bool:
		ok = tag == "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		ok = tag == "!!int"
	case reflect.Float32, reflect.Float64:
		ok = tag == "!!int" || tag == "!!float"
	default:
		d.fail(n, field, "unsupported field type %s", v.Type())
		return
	}
	if !ok {
		d.fail(n, field, "want %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	p := reflect.New(v.Type())
	if err := n.Decode(p.Interface()); err != nil {
		d.fail(n, field, "invalid %s %q", kindName(v.Kind()), n.Value)
		return
	}
	v.Set(p.Elem())
}

// structValue decodes a mapping into a struct by its yaml tags.
func (d *decoder) structValue(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping, got %s", describe(n))
		return
	}
	fields := map[string]reflect.Value{}
	collectFields(v, fields)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		sub := join(field, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.fail(k, field, "keys must be plain names, got %s", describe(k))
			continue
		}
		if seen[k.Value] {
			d.fail(k, sub, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fv, ok := fields[k.Value]
		if !ok {
			d.fail(k, sub, "unknown key %q%s", k.Value, suggest(k.Value, keys(fields)))
			continue
		}
		d.value(val, fv, sub)
	}
}

// collectFields maps each yaml key of struct v to its field, descending into
// ",inline" embedded structs.
func collectFields(v reflect.Value, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct {
			collectFields(v.Field(i), out)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
		}
		out[name] = v.Field(i)
	}
}

// position turns the FieldErrors of a validation error into PosErrors at the
// node of their field (or of its closest decoded parent).
func (d *decoder) position(err error, root *yaml.Node) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var fe *FieldError
		if !errors.As(e, &fe) {
			out = append(out, e)
			continue
		}
		n := d.nodeFor(fe.Field, root)
		pe := &PosError{File: d.file, Field: fe.Field, Err: fe.Err}
		if n != nil {
			pe.Line, pe.Col = n.Line, n.Column
		}
		out = append(out, pe)
	}
	return errors.Join(out...)
}

func (d *decoder) nodeFor(field string, root *yaml.Node) *yaml.Node {
	for range 64 {
		if n, ok := d.nodes[field]; ok {
			return n
		}
		if field == "" {
			break
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			field = ""
		} else {
			field = field[:i]
		}
	}
	return root
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func keys(m map[string]reflect.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int":
		return "integer " + n.Value
	case "!!float":
		return "number " + n.Value
	case "!!bool":
		return "boolean " + n.Value
	case "!!null":
		return "null"
	}
	return fmt.Sprintf("string %q", n.Value)
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return "an integer"
}

// suggest returns ` (did you mean "x"?)` for the known name closest to got,
// or "" when none is close.
func suggest(got string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		dist := editDistance(strings.ToLower(got), strings.ToLower(k))
		if dist < bestD {
			best, bestD = k, dist
		}
	}
	if best == "" || bestD > max(2, len(got)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance, so a swap of two letters ("statsu") counts as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
