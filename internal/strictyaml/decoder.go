package strictyaml

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds how deeply the decoder nests (and how many aliases it
// follows), so a self-referencing alias cannot recurse forever.
const maxDepth = 64

// Unmarshaler is implemented by types with their own YAML form, such as a
// shorthand scalar for a mapping (a duration, a body, a predicate) or a
// closed set of operators. The [Decoder] hands such a value its node
// instead of walking it by reflection: documents and aliases are resolved,
// and null nodes are passed too, so that a type can give null a meaning (a
// pointer to such a type is allocated first). field is the value's dotted
// path.
//
// A returned error is reported at n under field. To report several
// problems, or problems at inner nodes, call [Decoder.Failf] and return
// nil; decode inner values with [Decoder.Decode] or [Decoder.Free] so that
// their errors and nodes are positioned too. To decode the value's own
// fields by the usual rules (and then adjust), decode into a pointer to a
// method-less copy of its type: d.Decode(n, (*plain)(v), field).
type Unmarshaler interface {
	UnmarshalStrict(d *Decoder, n *yaml.Node, field string) error
}

// Decoder decodes YAML nodes into Go values strictly, collecting every
// problem as a [*PosError] ("file:line:col: field: message") instead of
// stopping at the first, and remembering the node each field path came from
// so that later checks can point at it. It is the one strict decoder of the
// project: the mock server's scenarios, case files (package casefile) and
// anything else with `yaml` tags go through it.
//
// The rules, by Go type:
//   - A type implementing [Unmarshaler] decodes itself.
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
//   - Null leaves the zero value (except for an Unmarshaler).
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
	// MaxErrors, if positive, bounds how many problems are kept: later ones
	// are dropped, so a badly broken file gives a report of bounded length.
	MaxErrors int
	// Context, if non-nil, stops the walk once it is done: the decoder
	// checks it every few hundred nodes and records its error (see
	// [Decoder.Err]) at the node it stopped at.
	Context context.Context
	// Files is the rule for the local files the document names, which
	// [Decoder.LocalFile] applies; its zero value refuses every local file.
	Files Files

	walked  int  // nodes entered, against MaxNodes
	stopped bool // the walk stopped: too many nodes, or Context done

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
		panic("strictyaml: Decoder.Decode needs a non-nil pointer") // programmer misuse
	}
	if n != nil {
		d.value(n, rv.Elem(), field)
	}
}

// Failf records a problem at node n for field ("" for none).
func (d *Decoder) Failf(n *yaml.Node, field, format string, args ...any) {
	d.fail(n, field, fmt.Errorf(format, args...))
}

// fail records err at node n for field, unless MaxErrors are recorded.
func (d *Decoder) fail(n *yaml.Node, field string, err error) {
	if d.MaxErrors > 0 && len(d.errs) >= d.MaxErrors {
		return
	}
	d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field, Err: err})
}

// stop ends the walk with err at n, even past MaxErrors.
func (d *Decoder) stop(n *yaml.Node, field string, err error) {
	d.stopped = true
	d.errs = append(d.errs, &PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field, Err: err})
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

// Remember records the key and value nodes of a mapping entry at field, as
// the decoder does for each entry it walks, for [Decoder.Node],
// [Decoder.KeyNode] and the positioning of later problems. An
// [Unmarshaler] that walks a mapping itself calls it for each entry.
func (d *Decoder) Remember(field string, key, value *yaml.Node) {
	d.keys[field] = key
	d.nodes[field] = value
}

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

// IsNull reports whether n is a null scalar ("~", "null" or nothing).
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

var (
	typeStrict    = reflect.TypeFor[Unmarshaler]()
	typeValidator = reflect.TypeFor[interface{ Validate() error }]()
)

// checkEvery is how many nodes the decoder walks between looks at its
// Context.
const checkEvery = 256

// enter counts one level of nesting and one node walked; it reports false
// (and an error) when the nesting is too deep, when the walk went past
// [MaxNodes] (aliases expanded, as Parse counts them) or when the
// Context is done; after the last two, every later enter is false too.
// Each true must be paired with d.depth--.
func (d *Decoder) enter(n *yaml.Node, field string) bool {
	if d.stopped {
		return false
	}
	d.walked++
	switch {
	case d.walked > MaxNodes:
		d.stop(n, field, fmt.Errorf("%w: more than %d nodes once aliases are expanded (an alias bomb?)", ErrTooLarge, MaxNodes))
		return false
	case d.Context != nil && (d.walked == 1 || d.walked%checkEvery == 0) && d.Context.Err() != nil:
		d.stop(n, field, fmt.Errorf("stopped: %w", context.Cause(d.Context)))
		return false
	case d.depth >= maxDepth:
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
		if err := v.Addr().Interface().(Unmarshaler).UnmarshalStrict(d, n, field); err != nil {
			d.fail(n, field, err)
		}
	case IsNull(n):
		return
	default:
		d.kind(n, v, field)
	}
	if len(d.errs) == before && !IsNull(n) && v.CanAddr() && v.Addr().Type().Implements(typeValidator) {
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
			d.fail(n, field, e)
			continue
		}
		full := Join(field, fe.Field)
		at := d.nodeFor(full, field)
		if at == nil {
			at = n
		}
		d.fail(at, full, fe.Err)
	}
}

// Nearest returns the node decoded at field or, failing that, at its
// closest decoded parent ("a.b[2].c", then "a.b[2]", "a.b", "a", ""), or
// nil if none was: where to report a problem found after decoding.
func (d *Decoder) Nearest(field string) *yaml.Node { return d.nodeFor(field, "") }

// nodeFor returns the node decoded at field or at its closest parent, up to
// root, or nil.
func (d *Decoder) nodeFor(field, root string) *yaml.Node {
	for range maxDepth {
		if n, ok := d.nodes[field]; ok {
			return n
		}
		if field == root || field == "" {
			break
		}
		field = parent(field)
	}
	return nil
}

// parent strips the last key or index from a field path.
func parent(field string) string {
	i := strings.LastIndexAny(field, ".[")
	if i < 0 {
		return ""
	}
	return field[:i]
}

// Join appends a key, or an index such as "[2]", to a field path: "a" and
// "b" give "a.b", "a" and "[2]" give "a[2]", "" and "b" give "b".
func Join(field, key string) string {
	if field == "" || strings.HasPrefix(key, "[") {
		return field + key
	}
	if key == "" {
		return field
	}
	return field + "." + key
}

// Parse parses data, the YAML text of file (a name used only in messages),
// and returns the root node of its first document, or nil when there is
// none (empty input, or only comments). Every loader of the project parses
// through it, so every document is held to the same rules:
//   - it has at most [MaxBytes] bytes and, with every alias expanded, at
//     most [MaxNodes] nodes, and no alias refers to itself (errors wrapping
//     [ErrTooLarge]);
//   - a syntax error is a *PosError at the line and column a person would
//     point at (the unclosed bracket or quote, the tab, the misplaced key),
//     with yaml.v3's message.
func Parse(file string, data []byte) (*yaml.Node, error) {
	if len(data) > MaxBytes {
		return nil, &PosError{File: file, Line: 1, Col: 1,
			Err: fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), MaxBytes)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	if err := checkNodes(file, doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}
