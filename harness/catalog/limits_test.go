package catalog_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/internal/strictyaml"
)

func TestLoadRefusesAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("x0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "x%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	_, err := catalog.Load([]byte(b.String()))
	if !errors.Is(err, strictyaml.ErrTooLarge) || !strings.Contains(err.Error(), "line 6:") {
		t.Fatalf("Load = %v, want strictyaml.ErrTooLarge at line 6", err)
	}
}
