package mutants_test

import (
	"flag"
	"testing"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/mutants"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/internal/testkit"
)

var (
	allCases  = flag.Bool("mutants.all", false, "run every case against every variant (the complete matrix)")
	timeScale = flag.Float64("mutants.time-scale", 0.05, "time scale of the runs")
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// load returns the catalogue and the embedded cases.
func load(t *testing.T) (*catalog.Catalog, []*casefile.Case) {
	t.Helper()
	return testkit.Catalog(t), testkit.Cases(t)
}

// TestVariants checks the variant list itself: at least 15, unique names,
// a doc line each, and rules that exist, are must or should (an info rule
// can never catch anything), and have cases to catch them.
func TestVariants(t *testing.T) {
	t.Parallel()
	cat, cs := load(t)
	all := mutants.All()
	if len(all) < 15 {
		t.Errorf("got %d variants, want at least 15", len(all))
	}
	seen := make(map[string]bool)
	for _, v := range all {
		if v.Name == "" || v.Doc == "" || len(v.Requirements) == 0 {
			t.Errorf("variant %q: name, doc and requirements are required", v.Name)
		}
		if v.Name == mutants.ControlName || v.Name == "reference" {
			t.Errorf("variant %q: name reserved for the matrix's own runs", v.Name)
		}
		if seen[v.Name] {
			t.Errorf("variant %q: duplicate name", v.Name)
		}
		seen[v.Name] = true
		if got, ok := mutants.Lookup(v.Name); !ok || got.Name != v.Name {
			t.Errorf("Lookup(%q) = %q, %v", v.Name, got.Name, ok)
		}
		for _, r := range v.Requirements {
			lvl, ok := cat.Level(r)
			if !ok {
				t.Errorf("variant %s: unknown requirement %s", v.Name, r)
				continue
			}
			if lvl == result.LevelInfo {
				t.Errorf("variant %s: requirement %s is info, which can never catch it", v.Name, r)
			}
			n := 0
			for _, c := range cs {
				for _, cr := range c.Requirements {
					if cr == r {
						n++
					}
				}
			}
			if n == 0 {
				t.Errorf("variant %s: no case checks %s", v.Name, r)
			}
		}
	}
	if _, ok := mutants.Lookup("no-such-variant"); ok {
		t.Error(`Lookup("no-such-variant") found a variant`)
	}
}

// TestEveryVariantIsCaught runs the cases against the reference and every
// variant: the reference must pass every case run, and every variant must be
// caught by at least one case. By default a variant runs the cases of the
// rules it breaks; -mutants.all runs the whole suite against each.
func TestEveryVariantIsCaught(t *testing.T) {
	t.Parallel()
	cat, cs := load(t)
	srv := testkit.Server(t)
	m, err := mutants.Run(t.Context(), mutants.Params{
		Driver:    refdriver.New(),
		Fixture:   srv,
		Cases:     cs,
		AllCases:  *allCases,
		TimeScale: *timeScale,
		Parallel:  6,
		Levels:    cat.Level,
		TempDir:   t.TempDir(),
	})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("catch matrix:\n%s", m.Format())
	for _, c := range m.Reference.Cases {
		if c.Verdict != result.Pass && c.Verdict != result.Info {
			t.Errorf("reference: %s: %s: %s", c.ID, c.Verdict, c.Reason)
		}
	}
	if len(m.Control.Caught) > 0 || len(m.Control.Errors) > 0 || m.Control.Ran != len(m.Reference.Cases) {
		t.Errorf("control: ran %d of %d cases, caught by %v, errors %v; want every case and no catch",
			m.Control.Ran, len(m.Reference.Cases), m.Control.Caught, m.Control.Errors)
		for id, why := range m.Control.Reasons {
			t.Errorf("control: %s: %s", id, why)
		}
	}
	for _, name := range m.Uncaught() {
		t.Errorf("variant %s: no case caught it", name)
	}
	if len(m.Rows) != len(mutants.All()) {
		t.Errorf("matrix has %d rows, want one per variant (%d)", len(m.Rows), len(mutants.All()))
	}
}
