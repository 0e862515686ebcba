package casefile

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// Case files decode with the project's strict decoder (strictyaml.Decoder):
// unknown keys get a did-you-mean suggestion, scalars must have the right
// type, every problem is a positioned *strictyaml.PosError. The case format
// adds three things on top of it:
//   - string fields take only YAML strings, as cases/schema.json says;
//   - every decoded struct with a Pos field records where its mapping starts;
//   - Predicate and Contains have shorthand forms (their UnmarshalStrict
//     methods in predicate.go).
//
// The `server:` block is a mockserver.Scenario, which decodes (and validates)
// itself inside the same decoder, so its errors are positioned in the case
// file under "server.".

// typePos is the type of the Pos fields newDecoder fills in.
var typePos = reflect.TypeFor[Pos]()

// newDecoder returns the strict decoder for the case file named file.
func newDecoder(file string) *strictyaml.Decoder {
	d := strictyaml.NewDecoder(file)
	d.StrictStrings = true
	d.AfterStruct = func(v reflect.Value, n *yaml.Node) {
		if f := v.FieldByName("Pos"); f.IsValid() && f.Type() == typePos && f.CanSet() {
			f.Set(reflect.ValueOf(posOf(d, n)))
		}
	}
	return d
}

// posOf returns the position of node n in the decoder's file.
func posOf(d *strictyaml.Decoder, n *yaml.Node) Pos {
	return Pos{File: d.File(), Line: n.Line, Col: n.Column}
}

// nodeAt returns the node decoded at field; a field ending in "#key" means
// the key node of the entry.
func nodeAt(d *strictyaml.Decoder, field string) *yaml.Node {
	if f, ok := strings.CutSuffix(field, "#key"); ok {
		return d.KeyNode(f)
	}
	return d.Node(field)
}
