package runner

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

// sandbox is one case's private folder tree: root/<folder> per base directory.
type sandbox struct {
	root string
	dirs map[string]string // base directory name → absolute folder
}

// folderNames maps base directory names to sandbox folder names.
func folderNames() map[string]string {
	return map[string]string{
		driver.DocumentsDirectory: "Documents",
		driver.TemporaryDirectory: "Temporary",
		driver.CachesDirectory:    "Caches",
		driver.ResourceDirectory:  "Resource",
	}
}

// newSandbox creates a fresh sandbox under parent. The caller removes it.
func newSandbox(parent, caseID string) (*sandbox, error) {
	root, err := os.MkdirTemp(parent, "netconform-"+caseID+"-")
	if err != nil {
		return nil, fmt.Errorf("create sandbox: %w", err)
	}
	sb := &sandbox{root: root, dirs: make(map[string]string)}
	for name, folder := range folderNames() {
		p := filepath.Join(root, folder)
		if err := os.Mkdir(p, 0o755); err != nil {
			_ = os.RemoveAll(root)
			return nil, fmt.Errorf("create sandbox: %w", err)
		}
		sb.dirs[name] = p
	}
	return sb, nil
}

// remove deletes the sandbox.
func (sb *sandbox) remove() error {
	if err := os.RemoveAll(sb.root); err != nil {
		return fmt.Errorf("remove sandbox: %w", err)
	}
	return nil
}

// path resolves a file of a base directory ("" means Documents), refusing
// names that leave the folder.
func (sb *sandbox) path(dir, name string) (string, error) {
	if dir == "" {
		dir = driver.DocumentsDirectory
	}
	base, ok := sb.dirs[dir]
	if !ok {
		return "", fmt.Errorf("unknown base directory %q", dir)
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("file name %q leaves %s", name, dir)
	}
	return filepath.Join(base, filepath.FromSlash(name)), nil
}

// place writes the case's given files, with templates expanded in text
// contents (no call instance owns them: {{i}} is noInstance).
func (sb *sandbox) place(files []casefile.GivenFile, b bases) error {
	for _, f := range files {
		p, err := sb.path(f.Dir, f.Name)
		if err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
		data, err := givenBytes(f, b)
		if err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
	}
	return nil
}

// givenBytes returns a given file's content.
func givenBytes(f casefile.GivenFile, b bases) ([]byte, error) {
	switch {
	case f.Text != nil:
		return []byte(b.expand(*f.Text, noInstance)), nil
	case f.Base64 != "":
		b, err := base64.StdEncoding.DecodeString(f.Base64)
		if err != nil {
			return nil, fmt.Errorf("decode base64: %w", err)
		}
		return b, nil
	case f.Size > 0:
		return mockserver.GenerateBytes(f.Size, f.Seed), nil
	}
	return nil, nil
}

// snapshot lists every file of the sandbox, by base directory then name.
func (sb *sandbox) snapshot() ([]result.FileState, error) {
	var out []result.FileState
	names := make([]string, 0, len(sb.dirs))
	for n := range sb.dirs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, dir := range names {
		base := sb.dirs[dir]
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			st, err := fileState(p)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(base, p)
			if err != nil {
				return err
			}
			st.Dir, st.Name = dir, filepath.ToSlash(rel)
			out = append(out, st)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", dir, err)
		}
	}
	return out, nil
}

// fileState hashes one file.
func fileState(p string) (result.FileState, error) {
	f, err := os.Open(p)
	if err != nil {
		return result.FileState{}, err
	}
	defer f.Close()
	h := sha256.New()
	head := make([]byte, result.HeadLimit)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return result.FileState{}, err
	}
	h.Write(head[:n])
	rest, err := io.Copy(h, f)
	if err != nil {
		return result.FileState{}, err
	}
	st := result.FileState{Size: int64(n) + rest, SHA256: hex.EncodeToString(h.Sum(nil))}
	if n > 0 {
		st.Head = head[:n]
	}
	return st, nil
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
