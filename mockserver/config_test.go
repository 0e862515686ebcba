package mockserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netconform/netconform/internal/strictyaml"
)

// routesDir writes a routes file holding routes into a new folder beside
// a secret file, and returns the routes file's path and the secret's.
func routesDir(t *testing.T, routes string) (file, secret string) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "routes")
	secret = filepath.Join(root, "secret.txt")
	for p, s := range map[string]string{
		filepath.Join(dir, "body.bin"): "body", secret: "secret",
		filepath.Join(dir, "routes.yaml"): strings.ReplaceAll(routes, "SECRET", secret),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(secret, filepath.Join(dir, "link.bin")); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "routes.yaml"), secret
}

func TestLoadConfigBodyFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		allow      bool
		want       string // a path ending, or the start of the error after the file name
	}{
		{"inside", "body.bin", false, "/routes/body.bin"},
		{"absolute", "SECRET", false, `:2:37: routes[0].then[0].body.file: local file "`},
		{"dot dot", "../secret.txt", false, `:2:37: routes[0].then[0].body.file: local file "../secret.txt": a path through ".." is outside`},
		{"link out", "link.bin", false, `:2:37: routes[0].then[0].body.file: local file "link.bin": a symbolic link leads to`},
		{"missing", "nope.bin", false, `:2:37: routes[0].then[0].body.file: local file "nope.bin": no such file`},
		{"allowed absolute", "SECRET", true, "/secret.txt"},
		{"allowed link", "link.bin", true, "/secret.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file, _ := routesDir(t, "routes:\n  - {path: /a, then: [{body: {file: "+tc.file+"}}]}\n")
			sc, err := LoadConfig(t.Context(), file, tc.allow)
			if strings.HasPrefix(tc.want, "/") {
				if err != nil {
					t.Fatal(err)
				}
				if got := sc.Routes[0].Then[0].Body.File; !filepath.IsAbs(got) || !strings.HasSuffix(got, tc.want) {
					t.Fatalf("body file %q, want an absolute path ending %q", got, tc.want)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), file+tc.want) {
				t.Fatalf("error %v, want it to start %q", err, file+tc.want)
			}
			var pe *PosError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *PosError", err)
			}
		})
	}
}

func TestServeRefusesOutsideBodyFile(t *testing.T) {
	t.Parallel()
	// ParseConfig, as `serve` read it before, sent any file the routes
	// named; now the text of a file outside is never served.
	file, _ := routesDir(t, "routes:\n  - {path: /a, body: {file: SECRET}}\n")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConfig(file, data); !errors.Is(err, strictyaml.ErrOutside) {
		t.Fatalf("ParseConfig = %v, want strictyaml.ErrOutside", err)
	}
}

func TestLoadConfigLimitsAndErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("x: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "y%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	file, _ := routesDir(t, b.String())
	if _, err := LoadConfig(t.Context(), file, false); !errors.Is(err, strictyaml.ErrTooLarge) {
		t.Fatalf("an alias bomb: %v, want strictyaml.ErrTooLarge", err)
	}
	file, _ = routesDir(t, "routes:\n  - {path: /a,\n    status: 200\n")
	if _, err := LoadConfig(t.Context(), file, false); err == nil || !strings.HasPrefix(err.Error(), file+":2:5: did not find expected ',' or '}'") {
		t.Fatalf("an unclosed brace: %v", err)
	}
	if _, err := LoadConfig(t.Context(), filepath.Join(t.TempDir(), "none.yaml"), false); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	file, _ = routesDir(t, "routes:\n  - {path: /a}\n")
	if _, err := LoadConfig(ctx, file, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled load: %v", err)
	}
}
