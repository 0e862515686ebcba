package expect

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/netconform/netconform/internal/strictyaml"
)

func TestParseRefusesAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("events.a: &l0 [fail]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "events.l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	_, err := Parse("e.yaml", []byte(b.String()))
	if !errors.Is(err, strictyaml.ErrTooLarge) || !strings.HasPrefix(err.Error(), "e.yaml:6:") {
		t.Fatalf("Parse = %v, want strictyaml.ErrTooLarge at e.yaml:6", err)
	}
}
