package strictyaml

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesResolve(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "cases")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "in.bin"), "in")
	write(filepath.Join(dir, "sub", "deep.bin"), "deep")
	secret := filepath.Join(root, "secret.txt")
	write(secret, "secret")
	if err := os.Symlink(secret, filepath.Join(dir, "escape.bin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "in.bin"), filepath.Join(dir, "link.bin")); err != nil {
		t.Fatal(err)
	}
	inside := Files{Dir: dir}
	outside := Files{Dir: dir, AllowOutside: true}
	for _, tc := range []struct {
		name  string
		files Files
		path  string
		want  string // the resolved path, or a part of the error
	}{
		{"inside", inside, "in.bin", filepath.Join(dir, "in.bin")},
		{"subfolder", inside, "sub/deep.bin", filepath.Join(dir, "sub", "deep.bin")},
		{"link inside", inside, "link.bin", filepath.Join(dir, "in.bin")},
		{"absolute", inside, secret, "an absolute path is outside the folder of the file that names it (--allow-outside-files allows it)"},
		{"dot dot", inside, "../secret.txt", `a path through ".." is outside`},
		{"link out", inside, "escape.bin", "a symbolic link leads to " + secret + ", outside"},
		{"missing", inside, "nope.bin", "no such file"},
		{"folder", inside, "sub", "not a regular file"},
		{"no folder on disk", Files{}, "in.bin", "no folder on disk"},
		{"allowed absolute", outside, secret, secret},
		{"allowed dot dot", outside, "../secret.txt", secret},
		{"allowed link out", outside, "escape.bin", secret},
		{"allowed, still missing", outside, "../nope.txt", "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.files.Resolve(tc.path)
			if filepath.IsAbs(tc.want) {
				if err != nil || got != tc.want {
					t.Fatalf("Resolve(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("Resolve(%q) = %q, %v; want an error naming the path and holding %q", tc.path, got, err, tc.want)
			}
			if strings.Contains(tc.want, "outside") && !errors.Is(err, ErrOutside) {
				t.Errorf("error %v does not wrap ErrOutside", err)
			}
		})
	}
}
