package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// validate checks doc against the subset of JSON Schema that
// report.schema.json uses: type, const, enum, required, properties,
// additionalProperties (false or a schema), propertyNames, items, anyOf,
// minimum, format date-time and local $ref. It returns every violation.
func validate(root map[string]any, schema map[string]any, doc any) []string {
	v := &validator{root: root}
	v.check("$", schema, doc)
	sort.Strings(v.errs)
	return v.errs
}

type validator struct {
	root map[string]any
	errs []string
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *validator) resolve(s map[string]any) map[string]any {
	for range 10 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		def, ok := v.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if !ok {
			v.fail(ref, "unresolved $ref")
			return map[string]any{}
		}
		merged := map[string]any{}
		for k, x := range def {
			merged[k] = x
		}
		for k, x := range s {
			if k != "$ref" {
				merged[k] = x
			}
		}
		s = merged
	}
	return s
}

func (v *validator) check(path string, s map[string]any, doc any) {
	s = v.resolve(s)
	if c, ok := s["const"]; ok && !jsonEqual(c, doc) {
		v.fail(path, "want const %v, got %v", c, doc)
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return jsonEqual(x, doc) }) {
		v.fail(path, "%v not in enum %v", doc, e)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		matched := false
		for _, a := range alts {
			sub := &validator{root: v.root}
			sub.check(path, a.(map[string]any), doc)
			matched = matched || len(sub.errs) == 0
		}
		if !matched {
			v.fail(path, "%v matches no anyOf alternative", doc)
		}
	}
	if t, ok := s["type"]; ok && !typeOK(t, doc) {
		v.fail(path, "want type %v, got %T", t, doc)
		return
	}
	if f, _ := s["format"].(string); f == "date-time" {
		if str, ok := doc.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				v.fail(path, "not a date-time: %q", str)
			}
		}
	}
	if m, ok := s["minimum"].(float64); ok {
		if n, isNum := doc.(float64); isNum && n < m {
			v.fail(path, "%v below minimum %v", n, m)
		}
	}
	switch d := doc.(type) {
	case map[string]any:
		v.object(path, s, d)
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range d {
				v.check(fmt.Sprintf("%s[%d]", path, i), items, x)
			}
		}
	}
}

func (v *validator) object(path string, s map[string]any, d map[string]any) {
	for _, r := range asSlice(s["required"]) {
		if _, ok := d[r.(string)]; !ok {
			v.fail(path, "missing required %q", r)
		}
	}
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pn, ok := s["propertyNames"].(map[string]any); ok {
			v.check(path+".<name "+k+">", pn, k)
		}
		if ps, ok := props[k].(map[string]any); ok {
			v.check(path+"."+k, ps, d[k])
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				v.fail(path, "property %q not in schema", k)
			}
		case map[string]any:
			v.check(path+"."+k, ap, d[k])
		}
	}
}

func asSlice(x any) []any {
	s, _ := x.([]any)
	return s
}

func typeOK(t any, doc any) bool {
	if ts, ok := t.([]any); ok {
		return slices.ContainsFunc(ts, func(x any) bool { return typeOK(x, doc) })
	}
	switch t {
	case "object":
		_, ok := doc.(map[string]any)
		return ok
	case "array":
		_, ok := doc.([]any)
		return ok
	case "string":
		_, ok := doc.(string)
		return ok
	case "boolean":
		_, ok := doc.(bool)
		return ok
	case "null":
		return doc == nil
	case "number":
		_, ok := doc.(float64)
		return ok
	case "integer":
		n, ok := doc.(float64)
		return ok && n == math.Trunc(n)
	}
	return false
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
