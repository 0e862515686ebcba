package mockserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// Scenarios decode with the project's strict decoder (package strictyaml):
// unknown keys get a did-you-mean, scalars must have the right type, and
// every problem is a positioned *PosError. The route model adds its own
// forms on top: Duration, Headers, Body and Length read shorthand scalars
// (their UnmarshalStrict methods in codec.go), and a Scenario validates
// itself once decoded ([Scenario.Validate]), its *FieldError values
// positioned at their fields.

// PosError is a decoding error at a position of a YAML file, as
// [DecodeScenario] and [ParseConfig] return it. Its message is
// "file:line:col: field: message", for example
//
//	routes.yaml:7:5: routes[0].statsu: unknown key "statsu" (did you mean "status"?)
//
// It is the strict decoder's position error (package internal/strictyaml),
// named here for users of this package.
type PosError = strictyaml.PosError

// DecodeScenario decodes a Scenario from a YAML node (for example a case
// file's `server:` mapping) strictly: unknown keys and wrong types are
// *PosError values naming file, line, column and field path, and the result
// is validated with [Scenario.Validate], whose errors are positioned too.
// file names the document in messages, and its folder is where body files
// resolve: they must be inside it (see [LoadConfig]). Several problems are
// joined with errors.Join, in document order. A nil or null node gives the
// zero Scenario.
func DecodeScenario(file string, n *yaml.Node) (Scenario, error) {
	return decodeScenario(context.Background(), file, n, false)
}

func decodeScenario(ctx context.Context, file string, n *yaml.Node, allowOutside bool) (Scenario, error) {
	var sc Scenario
	d := strictyaml.NewDecoder(file)
	d.Context = ctx
	d.Files = strictyaml.Files{Dir: filepath.Dir(file), AllowOutside: allowOutside}
	d.Decode(n, &sc, "")
	if err := d.Err(); err != nil {
		return Scenario{}, err
	}
	return sc, nil
}

// ParseConfig decodes a whole YAML (or JSON, a subset of YAML) file holding a
// Scenario, with DecodeScenario's strict errors; filename is its path. An
// empty file is an error. It is [LoadConfig] on text already read, with
// body files inside the file's folder.
func ParseConfig(filename string, data []byte) (Scenario, error) {
	return parseConfig(context.Background(), filename, data, false)
}

// LoadConfig reads and decodes a routes file, as `netconform serve
// --config` does. The file is held to the limits of every YAML file
// (strictyaml.Parse: size, aliases expanded, syntax errors at
// file:line:col), decoding stops when ctx is done, and a body file
// ({file: data.bin}) resolves in the routes file's folder and must be
// inside it: an absolute path, a path through "..", or a symbolic link
// that leads out is an error unless allowOutside is set. The decoded
// scenario holds each body file's absolute path.
func LoadConfig(ctx context.Context, filename string, allowOutside bool) (Scenario, error) {
	data, err := os.ReadFile(filename)
	if err != nil {
		return Scenario{}, fmt.Errorf("read config: %w", err)
	}
	return parseConfig(ctx, filename, data, allowOutside)
}

func parseConfig(ctx context.Context, filename string, data []byte, allowOutside bool) (Scenario, error) {
	root, err := strictyaml.Parse(filename, data)
	if err != nil {
		return Scenario{}, err
	}
	if root == nil {
		return Scenario{}, fmt.Errorf("%s: empty config", filename)
	}
	return decodeScenario(ctx, filename, root, allowOutside)
}

// scenarioFields is Scenario without its methods, for the reflective walk.
type scenarioFields Scenario

// UnmarshalStrict decodes a scenario mapping; Validate runs afterwards, as
// for any value that has it. String fields take the text of any scalar, as
// `serve --config` reads them, even in a decoder with StrictStrings set (a
// case file's `server:` block), so a scenario reads the same everywhere.
func (sc *Scenario) UnmarshalStrict(d *strictyaml.Decoder, n *yaml.Node, field string) error {
	strict := d.StrictStrings
	d.StrictStrings = false
	d.Decode(n, (*scenarioFields)(sc), field)
	d.StrictStrings = strict
	return nil
}
