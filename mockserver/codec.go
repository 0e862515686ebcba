package mockserver

// The shorthand encodings of Duration, Headers, Body and Length, in YAML (for
// the strict decoder and yaml.Marshal) and in JSON.

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// UnmarshalStrict reads a Go duration string such as "150ms" (or a bare
// 0); a number with no unit is an error that suggests one, and null leaves
// the duration unchanged.
func (dur *Duration) UnmarshalStrict(_ *strictyaml.Decoder, n *yaml.Node, _ string) error {
	if strictyaml.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a duration such as \"150ms\", got %s", strictyaml.Describe(n))
	}
	if n.ShortTag() == "!!int" || n.ShortTag() == "!!float" {
		if n.Value == "0" {
			*dur = 0
			return nil
		}
		return fmt.Errorf("duration %s needs a unit, such as \"%sms\" or \"%ss\"", n.Value, n.Value, n.Value)
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return err
	}
	*dur = v
	return nil
}

// UnmarshalStrict reads a mapping of header name to a string or a list of
// strings (a repeated header), keeping the mapping's order; null leaves the
// headers unchanged.
func (h *Headers) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	if strictyaml.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("want a mapping of header name to a string or a list of strings, got %s", strictyaml.Describe(n))
	}
	out := Headers{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := strictyaml.Join(field, k.Value)
		v = strictyaml.Resolve(v)
		d.Remember(sub, k, v)
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			d.Failf(k, field, "header names must be non-empty strings, got %s", strictyaml.Describe(k))
			continue
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null":
			out = append(out, Header{Name: k.Value, Value: v.Value})
		case v.Kind == yaml.SequenceNode:
			for j, item := range v.Content {
				item = strictyaml.Resolve(item)
				if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
					d.Failf(item, fmt.Sprintf("%s[%d]", sub, j), "want a string, got %s", strictyaml.Describe(item))
					continue
				}
				out = append(out, Header{Name: k.Value, Value: item.Value})
			}
		default:
			d.Failf(v, sub, "want a string or a list of strings, got %s", strictyaml.Describe(v))
		}
	}
	*h = out
	return nil
}

// grouped returns the header names in first-appearance order with their
// values.
func (h Headers) grouped() ([]string, map[string][]string) {
	var names []string
	vals := map[string][]string{}
	for _, x := range h {
		if _, ok := vals[x.Name]; !ok {
			names = append(names, x.Name)
		}
		vals[x.Name] = append(vals[x.Name], x.Value)
	}
	return names, vals
}

// MarshalJSON writes the headers as an object of name to string (or list of
// strings for a repeated name), names in first-appearance order.
func (h Headers) MarshalJSON() ([]byte, error) {
	names, vals := h.grouped()
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		var v []byte
		var err error
		if len(vals[name]) == 1 {
			v, err = json.Marshal(vals[name][0])
		} else {
			v, err = json.Marshal(vals[name])
		}
		if err != nil {
			return nil, fmt.Errorf("marshal header %s: %w", name, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of name to string or list of strings, keeping
// the order of the object.
func (h *Headers) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read headers: %w", err)
	}
	if tok == nil {
		*h = nil
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("headers must be an object of name to string or list of strings")
	}
	out := Headers{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read header name: %w", err)
		}
		name, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("read header %s: %w", name, err)
		}
		var one string
		if json.Unmarshal(raw, &one) == nil {
			out = append(out, Header{Name: name, Value: one})
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			return fmt.Errorf("header %s: want a string or a list of strings", name)
		}
		for _, v := range many {
			out = append(out, Header{Name: name, Value: v})
		}
	}
	*h = out
	return nil
}

// MarshalYAML writes the headers as a mapping of name to string or list.
func (h Headers) MarshalYAML() (any, error) {
	names, vals := h.grouped()
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, name := range names {
		k := &yaml.Node{Kind: yaml.ScalarNode, Value: name}
		v := &yaml.Node{}
		var err error
		if len(vals[name]) == 1 {
			err = v.Encode(vals[name][0])
		} else {
			err = v.Encode(vals[name])
		}
		if err != nil {
			return nil, fmt.Errorf("encode header %s: %w", name, err)
		}
		m.Content = append(m.Content, k, v)
	}
	return m, nil
}

// bodyFields is Body without its methods, for the mapping form.
type bodyFields Body

// UnmarshalStrict reads a scalar (the text) or a mapping with one of text,
// base64, generate or file; null leaves the body unchanged. A file is held
// to the decoder's rule for local files (strictyaml.Files: inside the
// folder of the file being decoded, unless allowed) and becomes the
// absolute path to open.
func (b *Body) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	switch {
	case strictyaml.IsNull(n):
	case n.Kind == yaml.ScalarNode:
		*b = Body{Text: n.Value}
	default:
		var f bodyFields
		d.Decode(n, &f, field)
		if f.File != "" {
			sub := strictyaml.Join(field, "file")
			at := d.Node(sub)
			if at == nil {
				at = n
			}
			f.File = d.LocalFile(at, sub, f.File)
		}
		*b = Body(f)
	}
	return nil
}

func (b Body) textOnly() bool { return b.Base64 == "" && b.Generate == nil && b.File == "" }

// MarshalJSON writes a text-only body as a string, others as an object.
func (b Body) MarshalJSON() ([]byte, error) {
	if b.textOnly() {
		return json.Marshal(b.Text)
	}
	return json.Marshal(bodyFields(b))
}

// UnmarshalJSON reads a string (the text) or an object with one of text,
// base64, generate or file; unknown keys are errors.
func (b *Body) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*b = Body{Text: s}
		return nil
	}
	var f bodyFields
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	*b = Body(f)
	return nil
}

// MarshalYAML writes a text-only body as a string, others as a mapping.
func (b Body) MarshalYAML() (any, error) {
	if b.textOnly() {
		return b.Text, nil
	}
	return bodyFields(b), nil
}

// lieFields is the mapping form of Length.
type lieFields struct {
	Lie int64 `yaml:"lie" json:"lie"`
}

// UnmarshalStrict reads "auto", "none" or {lie: N}; null leaves the length
// unchanged.
func (l *Length) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	switch {
	case strictyaml.IsNull(n):
	case n.Kind == yaml.ScalarNode:
		*l = Length{Mode: n.Value}
	case n.Kind == yaml.MappingNode:
		var f lieFields
		d.Decode(n, &f, field)
		*l = Length{Mode: LengthLie, Lie: f.Lie}
	default:
		return fmt.Errorf("want \"auto\", \"none\" or {lie: N}, got %s", strictyaml.Describe(n))
	}
	return nil
}

// MarshalJSON writes "auto", "none" or {"lie": N}.
func (l Length) MarshalJSON() ([]byte, error) {
	if l.Mode == LengthLie {
		return json.Marshal(lieFields{Lie: l.Lie})
	}
	return json.Marshal(l.mode())
}

// UnmarshalJSON reads "auto", "none" or {"lie": N}.
func (l *Length) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*l = Length{Mode: s}
		return nil
	}
	var f lieFields
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("length: want \"auto\", \"none\" or {\"lie\": N}: %w", err)
	}
	*l = Length{Mode: LengthLie, Lie: f.Lie}
	return nil
}

// MarshalYAML writes "auto", "none" or {lie: N}.
func (l Length) MarshalYAML() (any, error) {
	if l.Mode == LengthLie {
		return lieFields{Lie: l.Lie}, nil
	}
	return l.mode(), nil
}

func (l Length) mode() string {
	if l.Mode == "" {
		return LengthAuto
	}
	return l.Mode
}
