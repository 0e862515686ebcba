package specs_test

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/internal/testkit"
)

// update rewrites docs/profile.md from the catalogue and the cases.
var update = flag.Bool("update", false, "rewrite docs/profile.md")

// profileDoc is docs/profile.md, relative to this package.
const profileDoc = "../docs/profile.md"

// loadAll loads the catalogue and every embedded case.
func loadAll(t *testing.T) (*catalog.Catalog, []*casefile.Case) {
	t.Helper()
	return testkit.Catalog(t), testkit.Cases(t)
}

// casesByReq maps each requirement id to the ids of the cases naming it.
func casesByReq(cs []*casefile.Case) map[string][]string {
	out := make(map[string][]string)
	for _, c := range cs {
		for _, r := range c.Requirements {
			if !slices.Contains(out[r], c.ID) {
				out[r] = append(out[r], c.ID)
			}
		}
	}
	return out
}

func TestEveryRuleHasACase(t *testing.T) {
	t.Parallel()
	cat, cs := loadAll(t)
	if uncovered, _ := cat.Coverage(casesByReq(cs)); len(uncovered) > 0 {
		t.Errorf("requirements without a case: %v", uncovered)
	}
}

func TestCasesNameKnownRequirements(t *testing.T) {
	t.Parallel()
	cat, cs := loadAll(t)
	for _, c := range cs {
		for _, r := range c.Requirements {
			if _, ok := cat.Get(r); !ok {
				t.Errorf("%s: case %s names unknown requirement %q", c.Pos, c.ID, r)
			}
		}
		for _, f := range c.Expect.Files {
			if f.Req != "" {
				if _, ok := cat.Get(f.Req); !ok {
					t.Errorf("%s: case %s attributes a file check to unknown requirement %q", f.Pos, c.ID, f.Req)
				}
			}
		}
	}
}

func TestCaseIDsUnique(t *testing.T) {
	t.Parallel()
	_, cs := loadAll(t)
	seen := make(map[string]string)
	for _, c := range cs {
		if prev, dup := seen[c.ID]; dup {
			t.Errorf("%s: case id %s also at %s", c.Pos, c.ID, prev)
		}
		seen[c.ID] = c.Pos.String()
	}
}

func TestCaseLabelsAreValid(t *testing.T) {
	t.Parallel()
	cat, cs := loadAll(t)
	for _, c := range cs {
		for _, l := range labels(cat, c) {
			if l == "" || bytes.ContainsAny([]byte(l), "&|!,()/") {
				t.Errorf("%s: case %s has an invalid Ginkgo label %q", c.Pos, c.ID, l)
			}
		}
	}
}

// TestProfileDoc keeps docs/profile.md in sync with the catalogue and the
// cases that check each rule; run with -update to rewrite it.
func TestProfileDoc(t *testing.T) {
	t.Parallel()
	cat, cs := loadAll(t)
	got := catalog.RenderProfile(cat, casesByReq(cs))
	if *update {
		if err := os.WriteFile(profileDoc, got, 0o644); err != nil {
			t.Fatalf("update %s: %v", profileDoc, err)
		}
		return
	}
	want, err := os.ReadFile(profileDoc)
	if err != nil {
		t.Fatalf("read %s (run go test ./specs -run TestProfileDoc -update): %v", profileDoc, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: run go test ./specs -run TestProfileDoc -update and review the diff", profileDoc)
	}
}
