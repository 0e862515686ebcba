package cases_test

import (
	"testing"

	"github.com/netconform/netconform/internal/testkit"
)

func TestCaseIDsUnique(t *testing.T) {
	t.Parallel()
	seen := make(map[string]string)
	for _, c := range testkit.Cases(t) {
		if prev, dup := seen[c.ID]; dup {
			t.Errorf("%s: case id %s also at %s", c.Pos, c.ID, prev)
		}
		seen[c.ID] = c.Pos.String()
	}
}
