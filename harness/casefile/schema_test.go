package casefile

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/cases"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/internal/schemacheck"
	"github.com/netconform/netconform/mockserver"
)

var update = flag.Bool("update", false, "rewrite cases/schema.json from the Go model")

const schemaPath = "../../cases/schema.json"

// The model types the schema writes by hand.
var (
	typePredicate = reflect.TypeFor[Predicate]()
	typeScenario  = reflect.TypeFor[mockserver.Scenario]()
	typeDuration  = reflect.TypeFor[Duration]()
)

// enums lists the closed value sets of string fields, by "Type.yamlKey".
var enums = map[string][]string{
	"Case.level":              {"must", "should", "info"},
	"Call.fn":                 {"request", "upload", "download"},
	"Call.listener":           {"none"},
	"Call.baseDirectory":      BaseDirs(),
	"GivenFile.dir":           BaseDirs(),
	"FileExpect.dir":          BaseDirs(),
	"Action.at":               {"began", "progress", "ended", "received", "sent"},
	"TimingExpect.from":       TimingMoments(),
	"TimingExpect.to":         TimingMoments(),
	"TimingExpect.each":       {"progress"},
	"Expect.skipInvariants[]": invariantNames(),
}

// required lists the keys a mapping must have, by type.
var required = map[string][]string{
	"Case":         {"id", "title", "requirements"},
	"Call":         {"url"},
	"GivenFile":    {"name"},
	"FileExpect":   {"name"},
	"TimingExpect": {"atLeast"},
}

// genSchema builds the JSON Schema of the case format from the Go model, so
// schema and loader cannot drift apart.
func genSchema() map[string]any {
	defs := map[string]any{}
	var typeSchema func(t reflect.Type, key string) map[string]any
	typeSchema = func(t reflect.Type, key string) map[string]any {
		switch t {
		case typePredicate:
			return ref("Predicate")
		case typeDuration:
			return map[string]any{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$`,
				"description": "a Go duration in API time, e.g. \"150ms\", \"2s\""}
		case typeScenario:
			return map[string]any{"type": "object", "description": "the mock server scenario (package mockserver): routes with status, headers, body, length, delays, trickle, fault, redirect, request, echo, then"}
		case reflect.TypeFor[Fields]():
			props := map[string]any{}
			for _, f := range trace.FieldNames() {
				props[f] = ref("Predicate")
			}
			if key == "RequestExpect.headers" {
				return map[string]any{"type": "object", "additionalProperties": ref("Predicate")}
			}
			return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		}
		switch t.Kind() {
		case reflect.Pointer:
			return typeSchema(t.Elem(), key)
		case reflect.String:
			s := map[string]any{"type": "string"}
			if e, ok := enums[key]; ok {
				s["enum"] = e
			}
			return s
		case reflect.Bool:
			return map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int64, reflect.Uint64:
			return map[string]any{"type": "integer"}
		case reflect.Float64:
			return map[string]any{"type": "number"}
		case reflect.Interface:
			return map[string]any{}
		case reflect.Slice:
			return map[string]any{"type": "array", "items": typeSchema(t.Elem(), key+"[]")}
		case reflect.Map:
			return map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem(), key+"{}")}
		case reflect.Struct:
			name := t.Name()
			if _, done := defs[name]; !done {
				defs[name] = nil // recursion guard
				props := map[string]any{}
				var walk func(t reflect.Type)
				walk = func(t reflect.Type) {
					for i := range t.NumField() {
						f := t.Field(i)
						k, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
						if !f.IsExported() || k == "-" {
							continue
						}
						if strings.Contains(opts, "inline") {
							walk(f.Type)
							continue
						}
						props[k] = typeSchema(f.Type, t.Name()+"."+k)
					}
				}
				walk(t)
				s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
				if r, ok := required[name]; ok {
					s["required"] = r
				}
				defs[name] = s
			}
			return ref(name)
		}
		panic(fmt.Sprintf("schema: unsupported type %s", t)) // test helper: a new model type needs a case here
	}
	caseRef := typeSchema(reflect.TypeFor[Case](), "Case")
	scalar := map[string]any{"type": []any{"string", "number", "boolean", "null"}}
	ops := map[string]any{
		"equals": map[string]any{}, "oneOf": map[string]any{"type": "array"}, "matches": map[string]any{"type": "string"},
		"present": map[string]any{"type": "boolean"}, "absent": map[string]any{"type": "boolean"},
		"gte": map[string]any{"type": "number"}, "lte": map[string]any{"type": "number"},
		"contains": map[string]any{"anyOf": []any{map[string]any{"type": "string"},
			map[string]any{"type": "object", "additionalProperties": ref("Predicate")}}},
		"served": map[string]any{"type": "string", "enum": []string{"size", "body"}},
	}
	defs["Predicate"] = map[string]any{
		"description": "a bare value (equals; null means absent) or a mapping of operators that must all hold",
		"anyOf":       []any{scalar, map[string]any{"type": "object", "properties": ops, "additionalProperties": false, "minProperties": 1}},
	}
	// id is a pattern, requirements items too.
	cs := defs["Case"].(map[string]any)["properties"].(map[string]any)
	cs["id"] = map[string]any{"type": "string", "pattern": IDPattern.String()}
	cs["requirements"] = map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": "string", "pattern": ReqPattern.String()}}
	return map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/netconform/netconform/cases/schema.json",
		"title":       "netconform conformance case file",
		"description": "One case, a list of cases, or {cases: [...]}. See harness/casefile/doc.go. Generated by `go test ./harness/casefile -run TestSchema -update`.",
		"anyOf": []any{caseRef, map[string]any{"type": "array", "items": caseRef},
			map[string]any{"type": "object", "properties": map[string]any{"cases": map[string]any{"type": "array", "items": caseRef}},
				"required": []string{"cases"}, "additionalProperties": false}},
		"$defs": defs,
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }

func TestSchemaMatchesModel(t *testing.T) {
	got, err := json.MarshalIndent(genSchema(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("cases/schema.json is out of date with the Go model: run go test ./harness/casefile -run TestSchema -update")
	}
}

// TestSchemaAgreesWithLoader validates documents against the schema (with a
// small validator for the keywords the schema uses) and through the loader:
// both must accept the doc.go example and every embedded case file (so an
// editor never flags a case the loader takes), and both must reject the same
// broken keys.
func TestSchemaAgreesWithLoader(t *testing.T) {
	t.Parallel()
	var schema map[string]any
	if err := json.Unmarshal(mustRead(t, cases.FS, "schema.json"), &schema); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"doc.go example": []byte(docExample(t))}
	err := fs.WalkDir(cases.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".yaml") {
			docs[p] = mustRead(t, cases.FS, p)
		}
		return err
	})
	if err != nil || len(docs) < 2 {
		t.Fatalf("found %d case files in cases.FS (%v), want the embedded cases", len(docs)-1, err)
	}
	for name, data := range docs {
		if _, err := Load(name, data); err != nil {
			t.Errorf("loader rejects %s: %v", name, err)
		}
		if errs := validate(t, schema, data); len(errs) > 0 {
			t.Errorf("schema rejects %s: %v", name, errs)
		}
	}
	head := "id: files.x\ntitle: t\nrequirements: [F2]\ncall: {url: x}\n"
	for _, bad := range []string{
		head + "expext: {}\n",
		head + "expect: {ended: {statsu: 1}}\n",
		head + "expect: {ended: {status: {gt: 1}}}\n",
		head + "call2: {}\n",
		strings.Replace(head, "files.x", "Files", 1),
		head + "actions: [{cancel: main, at: start}]\n",
		head + "expect: {files: [{name: a, sha: x}]}\n",
		head + "given: {files: [{dir: Docs, name: a}]}\n",
		head + "minScale: fast\n",
	} {
		if _, err := Load("bad.yaml", []byte(bad)); err == nil {
			t.Errorf("loader accepts %q", bad)
		}
		if errs := validate(t, schema, []byte(bad)); len(errs) == 0 {
			t.Errorf("schema accepts %q", bad)
		}
	}
}

func mustRead(t *testing.T, fsys fs.FS, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validate checks YAML data against the schema (normalised to JSON types
// first, as editors see it).
func validate(t *testing.T, schema map[string]any, data []byte) []string {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []string{err.Error()}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return []string{err.Error()}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return []string{err.Error()}
	}
	return schemacheck.Validate(schema, v)
}
