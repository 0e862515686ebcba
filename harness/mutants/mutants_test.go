package mutants_test

import (
	"flag"
	"sync"
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
// a doc line each, and rules that exist and have cases to catch (or, for an
// info rule, record) them.
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
			if _, ok := cat.Level(r); !ok {
				t.Errorf("variant %s: unknown requirement %s", v.Name, r)
				continue
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

// matrix runs the cases against the reference and every variant once for
// the tests that read the matrix: every case against every variant, so that
// the collateral failures show, with the catch matrix counting the cases of
// each variant's rules (every case with -mutants.all).
var (
	matrixOnce sync.Once
	matrixRun  *mutants.Matrix
	matrixErr  error
)

// sharedMatrix returns the matrix, running it on first use with t's server
// and temporary folder (both outlive the run, which ends within the call).
func sharedMatrix(t *testing.T) *mutants.Matrix {
	t.Helper()
	matrixOnce.Do(func() {
		cat, cs := load(t)
		srv := testkit.Server(t)
		matrixRun, matrixErr = mutants.Run(t.Context(), mutants.Params{
			Driver:     refdriver.New(),
			Fixture:    srv,
			Cases:      cs,
			AllCases:   *allCases,
			Collateral: true,
			TimeScale:  *timeScale,
			Parallel:   6,
			Levels:     cat.Level,
			TempDir:    t.TempDir(),
		})
	})
	if matrixErr != nil {
		t.Fatalf("run: %v", matrixErr)
	}
	return matrixRun
}

// TestEveryVariantIsCaught checks the catch matrix: the reference must pass
// every case run, the control must catch nothing, and every variant must be
// caught by at least one case of its rules (an info variant: recorded by
// one). -mutants.all counts the catches of every case.
func TestEveryVariantIsCaught(t *testing.T) {
	t.Parallel()
	m := sharedMatrix(t)
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

// TestNoCollateral checks the collateral matrix: every case ran against every
// variant, and a case that fails against a variant must blame one of the
// variant's rules (name it, or fail a check attributed to it). Any other
// failure is collateral: the divergence reported under a rule it did not
// break, because the case left a prerequisite to a default or an info case
// could end badly.
func TestNoCollateral(t *testing.T) {
	t.Parallel()
	m := sharedMatrix(t)
	t.Logf("collateral matrix:\n%s", m.FormatCollateral())
	for _, r := range m.Rows {
		if r.Swept != len(m.Reference.Cases) {
			t.Errorf("variant %s: %d cases run, want every case (%d)", r.Variant, r.Swept, len(m.Reference.Cases))
		}
		for _, id := range r.Collateral {
			t.Errorf("variant %s: collateral failure of %s: %s", r.Variant, id, r.Reasons[id])
		}
	}
}
