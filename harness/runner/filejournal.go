package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// markWait bounds how long a journal waits for the notification of its own
// mark file; a mark that does not come makes the journal incomplete.
const markWait = 5 * time.Second

// notifier is the process's one fsnotify watcher, shared by the journals of
// every case whose sandbox is local: a watcher per case would run into the
// system's limit on watchers per user (128 inotify instances by default on
// Linux) with many cases and test processes at once. It exists while a
// journal uses it; its loop dispatches each notification to the journal of
// the folder it names.
var notifier struct {
	mu      sync.Mutex
	w       *fsnotify.Watcher
	done    chan struct{}         // closed when w's loop has returned
	users   int                   // journals using w
	folders map[string]watchedDir // watched folder -> whose it is
}

// watchedDir is a folder a journal watches: a base directory's folder or a
// folder in it (rel its path in the base directory, "/"-terminated), or the
// sandbox root (dir ""), where the journal's mark files go.
type watchedDir struct {
	j        *fileJournal
	dir, rel string
}

// fileJournal records the changes in one local sandbox's folders, with
// times from the case start: the file journal of [result.FileEvent].
type fileJournal struct {
	root  string
	start time.Time

	mu      sync.Mutex
	events  []result.FileEvent
	last    map[string]int // "dir/name" -> index of its last event
	closeAt int            // index of the FileClose event, -1 before it
	dirs    map[string]bool
	scanned map[string]bool // "dir/name" recorded from a new folder's listing
	watched []string
	marks   map[string]func() // mark file name -> what its arrival does
	nmarks  int
	broken  error // the journal is incomplete: why
}

// startJournal starts recording the changes in f's base directory folders
// (and the folders in them), with times from start.
func startJournal(f *driver.Folders, start time.Time) (*fileJournal, error) {
	j := &fileJournal{root: f.Root, start: start, last: make(map[string]int), closeAt: -1,
		dirs: make(map[string]bool), scanned: make(map[string]bool), marks: make(map[string]func())}
	notifier.mu.Lock()
	defer notifier.mu.Unlock()
	if notifier.w == nil {
		w, err := fsnotify.NewWatcher()
		if err != nil {
			return nil, fmt.Errorf("file journal: %w", err)
		}
		notifier.w, notifier.done, notifier.folders = w, make(chan struct{}), make(map[string]watchedDir)
		go notifyLoop(w, notifier.done)
	}
	notifier.users++
	if err := j.watchLocked(f.Root, watchedDir{j: j}); err != nil {
		j.unwatchLocked()
		return nil, err
	}
	for name, p := range f.Dirs {
		if err := j.watchTreeLocked(p, name, "", false); err != nil {
			j.unwatchLocked()
			return nil, err
		}
	}
	return j, nil
}

// watchLocked adds folder p for wd; notifier.mu is held.
func (j *fileJournal) watchLocked(p string, wd watchedDir) error {
	if err := notifier.w.Add(p); err != nil {
		return fmt.Errorf("file journal: watch %s: %w", p, err)
	}
	notifier.folders[p] = wd
	j.watched = append(j.watched, p)
	return nil
}

// watchTreeLocked watches folder p of base directory dir (rel its path
// there) and the folders in it; notifier.mu is held. With fresh (a folder
// made during the run) the files already in it, made before the watch
// began, are recorded as created.
func (j *fileJournal) watchTreeLocked(p, dir, rel string, fresh bool) error {
	if err := j.watchLocked(p, watchedDir{j: j, dir: dir, rel: rel}); err != nil {
		return err
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return fmt.Errorf("file journal: %w", err)
	}
	for _, e := range ents {
		key := dir + "/" + rel + e.Name()
		if e.IsDir() {
			j.mu.Lock()
			j.dirs[key] = true
			j.mu.Unlock()
			if err := j.watchTreeLocked(filepath.Join(p, e.Name()), dir, rel+e.Name()+"/", fresh); err != nil {
				return err
			}
		} else if fresh {
			j.mu.Lock()
			if _, seen := j.last[key]; !seen {
				j.last[key] = len(j.events)
				j.events = append(j.events, result.FileEvent{At: time.Since(j.start), Op: result.FileCreate, Dir: dir, Name: rel + e.Name()})
				j.scanned[key] = true
			}
			j.mu.Unlock()
		}
	}
	return nil
}

// unwatchLocked stops j's watches and closes the watcher when j was its
// last user (waiting for its loop); notifier.mu is held and still is on
// return.
func (j *fileJournal) unwatchLocked() {
	for _, p := range j.watched {
		if wd, ok := notifier.folders[p]; ok && wd.j == j {
			delete(notifier.folders, p)
			_ = notifier.w.Remove(p) // gone already when the folder was removed
		}
	}
	j.watched = nil
	notifier.users--
	if notifier.users > 0 {
		return
	}
	w, done := notifier.w, notifier.done
	notifier.w, notifier.folders = nil, nil
	notifier.mu.Unlock()
	_ = w.Close()
	<-done
	notifier.mu.Lock()
}

// notifyLoop dispatches w's notifications until w is closed.
func notifyLoop(w *fsnotify.Watcher, done chan struct{}) {
	defer close(done)
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			dispatch(ev)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// A lost notification (the kernel's queue overflowed) may be
			// anyone's: every journal then is incomplete.
			notifier.mu.Lock()
			for _, wd := range notifier.folders {
				wd.j.fail(fmt.Errorf("file journal: %w", err))
			}
			notifier.mu.Unlock()
		}
	}
}

// dispatch records ev in the journal of its folder.
func dispatch(ev fsnotify.Event) {
	at := time.Now()
	notifier.mu.Lock()
	wd, ok := notifier.folders[filepath.Dir(ev.Name)]
	if !ok {
		notifier.mu.Unlock()
		return
	}
	j, base := wd.j, filepath.Base(ev.Name)
	if wd.dir == "" { // the sandbox root: only the journal's marks
		notifier.mu.Unlock()
		if ev.Has(fsnotify.Create) {
			j.arrived(base)
		}
		return
	}
	name := wd.rel + base
	isDir := false
	if ev.Has(fsnotify.Create) {
		if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
			isDir = true
			j.mu.Lock()
			j.dirs[wd.dir+"/"+name] = true
			j.mu.Unlock()
			if err := j.watchTreeLocked(ev.Name, wd.dir, name+"/", true); err != nil && !errors.Is(err, fs.ErrNotExist) {
				j.fail(err)
			}
		}
	}
	notifier.mu.Unlock()
	if !isDir {
		j.record(at, ev, wd.dir, name)
	}
}

// record appends what ev says about file dir/name; consecutive writes to
// one file merge into one event.
func (j *fileJournal) record(at time.Time, ev fsnotify.Event, dir, name string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	key := dir + "/" + name
	if j.dirs[key] {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			delete(j.dirs, key)
		}
		return
	}
	d := at.Sub(j.start)
	for _, op := range []struct {
		has fsnotify.Op
		op  string
	}{{fsnotify.Create, result.FileCreate}, {fsnotify.Write, result.FileWrite},
		{fsnotify.Remove, result.FileRemove}, {fsnotify.Rename, result.FileRename}} {
		if !ev.Has(op.has) {
			continue
		}
		if j.scanned[key] {
			// The folder's listing recorded it already: its create (made
			// after the watch began) may come too.
			delete(j.scanned, key)
			if op.op == result.FileCreate {
				continue
			}
		}
		if i, ok := j.last[key]; ok && op.op == result.FileWrite && i > j.closeAt && j.events[i].Op == result.FileWrite {
			j.events[i].Count++
			j.events[i].Last = d
			continue
		}
		e := result.FileEvent{At: d, Op: op.op, Dir: dir, Name: name}
		if op.op == result.FileWrite {
			e.Count, e.Last = 1, d
		}
		j.last[key] = len(j.events)
		j.events = append(j.events, e)
	}
}

// fail marks the journal incomplete.
func (j *fileJournal) fail(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.broken == nil {
		j.broken = err
	}
}

// arrived runs what the mark file name's arrival does.
func (j *fileJournal) arrived(name string) {
	j.mu.Lock()
	f := j.marks[name]
	delete(j.marks, name)
	j.mu.Unlock()
	if f != nil {
		f()
	}
}

// mark creates a mark file in the sandbox root and waits for its
// notification: every change made before it has then been recorded. With
// closing, the journal gets its FileClose event there.
func (j *fileJournal) mark(closing bool) {
	j.mu.Lock()
	j.nmarks++
	name := ".netconform-mark-" + strconv.Itoa(j.nmarks)
	seen := make(chan struct{})
	j.marks[name] = func() {
		if closing {
			j.mu.Lock()
			j.closeAt = len(j.events)
			j.events = append(j.events, result.FileEvent{At: time.Since(j.start), Op: result.FileClose})
			j.mu.Unlock()
		}
		close(seen)
	}
	j.mu.Unlock()
	p := filepath.Join(j.root, name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		j.fail(fmt.Errorf("file journal: mark: %w", err))
		return
	}
	defer func() { _ = os.Remove(p) }()
	t := time.NewTimer(markWait)
	defer t.Stop()
	select {
	case <-seen:
	case <-t.C:
		j.fail(fmt.Errorf("file journal: no notification of its mark within %v", markWait))
	}
}

// stop waits until every change made so far has been recorded, stops the
// watches and returns the journal, or the reason it is incomplete.
func (j *fileJournal) stop() ([]result.FileEvent, error) {
	j.mark(false)
	notifier.mu.Lock()
	j.unwatchLocked()
	notifier.mu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.broken != nil {
		return nil, j.broken
	}
	if j.events == nil {
		return []result.FileEvent{}, nil
	}
	return j.events, nil
}
