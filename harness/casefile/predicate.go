package casefile

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// predicateKeys are the operators of a predicate mapping.
var predicateKeys = []string{"equals", "oneOf", "matches", "present", "absent", "gte", "lte", "contains", "served"}

// predicate decodes a bare value (equals) or an operator mapping.
func (d *decoder) predicate(n *yaml.Node, p *Predicate, field string, depth int) {
	p.Pos = d.pos(n)
	switch {
	case isNull(n):
		p.Absent = true // Lua has no nil field: a bare null means absent
		return
	case n.Kind == yaml.ScalarNode:
		p.Equals, p.HasEquals = d.free(n, field, depth), true
		return
	case n.Kind == yaml.SequenceNode:
		d.fail(n, field, "a list is not a predicate (want a value, or {oneOf: [...]})")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolve(n.Content[i+1])
		sub := join(field, k.Value)
		if seen[k.Value] {
			d.fail(k, sub, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		d.nodes[sub] = val
		switch k.Value {
		case "equals":
			p.Equals, p.HasEquals = d.free(val, sub, depth+1), true
		case "oneOf":
			if val.Kind != yaml.SequenceNode {
				d.fail(val, sub, "want a list, got %s", describe(val))
				continue
			}
			list, _ := d.free(val, sub, depth+1).([]any)
			p.OneOf = list
			if p.OneOf == nil {
				p.OneOf = []any{}
			}
		case "matches":
			if s, ok := d.str(val, sub); ok {
				if _, err := regexp.Compile(s); err != nil {
					d.fail(val, sub, "invalid regexp: %v", err)
				}
				p.Matches = s
			}
		case "present":
			if b, ok := d.boolean(val, sub); ok {
				p.Present = &b
			}
		case "absent":
			if b, ok := d.boolean(val, sub); ok {
				p.Absent = b
			}
		case "gte", "lte":
			f, ok := d.free(val, sub, depth+1).(float64)
			if !ok {
				d.fail(val, sub, "want a number, got %s", describe(val))
				continue
			}
			if k.Value == "gte" {
				p.Gte = &f
			} else {
				p.Lte = &f
			}
		case "contains":
			p.Contains = &Contains{}
			d.contains(val, p.Contains, sub, depth+1)
		case "served":
			if s, ok := d.str(val, sub); ok {
				if s != "size" && s != "body" {
					d.fail(val, sub, "served must be size or body, got %q", s)
				}
				p.Served = s
			}
		default:
			d.fail(k, sub, "unknown predicate %q%s (a mapping holds operators; to compare a table use equals or contains)",
				k.Value, suggest(k.Value, predicateKeys))
		}
	}
	if len(n.Content) == 0 {
		d.fail(n, field, "empty predicate")
	}
}

func (d *decoder) contains(n *yaml.Node, c *Contains, field string, depth int) {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if s, ok := d.str(n, field); ok {
			c.Text = &s
		}
	case yaml.MappingNode:
		c.Keys = make(map[string]*Predicate, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			sub := join(field, k.Value)
			p := &Predicate{}
			d.nodes[sub] = resolve(n.Content[i+1])
			d.predicate(resolve(n.Content[i+1]), p, sub, depth+1)
			c.Keys[k.Value] = p
		}
	default:
		d.fail(n, field, "contains wants a string or a mapping, got %s", describe(n))
	}
}

func (d *decoder) str(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.fail(n, field, "want a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) boolean(n *yaml.Node, field string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.fail(n, field, "want true or false, got %s", describe(n))
		return false, false
	}
	var b bool
	_ = n.Decode(&b)
	return b, true
}

// suggest returns ` (did you mean "x"?)` for the known name closest to got,
// or "" when none is close.
func suggest(got string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		dist := editDistance(got, k)
		if len(got) >= 3 && strings.HasPrefix(strings.ToLower(k), strings.ToLower(got)) {
			dist = min(dist, 1) // a prefix: "Documents" → "DocumentsDirectory"
		}
		if dist < bestD {
			best, bestD = k, dist
		}
	}
	if best == "" || bestD > max(2, len(got)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the optimal-string-alignment distance (a swap of two
// letters counts as one edit), case-insensitive.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	lower := func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if lower(ra[i-1]) == lower(rb[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && lower(ra[i-1]) == lower(rb[j-2]) && lower(ra[i-2]) == lower(rb[j-1]) {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
