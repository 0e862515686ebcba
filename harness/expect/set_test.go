package expect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadSet: a plain file is every implementation's, NAME=FILE one
// implementation's (replacing the shared one for it), a path with '=' that
// exists is a plain file; two shared files, two for one name or a missing
// file are errors; Unknown covers every file and Unused names the files'
// implementations that did not run.
func TestLoadSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shared := write("shared.yaml", "a.case: fail\n")
	android := write("android.yaml", "b.case: [pass, fail]\nghost.case: fail\n")
	odd := write("x=y.yaml", "c.case: error\n")
	s, err := LoadSet([]string{shared, "solar2d:android=" + android, "solar2d:ios=" + odd, odd[:len(odd)-len("x=y.yaml")] + "x=y.yaml"})
	if err == nil || !strings.Contains(err.Error(), "two files for every implementation") {
		t.Fatalf("a second shared file (the path with '='): %v, want refused", err)
	}
	if s, err = LoadSet([]string{shared, "solar2d:android=" + android, "solar2d:ios=" + odd}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.For("solar2d:android").Allows("a.case", []Status{Fail}); got {
		t.Error("android's own file replaces the shared one, which expects a.case to fail")
	}
	if got, want := s.For("solar2d:android").Allows("b.case", []Status{Fail}); !got || want != "[pass, fail]" {
		t.Errorf("android b.case: %v %q", got, want)
	}
	if got, _ := s.For("solar2d:ios").Allows("c.case", []Status{Error}); !got {
		t.Error("ios: c.case error not expected")
	}
	if got, _ := s.For("reference").Allows("a.case", []Status{Fail}); !got {
		t.Error("an implementation without a file of its own gets the shared one")
	}
	if u := s.Unknown([]string{"a.case", "b.case", "c.case"}); len(u) != 1 || !strings.HasPrefix(u[0], "ghost.case (") {
		t.Errorf("unknown = %q", u)
	}
	if u := s.Unused([]string{"solar2d:android", "reference"}); !slices.Equal(u, []string{"solar2d:ios"}) {
		t.Errorf("unused = %q", u)
	}
	if _, err := LoadSet([]string{"a=" + android, "a=" + odd}); err == nil || !strings.Contains(err.Error(), `two files for implementation "a"`) {
		t.Errorf("two files for one name: %v", err)
	}
	if _, err := LoadSet([]string{"a=" + filepath.Join(dir, "missing.yaml")}); err == nil {
		t.Error("a missing file is not an error")
	}
	if s, err := LoadSet(nil); err != nil || s.For("x") == nil {
		t.Errorf("no spec: %v", err)
	}
}
