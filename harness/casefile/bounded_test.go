package casefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netconform/netconform/internal/strictyaml"
)

// caseHead is the start of a valid case; a test appends its server or
// given block, or its call's params.
const caseHead = `id: probe.x
title: a probe
requirements: [E8]
`

const caseCall = `call: {url: "{{http}}/a"}
expect:
  ended: {status: 200}
`

// bombCase is a case file whose call params hold a billion-laughs bomb:
// 9 levels of 9 aliases (9^9 scalars once expanded), in 577 bytes.
func bombCase() string {
	var b strings.Builder
	b.WriteString(caseHead + "labels: [&l0 lol]\n" + "call:\n  url: \"{{http}}/a\"\n  params:\n")
	for i := 1; i <= 9; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", ")
		fmt.Fprintf(&b, "    l%d: &l%d [%s]\n", i, i, refs)
	}
	b.WriteString("expect:\n  ended: {status: 200}\n")
	return b.String()
}

func TestLoadRefusesAliasBomb(t *testing.T) {
	// Not parallel: it measures what loading allocates.
	src := bombCase()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Load("cases/probe/bomb.yaml", []byte(src))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, strictyaml.ErrTooLarge) {
		t.Fatalf("Load = %v, want strictyaml.ErrTooLarge", err)
	}
	if !strings.HasPrefix(err.Error(), "cases/probe/bomb.yaml:13:") || !strings.Contains(err.Error(), "once aliases are expanded") {
		t.Errorf("error %q does not name the file, line and column of the alias that goes over", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("refusing a %d-byte bomb allocated %d MB, want under 100", len(src), alloc>>20)
	}
}

// cancellingFS is a file tree that cancels a context when its file named
// at is opened, and counts the files opened.
type cancellingFS struct {
	tree   fstest.MapFS // a field, not embedded: fs.ReadFile goes through Open
	at     string
	cancel context.CancelFunc
	opened *int
}

func (c cancellingFS) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".yaml") {
		*c.opened++
	}
	if name == c.at {
		c.cancel()
	}
	return c.tree.Open(name)
}

func TestLoadFSStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	tree := fstest.MapFS{}
	for i := range 5 {
		src := strings.Replace(caseHead, "probe.x", fmt.Sprintf("probe.c%d", i), 1) + caseCall
		tree[fmt.Sprintf("probe/c%d.yaml", i)] = &fstest.MapFile{Data: []byte(src)}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opened := 0
	_, err := LoadFSContext(ctx, cancellingFS{tree, "probe/c1.yaml", cancel, &opened}, "cases", Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadFSContext = %v, want context.Canceled", err)
	}
	if opened != 2 {
		t.Errorf("opened %d case files, want 2 (stopped after the one being read when cancelled)", opened)
	}
	if !strings.Contains(err.Error(), "stopped before cases/probe/c2.yaml: context canceled") {
		t.Errorf("error %q does not say where loading stopped", err)
	}
}

func TestLoadBodyFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "probe")
	secret := filepath.Join(root, "secret.txt")
	for p, s := range map[string]string{filepath.Join(dir, "data", "body.bin"): "body", secret: "secret"} {
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
	withBody := func(file string) []byte {
		return []byte(caseHead + "server:\n  routes:\n    - path: /a\n      then:\n        - body: {file: " + file + "}\n" + caseCall)
	}
	inside := Options{Dir: dir}
	for _, tc := range []struct {
		name, file string
		opts       Options
		want       string // the resolved path, or the error
	}{
		{"inside", "data/body.bin", inside, filepath.Join(dir, "data", "body.bin")},
		{"absolute", secret, inside, `c.yaml:8:24: server.routes[0].then[0].body.file: local file "` + secret + `": an absolute path is outside`},
		{"dot dot", "../secret.txt", inside, `c.yaml:8:24: server.routes[0].then[0].body.file: local file "../secret.txt": a path through ".." is outside`},
		{"link out", "link.bin", inside, `c.yaml:8:24: server.routes[0].then[0].body.file: local file "link.bin": a symbolic link leads to`},
		{"embedded", "data/body.bin", Options{}, `c.yaml:8:24: server.routes[0].then[0].body.file: local file "data/body.bin": this file has no folder on disk`},
		{"allowed", secret, Options{Dir: dir, AllowOutside: true}, secret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs, err := LoadContext(t.Context(), "c.yaml", withBody(tc.file), tc.opts)
			if filepath.IsAbs(tc.want) {
				if err != nil {
					t.Fatal(err)
				}
				if got := cs[0].Server.Routes[0].Then[0].Body.File; got != tc.want {
					t.Fatalf("body file %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to start %q", err, tc.want)
			}
		})
	}
}

func TestLoadFSBodyFilesInTheCaseFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "probe"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := caseHead + "server:\n  routes:\n    - {path: /a, body: {file: body.bin}}\n" + caseCall
	for p, s := range map[string]string{"probe/x.yaml": src, "probe/body.bin": "b", "body.bin": "not this one"} {
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := LoadFSContext(t.Context(), os.DirFS(root), "cases", Options{Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cs[0].Server.Routes[0].Body.File, filepath.Join(root, "probe", "body.bin"); got != want {
		t.Fatalf("body file %q, want %q (the case file's own folder)", got, want)
	}
}

func TestLoadGivenFilesAsRunPlacesThem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, given, want string }{
		{"dot dot", "{name: ../out.bin}", `c.yaml:6:14: given.files[0].name: file name "../out.bin" leaves DocumentsDirectory`},
		{"absolute", "{dir: CachesDirectory, name: /tmp/x}", `c.yaml:6:36: given.files[0].name: file name "/tmp/x" leaves CachesDirectory`},
		{"bad base64", "{name: a.bin, base64: '!!'}", `c.yaml:6:29: given.files[0].base64: decode base64: illegal base64 data at input byte 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := caseHead + "given:\n  files:\n    - " + tc.given + "\n" + caseCall
			_, err := Load("c.yaml", []byte(src))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant %s", err, tc.want)
			}
		})
	}
	// The content is what the runner places.
	cs, err := Load("c.yaml", []byte(caseHead+"given:\n  files:\n    - {name: sub/a.bin, base64: AAEC}\n"+caseCall))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := cs[0].Given.Files[0].Content(); err != nil || string(b) != "\x00\x01\x02" {
		t.Fatalf("Content = %q, %v", b, err)
	}
}
