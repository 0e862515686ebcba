package catalog_test

import (
	"slices"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/internal/testkit"
)

// profileDoc is docs/profile.md, relative to this package.
const profileDoc = "../../docs/profile.md"

// loadAll loads the embedded catalogue and every embedded case.
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

// TestProfileDoc keeps docs/profile.md in sync with the embedded catalogue
// and the cases that check each rule; run with -update to rewrite it.
func TestProfileDoc(t *testing.T) {
	t.Parallel()
	cat, cs := loadAll(t)
	got := catalog.RenderProfile(cat, casesByReq(cs))
	testkit.Golden(t, profileDoc, got, *update, "./harness/catalog -run TestProfileDoc")
}
