package mockserver

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds how deeply the decoder nests (and how many aliases it
// follows), so a self-referencing alias cannot recurse forever.
const maxDepth = 64

// Decoder decodes YAML nodes into Go values strictly, collecting every
// problem as a [*PosError] ("file:line:col: field: message") instead of
// stopping at the first, and remembering the node each field path came from
// so that later checks can point at it. It is the one strict decoder of the
// project: the mock server's scenarios, case files (package casefile) and
// anything else with `yaml` tags go through it.
//
// The rules, by Go type:
//   - A type implementing [StrictUnmarshaler] decodes itself.
//   - Structs take a mapping; keys come from `yaml` tags (",inline" embeds
//     a struct's keys, "-" skips a field, an untagged field is its name with
//     a lower-case first letter). An unknown key is an error that suggests
//     the closest known one; a duplicate key is an error.
//   - Maps with string keys take a mapping (duplicate keys are errors);
//     slices take a list; pointers are allocated.
//   - Empty interfaces take any value, as [Decoder.Free] decodes it.
//   - Integers take YAML integers, floats any number, booleans true or
//     false; strings take any scalar's text, or only YAML strings when
//     StrictStrings is set.
//   - Null leaves the zero value (except for a StrictUnmarshaler).
//   - A value whose pointer has a Validate() error method is validated once
//     it decoded without error; its [*FieldError] values (Field relative to
//     the value) are positioned at the node of their field, or of its
//     closest decoded parent.
//
// A Decoder is used by one goroutine; its zero value is not usable, call
// [NewDecoder].
type Decoder struct {
	// StrictStrings, when true, makes string fields take only YAML strings:
	// a number or boolean where text is wanted is an error that says to
	// quote it. When false, a string field takes the text of any scalar.
	StrictStrings bool
	// AfterStruct, if non-nil, is called after each mapping is decoded into
	// a struct, with the struct (addressable) and the mapping's node, for
	// example to record where the struct came from.
	AfterStruct func(v reflect.Value, n *yaml.Node)

	file  string
	errs  []error
	nodes map[string]*yaml.Node // field path → value node
	keys  map[string]*yaml.Node // field path → key node
	depth int
}

// NewDecoder returns a decoder for nodes of file; file is used only in
// messages.
func NewDecoder(file string) *Decoder {
	return &Decoder{file: file, nodes: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
}

// File returns the file name given to [NewDecoder].
func (d *Decoder) File() string { return d.file }

// Decode decodes n into out, a non-nil pointer, by the rules of [Decoder];
// field is the dotted path of the value, prefixed to the fields of its
// errors ("" for a document's root). A nil n leaves out unchanged. Problems
// are collected: see [Decoder.Err].
func (d *Decoder) Decode(n *yaml.Node, out any, field string) {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("mockserver: Decoder.Decode needs a non-nil pointer") // programmer misuse
	}
	if n != nil {
		d.value(n, rv.Elem(), field)
	}
}

// Failf records a problem at node n for field.
func (d *Decoder) Failf(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field,
		Err: fmt.Errorf(format, args...)})
}

// Err returns every problem recorded so far, sorted by position and joined
// with errors.Join, or nil.
func (d *Decoder) Err() error {
	slices.SortStableFunc(d.errs, func(a, b error) int {
		la, ca := errPos(a)
		lb, cb := errPos(b)
		if la != lb {
			return la - lb
		}
		return ca - cb
	})
	return errors.Join(d.errs...)
}

func errPos(err error) (line, col int) {
	var pe *PosError
	if errors.As(err, &pe) {
		return pe.Line, pe.Col
	}
	return 0, 0
}

// Node returns the value node decoded at field, or nil if none was.
func (d *Decoder) Node(field string) *yaml.Node { return d.nodes[field] }

// KeyNode returns the key node of the mapping entry decoded at field, or
// nil if none was.
func (d *Decoder) KeyNode(field string) *yaml.Node { return d.keys[field] }

// Resolve returns the node that n stands for: a document's content, an
// alias's target (bounded, so alias cycles end).
func Resolve(n *yaml.Node) *yaml.Node {
	for range maxDepth {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode && n.Alias != nil:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

var (
	typeStrict    = reflect.TypeFor[StrictUnmarshaler]()
	typeValidator = reflect.TypeFor[interface{ Validate() error }]()
)

// enter counts one level of nesting; it reports false (and an error) when
// the nesting is too deep. Each true must be paired with d.depth--.
func (d *Decoder) enter(n *yaml.Node, field string) bool {
	if d.depth >= maxDepth {
		d.Failf(n, field, "nested too deeply")
		return false
	}
	d.depth++
	return true
}

func (d *Decoder) value(n *yaml.Node, v reflect.Value, field string) {
	n = Resolve(n)
	d.nodes[field] = n
	if !d.enter(n, field) {
		return
	}
	defer func() { d.depth-- }()
	before := len(d.errs)
	switch {
	case v.Kind() == reflect.Pointer && reflect.PointerTo(v.Type().Elem()).Implements(typeStrict):
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), field)
		return
	case v.CanAddr() && v.Addr().Type().Implements(typeStrict):
		if err := v.Addr().Interface().(StrictUnmarshaler).UnmarshalStrict(d, n, field); err != nil {
			d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field, Err: err})
		}
	case isNull(n):
		return
	default:
		d.kind(n, v, field)
	}
	if len(d.errs) == before && !isNull(n) && v.CanAddr() && v.Addr().Type().Implements(typeValidator) {
		d.validate(v.Addr().Interface().(interface{ Validate() error }), n, field)
	}
}

func (d *Decoder) kind(n *yaml.Node, v reflect.Value, field string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), field)
	case reflect.Struct:
		d.structValue(n, v, field)
	case reflect.Map:
		d.mapValue(n, v, field)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.Failf(n, field, "want a list, got %s", Describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", field, i))
		}
		v.Set(s)
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.Failf(n, field, "unsupported field type %s", v.Type())
			return
		}
		if x := d.free(n, field); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.scalar(n, v, field)
	}
}

// structValue decodes a mapping into a struct by its yaml tags.
func (d *Decoder) structValue(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.MappingNode {
		d.Failf(n, field, "want a mapping, got %s", Describe(n))
		return
	}
	fields := map[string]reflect.Value{}
	collectFields(v, fields)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		sub := join(field, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.Failf(k, field, "keys must be plain names, got %s", Describe(k))
			continue
		}
		if seen[k.Value] {
			d.Failf(k, sub, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fv, ok := fields[k.Value]
		if !ok {
			d.Failf(k, sub, "unknown key %q%s", k.Value, Suggest(k.Value, sortedKeys(fields)))
			continue
		}
		d.keys[sub] = k
		d.value(val, fv, sub)
	}
	if d.AfterStruct != nil {
		d.AfterStruct(v, n)
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
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
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

// mapValue decodes a mapping into a map with string keys.
func (d *Decoder) mapValue(n *yaml.Node, v reflect.Value, field string) {
	if v.Type().Key().Kind() != reflect.String {
		d.Failf(n, field, "unsupported field type %s", v.Type())
		return
	}
	if n.Kind != yaml.MappingNode {
		d.Failf(n, field, "want a mapping, got %s", Describe(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		sub := join(field, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.Failf(k, field, "keys must be plain names, got %s", Describe(k))
			continue
		}
		key := reflect.ValueOf(k.Value).Convert(v.Type().Key())
		if m.MapIndex(key).IsValid() {
			d.Failf(k, sub, "duplicate key %q", k.Value)
			continue
		}
		d.keys[sub] = k
		ev := reflect.New(v.Type().Elem()).Elem()
		d.value(val, ev, sub)
		m.SetMapIndex(key, ev)
	}
	v.Set(m)
}

func (d *Decoder) scalar(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.ScalarNode {
		d.Failf(n, field, "want %s, got %s", kindName(v.Kind()), Describe(n))
		return
	}
	tag := n.ShortTag()
	ok := false
	switch v.Kind() {
	case reflect.String:
		if d.StrictStrings && tag != "!!str" {
			d.Failf(n, field, "want a string, got %s (quote it)", Describe(n))
			return
		}
		v.SetString(n.Value) // the text as written
		return
	case reflect.Bool:
		ok = tag == "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		ok = tag == "!!int"
	case reflect.Float32, reflect.Float64:
		ok = tag == "!!int" || tag == "!!float"
	default:
		d.Failf(n, field, "unsupported field type %s", v.Type())
		return
	}
	if !ok {
		d.Failf(n, field, "want %s, got %s", kindName(v.Kind()), Describe(n))
		return
	}
	p := reflect.New(v.Type())
	if err := n.Decode(p.Interface()); err != nil {
		d.Failf(n, field, "invalid %s %q", kindName(v.Kind()), n.Value)
		return
	}
	v.Set(p.Elem())
}

// Free decodes a value of any shape as Lua would see it: numbers become
// float64, mappings map[string]any (duplicate keys are errors), lists
// []any, null nil, booleans bool and other scalars their text. The node is
// remembered at field, as for [Decoder.Decode].
func (d *Decoder) Free(n *yaml.Node, field string) any {
	n = Resolve(n)
	d.nodes[field] = n
	return d.free(n, field)
}

func (d *Decoder) free(n *yaml.Node, field string) any {
	n = Resolve(n)
	if !d.enter(n, field) {
		return nil
	}
	defer func() { d.depth-- }()
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				d.Failf(k, field, "keys must be plain names, got %s", Describe(k))
				continue
			}
			sub := join(field, k.Value)
			if _, dup := m[k.Value]; dup {
				d.Failf(k, sub, "duplicate key %q", k.Value)
				continue
			}
			m[k.Value] = d.free(n.Content[i+1], sub)
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = d.free(c, fmt.Sprintf("%s[%d]", field, i))
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			d.Failf(n, field, "invalid boolean %q", n.Value)
		}
		return b
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil { // 0x1F, 0o17 and the like
			var x float64
			if derr := n.Decode(&x); derr != nil {
				d.Failf(n, field, "invalid number %q", n.Value)
			}
			f = x
		}
		if math.IsInf(f, 0) && n.ShortTag() == "!!int" {
			d.Failf(n, field, "number %s out of range", n.Value)
		}
		return f
	}
	return n.Value
}

// validate runs a decoded value's Validate and positions its FieldErrors
// under field; other errors are placed at the value's node.
func (d *Decoder) validate(val interface{ Validate() error }, n *yaml.Node, field string) {
	err := val.Validate()
	if err == nil {
		return
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var fe *FieldError
		if !errors.As(e, &fe) {
			d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field, Err: e})
			continue
		}
		full := join(field, fe.Field)
		at := d.nodeFor(full, field, n)
		d.errs = append(d.errs, &PosError{File: d.file, Line: at.Line, Col: at.Column, Field: full, Err: fe.Err})
	}
}

// nodeFor returns the node decoded at field or at its closest parent, up to
// root (the path of the node top).
func (d *Decoder) nodeFor(field, root string, top *yaml.Node) *yaml.Node {
	for range maxDepth {
		if n, ok := d.nodes[field]; ok {
			return n
		}
		if field == root || field == "" {
			break
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			field = ""
		} else {
			field = field[:i]
		}
	}
	return top
}

// join appends a key or an index ("[2]") to a field path.
func join(field, key string) string {
	if field == "" || strings.HasPrefix(key, "[") {
		return field + key
	}
	if key == "" {
		return field
	}
	return field + "." + key
}

func sortedKeys(m map[string]reflect.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
