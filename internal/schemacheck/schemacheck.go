// Package schemacheck validates JSON documents against the subset of JSON
// Schema (draft 2020-12) that netconform's own schemas use, so tests can
// prove a schema and the Go code that reads or writes the same format agree
// without a third-party validator. Keywords: type, const, enum, pattern,
// required, properties, additionalProperties (false or a schema),
// propertyNames, items, minItems, minProperties, anyOf, minimum, format
// date-time and local $ref into $defs. Other keywords are ignored.
package schemacheck

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Validate checks doc, a value as encoding/json decodes it into an any
// (maps, slices, float64, string, bool, nil), against schema, and returns
// every violation as "path: message", sorted. $ref values resolve against the
// schema's own $defs.
func Validate(schema map[string]any, doc any) []string {
	v := &validator{root: schema}
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

// resolve follows local $refs (a bounded number of times, so a cycle ends),
// merging sibling keywords over the definition.
func (v *validator) resolve(s map[string]any) map[string]any {
	for range 10 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		defs, _ := v.root["$defs"].(map[string]any)
		def, ok := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
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
	if alts, ok := s["anyOf"].([]any); ok {
		var why []string
		matched := false
		for _, a := range alts {
			sub := &validator{root: v.root}
			sub.check(path, a.(map[string]any), doc)
			matched = matched || len(sub.errs) == 0
			why = append(why, sub.errs...)
		}
		if !matched {
			v.fail(path, "matches no anyOf alternative (%s)", strings.Join(why, "; "))
		}
	}
	if t, ok := s["type"]; ok && !typeOK(t, doc) {
		v.fail(path, "want type %v, got %T", t, doc)
		return
	}
	if c, ok := s["const"]; ok && !jsonEqual(c, doc) {
		v.fail(path, "want const %v, got %v", c, doc)
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return jsonEqual(x, doc) }) {
		v.fail(path, "%v not in enum %v", doc, e)
	}
	if str, ok := doc.(string); ok {
		if p, ok := s["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err != nil {
				v.fail(path, "bad pattern %q: %v", p, err)
			} else if !re.MatchString(str) {
				v.fail(path, "%q does not match %s", str, p)
			}
		}
		if f, _ := s["format"].(string); f == "date-time" {
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
		if n, ok := s["minItems"].(float64); ok && float64(len(d)) < n {
			v.fail(path, "%d items, want at least %v", len(d), n)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range d {
				v.check(fmt.Sprintf("%s[%d]", path, i), items, x)
			}
		}
	}
}

func (v *validator) object(path string, s map[string]any, d map[string]any) {
	if n, ok := s["minProperties"].(float64); ok && float64(len(d)) < n {
		v.fail(path, "%d properties, want at least %v", len(d), n)
	}
	req, _ := s["required"].([]any)
	for _, r := range req {
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
