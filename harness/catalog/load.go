package catalog

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/strictyaml"
)

// maxErrors bounds how many problems Load reports; later ones are dropped.
const maxErrors = 20

// Load decodes and validates a requirement catalogue (the format of
// [Requirements]). Decoding is strict: unknown keys, wrong types,
// duplicate keys and aliases are rejected. Validation checks that ids match
// ^[A-Z][0-9]+$ and are unique, that levels, areas and source kinds are
// valid, that title is one line, and that text and source quote are not
// empty. The optional change log (key changes) is checked against the
// requirements: see [Change]. Every problem is a [*PosError] ("line L:C:
// message": the catalogue is read without a file name); several are joined
// with errors.Join, sorted by position, at most 20 of them.
//
// The catalogue keeps its requirements in profile order: grouped by area in
// the order of [Areas], and in file order within an area.
func Load(data []byte) (*Catalog, error) {
	root, err := strictyaml.Parse("", data)
	if err != nil {
		return nil, fmt.Errorf("parse catalogue: %w", err)
	}
	d := &decoder{errs: strictyaml.NewDecoder("")}
	d.errs.MaxErrors = maxErrors
	reqs, changes := d.document(root)
	if err := d.errs.Err(); err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	// Profile order: by area as in Areas, then as in the file.
	slices.SortStableFunc(reqs, func(a, b Requirement) int {
		return slices.Index(Areas(), a.Area) - slices.Index(Areas(), b.Area)
	})
	c := &Catalog{reqs: reqs, byID: make(map[string]int, len(reqs)), changes: changes}
	for i, r := range reqs {
		c.byID[r.ID] = i
	}
	return c, nil
}

// decoder walks the catalogue's YAML node tree by its schema. The strict
// decoder of package strictyaml collects its positioned errors (sorted,
// bounded); the catalogue's messages name keys and entries its own way
// ("A1: missing key ..."), so the walk is by hand rather than by struct tags.
type decoder struct {
	errs *strictyaml.Decoder
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs.Failf(n, "", format, args...)
}

// document decodes the catalogue: its requirements and its change log (the
// optional key changes).
func (d *decoder) document(root *yaml.Node) ([]Requirement, []Change) {
	if root == nil {
		d.errorf(&yaml.Node{Line: 1}, "empty catalogue")
		return nil, nil
	}
	var list, changeNodes *yaml.Node
	d.fields(root, "catalogue", []string{"requirements", "changes"}, func(key string, v *yaml.Node) {
		if key == "changes" {
			changeNodes = v
			return
		}
		list = v
	})
	if list == nil {
		if d.errs.Err() == nil {
			d.errorf(root, "missing key %q", "requirements")
		}
		return nil, nil
	}
	reqs := d.requirements(list)
	if changeNodes == nil {
		return reqs, nil
	}
	changes := d.changeList(changeNodes)
	if changeNodes.Kind == yaml.SequenceNode && len(changes) == len(changeNodes.Content) {
		d.checkChanges(changes, reqs, changeNodes.Content)
	}
	return reqs, changes
}

// requirements decodes the requirements list.
func (d *decoder) requirements(list *yaml.Node) []Requirement {
	if list.Kind != yaml.SequenceNode {
		d.errorf(list, "requirements: want a list, got %s", kindName(list))
		return nil
	}
	if len(list.Content) == 0 {
		d.errorf(list, "requirements: empty list")
	}
	reqs := make([]Requirement, 0, len(list.Content))
	firstLine := make(map[string]int, len(list.Content))
	for _, n := range list.Content {
		r, idNode := d.requirement(n)
		if idNode == nil {
			continue
		}
		if line, dup := firstLine[r.ID]; dup {
			d.errorf(idNode, "duplicate id %q (first at line %d)", r.ID, line)
			continue
		}
		firstLine[r.ID] = idNode.Line
		reqs = append(reqs, r)
	}
	return reqs
}

// requirement decodes one entry; idNode is nil when the entry has no usable id.
func (d *decoder) requirement(n *yaml.Node) (r Requirement, idNode *yaml.Node) {
	r.Line = n.Line
	seen := d.fields(n, "requirement", []string{"id", "level", "area", "title", "text", "notes", "source"},
		func(key string, v *yaml.Node) {
			switch key {
			case "id":
				if r.ID = d.str(v, key); r.ID != "" {
					if !idPattern.MatchString(r.ID) {
						d.errorf(v, "id: %q does not match %s", r.ID, idPattern)
					} else {
						idNode = v
					}
				}
			case "level":
				r.Level = d.level(v, key)
			case "area":
				r.Area = Area(d.str(v, key))
				if r.Area != "" && !r.Area.Valid() {
					d.errorf(v, "area: %q is not one of %s", r.Area, joinQuoted(Areas()))
				}
			case "title":
				r.Title = d.str(v, key)
				if strings.ContainsAny(r.Title, "\r\n") {
					d.errorf(v, "title: must be one line")
				}
			case "text":
				r.Text = d.str(v, key)
			case "notes":
				r.Notes = d.notes(v)
			case "source":
				r.Source = d.source(v)
			}
		})
	if seen == nil {
		return r, nil
	}
	d.missing(n, entryName(r.ID), seen, "id", "level", "area", "title", "text", "source")
	return r, idNode
}

func (d *decoder) notes(n *yaml.Node) []Note {
	return list(d, n, "notes", func(item *yaml.Node) (Note, bool) {
		l, text, ok := d.levelText(item, "note", "notes")
		return Note{Level: l, Text: text}, ok
	})
}

// list decodes a sequence node item by item, keeping the items for which
// item reports ok; what names the list in messages.
func list[T any](d *decoder, n *yaml.Node, what string, item func(*yaml.Node) (T, bool)) []T {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, got %s", what, kindName(n))
		return nil
	}
	out := make([]T, 0, len(n.Content))
	for _, x := range n.Content {
		if v, ok := item(x); ok {
			out = append(out, v)
		}
	}
	return out
}

// levelText decodes a {level, text} mapping (a note, a change's old or
// new). what names the mapping in messages and prefix its fields ("notes"
// gives "notes.level"); ok is false when n is not a mapping.
func (d *decoder) levelText(n *yaml.Node, what, prefix string) (l result.Level, text string, ok bool) {
	seen := d.fields(n, what, []string{"level", "text"}, func(key string, v *yaml.Node) {
		switch key {
		case "level":
			l = d.level(v, prefix+".level")
		case "text":
			text = d.str(v, prefix+".text")
		}
	})
	if seen == nil {
		return "", "", false
	}
	d.missing(n, what, seen, "level", "text")
	return l, text, true
}

func (d *decoder) source(n *yaml.Node) Source {
	var s Source
	seen := d.fields(n, "source", []string{"kind", "ref", "quote"}, func(key string, v *yaml.Node) {
		switch key {
		case "kind":
			s.Kind = SourceKind(d.str(v, "source.kind"))
			if s.Kind != "" && !s.Kind.Valid() {
				d.errorf(v, "source.kind: %q is not one of \"doc\", \"platform\", \"rfc\"", s.Kind)
			}
		case "ref":
			s.Ref = d.str(v, "source.ref")
		case "quote":
			s.Quote = d.str(v, "source.quote")
		}
	})
	if seen != nil {
		d.missing(n, "source", seen, "kind", "quote")
	}
	return s
}

// fields walks a mapping node, rejecting duplicate and unknown keys (with a
// suggestion), and calls set for each known key. It returns the set of keys
// seen, or nil if n is not a mapping.
func (d *decoder) fields(n *yaml.Node, what string, known []string, set func(key string, v *yaml.Node)) map[string]bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping, got %s", what, kindName(n))
		return nil
	}
	seen := make(map[string]bool, len(known))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: want a plain key, got %s", what, kindName(k))
			continue
		}
		key := k.Value
		switch {
		case seen[key]:
			d.errorf(k, "%s: duplicate key %q", what, key)
		case !slices.Contains(known, key):
			if s := strictyaml.Closest(key, known); s != "" {
				d.errorf(k, "%s: unknown key %q (did you mean %q?)", what, key, s)
				seen[suggestedMark+s] = true // no "missing key" error for s as well
			} else {
				d.errorf(k, "%s: unknown key %q (known: %s)", what, key, strings.Join(known, ", "))
			}
		default:
			seen[key] = true
			set(key, v)
		}
	}
	return seen
}

// suggestedMark prefixes, in a seen set, a key that an unknown key was taken
// to be a misspelling of.
const suggestedMark = "?"

// missing reports each required key absent from seen, except keys already
// suggested as the fix for a misspelling.
func (d *decoder) missing(n *yaml.Node, what string, seen map[string]bool, required ...string) {
	for _, k := range required {
		if !seen[k] && !seen[suggestedMark+k] {
			d.errorf(n, "%s: missing key %q", what, k)
		}
	}
}

// str decodes a non-empty string scalar; it reports an error and returns ""
// otherwise.
func (d *decoder) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float") {
		// Numbers are accepted as text (a title like "308"), but not
		// booleans, nulls, lists or mappings.
		d.errorf(n, "%s: want a string, got %s", field, kindName(n))
		return ""
	}
	v := strings.TrimSpace(n.Value)
	if v == "" {
		d.errorf(n, "%s: must not be empty", field)
	}
	return v
}

func (d *decoder) level(n *yaml.Node, field string) result.Level {
	l := result.Level(d.str(n, field))
	if l != "" && !l.Valid() {
		d.errorf(n, "%s: %q is not one of %s", field, l, joinQuoted(result.Levels()))
		return ""
	}
	return l
}

// kindName names what a node is in the catalogue's messages.
func kindName(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode {
		return "an alias (aliases are not supported)"
	}
	return strictyaml.KindOf(n)
}

// entryName names an entry in messages: its id if known.
func entryName(id string) string {
	if id == "" {
		return "requirement"
	}
	return id
}

func joinQuoted[T ~string](vals []T) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
