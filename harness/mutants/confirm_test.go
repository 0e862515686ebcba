package mutants

import (
	"maps"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/internal/testkit"
)

// statusVariant rewrites the status of the first n ended events it sees
// (n < 0: every one) to 599, blaming a rule the case does not name.
func statusVariant(name string, n int64) Variant {
	var seen atomic.Int64
	return Variant{Name: name, Doc: "ended status 599", Requirements: []string{"R6"}, h: hooks{
		out: func(_ *env, _ *stream, ev driver.Event) []driver.Event {
			if ev.Fields["phase"] != "ended" || (n >= 0 && seen.Add(1) > n) {
				return []driver.Event{ev}
			}
			ev.Fields = maps.Clone(ev.Fields)
			ev.Fields["status"] = 599
			return []driver.Event{ev}
		},
	}}
}

// TestCollateralIsConfirmed: a collateral failure counts only when a second
// run, alone, fails the same way while the reference passes again; one the
// host caused once (here: a variant that breaks only its first call) is
// dropped.
func TestCollateralIsConfirmed(t *testing.T) {
	t.Parallel()
	var cs []*casefile.Case
	for _, c := range testkit.Cases(t) {
		if c.ID == "events.status.ok" {
			cs = append(cs, c)
		}
	}
	if len(cs) != 1 {
		t.Fatalf("found %d cases, want events.status.ok", len(cs))
	}
	m, err := Run(t.Context(), Params{Driver: refdriver.New(), Fixture: testkit.Server(t), Cases: cs, Collateral: true,
		TimeScale: 0.05, Levels: testkit.Catalog(t).Level, TempDir: t.TempDir(),
		Variants: []Variant{statusVariant("once", 1), statusVariant("always", -1)}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range m.Rows {
		got[r.Variant] = r.Collateral
	}
	if len(got["once"]) != 0 {
		t.Errorf("once: collateral %v, want none (not reproduced)", got["once"])
	}
	if !slices.Equal(got["always"], []string{"events.status.ok"}) {
		t.Errorf("always: collateral %v, want [events.status.ok]", got["always"])
	}
}
