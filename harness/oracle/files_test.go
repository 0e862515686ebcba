package oracle

import (
	"slices"
	"testing"
	"time"

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

// TestFileJournalChecks: in a case that names F5 the file journal must show
// the destination replaced by a rename only (a remove or an in-place write
// of it is an F5 mismatch, in no other case); a temporary file the journal
// shows present when the session's close began, that the listing after
// the run no longer has, is an F4 mismatch (one removed before the close
// is not); without a journal, neither check runs.
func TestFileJournalChecks(t *testing.T) {
	t.Parallel()
	const docs = "DocumentsDirectory"
	fe := func(ms int, op, name string) result.FileEvent {
		return result.FileEvent{At: time.Duration(ms) * time.Millisecond, Op: op, Dir: docs, Name: name}
	}
	closing := result.FileEvent{At: 50 * time.Millisecond, Op: result.FileClose}
	renamed := []result.FileEvent{fe(1, result.FileCreate, "out.bin.tmp"), fe(2, result.FileWrite, "out.bin.tmp"),
		fe(3, result.FileRename, "out.bin.tmp"), fe(3, result.FileCreate, "out.bin"), closing}
	deleteFirst := []result.FileEvent{fe(1, result.FileCreate, "out.bin.tmp"), fe(2, result.FileRemove, "out.bin"),
		fe(3, result.FileRename, "out.bin.tmp"), fe(3, result.FileCreate, "out.bin"), closing}
	inPlace := []result.FileEvent{fe(1, result.FileWrite, "out.bin"), closing}
	keptTillClose := []result.FileEvent{fe(1, result.FileCreate, "out.bin.part"), fe(3, result.FileCreate, "out.bin"),
		closing, fe(51, result.FileRemove, "out.bin.part")}
	removedBefore := []result.FileEvent{fe(1, result.FileCreate, "out.bin.part"), fe(3, result.FileRemove, "out.bin.part"),
		closing}
	tests := []struct {
		name    string
		reqs    []string
		journal []result.FileEvent
		want    []string
	}{
		{"rename onto the old file", []string{"F5"}, renamed, nil},
		{"delete then rename", []string{"F5"}, deleteFirst, []string{"fileJournal DocumentsDirectory/out.bin@F5"}},
		{"written in place", []string{"F5"}, inPlace, []string{"fileJournal DocumentsDirectory/out.bin@F5"}},
		{"delete then rename, F5 not named", []string{"F1"}, deleteFirst, nil},
		{"no journal", []string{"F5"}, nil, nil},
		{"temporary file until the close", []string{"F1"}, keptTillClose, []string{"invariant.noTempFiles@F4"}},
		{"temporary file removed before the close", []string{"F1"}, removedBefore, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"response": map[string]any{"filename": "out.bin", "baseDirectory": docs}})
			c.Requirements = tc.reqs
			obs := obsOf(ev(0, "ended", 1))
			old := fs(docs, "out.bin", "old")
			obs.FilesBefore = []result.FileState{old}
			obs.FilesAfter = []result.FileState{fs(docs, "out.bin", "new")}
			obs.FileJournal = tc.journal
			if got := checks(Check(c, obs)); !slices.Equal(got, tc.want) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}
