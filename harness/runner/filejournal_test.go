package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// journalText renders a journal as "op dir/name" lines, for comparison (the
// kernel may merge writes in a row too, so their count is not shown).
func journalText(evs []result.FileEvent) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Op)
		if e.Op != result.FileClose {
			b.WriteString(" " + e.Dir + "/" + e.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func newJournalFolders(t *testing.T) *driver.Folders {
	t.Helper()
	f, err := driver.NewFolders(t.TempDir(), "journal-")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFileJournal: the journal records, in order, a download written to a
// temporary file and renamed onto the old destination (create, the writes
// in a row as one, rename, create), a delete-then-rename replace (the remove of
// the destination shows however short the gap), a file in a folder made
// during the run, and the close mark; the mark files in the sandbox root
// and the folders themselves are not in it, and every change made before
// stop is.
func TestFileJournal(t *testing.T) {
	f := newJournalFolders(t)
	docs := f.Dirs[driver.DocumentsDirectory]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(docs, "out.bin"), []byte("old"), 0o644))
	start := time.Now()
	j, err := startJournal(f, start)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	tmp := filepath.Join(docs, "out.bin.part")
	w, err := os.Create(tmp)
	must(err)
	for range 5 {
		_, err = w.Write([]byte("new bytes "))
		must(err)
	}
	must(w.Close())
	must(os.Rename(tmp, filepath.Join(docs, "out.bin")))
	must(os.Remove(filepath.Join(docs, "out.bin")))
	must(os.WriteFile(tmp, []byte("again"), 0o644))
	must(os.Rename(tmp, filepath.Join(docs, "out.bin")))
	must(os.Mkdir(filepath.Join(docs, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(docs, "sub", "x.txt"), nil, 0o644)) // perhaps before its folder's watch
	j.mark(true)
	must(os.Remove(filepath.Join(docs, "sub", "x.txt")))
	evs, err := j.stop()
	if err != nil {
		t.Fatalf("stop: %v", err)
	}
	want := `create DocumentsDirectory/out.bin.part
write DocumentsDirectory/out.bin.part
rename DocumentsDirectory/out.bin.part
create DocumentsDirectory/out.bin
remove DocumentsDirectory/out.bin
create DocumentsDirectory/out.bin.part
write DocumentsDirectory/out.bin.part
rename DocumentsDirectory/out.bin.part
create DocumentsDirectory/out.bin
create DocumentsDirectory/sub/x.txt
close
remove DocumentsDirectory/sub/x.txt
`
	if got := journalText(evs); got != want {
		t.Errorf("journal:\n%s\nwant:\n%s", got, want)
	}
	for i, e := range evs {
		if e.At < 0 || e.At > time.Since(start) || (i > 0 && e.At < evs[i-1].At) {
			t.Errorf("event %d at %v: not in order within the test's time", i, e.At)
		}
	}
	if ents, _ := os.ReadDir(f.Root); len(ents) != len(f.Dirs) {
		t.Errorf("the sandbox root holds %d entries after stop, want the %d folders (no mark file left)", len(ents), len(f.Dirs))
	}
}

// TestFileJournalShared: many journals at once share the process's one
// watcher, each sees only its own folders, and the watcher goes with the
// last of them (goleak checks its goroutine).
func TestFileJournalShared(t *testing.T) {
	const n = 40 // more than a watcher per journal would get on many systems at once
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			f, err := driver.NewFolders(t.TempDir(), "journal-")
			if err != nil {
				errs <- err
				return
			}
			j, err := startJournal(f, time.Now())
			if err != nil {
				errs <- err
				return
			}
			name := fmt.Sprintf("f%d.txt", i)
			_ = os.WriteFile(filepath.Join(f.Dirs[driver.CachesDirectory], name), []byte("x"), 0o644)
			evs, err := j.stop()
			if err != nil {
				errs <- err
				return
			}
			if got, want := journalText(evs), "create CachesDirectory/"+name+"\nwrite CachesDirectory/"+name+"\n"; got != want {
				errs <- fmt.Errorf("journal %d:\n%s\nwant:\n%s", i, got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	notifier.mu.Lock()
	defer notifier.mu.Unlock()
	if notifier.w != nil || notifier.users != 0 {
		t.Errorf("watcher still open with %d users after every journal stopped", notifier.users)
	}
}

// TestCaseFileJournal: a case in local folders reports the file journal
// (the response file made in a folder made during the run, then the close
// mark), and the given file placed before the first call is not in it; a
// session with its folders on its own side has none.
func TestCaseFileJournal(t *testing.T) {
	t.Parallel()
	r := newRunner(t, &fakeDriver{onCall: writeOut}, newFakeFixture())
	r.watch = (&fakeStalls{}).watch
	res := r.Case(t.Context(), loadCase(t, driverFilesCase))
	if res.Verdict != result.Pass {
		t.Fatalf("verdict %s (%s) %+v", res.Verdict, res.Reason, res.Mismatches)
	}
	got := journalText(res.FileJournal)
	if !strings.HasPrefix(got, "create DocumentsDirectory/out/r.txt\n") || !strings.HasSuffix(got, "close\n") ||
		strings.Contains(got, "in.txt") {
		t.Errorf("file journal:\n%s\nwant the create of out/r.txt first, the close last, nothing of in.txt", got)
	}
	d := &filesDriver{fakeDriver: &fakeDriver{onCall: writeOut}}
	r = newRunner(t, d, newFakeFixture())
	r.watch = (&fakeStalls{}).watch
	if res := r.Case(t.Context(), loadCase(t, driverFilesCase)); res.Verdict != result.Pass || res.FileJournal != nil {
		t.Errorf("driver-side folders: verdict %s, file journal %v; want pass and none", res.Verdict, res.FileJournal)
	}
}
