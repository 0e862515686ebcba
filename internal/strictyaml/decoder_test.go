package strictyaml

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// errHas fails unless err's message holds each of want, in order.
func errHas(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	quoted := make([]string, len(want))
	for i, w := range want {
		quoted[i] = regexp.QuoteMeta(w)
	}
	if !regexp.MustCompile("(?s)" + strings.Join(quoted, ".*")).MatchString(err.Error()) {
		t.Fatalf("error\n%v\ndoes not hold, in this order,\n%s", err, strings.Join(want, "\n"))
	}
}

// parseNode parses src into a document node.
func parseNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// shout is a test type with its own YAML form: a string read upper-cased,
// null read as "NULL", and a list rejected by a returned error.
type shout string

func (s *shout) UnmarshalStrict(d *Decoder, n *yaml.Node, field string) error {
	switch {
	case IsNull(n):
		*s = "NULL"
	case n.Kind == yaml.ScalarNode:
		*s = shout(strings.ToUpper(n.Value))
	case n.Kind == yaml.MappingNode:
		d.Failf(n.Content[0], field, "no mappings here")
	default:
		return fmt.Errorf("want a word, got %s", Describe(n))
	}
	return nil
}

type shapes struct {
	Counts map[string]int    `yaml:"counts"`
	Params map[string]any    `yaml:"params"`
	Free   any               `yaml:"free"`
	Ptr    *int              `yaml:"ptr"`
	Nil    *int              `yaml:"nil"`
	List   []*shout          `yaml:"list"`
	Words  map[string]*shout `yaml:"words"`
	Name   string            `yaml:"name"`
}

func TestDecoderShapes(t *testing.T) {
	t.Parallel()
	src := `counts: {a: 1, b: 2}
params: {timeout: 3, nested: [1, "x", ~, true, {k: 0x10}]}
free: 1.5
ptr: 7
nil: ~
list: [hi, ~]
words: {w: yo, z: ~}
name: 12
`
	var got shapes
	d := NewDecoder("s.yaml")
	d.Decode(parseNode(t, src), &got, "")
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	seven := 7
	hi, null, yo := shout("HI"), shout("NULL"), shout("YO")
	want := shapes{
		Counts: map[string]int{"a": 1, "b": 2},
		Params: map[string]any{"timeout": 3.0, "nested": []any{1.0, "x", nil, true, map[string]any{"k": 16.0}}},
		Free:   1.5,
		Ptr:    &seven,
		List:   []*shout{&hi, &null},
		Words:  map[string]*shout{"w": &yo, "z": &null},
		Name:   "12",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	if n := d.Node("params.nested"); n == nil || n.Line != 2 || n.Column != 30 {
		t.Errorf("Node(params.nested) = %+v, want line 2 col 30", n)
	}
	if k := d.KeyNode("words.z"); k == nil || k.Line != 7 || k.Column != 16 {
		t.Errorf("KeyNode(words.z) = %+v, want line 7 col 16", k)
	}
}

func TestDecoderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		strict bool
		want   []string // in this order
	}{
		{"map duplicate", "counts: {a: 1, a: 2}\n", false, []string{`s.yaml:1:16: counts.a: duplicate key "a"`}},
		{"map value type", "counts: {a: x}\n", false, []string{`s.yaml:1:13: counts.a: want an integer, got string "x"`}},
		{"map wants mapping", "counts: [1]\n", false, []string{`s.yaml:1:9: counts: want a mapping, got a list`}},
		{"free duplicate", "params: {n: [{k: 1, k: 2}]}\n", false, []string{`s.yaml:1:21: params.n[0].k: duplicate key "k"`}},
		{"hook error positioned", "list: [ok, [x]]\n", false, []string{`s.yaml:1:12: list[1]: want a word, got a list`}},
		{"hook reports inner node", "words: {w: {deep: 1}}\n", false, []string{`s.yaml:1:13: words.w: no mappings here`}},
		{"strict strings", "name: 12\n", true, []string{`s.yaml:1:7: name: want a string, got integer 12 (quote it)`}},
		{"alias cycle ends", "free: &a [*a]\n", false, []string{`free`, `nested too deeply`}},
		{"sorted by position", "name: x\nptr: y\ncounts: {a: z}\nnmae: 1\n", false,
			[]string{`2:6: ptr`, `3:13: counts.a`, `4:1: nmae: unknown key "nmae" (did you mean "name"?)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got shapes
			d := NewDecoder("s.yaml")
			d.StrictStrings = tc.strict
			d.Decode(parseNode(t, tc.src), &got, "")
			errHas(t, d.Err(), tc.want...)
		})
	}
}

// outer and inner are nested structs for TestDecoderAfterStruct; inner
// decodes itself through a method-less copy of its type, as a type that
// adjusts its fields after the usual walk does.
type outer struct {
	ID    string `yaml:"id"`
	Inner inner  `yaml:"inner"`
	At    [2]int `yaml:"-"`
}

type inner struct {
	Items []item `yaml:"items"`
}

type innerFields inner

type item struct {
	Name string `yaml:"name"`
}

func (in *inner) UnmarshalStrict(d *Decoder, n *yaml.Node, field string) error {
	d.Decode(n, (*innerFields)(in), field)
	return nil
}

func TestDecoderAfterStruct(t *testing.T) {
	t.Parallel()
	var o outer
	d := NewDecoder("c.yaml")
	var seen []string
	d.AfterStruct = func(v reflect.Value, n *yaml.Node) {
		seen = append(seen, fmt.Sprintf("%s@%d:%d", v.Type().Name(), n.Line, n.Column))
		if v.Type() == reflect.TypeFor[outer]() {
			v.FieldByName("At").Set(reflect.ValueOf([2]int{n.Line, n.Column}))
		}
	}
	d.Decode(parseNode(t, "\nid: x\ninner: {items: [{name: a}]}\n"), &o, "")
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"item@3:17", "innerFields@3:8", "outer@2:1"}
	if !reflect.DeepEqual(seen, want) || o.At != [2]int{2, 1} || o.Inner.Items[0].Name != "a" {
		t.Fatalf("AfterStruct calls %v (at %v, %+v), want %v", seen, o.At, o.Inner, want)
	}
}
