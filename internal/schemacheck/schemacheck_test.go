package schemacheck

import (
	"encoding/json"
	"testing"
)

const schema = `{
  "$defs": {"name": {"type": "string", "pattern": "^[a-z]+$"}},
  "type": "object",
  "required": ["id"],
  "additionalProperties": false,
  "properties": {
    "id": {"$ref": "#/$defs/name"},
    "kind": {"enum": ["a", "b"]},
    "v": {"const": 1},
    "n": {"type": "integer", "minimum": 0},
    "at": {"type": "string", "format": "date-time"},
    "list": {"type": "array", "minItems": 1, "items": {"type": "boolean"}},
    "map": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^x"},
            "additionalProperties": {"type": "number"}},
    "either": {"anyOf": [{"type": "string"}, {"type": "null"}]}
  }
}`

// TestValidate gives every keyword one document it accepts and one it
// rejects.
func TestValidate(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal([]byte(schema), &s); err != nil {
		t.Fatal(err)
	}
	good := `{"id": "abc", "kind": "a", "v": 1, "n": 3, "at": "2026-11-21T15:00:00Z", "list": [true],
		"map": {"x1": 1.5}, "either": null}`
	tests := []struct{ name, doc string }{
		{"required", `{}`},
		{"additionalProperties false", `{"id": "a", "extra": 1}`},
		{"$ref and pattern", `{"id": "ABC"}`},
		{"enum", `{"id": "a", "kind": "c"}`},
		{"const", `{"id": "a", "v": 2}`},
		{"integer", `{"id": "a", "n": 1.5}`},
		{"minimum", `{"id": "a", "n": -1}`},
		{"date-time", `{"id": "a", "at": "yesterday"}`},
		{"minItems", `{"id": "a", "list": []}`},
		{"items", `{"id": "a", "list": [1]}`},
		{"minProperties", `{"id": "a", "map": {}}`},
		{"propertyNames", `{"id": "a", "map": {"y": 1}}`},
		{"additionalProperties schema", `{"id": "a", "map": {"x": "s"}}`},
		{"anyOf", `{"id": "a", "either": 1}`},
		{"type", `[]`},
	}
	var doc any
	if err := json.Unmarshal([]byte(good), &doc); err != nil {
		t.Fatal(err)
	}
	if errs := Validate(s, doc); len(errs) > 0 {
		t.Fatalf("valid document rejected: %v", errs)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			if errs := Validate(s, doc); len(errs) == 0 {
				t.Errorf("%s accepted", tc.doc)
			}
		})
	}
}
