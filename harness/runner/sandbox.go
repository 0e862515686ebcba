package runner

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// sandbox is where a case's files live: folders the harness reads itself
// ([localSandbox]), or the session's own on the driver's side
// ([driverSandbox], the files capability). The oracle judges both alike.
type sandbox interface {
	// place writes the case's given files; the session is open.
	place(ctx context.Context, files []casefile.GivenFile) error
	// snapshot lists every file of the sandbox, by base directory then name.
	snapshot(ctx context.Context) ([]result.FileState, error)
	// live reports whether snapshot needs the session open, so the look
	// after the run comes before close (else after it).
	live() bool
	// look returns one file ("dir/name", as the oracle names it) as
	// snapshot would list it, at once: nil for no file; looked is false
	// when the sandbox cannot look that fast.
	look(ctx context.Context, key string) (f *result.FileState, looked bool, err error)
}

// localSandbox is one case's private folder tree, which the session uses
// as Config.Dirs.
type localSandbox struct{ *driver.Folders }

// newSandbox creates a fresh local sandbox under parent. The caller removes
// it.
func newSandbox(parent, caseID string) (*localSandbox, error) {
	f, err := driver.NewFolders(parent, "netconform-"+caseID+"-")
	if err != nil {
		return nil, err
	}
	return &localSandbox{f}, nil
}

// remove deletes the sandbox.
func (sb *localSandbox) remove() error { return sb.Remove() }

func (sb *localSandbox) live() bool { return false }

func (sb *localSandbox) place(_ context.Context, files []casefile.GivenFile) error {
	for _, f := range files {
		if f.Link != "" {
			dir, target, _ := strings.Cut(f.Link, "/")
			if err := sb.PlaceLink(f.Dir, f.Name, dir, target); err != nil {
				return fmt.Errorf("given file %s: %w", f.Pos, err)
			}
			continue
		}
		df, err := givenFile(f)
		if err == nil {
			err = sb.Place(df)
		}
		if err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
	}
	return nil
}

func (sb *localSandbox) snapshot(context.Context) ([]result.FileState, error) {
	list, err := sb.List(result.HeadLimit)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return fileStates(list), nil
}

func (sb *localSandbox) look(_ context.Context, key string) (*result.FileState, bool, error) {
	dir, name, _ := strings.Cut(key, "/")
	info, ok, err := sb.Look(dir, name, result.HeadLimit)
	if err != nil || !ok {
		return nil, err == nil, err
	}
	return &fileStates([]driver.FileInfo{info})[0], true, nil
}

// placeAllowance is the wall time a case's deadline adds for placing its
// given files, 2 s per MiB: a driver that keeps its files on its own side
// receives them over its control channel (a phone over Wi-Fi, or a loaded
// machine: a 4 MB file through the remote driver took more than the 5 s
// grace once), before the calls the budget is for.
func placeAllowance(files []casefile.GivenFile) time.Duration {
	var n int64
	for _, f := range files {
		switch {
		case f.Text != nil:
			n += int64(len(*f.Text))
		case f.Base64 != "":
			n += int64(base64.StdEncoding.DecodedLen(len(f.Base64)))
		default:
			n += f.Size
		}
	}
	return time.Duration(n) * 2 * time.Second / (1 << 20)
}

// givenFile returns a given file with its content, in its base directory
// (DocumentsDirectory when the case names none).
func givenFile(f casefile.GivenFile) (driver.File, error) {
	df := driver.File{Dir: f.Dir, Name: f.Name}
	if df.Dir == "" {
		df.Dir = driver.DocumentsDirectory
	}
	b, err := f.Content()
	if err != nil {
		return df, err
	}
	df.Content = string(b)
	return df, nil
}

// fileStates converts a listing for the oracle and the report.
func fileStates(list []driver.FileInfo) []result.FileState {
	var out []result.FileState
	for _, f := range list {
		st := result.FileState{Dir: f.Dir, Name: f.Name, Size: f.Size, SHA256: f.SHA256}
		if f.Head != "" {
			st.Head = []byte(f.Head)
		}
		out = append(out, st)
	}
	return out
}

// chooseSandbox returns the sandbox a session works in: its own when it
// announced the files capability, else the local one it was given.
func chooseSandbox(local *localSandbox, sess driver.Session) (sandbox, error) {
	if !sess.Capabilities().Files {
		return local, nil
	}
	fs, ok := sess.(driver.FileSession)
	if !ok {
		return nil, fmt.Errorf("the session announces files but has no PlaceFile and Files (%T)", sess)
	}
	return &driverSandbox{s: fs}, nil
}

// changes pairs the before and after snapshots by file, for the report.
func changes(before, after []result.FileState) []result.FileChange {
	type key struct{ dir, name string }
	idx := make(map[key]int)
	var out []result.FileChange
	for _, b := range before {
		idx[key{b.Dir, b.Name}] = len(out)
		out = append(out, result.FileChange{Before: &b})
	}
	for _, a := range after {
		if i, ok := idx[key{a.Dir, a.Name}]; ok {
			out[i].After = &a
			continue
		}
		out = append(out, result.FileChange{After: &a})
	}
	return out
}
