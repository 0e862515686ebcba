package reports

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/netconform/netconform/internal/testkit"
)

// update rewrites the golden files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

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
				t.Fatalf("two renderings differ:\n%s", testkit.FirstDiff(string(got), string(again)))
			}
			checkGolden(t, tc.name, got)
		})
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got, *update, "./reports")
}
