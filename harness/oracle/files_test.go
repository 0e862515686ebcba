package oracle

import (
	"slices"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// TestNoTempFilesKnowsJoinedNames checks that the F4 check knows a
// destination by the name it gets once joined onto its folder: an
// implementation that does not refuse an absolute filename (F9 is info)
// writes it under the folder, and that file is the destination, not a
// temporary file left behind. A name that leaves the folder names nothing
// in it.
func TestNoTempFilesKnowsJoinedNames(t *testing.T) {
	t.Parallel()
	const tmp = "TemporaryDirectory"
	tests := []struct {
		name, filename, landed string
		download               bool
		want                   []string
	}{
		{"absolute", "/tmp/netconform-escape.bin", "tmp/netconform-escape.bin", false, nil},
		{"doubled slashes and dots", "./a//b/./c.bin", "a/b/c.bin", false, nil},
		{"download, absolute", "/x.bin", "x.bin", true, nil},
		{"parent is not the destination", "../x.bin", "x.bin", false, []string{"invariant.noTempFiles@F4"}},
		{"another file still is", "/tmp/a.bin", "tmp/a.bin.part", false, []string{"invariant.noTempFiles@F4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"response": map[string]any{"filename": tc.filename, "baseDirectory": tmp}})
			if tc.download {
				c.Calls[0].Fn, c.Calls[0].Params = casefile.FnDownload, nil
				c.Calls[0].Filename, c.Calls[0].BaseDirectory = tc.filename, tmp
			}
			obs := obsOf(ev(0, "ended", 1))
			obs.FilesAfter = []result.FileState{fs(tmp, tc.landed, "body")}
			if got := checks(Check(c, obs)); !slices.Equal(got, tc.want) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}
