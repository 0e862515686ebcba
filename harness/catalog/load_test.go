package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/result"
)

// entry is a valid requirement; tests append or change lines around it.
const entry = `  - id: A1
    level: must
    area: events
    title: A title
    text: The rule.
    source:
      kind: doc
      ref: network.request
      quote: A quote.
`

func TestLoadValid(t *testing.T) {
	t.Parallel()
	data := "requirements:\n" + entry + strings.ReplaceAll(entry, "A1", "A2") +
		`  - id: B10
    level: info
    area: tls
    title: "308"
    text: >-
      Folded
      text.
    notes:
      - level: should
        text: A clause.
    source: {kind: platform, quote: What they do.}
`
	cat, err := catalog.Load([]byte(data))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := strings.Join(cat.IDs(), ","); got != "A1,A2,B10" {
		t.Errorf("IDs = %s, want A1,A2,B10", got)
	}
	r, ok := cat.Get("B10")
	if !ok {
		t.Fatal("B10 missing")
	}
	want := catalog.Requirement{
		ID: "B10", Level: result.LevelInfo, Area: catalog.AreaTLS, Title: "308", Text: "Folded text.",
		Notes:  []catalog.Note{{Level: result.LevelShould, Text: "A clause."}},
		Source: catalog.Source{Kind: catalog.SourcePlatform, Quote: "What they do."},
		Line:   20,
	}
	if r.ID != want.ID || r.Level != want.Level || r.Area != want.Area || r.Title != want.Title ||
		r.Text != want.Text || len(r.Notes) != 1 || r.Notes[0] != want.Notes[0] ||
		r.Source != want.Source || r.Line != want.Line {
		t.Errorf("Get(B10):\nwant: %+v\ngot:  %+v", want, r)
	}
	a1, _ := cat.Get("A1")
	if a1.Source.Ref != "network.request" || a1.Notes != nil {
		t.Errorf("A1 = %+v", a1)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		want    []string // substrings, each must appear in the error
		notWant []string // substrings that must not appear
	}{
		{
			name: "duplicate id",
			data: "requirements:\n" + entry + entry,
			want: []string{`line 11:9: duplicate id "A1" (first at line 2)`},
		},
		{
			name: "bad level",
			data: "requirements:\n" + strings.Replace(entry, "level: must", "level: MUST", 1),
			want: []string{`line 3:12: level: "MUST" is not one of "must", "should", "info"`},
		},
		{
			name: "unknown key with suggestion",
			data: "requirements:\n" + strings.Replace(entry, "    title:", "    titel: x\n    title:", 1),
			want: []string{`line 5:5: requirement: unknown key "titel" (did you mean "title"?)`},
		},
		{
			name: "unknown key without suggestion",
			data: "requirements:\n" + entry + "    severity: high\n",
			want: []string{`line 11:5: requirement: unknown key "severity" (known: id, level, area, title, text, notes, source)`},
		},
		{
			name: "unknown source key",
			data: "requirements:\n" + strings.Replace(entry, "      ref:", "      quotes: x\n      ref:", 1),
			want: []string{`line 9:7: source: unknown key "quotes" (did you mean "quote"?)`},
		},
		{
			name: "unknown top-level key",
			data: "version: 1\nrequirements:\n" + entry,
			want: []string{`line 1:1: catalogue: unknown key "version"`},
		},
		{
			name: "bad id",
			data: "requirements:\n" + strings.Replace(entry, "id: A1", "id: a-1", 1),
			want: []string{`line 2:9: id: "a-1" does not match ^[A-Z][0-9]+$`},
		},
		{
			name: "missing keys",
			data: "requirements:\n  - id: A1\n    level: must\n",
			want: []string{
				`line 2:5: A1: missing key "area"`, `line 2:5: A1: missing key "title"`,
				`line 2:5: A1: missing key "text"`, `line 2:5: A1: missing key "source"`,
			},
		},
		{
			name: "empty text and quote",
			data: "requirements:\n" + strings.Replace(strings.Replace(entry, "The rule.", `""`, 1), "A quote.", "' '", 1),
			want: []string{`line 6:11: text: must not be empty`, `line 10:14: source.quote: must not be empty`},
		},
		{
			name: "wrong types",
			data: "requirements:\n" + strings.Replace(strings.Replace(entry, "level: must", "level: [must]", 1),
				"text: The rule.", "text: true", 1),
			want: []string{`line 3:12: level: want a string, got a list`, `line 6:11: text: want a string, got a boolean`},
		},
		{
			name: "multi-line title",
			data: "requirements:\n" + strings.Replace(entry, "title: A title", "title: |\n      two\n      lines", 1),
			want: []string{`line 5:12: title: must be one line`},
		},
		{
			name: "bad area and source kind",
			data: "requirements:\n" + strings.Replace(strings.Replace(entry, "area: events", "area: event", 1),
				"kind: doc", "kind: docs", 1),
			want: []string{`line 4:11: area: "event" is not one of`, `line 8:13: source.kind: "docs" is not one of`},
		},
		{
			name: "bad note",
			data: "requirements:\n" + entry + "    notes:\n      - level: maybe\n        txt: x\n",
			want: []string{`line 12:16: notes.level: "maybe" is not one of`, `line 13:9: note: unknown key "txt" (did you mean "text"?)`},
			// The misspelling is reported once, not also as a missing key.
			notWant: []string{`missing key "text"`},
		},
		{
			name: "duplicate key",
			data: "requirements:\n" + strings.Replace(entry, "    text: The rule.", "    text: The rule.\n    text: Again.", 1),
			want: []string{`line 7:5: requirement: duplicate key "text"`},
		},
		{
			name: "alias",
			data: "requirements:\n" + strings.Replace(entry, "text: The rule.", "text: &t The rule.", 1) +
				strings.Replace(strings.Replace(entry, "A1", "A2", 1), "text: The rule.", "text: *t", 1),
			want: []string{`line 15:11: text: want a string, got an alias (aliases are not supported)`},
		},
		{
			name: "requirements not a list",
			data: "requirements: {}\n",
			want: []string{`line 1:15: requirements: want a list, got a mapping`},
		},
		{
			name: "empty list",
			data: "requirements: []\n",
			want: []string{`line 1:15: requirements: empty list`},
		},
		{
			name: "empty document",
			data: "",
			want: []string{`line 1: empty catalogue`},
		},
		{
			name: "no requirements key",
			data: "{}\n",
			want: []string{`line 1:1: missing key "requirements"`},
		},
		{
			name: "invalid yaml",
			data: "requirements: [\n",
			want: []string{`parse catalogue: line 1:15: did not find expected node content`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cat, err := catalog.Load([]byte(tc.data))
			if err == nil {
				t.Fatalf("Load succeeded with %d requirements, want an error", cat.Len())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error contains %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadErrorsArePositioned(t *testing.T) {
	t.Parallel()
	_, err := catalog.Load([]byte("requirements:\n" + entry + entry))
	var pe *catalog.PosError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *PosError", err)
	}
	if pe.Line != 11 || pe.Col != 9 {
		t.Errorf("position = %d:%d, want 11:9", pe.Line, pe.Col)
	}
}

// TestLoadErrorsAreBounded checks a badly broken file gives a bounded report.
func TestLoadErrorsAreBounded(t *testing.T) {
	t.Parallel()
	data := "requirements:\n" + strings.Repeat("  - bogus: 1\n", 100)
	_, err := catalog.Load([]byte(data))
	if err == nil {
		t.Fatal("Load succeeded, want an error")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 20 {
		t.Errorf("%d error lines, want 20 (the cap)", n)
	}
}

// TestLoadErrorsSortedByPosition checks a multi-error report reads top to
// bottom, whatever order the checks ran in.
func TestLoadErrorsSortedByPosition(t *testing.T) {
	t.Parallel()
	_, err := catalog.Load([]byte("requirements:\n  - id: A1\n    levle: must\n    area: x\n"))
	if err == nil {
		t.Fatal("Load succeeded, want an error")
	}
	got := err.Error()
	first := strings.Index(got, `line 2:5: A1: missing key "title"`)
	second := strings.Index(got, `line 3:5: requirement: unknown key "levle"`)
	third := strings.Index(got, `line 4:11: area: "x"`)
	if first < 0 || second < first || third < second {
		t.Errorf("errors out of order or missing:\n%s", got)
	}
	if strings.Contains(got, `missing key "level"`) {
		t.Errorf("misspelt key also reported as missing:\n%s", got)
	}
}

// TestLoadProfileOrder checks requirements are grouped by area in the order
// of Areas, and keep file order within an area.
func TestLoadProfileOrder(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("requirements:\n")
	for _, e := range []struct{ id, area string }{{"T1", "tls"}, {"E2", "events"}, {"F1", "files"}, {"E1", "events"}} {
		b.WriteString(strings.Replace(strings.Replace(entry, "A1", e.id, 1), "area: events", "area: "+e.area, 1))
	}
	cat, err := catalog.Load([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.IDs(), ","); got != "E2,E1,F1,T1" {
		t.Errorf("IDs = %s, want E2,E1,F1,T1", got)
	}
	if r, _ := cat.Get("T1"); r.Line != 2 {
		t.Errorf("T1.Line = %d, want 2 (its place in the file)", r.Line)
	}
}
