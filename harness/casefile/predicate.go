package casefile

import (
	"errors"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// predicateKeys are the operators of a predicate mapping.
func predicateKeys() []string {
	return []string{"equals", "oneOf", "matches", "present", "absent", "gte", "lte", "contains", "served"}
}

// UnmarshalStrict reads a predicate for the strict decoder: a bare scalar is
// shorthand for equals, a bare null means absent (Lua has no nil field), and
// a mapping holds operators. Pos is set to the predicate's node.
func (p *Predicate) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	p.Pos = posOf(d, n)
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		p.Absent = true
		return nil
	case n.Kind == yaml.ScalarNode:
		p.Equals, p.HasEquals = d.Free(n, field), true
		return nil
	case n.Kind != yaml.MappingNode:
		return errors.New("a list is not a predicate (want a value, or {oneOf: [...]})")
	case len(n.Content) == 0:
		return errors.New("empty predicate")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], strictyaml.Resolve(n.Content[i+1])
		sub := strictyaml.Join(field, k.Value)
		if seen[k.Value] {
			d.Failf(k, sub, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		p.operator(d, k, val, sub)
	}
	return nil
}

// operator decodes one operator k of a predicate mapping.
func (p *Predicate) operator(d *strictyaml.Decoder, k, val *yaml.Node, sub string) {
	switch k.Value {
	case "equals":
		p.Equals, p.HasEquals = d.Free(val, sub), true
	case "oneOf":
		if val.Kind != yaml.SequenceNode {
			d.Failf(val, sub, "want a list, got %s", strictyaml.Describe(val))
			return
		}
		list, _ := d.Free(val, sub).([]any)
		p.OneOf = list
		if p.OneOf == nil {
			p.OneOf = []any{}
		}
	case "matches":
		if s, ok := str(d, val, sub); ok {
			if _, err := regexp.Compile(s); err != nil {
				d.Failf(val, sub, "invalid regexp: %v", err)
			}
			p.Matches = s
		}
	case "present":
		if b, ok := boolean(d, val, sub); ok {
			p.Present = &b
		}
	case "absent":
		if b, ok := boolean(d, val, sub); ok {
			p.Absent = b
		}
	case "gte", "lte":
		f, ok := d.Free(val, sub).(float64)
		if !ok {
			d.Failf(val, sub, "want a number, got %s", strictyaml.Describe(val))
			return
		}
		if k.Value == "gte" {
			p.Gte = &f
		} else {
			p.Lte = &f
		}
	case "contains":
		p.Contains = &Contains{}
		d.Decode(val, p.Contains, sub)
	case "served":
		if s, ok := str(d, val, sub); ok {
			if s != "size" && s != "body" {
				d.Failf(val, sub, "served must be size or body, got %q", s)
			}
			p.Served = s
		}
	default:
		d.Failf(k, sub, "unknown predicate %q%s (a mapping holds operators; to compare a table use equals or contains)",
			k.Value, strictyaml.Suggest(k.Value, predicateKeys()))
	}
}

// UnmarshalStrict reads the operand of contains for the strict decoder: a
// string (Text) or a mapping of key to predicate (Keys).
func (c *Contains) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if s, ok := str(d, n, field); ok {
			c.Text = &s
		}
	case yaml.MappingNode:
		d.Decode(n, &c.Keys, field)
	default:
		return fmt.Errorf("contains wants a string or a mapping, got %s", strictyaml.Describe(n))
	}
	return nil
}

// str decodes a YAML string at field.
func str(d *strictyaml.Decoder, n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.Failf(n, field, "want a string, got %s", strictyaml.Describe(n))
		return "", false
	}
	var s string
	d.Decode(n, &s, field)
	return s, true
}

// boolean decodes true or false at field.
func boolean(d *strictyaml.Decoder, n *yaml.Node, field string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.Failf(n, field, "want true or false, got %s", strictyaml.Describe(n))
		return false, false
	}
	var b bool
	d.Decode(n, &b, field)
	return b, true
}
