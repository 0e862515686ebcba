package mockserver

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

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
	case isNull(n):
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
			wantInOrder(t, d.Err(), tc.want)
		})
	}
}

// caseLike embeds a Scenario as a case file does.
type caseLike struct {
	ID     string   `yaml:"id"`
	Server Scenario `yaml:"server"`
	At     [2]int   `yaml:"-"`
}

func TestDecoderNestedScenario(t *testing.T) {
	t.Parallel()
	// The scenario validates itself where it is embedded, its errors under
	// the embedding field, and reads strings leniently even in a strict
	// decoder.
	src := "id: x\nserver:\n  routes:\n    - status: 200\n    - {path: /b, method: 1}\n"
	var c caseLike
	d := NewDecoder("c.yaml")
	d.StrictStrings = true
	d.Decode(parseNode(t, src), &c, "")
	err := d.Err()
	var pe *PosError
	if !errors.As(err, &pe) || pe.Field != "server.routes[0].path" || pe.Line != 4 || pe.Col != 7 {
		t.Fatalf("want a PosError at 4:7 server.routes[0].path, got %v", err)
	}
	if strings.Contains(err.Error(), "quote it") || len(c.Server.Routes) != 2 || c.Server.Routes[1].Method != "1" {
		t.Fatalf("scenario strings not lenient: %v %+v", err, c.Server)
	}

	// A valid scenario decodes with no error, and StrictStrings is restored.
	d = NewDecoder("c.yaml")
	d.StrictStrings = true
	d.Decode(parseNode(t, "id: 3\nserver: {routes: [{path: /a}]}\n"), &c, "")
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "c.yaml:1:5: id: want a string") {
		t.Fatalf("want the strict id error only, got %v", err)
	}
}

func TestDecoderAfterStruct(t *testing.T) {
	t.Parallel()
	var c caseLike
	d := NewDecoder("c.yaml")
	var seen []string
	d.AfterStruct = func(v reflect.Value, n *yaml.Node) {
		seen = append(seen, fmt.Sprintf("%s@%d:%d", v.Type().Name(), n.Line, n.Column))
		if v.Type() == reflect.TypeFor[caseLike]() {
			v.FieldByName("At").Set(reflect.ValueOf([2]int{n.Line, n.Column}))
		}
	}
	d.Decode(parseNode(t, "\nid: x\nserver: {routes: [{path: /a}]}\n"), &c, "")
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"Route@3:19", "scenarioFields@3:9", "caseLike@2:1"}
	if !reflect.DeepEqual(seen, want) || c.At != [2]int{2, 1} {
		t.Fatalf("AfterStruct calls %v (at %v), want %v", seen, c.At, want)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	known := []string{"status", "DocumentsDirectory", "headers"}
	for _, tc := range []struct{ got, want string }{
		{"statsu", "status"},
		{"STATUS", "status"},
		{"Documents", "DocumentsDirectory"},
		{"hdrs", ""},
		{"zzzzzz", ""},
		{strings.Repeat("status", 20), ""},
	} {
		want := ""
		if tc.want != "" {
			want = fmt.Sprintf(" (did you mean %q?)", tc.want)
		}
		if got := Suggest(tc.got, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.got, got, want)
		}
	}
}
