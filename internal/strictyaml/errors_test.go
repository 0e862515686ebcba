package strictyaml

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPosErrorFormat(t *testing.T) {
	t.Parallel()
	problem := errors.New("bad")
	for _, tc := range []struct {
		err  PosError
		want string
	}{
		{PosError{File: "r.yaml", Line: 7, Col: 5, Field: "routes[0].x", Err: problem}, "r.yaml:7:5: routes[0].x: bad"},
		{PosError{File: "r.yaml", Line: 7, Col: 5, Err: problem}, "r.yaml:7:5: bad"},
		{PosError{Line: 7, Col: 5, Err: problem}, "line 7:5: bad"},
		{PosError{Line: 1, Err: problem}, "line 1: bad"},
		{PosError{Line: 2, Col: 3, Field: "id", Err: problem}, "line 2:3: id: bad"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if !errors.Is(&tc.err, problem) {
			t.Errorf("%q does not unwrap to its problem", tc.want)
		}
	}
}

// checked is a value with a Validate method, as a scenario has.
type checked struct {
	Name  string   `yaml:"name"`
	Parts []string `yaml:"parts"`
	Inner struct {
		Size int `yaml:"size"`
	} `yaml:"inner"`
}

func (c *checked) Validate() error {
	var errs []error
	if c.Name == "bad" {
		errs = append(errs, &FieldError{Field: "name", Err: errors.New("bad name")})
	}
	if len(c.Parts) > 1 {
		errs = append(errs, &FieldError{Field: "parts[1]", Err: errors.New("one part only")})
	}
	if c.Inner.Size < 0 {
		// inner.size.unit was never decoded: reported at inner.size.
		errs = append(errs, &FieldError{Field: "inner.size.unit", Err: errors.New("negative")})
	}
	if c.Name == "plain" {
		errs = append(errs, errors.New("not a field error"))
	}
	return errors.Join(errs...)
}

func TestDecoderValidates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"at the field", "v:\n  name: bad\n", []string{`c.yaml:2:9: v.name: bad name`}},
		{"at the index", "v: {parts: [a, b]}\n", []string{`c.yaml:1:16: v.parts[1]: one part only`}},
		{"at the closest parent", "v:\n  inner: {size: -1}\n",
			[]string{`c.yaml:2:17: v.inner.size.unit: negative`}},
		{"other errors at the value", "v:\n  name: plain\n", []string{`c.yaml:2:3: v: not a field error`}},
		{"several in order", "v:\n  parts: [a, b]\n  name: bad\n",
			[]string{`c.yaml:2:14: v.parts[1]`, `c.yaml:3:9: v.name: bad name`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				V checked `yaml:"v"`
			}
			d := NewDecoder("c.yaml")
			d.Decode(parseNode(t, tc.src), &got, "")
			errHas(t, d.Err(), tc.want...)
		})
	}

	// A value with decoding errors is not validated as well.
	var got struct {
		V checked `yaml:"v"`
	}
	d := NewDecoder("c.yaml")
	d.Decode(parseNode(t, "v: {name: bad, inner: {size: x}}\n"), &got, "")
	if err := d.Err(); err == nil || strings.Contains(err.Error(), "bad name") {
		t.Fatalf("want only the decoding error, got %v", err)
	}
}

func TestDecoderMaxErrors(t *testing.T) {
	t.Parallel()
	src := "counts: {a: x, b: x, c: x, d: x}\n"
	var got shapes
	d := NewDecoder("s.yaml")
	d.Decode(parseNode(t, src), &got, "")
	if n := len(leaves(d.Err())); n != 4 {
		t.Fatalf("without MaxErrors: %d errors, want 4", n)
	}
	d = NewDecoder("s.yaml")
	d.MaxErrors = 2
	d.Decode(parseNode(t, src), &got, "")
	d.Failf(&yaml.Node{Line: 9, Column: 1}, "", "one more")
	err := d.Err()
	if n := len(leaves(err)); n != 2 || strings.Contains(err.Error(), "one more") {
		t.Fatalf("MaxErrors 2 kept %d errors: %v", n, err)
	}
	errHas(t, err, `counts.a`, `counts.b`)
}

// leaves returns the errors joined in err.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestDecoderNearest(t *testing.T) {
	t.Parallel()
	var got shapes
	d := NewDecoder("s.yaml")
	d.Decode(parseNode(t, "counts: {a: 1}\nlist: [x]\n"), &got, "")
	for _, tc := range []struct {
		field     string
		line, col int
	}{
		{"counts.a", 1, 13},
		{"counts.zz", 1, 9},
		{"list[0].deep.er", 2, 8},
		{"list[3]", 2, 7},
		{"nothing.here", 1, 1},
	} {
		n := d.Nearest(tc.field)
		if n == nil || n.Line != tc.line || n.Column != tc.col {
			t.Errorf("Nearest(%q) = %+v, want %d:%d", tc.field, n, tc.line, tc.col)
		}
	}
	if n := NewDecoder("s.yaml").Nearest("a.b"); n != nil {
		t.Errorf("Nearest in an unused decoder = %+v, want nil", n)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "# only a comment\n"} {
		if n, err := Parse("s.yaml", []byte(src)); n != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", src, n, err)
		}
	}
	n, err := Parse("s.yaml", []byte("a: 1\n"))
	if err != nil || n == nil || n.Kind != yaml.MappingNode || n.Line != 1 {
		t.Fatalf("Parse(a: 1) = %+v, %v", n, err)
	}
	if n, err := Parse("s.yaml", []byte("~\n")); err != nil || n == nil || !IsNull(n) {
		t.Fatalf("Parse(~) = %+v, %v; want a null node", n, err)
	}
	var pe *PosError
	if _, err := Parse("s.yaml", []byte("a: [\n")); !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "s.yaml:1:4: ") {
		t.Fatalf("syntax error = %v, want a *PosError at s.yaml:1:4", err)
	}
}
