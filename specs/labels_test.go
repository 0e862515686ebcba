package specs_test

import (
	"strings"
	"testing"

	"github.com/netconform/netconform/internal/testkit"
)

// TestCaseLabelsAreValid checks that every label the suite gives a case is
// one Ginkgo's label filter can name.
func TestCaseLabelsAreValid(t *testing.T) {
	t.Parallel()
	cat, cs := testkit.Catalog(t), testkit.Cases(t)
	for _, c := range cs {
		for _, l := range labels(cat, c) {
			if l == "" || strings.ContainsAny(l, "&|!,()/") {
				t.Errorf("%s: case %s has an invalid Ginkgo label %q", c.Pos, c.ID, l)
			}
		}
	}
}
