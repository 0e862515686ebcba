package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/result"
)

// profileIDs are the rule numbers of the profile, in order: the embedded
// catalogue must have exactly these.
var profileIDs = []string{
	"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10", "E11", "E12", "E13", "E14", "E15", "E16",
	"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
	"R1", "R2", "R3", "R4", "R5", "R6",
	"T1", "T2", "T3",
	"D1", "D2", "D3", "D4", "D5", "D6",
	"C1", "C2", "C3", "C4",
	"U1", "U2",
	"B1", "B2", "B3",
	"S1", "S2",
}

func loadEmbedded(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(catalog.Requirements())
	if err != nil {
		t.Fatalf("load embedded catalogue: %v", err)
	}
	return cat
}

func TestEmbeddedCatalogueHasEveryRule(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	if len(profileIDs) != 51 {
		t.Fatalf("test list has %d ids, want 51", len(profileIDs))
	}
	if got := cat.IDs(); !slices.Equal(got, profileIDs) {
		t.Errorf("ids:\nwant: %v\ngot:  %v", profileIDs, got)
	}
	if cat.Len() != len(profileIDs) {
		t.Errorf("Len() = %d, want %d", cat.Len(), len(profileIDs))
	}
}

// TestEmbeddedCatalogueAreas checks each rule sits in the area its letter
// stands for in the profile.
func TestEmbeddedCatalogueAreas(t *testing.T) {
	t.Parallel()
	byLetter := map[byte]catalog.Area{
		'E': catalog.AreaEvents, 'F': catalog.AreaFiles, 'R': catalog.AreaRequest,
		'T': catalog.AreaTimeouts, 'D': catalog.AreaRedirects, 'C': catalog.AreaCancel,
		'U': catalog.AreaConvenience, 'B': catalog.AreaInput, 'S': catalog.AreaTLS,
	}
	cat := loadEmbedded(t)
	for _, id := range cat.IDs() {
		r, _ := cat.Get(id)
		if want := byLetter[id[0]]; r.Area != want {
			t.Errorf("%s: area %q, want %q", id, r.Area, want)
		}
		if r.Source.Kind == catalog.SourceDoc && r.Source.Ref == "" {
			t.Errorf("%s: a doc quote must name its page in source.ref", id)
		}
	}
}

// profileLevels are the primary levels of the profile's rules, and
// profileNoteLevels the levels of their secondary clauses.
var (
	profileLevels = map[string]string{
		"E1": "must", "E2": "must", "E3": "must", "E4": "must", "E5": "should", "E6": "should",
		"E7": "must", "E8": "must", "E9": "should", "E10": "should", "E11": "must", "E12": "should",
		"E13": "must", "E14": "should", "E15": "info", "E16": "must",
		"F1": "must", "F2": "must", "F3": "must", "F4": "should", "F5": "should", "F6": "must",
		"F7": "must", "F8": "info", "F9": "info",
		"R1": "should", "R2": "should", "R3": "must", "R4": "should", "R5": "info", "R6": "info",
		"T1": "must", "T2": "should", "T3": "info",
		"D1": "must", "D2": "should", "D3": "should", "D4": "must", "D5": "info", "D6": "should",
		"C1": "must", "C2": "should", "C3": "info", "C4": "should",
		"U1": "must", "U2": "must",
		"B1": "should", "B2": "info", "B3": "must",
		"S1": "must", "S2": "should",
	}
	profileNoteLevels = map[string][]string{
		"E7": {"should"}, "E10": {"info"}, "E16": {"info"}, "E11": {"info"}, "F7": {"info"}, "R4": {"info"},
		"D1": {"info"}, "D3": {"info"}, "D4": {"info"}, "D6": {"info"}, "B1": {"info", "info"},
	}
)

func TestEmbeddedCatalogueLevels(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	for _, id := range profileIDs {
		want := result.Level(profileLevels[id])
		if got, ok := cat.Level(id); !ok || got != want {
			t.Errorf("Level(%s) = %q, %v; want %q, true", id, got, ok, want)
		}
		r, _ := cat.Get(id)
		var notes []string
		for _, n := range r.Notes {
			notes = append(notes, string(n.Level))
		}
		if want := profileNoteLevels[id]; !slices.Equal(notes, want) {
			t.Errorf("%s: note levels %v, want %v", id, notes, want)
		}
	}
	e7, _ := cat.Get("E7")
	if !strings.Contains(e7.Notes[0].Text, "-1") {
		t.Errorf("E7 note = %q, want the clause about -1", e7.Notes[0].Text)
	}
}

func TestGetAndLevelUnknown(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	if _, ok := cat.Get("Z9"); ok {
		t.Error("Get(Z9) found a requirement")
	}
	if l, ok := cat.Level("Z9"); ok || l != "" {
		t.Errorf("Level(Z9) = %q, %v; want \"\", false", l, ok)
	}
	var zero catalog.Catalog
	if _, ok := zero.Get("E1"); ok || zero.Len() != 0 || len(zero.IDs()) != 0 {
		t.Error("zero Catalog is not empty")
	}
}

func TestGetReturnsCopy(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	r, ok := cat.Get("E7")
	if !ok {
		t.Fatal("E7 missing")
	}
	r.Notes[0].Text = "changed"
	r.Title = "changed"
	again, _ := cat.Get("E7")
	if again.Notes[0].Text == "changed" || again.Title == "changed" {
		t.Error("changing Get's result changed the catalogue")
	}
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	cases := map[string][]string{}
	for _, id := range profileIDs[1:] {
		cases[id] = []string{"x." + id}
	}
	cases["E3"] = nil
	cases["Q1"] = []string{"x.q"}
	cases["A0"] = []string{"x.a"}
	uncovered, unknown := cat.Coverage(cases)
	if want := []string{"E1", "E3"}; !slices.Equal(uncovered, want) {
		t.Errorf("uncovered = %v, want %v", uncovered, want)
	}
	if want := []string{"A0", "Q1"}; !slices.Equal(unknown, want) {
		t.Errorf("unknown = %v, want %v", unknown, want)
	}
}
