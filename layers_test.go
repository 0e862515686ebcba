package netconform

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/netconform/netconform/"

// TestLayers checks the dependency direction with `go list -deps`: the
// reference implementation and the strict YAML toolkit are leaves (they
// import nothing of netconform), the mock server imports only the toolkit,
// and the case and catalogue loaders decode through it too.
func TestLayers(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for _, tc := range []struct {
		pkg  string
		want []string // exactly these of ours, besides pkg itself
	}{
		{"impl", nil},
		{"internal/strictyaml", nil},
		{"mockserver", []string{"internal/strictyaml"}},
	} {
		got := ourDeps(t, tc.pkg)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s imports %q of netconform, want exactly %q", tc.pkg, got, tc.want)
		}
	}
	for _, pkg := range []string{"harness/casefile", "harness/catalog", "harness/expect"} {
		if !slices.Contains(ourDeps(t, pkg), "internal/strictyaml") {
			t.Errorf("%s does not decode through internal/strictyaml", pkg)
		}
	}
}

// ourDeps returns the packages of this module that pkg (a path inside it)
// imports, directly or not, without pkg itself, sorted and module-relative.
func ourDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{.ImportPath}}", "./"+pkg)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps ./%s: %v\n%s", pkg, err, stderr)
	}
	var ours []string
	for line := range strings.Lines(string(out)) {
		p, ok := strings.CutPrefix(strings.TrimSpace(line), module)
		if ok && p != pkg {
			ours = append(ours, p)
		}
	}
	slices.Sort(ours)
	return ours
}
