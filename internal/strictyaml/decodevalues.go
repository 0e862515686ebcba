package strictyaml

// The strict decoder's walk of each kind of Go value: structs, maps,
// scalars and free values.

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// structValue decodes a mapping into a struct by its yaml tags.
func (d *Decoder) structValue(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.MappingNode {
		d.Failf(n, field, "want a mapping, got %s", Describe(n))
		return
	}
	fields := map[string]reflect.Value{}
	collectFields(v, fields)
	d.entries(n, field, func(k, val *yaml.Node, sub string) {
		fv, ok := fields[k.Value]
		if !ok {
			d.Failf(k, sub, "unknown key %q%s", k.Value, Suggest(k.Value, sortedKeys(fields)))
			return
		}
		d.keys[sub] = k
		d.value(val, fv, sub)
	})
	if d.AfterStruct != nil {
		d.AfterStruct(v, n)
	}
}

// entries calls fn for each entry of mapping n with its key's field path;
// keys that are not plain scalars, and repeated keys, are errors instead.
func (d *Decoder) entries(n *yaml.Node, field string, fn func(k, val *yaml.Node, sub string)) {
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		sub := Join(field, k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			d.Failf(k, field, "keys must be plain names, got %s", Describe(k))
		case seen[k.Value]:
			d.Failf(k, sub, "duplicate key %q", k.Value)
		default:
			seen[k.Value] = true
			fn(k, val, sub)
		}
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
	d.entries(n, field, func(k, val *yaml.Node, sub string) {
		d.keys[sub] = k
		ev := reflect.New(v.Type().Elem()).Elem()
		d.value(val, ev, sub)
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
	})
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
		d.entries(n, field, func(k, val *yaml.Node, sub string) {
			m[k.Value] = d.free(val, sub)
		})
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

func sortedKeys(m map[string]reflect.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
