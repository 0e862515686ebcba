package casefile

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/mockserver"
)

// decoder walks a yaml.Node tree into a Case, strictly: keys come from yaml
// struct tags, unknown keys get a did-you-mean suggestion, scalars must have
// the right type. It collects every problem as a *mockserver.PosError and
// remembers the node of each field path so later validation can point at it.
//
// mockserver.DecodeStrict has the same rules but does not decode maps, free
// values (params, equals) or predicate shorthands, so the case loader has its
// own walker and delegates the `server:` block to mockserver.DecodeScenario.
type decoder struct {
	file  string
	errs  []error
	nodes map[string]*yaml.Node
}

var (
	typePredicate = reflect.TypeFor[Predicate]()
	typeContains  = reflect.TypeFor[Contains]()
	typeScenario  = reflect.TypeFor[mockserver.Scenario]()
	typeDuration  = reflect.TypeFor[Duration]()
	typePos       = reflect.TypeFor[Pos]()
)

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &mockserver.PosError{File: d.file, Line: n.Line, Col: n.Column, Field: field,
		Err: fmt.Errorf(format, args...)})
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

// resolve follows document and alias nodes (bounded).
func resolve(n *yaml.Node) *yaml.Node {
	for range 64 {
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

func (d *decoder) value(n *yaml.Node, v reflect.Value, field string, depth int) {
	n = resolve(n)
	d.nodes[field] = n
	if depth > 64 {
		d.fail(n, field, "nested too deeply")
		return
	}
	if isNull(n) && v.Type() != typePredicate && !(v.Kind() == reflect.Pointer && v.Type().Elem() == typePredicate) {
		return
	}
	switch v.Type() {
	case typeScenario:
		sc, err := mockserver.DecodeScenario(d.file, n)
		d.serverErrors(err, field)
		v.Set(reflect.ValueOf(sc))
		return
	case typeDuration:
		d.duration(n, v, field)
		return
	case typePredicate:
		d.predicate(n, v.Addr().Interface().(*Predicate), field, depth)
		return
	case typeContains:
		d.contains(n, v.Addr().Interface().(*Contains), field, depth)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), field, depth+1)
	case reflect.Struct:
		d.structValue(n, v, field, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, field, "want a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", field, i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		d.mapValue(n, v, field, depth)
	case reflect.Interface:
		v.Set(reflect.ValueOf(d.free(n, field, depth)))
	default:
		d.scalar(n, v, field)
	}
}

// serverErrors re-roots the server decoder's field paths under field.
func (d *decoder) serverErrors(err error, field string) {
	if err == nil {
		return
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var pe *mockserver.PosError
		if errors.As(e, &pe) {
			cp := *pe
			cp.Field = join(field, pe.Field)
			d.errs = append(d.errs, &cp)
			continue
		}
		d.errs = append(d.errs, fmt.Errorf("%s: %s: %w", d.file, field, e))
	}
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Value == "0" {
		v.SetInt(0)
		return
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.fail(n, field, "want a duration such as \"150ms\", got %s", describe(n))
		return
	}
	dur, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil || dur < 0 {
		d.fail(n, field, "invalid duration %q (want e.g. \"150ms\", \"2s\")", n.Value)
		return
	}
	v.SetInt(int64(dur))
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, field string, depth int) {
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
			d.fail(k, sub, "unknown key %q%s", k.Value, suggest(k.Value, sortedNames(fields)))
			continue
		}
		d.nodes[sub+"#key"] = k
		d.value(val, fv, sub, depth+1)
	}
	if f := v.FieldByName("Pos"); f.IsValid() && f.Type() == typePos {
		f.Set(reflect.ValueOf(d.pos(n)))
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

func (d *decoder) mapValue(n *yaml.Node, v reflect.Value, field string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping, got %s", describe(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		sub := join(field, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.fail(k, field, "keys must be plain names, got %s", describe(k))
			continue
		}
		if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			d.fail(k, sub, "duplicate key %q", k.Value)
			continue
		}
		d.nodes[sub+"#key"] = k
		ev := reflect.New(v.Type().Elem()).Elem()
		d.value(val, ev, sub, depth+1)
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
	}
	v.Set(m)
}

// free decodes a value of any shape as Lua would see it: numbers become
// float64, mappings map[string]any, lists []any, null nil.
func (d *decoder) free(n *yaml.Node, field string, depth int) any {
	n = resolve(n)
	if depth > 64 {
		d.fail(n, field, "nested too deeply")
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				d.fail(k, field, "keys must be plain names, got %s", describe(k))
				continue
			}
			m[k.Value] = d.free(n.Content[i+1], join(field, k.Value), depth+1)
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = d.free(c, fmt.Sprintf("%s[%d]", field, i), depth+1)
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			d.fail(n, field, "invalid boolean %q", n.Value)
		}
		return b
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			var x float64
			if derr := n.Decode(&x); derr != nil {
				d.fail(n, field, "invalid number %q", n.Value)
			}
			f = x
		}
		if math.IsInf(f, 0) && n.ShortTag() == "!!int" {
			d.fail(n, field, "number %s out of range", n.Value)
		}
		return f
	}
	return n.Value
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
		if tag != "!!str" {
			d.fail(n, field, "want a string, got %s (quote it)", describe(n))
			return
		}
		v.SetString(n.Value)
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

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func sortedNames(m map[string]reflect.Value) []string {
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
