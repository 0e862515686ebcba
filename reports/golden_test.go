package reports

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites the golden files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./reports -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date; run go test ./reports -update and review the diff\n%s", path,
			firstDiff(string(want), string(got)))
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, w, g)
		}
	}
	return "(no line differs)"
}

// render runs a renderer on rep and fails the test on error.
func render(t *testing.T, write func(w *bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		write func(*bytes.Buffer, Report) error
	}{
		{"report.json.golden", func(b *bytes.Buffer, r Report) error { return WriteJSON(b, r) }},
		{"report.md.golden", func(b *bytes.Buffer, r Report) error { return WriteMarkdown(b, r) }},
		{"junit.xml.golden", func(b *bytes.Buffer, r Report) error { return WriteJUnit(b, r) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := render(t, func(b *bytes.Buffer) error { return tc.write(b, fixture()) })
			again := render(t, func(b *bytes.Buffer) error { return tc.write(b, fixture()) })
			if !bytes.Equal(got, again) {
				t.Fatalf("two renderings differ:\n%s", firstDiff(string(got), string(again)))
			}
			checkGolden(t, tc.name, got)
		})
	}
}
