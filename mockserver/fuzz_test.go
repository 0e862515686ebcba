package mockserver

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// configSeeds seed the route-config fuzzers: the documented full example,
// each value form, and broken inputs.
var configSeeds = []string{
	fullConfig,
	"routes: [{path: /a, body: hi}]",
	"routes: [{path: /a, then: [{status: 503}, {status: 200, body: {base64: AAEC}}]}]",
	"routes: [{path: /r, redirect: {hops: 3, loop: true, hopStyle: absolute}}]",
	"routes: [{path: /f, fault: {kind: malformedChunk}, length: none, trickle: {chunks: 3, total: 1s}}]",
	"routes: [{path: /u, method: post, request: {resetAfter: 10, answerEarly: true}}]",
	"routes: [{path: /h, headers: {X-A: [1, true, null]}, length: {lie: 5}}]",
	`{"routes": [{"path": "/j", "status": 201, "delayBody": "10ms"}]}`,
	"routes: [{path: a}]", "routes: [{path: /a, statsu: 1}]", "routes: {}", "routes: [&x {path: /a}, *x]",
	"routes: [{path: /a, body: {text: a, base64: b}}]", "routes: [{path: /a, delayHeaders: -1s}]",
	"", "null", "[", "- 1", "routes: [{path: /a, body: {generate: {size: 99999999999999}}}]",
}

// FuzzParseConfig feeds arbitrary YAML to ParseConfig: it must never panic,
// a rejection must be an error naming the file, and an accepted scenario
// must be valid and survive a JSON and a YAML round trip unchanged (what
// `netconform serve --config` reads is what a case's JSON or YAML gives).
func FuzzParseConfig(f *testing.F) {
	for _, s := range configSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseConfig("r.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "r.yaml") {
				t.Fatalf("ParseConfig error %q does not name the file", err)
			}
			return
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted an invalid scenario: %v", err)
		}
		js, err := json.Marshal(sc)
		if err != nil {
			t.Fatalf("marshal %+v: %v", sc, err)
		}
		var back Scenario
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("JSON round trip: unmarshal %s: %v", js, err)
		}
		if !sameScenario(back, sc) {
			t.Fatalf("JSON round trip changed the scenario:\nin   %q\ngot  %+v\nwant %+v\njson %s", data, back, sc, js)
		}
		ys, err := yaml.Marshal(sc)
		if err != nil {
			t.Fatalf("yaml marshal %+v: %v", sc, err)
		}
		back, err = ParseConfig("again.yaml", ys)
		if err != nil {
			t.Fatalf("YAML round trip: reparse %s: %v", ys, err)
		}
		if !sameScenario(back, sc) {
			t.Fatalf("YAML round trip changed the scenario:\nin   %q\ngot  %+v\nwant %+v\nyaml %s", data, back, sc, ys)
		}
	})
}

// sameScenario reports whether a and b are deeply equal once empty slices
// count as absent: `routes: []` and no routes are the same scenario, and
// YAML's omitempty writes the first as the second.
func sameScenario(a, b Scenario) bool {
	na, nb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	nilEmpty(na)
	nilEmpty(nb)
	return reflect.DeepEqual(a, b)
}

// nilEmpty sets every empty slice reachable from v (settable) to nil.
func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				nilEmpty(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for i := range v.Len() {
			nilEmpty(v.Index(i))
		}
	}
}

// FuzzValidate decodes arbitrary JSON into a Scenario with encoding/json
// (no validation on the way, unlike the YAML decoder) and validates it:
// Validate must never panic, every problem must be a *FieldError naming its
// field, and Install must accept exactly what Validate accepts.
func FuzzValidate(f *testing.F) {
	for _, s := range configSeeds {
		if sc, err := ParseConfig("seed.yaml", []byte(s)); err == nil {
			if js, err := json.Marshal(sc); err == nil {
				f.Add(js)
			}
		}
	}
	f.Add([]byte(`{"routes":[{"path":"/a","status":99,"body":{"text":"x","file":"y"},"fault":{"kind":"boom","at":"never","bytes":-1}}]}`))
	f.Add([]byte(`{"routes":[{"path":"/a","trickle":{"bytes":-1,"chunks":2},"redirect":{"hops":-5,"status":200}}]}`))
	f.Add([]byte(`{"routes":[{"path":"/a","length":{"mode":"lie"},"request":{"slowRead":{"bytes":0}}}]}`))
	srv := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var sc Scenario
		if json.Unmarshal(data, &sc) != nil {
			return
		}
		verr := sc.Validate()
		if verr != nil {
			for _, e := range leafErrors(verr) {
				var fe *FieldError
				if !errors.As(e, &fe) || !strings.HasPrefix(fe.Field, "routes[") || fe.Err == nil {
					t.Fatalf("Validate problem %T %q is not a *FieldError on a route", e, e)
				}
			}
		}
		if ierr := srv.Install("fuzz", sc); (ierr == nil) != (verr == nil) {
			t.Fatalf("Install = %v but Validate = %v", ierr, verr)
		}
	})
}

// leafErrors unwraps errors.Join trees into their leaves.
func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// newFuzzServer starts one server for a whole fuzz run, closed at cleanup.
func newFuzzServer(f *testing.F) *Server {
	f.Helper()
	s, err := New()
	if err != nil {
		f.Fatalf("start server: %v", err)
	}
	f.Cleanup(func() {
		if err := s.Close(); err != nil {
			f.Errorf("close server: %v", err)
		}
	})
	return s
}
