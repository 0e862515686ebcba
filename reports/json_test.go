package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/schemacheck"
	"github.com/netconform/netconform/internal/testkit"
	"github.com/netconform/netconform/mockserver"
)

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return s
}

func fixtureDoc(t *testing.T) map[string]any {
	t.Helper()
	b := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, fixture()) })
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("report.json is not JSON: %v", err)
	}
	return doc
}

func TestJSONMatchesSchema(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	if errs := schemacheck.Validate(s, fixtureDoc(t)); len(errs) > 0 {
		t.Errorf("report.json violates its schema:\n%s", strings.Join(errs, "\n"))
	}
	empty := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, Report{}) })
	var doc any
	if err := json.Unmarshal(empty, &doc); err != nil {
		t.Fatal(err)
	}
	if errs := schemacheck.Validate(s, doc); len(errs) > 0 {
		t.Errorf("empty report violates the schema:\n%s", strings.Join(errs, "\n"))
	}
}

func TestSchemaValidatorRejects(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
		want   string
	}{
		{"unknown journal field", func(d map[string]any) {
			rec(d)["newField"] = 1
		}, `property "newField" not in schema`},
		{"missing required", func(d map[string]any) { delete(d, "summary") }, `missing required "summary"`},
		{"bad verdict", func(d map[string]any) { kase(d)["verdict"] = "passed" }, "not in enum"},
		{"bad version", func(d map[string]any) { d["schemaVersion"] = 2 }, "want const"},
		{"bad date", func(d map[string]any) { rec(d)["received"] = "yesterday" }, "not a date-time"},
		{"one attempt written", func(d map[string]any) { kase(d)["attempts"] = 1 }, "below minimum"},
		{"void attempt without stall", func(d map[string]any) {
			delete(kase(d)["voidAttempts"].([]any)[0].(map[string]any), "stallMs")
		}, `missing required "stallMs"`},
		{"bad matrix key", func(d map[string]any) {
			d["requirements"].([]any)[0].(map[string]any)["cases"] = map[string]any{"ok": []any{}}
		}, "not in enum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := fixtureDoc(t)
			tc.mutate(doc)
			b, _ := json.Marshal(doc)
			var again any
			_ = json.Unmarshal(b, &again)
			errs := schemacheck.Validate(s, again)
			if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
				t.Errorf("errors %q lack %q", errs, tc.want)
			}
		})
	}
}

func kase(d map[string]any) map[string]any { return d["cases"].([]any)[1].(map[string]any) }

func rec(d map[string]any) map[string]any {
	return kase(d)["journal"].([]any)[0].(map[string]any)
}

// TestSchemaCoversEveryField catches drift: a field added to a type that
// report.json embeds must be added to the schema too.
func TestSchemaCoversEveryField(t *testing.T) {
	t.Parallel()
	defs := loadSchema(t)["$defs"].(map[string]any)
	tests := []struct {
		def string
		typ reflect.Type
	}{
		{"record", reflect.TypeFor[mockserver.Record]()},
		{"serverEvent", reflect.TypeFor[mockserver.Event]()},
		{"mismatch", reflect.TypeFor[result.Mismatch]()},
		{"fileChange", reflect.TypeFor[result.FileChange]()},
		{"fileState", reflect.TypeFor[result.FileState]()},
		{"summary", reflect.TypeFor[Summary]()},
		{"requirement", reflect.TypeFor[jsonRule]()},
		{"case", reflect.TypeFor[jsonCase]()},
		{"event", reflect.TypeFor[jsonEvent]()},
		{"run", reflect.TypeFor[jsonRun]()},
		{"voidAttempt", reflect.TypeFor[jsonVoid]()},
		{"fileEvent", reflect.TypeFor[jsonFileEvent]()},
	}
	for _, tc := range tests {
		props := defs[tc.def].(map[string]any)["properties"].(map[string]any)
		names := jsonNames(tc.typ)
		for _, n := range names {
			if _, ok := props[n]; !ok {
				t.Errorf("$defs.%s lacks property %q of %s", tc.def, n, tc.typ)
			}
		}
		for p := range props {
			if !contains(names, p) {
				t.Errorf("$defs.%s has property %q that %s does not write", tc.def, p, tc.typ)
			}
		}
	}
}

// jsonNames returns the JSON names of a struct's fields, embedded structs
// flattened.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSchemaFile(t *testing.T) {
	t.Parallel()
	disk, err := os.ReadFile("schema/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, Schema()) {
		t.Error("Schema() differs from schema/report.schema.json")
	}
	if c := loadSchema(t)["properties"].(map[string]any)["schemaVersion"].(map[string]any)["const"]; c != float64(SchemaVersion) {
		t.Errorf("schema pins schemaVersion %v, code writes %d", c, SchemaVersion)
	}
}

func TestJSONContent(t *testing.T) {
	t.Parallel()
	doc := fixtureDoc(t)
	if doc["schemaVersion"] != float64(1) {
		t.Errorf("schemaVersion = %v", doc["schemaVersion"])
	}
	sum := doc["summary"].(map[string]any)
	for k, want := range map[string]float64{"total": 7, "pass": 2, "info": 1, "warn": 1, "fail": 1, "error": 1, "skip": 1} {
		if sum[k] != want {
			t.Errorf("summary.%s = %v, want %v", k, sum[k], want)
		}
	}
	status := map[string]string{}
	levels := map[string]string{}
	for _, r := range doc["requirements"].([]any) {
		m := r.(map[string]any)
		status[m["id"].(string)] = m["status"].(string)
		levels[m["id"].(string)] = m["level"].(string)
	}
	wantStatus := map[string]string{"E1": "pass", "E3": "pass", "E10": "warn", "E11": "info", "F2": "fail",
		"T1": "error", "T2": "error", "D3": "warn", "C1": "pass", "S2": "skip", "U1": "untested", "X9": "pass"}
	for id, want := range wantStatus {
		if status[id] != want {
			t.Errorf("requirement %s status = %q, want %q", id, status[id], want)
		}
	}
	if levels["X9"] != "should" {
		t.Errorf("X9 (not catalogued) level = %q, want should from its case", levels["X9"])
	}
	c := kase(doc)
	if c["durationMs"] != 45.25 || c["area"] != "events" {
		t.Errorf("case durationMs %v area %v", c["durationMs"], c["area"])
	}
	if at := c["trace"].([]any)[1].(map[string]any)["atMs"]; at != float64(22) {
		t.Errorf("trace[1].atMs = %v, want 22", at)
	}
	run := doc["run"].(map[string]any)
	if run["started"] != "2026-03-04T05:06:07Z" || run["ended"] != "2026-03-04T05:06:09.1Z" || run["driver"] != "inproc" {
		t.Errorf("run = %v", run)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	first := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, fixture()) })
	rep, err := ReadJSON(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	second := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, rep) })
	if !bytes.Equal(first, second) {
		t.Errorf("round trip changed the report:\n%s", testkit.FirstDiff(string(first), string(second)))
	}
	if rep.Run.Cases[1].Trace[2].At != dur(41) || rep.Info.Host.CPUs != 2 {
		t.Errorf("round trip lost values: %v %v", rep.Run.Cases[1].Trace[2].At, rep.Info.Host)
	}
	if c := rep.Run.Cases[1]; !c.Start.Equal(t0) {
		t.Errorf("round trip start = %v, want %v", c.Start, t0)
	}
	if c := rep.Run.Cases[2]; !c.Start.IsZero() {
		t.Errorf("a case without start reads back with start %v", c.Start)
	}
	want := fixture().Run.Cases[1]
	if c := rep.Run.Cases[1]; c.Attempts != 3 || !reflect.DeepEqual(c.VoidAttempts, want.VoidAttempts) {
		t.Errorf("round trip attempts = %d %+v, want 3 %+v", c.Attempts, c.VoidAttempts, want.VoidAttempts)
	}
	if c := rep.Run.Cases[4]; !c.LastAttemptVoid() {
		t.Errorf("round trip lost the void result of %s: %+v", c.ID, c.VoidAttempts)
	}
}

// TestJSONAttempts: a case that ran once writes no attempt field; a re-run
// case writes its attempts and void attempts in milliseconds; a verdict from
// a void attempt is flagged voidResult; the summary counts them.
func TestJSONAttempts(t *testing.T) {
	t.Parallel()
	doc := fixtureDoc(t)
	cases := map[string]map[string]any{}
	for _, c := range doc["cases"].([]any) {
		m := c.(map[string]any)
		cases[m["id"].(string)] = m
	}
	for _, k := range []string{"attempts", "voidAttempts", "voidResult"} {
		if v, ok := cases["cancel.at-began"][k]; ok {
			t.Errorf("a case run once writes %s = %v", k, v)
		}
	}
	rerun := cases["events.download-progress"]
	if rerun["attempts"] != float64(3) || rerun["voidResult"] != nil {
		t.Errorf("re-run case: attempts %v, voidResult %v", rerun["attempts"], rerun["voidResult"])
	}
	v0 := rerun["voidAttempts"].([]any)[0].(map[string]any)
	if v0["attempt"] != float64(1) || v0["verdict"] != "fail" || v0["stallMs"] != float64(496) || v0["atMs"] != float64(120) ||
		!strings.Contains(v0["note"].(string), "the host stalled this process for 496ms") {
		t.Errorf("voidAttempts[0] = %v", v0)
	}
	if v := cases["redirects.303-get"]; v["voidResult"] != true || len(v["voidAttempts"].([]any)) != 3 {
		t.Errorf("void result case: voidResult %v, voidAttempts %v", v["voidResult"], v["voidAttempts"])
	}
	sum := doc["summary"].(map[string]any)
	if sum["voidAttempts"] != float64(5) || sum["voidResults"] != float64(1) {
		t.Errorf("summary void counts %v %v, want 5 1", sum["voidAttempts"], sum["voidResults"])
	}
	empty := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, Report{}) })
	if bytes.Contains(empty, []byte("void")) {
		t.Errorf("a run without void attempts mentions them:\n%s", empty)
	}
}

func TestReadJSONRejects(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not json", "<xml/>", "read report json"},
		{"no version", `{"cases": []}`, "no schemaVersion"},
		{"future version", `{"schemaVersion": 2}`, "schemaVersion 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadJSON(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadJSON(%s) = %v, want error with %q", tc.in, err, tc.want)
			}
		})
	}
}
