package oracle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// served is what the server sent for a call, for the served operator.
type served struct {
	rec mockserver.Record
	ok  bool
}

// eval checks one predicate against a value; it returns "" when the predicate
// holds, else a description of what was wanted.
func eval(p *casefile.Predicate, v any, present bool, sv served) string {
	if p == nil {
		return ""
	}
	if p.Present != nil {
		if *p.Present && !present {
			return "present"
		}
		if !*p.Present && present {
			return "absent"
		}
	}
	if p.Absent && present {
		return "absent"
	}
	needsValue := p.HasEquals || p.OneOf != nil || p.Matches != "" || p.Gte != nil || p.Lte != nil ||
		p.Contains != nil || p.Served != ""
	if !present {
		if needsValue {
			return describe(p)
		}
		return ""
	}
	if p.HasEquals && !equal(v, p.Equals) {
		return describe(p)
	}
	if p.OneOf != nil && !oneOf(v, p.OneOf) {
		return describe(p)
	}
	if p.Matches != "" {
		re, err := regexp.Compile(p.Matches)
		s, isStr := v.(string)
		if err != nil || !isStr || !re.MatchString(s) {
			return describe(p)
		}
	}
	if p.Gte != nil || p.Lte != nil {
		f, ok := trace.Number(v)
		if !ok || (p.Gte != nil && f < *p.Gte) || (p.Lte != nil && f > *p.Lte) {
			return describe(p)
		}
	}
	if p.Contains != nil {
		if w := evalContains(p.Contains, v, sv); w != "" {
			return w
		}
	}
	if p.Served != "" {
		if w := evalServed(p.Served, v, sv); w != "" {
			return w
		}
	}
	return ""
}

func evalContains(c *casefile.Contains, v any, sv served) string {
	if c.Text != nil {
		s, ok := v.(string)
		if !ok || !strings.Contains(s, *c.Text) {
			return fmt.Sprintf("contains %q", *c.Text)
		}
	}
	if c.Keys != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return "a table"
		}
		for _, k := range sortedKeys(c.Keys) {
			got, found := lookupFold(m, k)
			if w := eval(c.Keys[k], got, found, sv); w != "" {
				return fmt.Sprintf("[%s] %s", k, w)
			}
		}
	}
	return ""
}

func evalServed(what string, v any, sv served) string {
	if !sv.ok {
		return "served " + what + " (no journaled request)"
	}
	switch what {
	case "size":
		if f, ok := trace.Number(v); !ok || f != float64(sv.rec.BytesSent) {
			return fmt.Sprintf("the %d bytes served", sv.rec.BytesSent)
		}
	case "body":
		s, ok := v.(string)
		if !ok || sha(s) != sv.rec.BodySHA256 {
			return fmt.Sprintf("the body served (%d bytes, sha256 %s)", sv.rec.BytesSent, short(sv.rec.BodySHA256))
		}
	default:
		return fmt.Sprintf("served %q (unknown)", what)
	}
	return ""
}

// describe renders a predicate's value operators for a failure message.
func describe(p *casefile.Predicate) string {
	var parts []string
	if p.HasEquals {
		parts = append(parts, trace.Format(p.Equals))
	}
	if p.OneOf != nil {
		vs := make([]string, len(p.OneOf))
		for i, v := range p.OneOf {
			vs[i] = trace.Format(v)
		}
		parts = append(parts, "one of ["+strings.Join(vs, ", ")+"]")
	}
	if p.Matches != "" {
		parts = append(parts, fmt.Sprintf("matching /%s/", p.Matches))
	}
	if p.Gte != nil {
		parts = append(parts, ">= "+trace.Format(*p.Gte))
	}
	if p.Lte != nil {
		parts = append(parts, "<= "+trace.Format(*p.Lte))
	}
	if p.Contains != nil && p.Contains.Text != nil {
		parts = append(parts, fmt.Sprintf("containing %q", *p.Contains.Text))
	}
	if len(parts) == 0 {
		return "present"
	}
	return strings.Join(parts, " and ")
}

// equal compares values as Lua would see them: numbers numerically, maps key
// by key, lists item by item.
func equal(a, b any) bool {
	if fa, ok := trace.Number(a); ok {
		fb, ok := trace.Number(b)
		return ok && (fa == fb || math.IsNaN(fa) && math.IsNaN(fb))
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func oneOf(v any, list []any) bool {
	for _, w := range list {
		if equal(v, w) {
			return true
		}
	}
	return false
}

func lookupFold(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func short(hexsum string) string {
	if len(hexsum) > 12 {
		return hexsum[:12] + "…"
	}
	return hexsum
}
