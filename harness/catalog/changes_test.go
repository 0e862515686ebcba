package catalog_test

import (
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/result"
)

// withNote is entry (A1, must) with an info note, so a change may name
// either level.
const withNote = entry + `    notes:
      - {level: info, text: A clause.}
`

func TestLoadChanges(t *testing.T) {
	t.Parallel()
	data := "requirements:\n" + withNote + `changes:
  - date: 2026-12-01
    rule: A1
    old: {level: should, text: Was weaker.}
    new: {level: must, text: The rule.}
    why: The docs say so.
    source: network.request
  - date: "2026-12-02"
    rule: A1
    old: {level: info, text: Old clause.}
    new: {level: info, text: A clause.}
    source: solar2d-behaviour.md §6
`
	cat, err := catalog.Load([]byte(data))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got := cat.Changes()
	if len(got) != 2 {
		t.Fatalf("Changes() = %d entries, want 2", len(got))
	}
	first := got[0]
	if first.Date != "2026-12-01" || first.Rule != "A1" || first.Old == nil ||
		*first.Old != (catalog.Version{Level: result.LevelShould, Text: "Was weaker."}) ||
		first.New != (catalog.Version{Level: result.LevelMust, Text: "The rule."}) ||
		first.Why != "The docs say so." || first.Source != "network.request" || first.Line != 14 {
		t.Errorf("first change = %+v (old %+v)", first, first.Old)
	}
	if !first.LevelChanged() || got[1].LevelChanged() {
		t.Errorf("LevelChanged = %v, %v; want true, false", first.LevelChanged(), got[1].LevelChanged())
	}
	if got[1].Date != "2026-12-02" || got[1].Why != "" {
		t.Errorf("second change = %+v", got[1])
	}
	got[0].Old.Text = "changed"
	got[1].Rule = "changed"
	again := cat.Changes()
	if again[0].Old.Text == "changed" || again[1].Rule == "changed" {
		t.Error("changing Changes' result changed the catalogue")
	}
	if (catalog.Change{New: catalog.Version{Level: result.LevelInfo}}).LevelChanged() {
		t.Error("a new rule (no Old) reports a changed level")
	}
}

func TestLoadWithoutChanges(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Load([]byte("requirements:\n" + entry))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Changes()); n != 0 {
		t.Errorf("Changes() = %d entries, want none", n)
	}
}

func TestLoadChangeErrors(t *testing.T) {
	t.Parallel()
	// change is a valid entry; the tests break one line of it.
	const change = `  - date: 2026-12-02
    rule: A1
    old: {level: should, text: Before.}
    new: {level: must, text: After.}
    why: Because.
    source: network.request
`
	tests := []struct {
		name, data string
		want       []string
	}{
		{"bad date", strings.Replace(change, "2026-12-02", "2026-13-02", 1),
			[]string{`date: "2026-13-02" is not a date of the form YYYY-MM-DD`}},
		{"date not a date", strings.Replace(change, "2026-12-02", "December", 1),
			[]string{`date: "December" is not a date`}},
		{"unknown rule", strings.Replace(change, "rule: A1", "rule: Q7", 1),
			[]string{`change: rule "Q7" is not in the catalogue`}},
		{"level not of the rule", strings.Replace(change, "level: must, text: After.", "level: should, text: After.", 1),
			[]string{`change A1: new.level "should" is not a level of the rule ("must", "info")`}},
		{"level changed without why", strings.Replace(change, "    why: Because.\n", "", 1),
			[]string{`change A1: a new rule or a changed level needs a why`}},
		{"new rule without why", strings.Replace(strings.Replace(change, "    why: Because.\n", "", 1),
			"    old: {level: should, text: Before.}\n", "", 1),
			[]string{`change A1: a new rule or a changed level needs a why`}},
		{"out of date order", change + strings.Replace(change, "2026-12-02", "2026-12-01", 1),
			[]string{`change A1: date 2026-12-01 is before the previous entry's 2026-12-02`}},
		{"missing keys", "  - rule: A1\n    old: {level: must}\n",
			[]string{`change: missing key "date"`, `change: missing key "new"`, `change: missing key "source"`,
				`old: missing key "text"`}},
		{"unknown key", strings.Replace(change, "    why:", "    wy: x\n    why:", 1),
			[]string{`change: unknown key "wy" (did you mean "why"?)`}},
		{"bad level", strings.Replace(change, "level: should", "level: weak", 1),
			[]string{`old.level: "weak" is not one of`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := catalog.Load([]byte("requirements:\n" + withNote + "changes:\n" + tc.data))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
	_, err := catalog.Load([]byte("requirements:\n" + entry + "changes: {}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 11:10: changes: want a list, got a mapping") {
		t.Errorf("changes as a mapping: error %v", err)
	}
}

// TestEmbeddedChangeLog checks the embedded catalogue's change log: every
// entry of the 2026-12-02 revision is rendered into the profile.
func TestEmbeddedChangeLog(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	changes := cat.Changes()
	if len(changes) == 0 {
		t.Fatal("the embedded catalogue has no change log")
	}
	out := string(catalog.RenderProfile(cat, nil))
	log, ok := strings.CutPrefix(out[strings.Index(out, "\n## Change log\n"):], "\n## Change log\n")
	if !ok {
		t.Fatal("profile has no change log section")
	}
	for _, ch := range changes {
		if !strings.Contains(log, "- ["+ch.Rule+"](#"+ch.Rule+")") {
			t.Errorf("change log lacks an entry for %s", ch.Rule)
		}
		if !strings.Contains(log, "### "+ch.Date+"\n") {
			t.Errorf("change log lacks the date %s", ch.Date)
		}
	}
}
