package driver

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Folders is a sandbox on the local file system: one folder per base
// directory under a root of its own. The runner keeps a case's sandbox in
// one, and so does a driver that serves the files capability from local
// folders ([proto.Serve] with Files set). Its methods may be called from
// one goroutine at a time.
type Folders struct {
	// Root holds the folders; Remove deletes it.
	Root string
	// Dirs maps each base directory name to its absolute folder.
	Dirs map[string]string
}

// folderNames maps base directory names to the names of their folders.
var folderNames = map[string]string{
	DocumentsDirectory: "Documents",
	TemporaryDirectory: "Temporary",
	CachesDirectory:    "Caches",
	ResourceDirectory:  "Resource",
}

// NewFolders creates a fresh root in parent ("" means os.TempDir), named
// prefix and a random suffix, with an empty folder per base directory. The
// caller removes it.
func NewFolders(parent, prefix string) (*Folders, error) {
	root, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return nil, fmt.Errorf("create sandbox: %w", err)
	}
	f := &Folders{Root: root, Dirs: make(map[string]string, len(folderNames))}
	for _, name := range BaseDirs() {
		p := filepath.Join(root, folderNames[name])
		if err := os.Mkdir(p, 0o755); err != nil {
			_ = os.RemoveAll(root)
			return nil, fmt.Errorf("create sandbox: %w", err)
		}
		f.Dirs[name] = p
	}
	return f, nil
}

// Remove deletes the root and everything in it.
func (f *Folders) Remove() error {
	if err := os.RemoveAll(f.Root); err != nil {
		return fmt.Errorf("remove sandbox: %w", err)
	}
	return nil
}

// Path resolves a file of a base directory ("" means DocumentsDirectory),
// refusing names that leave the folder.
func (f *Folders) Path(dir, name string) (string, error) {
	if dir == "" {
		dir = DocumentsDirectory
	}
	base, ok := f.Dirs[dir]
	if !ok {
		return "", fmt.Errorf("unknown base directory %q", dir)
	}
	if err := CheckName(dir, name); err != nil {
		return "", err
	}
	return filepath.Join(base, filepath.FromSlash(name)), nil
}

// CheckName returns an error unless name stays inside its base directory
// dir: a relative, "/"-separated path without "..". It is the one rule for
// sandbox file names: [Folders.Path] applies it, and so does the case
// loader (package casefile) to a case's given files, with this message.
func CheckName(dir, name string) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("file name %q leaves %s", name, dir)
	}
	return nil
}

// Place writes a file, creating its parent folders.
func (f *Folders) Place(file File) error {
	p, err := f.Path(file.Dir, file.Name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("place %s/%s: %w", file.Dir, file.Name, err)
	}
	if err := os.WriteFile(p, []byte(file.Content), 0o644); err != nil {
		return fmt.Errorf("place %s/%s: %w", file.Dir, file.Name, err)
	}
	return nil
}

// PlaceLink makes a symbolic link at name in dir ("" meaning
// DocumentsDirectory) that leads to target in targetDir, both in the
// sandbox ("" target: the base directory's folder itself), creating the
// link's parent folders.
func (f *Folders) PlaceLink(dir, name, targetDir, target string) error {
	p, err := f.Path(dir, name)
	if err != nil {
		return fmt.Errorf("place link: %w", err)
	}
	to, ok := f.Dirs[targetDir]
	if !ok {
		return fmt.Errorf("place link %s: unknown base directory %q", name, targetDir)
	}
	if target != "" {
		if to, err = f.Path(targetDir, target); err != nil {
			return fmt.Errorf("place link: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("place link %s: %w", name, err)
	}
	if err := os.Symlink(to, p); err != nil {
		return fmt.Errorf("place link %s: %w", name, err)
	}
	return nil
}

// List returns every file of the folders, at any depth, sorted by base
// directory then name, each with at most head leading bytes.
func (f *Folders) List(head int) ([]FileInfo, error) {
	var out []FileInfo
	for _, dir := range slices.Sorted(maps.Keys(f.Dirs)) {
		base := f.Dirs[dir]
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil && p != base && errors.Is(err, fs.ErrNotExist) {
				return nil // removed or renamed away while the folder was read
			}
			if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
				return err // a link is not listed: what it leads to is, where it is
			}
			info, err := hashFile(p, head)
			if errors.Is(err, fs.ErrNotExist) {
				return nil // as above: a running call's temporary file
			}
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(base, p)
			if err != nil {
				return err
			}
			info.Dir, info.Name = dir, filepath.ToSlash(rel)
			out = append(out, info)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", dir, err)
		}
	}
	slices.SortFunc(out, func(a, b FileInfo) int { return cmp.Or(cmp.Compare(a.Dir, b.Dir), cmp.Compare(a.Name, b.Name)) })
	return out, nil
}

// Look returns one file of the sandbox as List would list it; ok is false
// when there is no such file.
func (f *Folders) Look(dir, name string, head int) (info FileInfo, ok bool, err error) {
	p, err := f.Path(dir, name)
	if err != nil {
		return FileInfo{}, false, err
	}
	info, err = hashFile(p, head)
	if errors.Is(err, fs.ErrNotExist) {
		return FileInfo{}, false, nil
	}
	if err != nil {
		return FileInfo{}, false, fmt.Errorf("look at %s/%s: %w", dir, name, err)
	}
	info.Dir, info.Name = dir, name
	return info, true, nil
}

// hashFile returns a file's size, SHA-256 and first head bytes.
func hashFile(p string, head int) (FileInfo, error) {
	file, err := os.Open(p)
	if err != nil {
		return FileInfo{}, err
	}
	defer file.Close()
	h := sha256.New()
	buf := make([]byte, max(head, 0))
	n, err := io.ReadFull(file, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return FileInfo{}, err
	}
	h.Write(buf[:n])
	rest, err := io.Copy(h, file)
	if err != nil {
		return FileInfo{}, err
	}
	return FileInfo{Size: int64(n) + rest, SHA256: hex.EncodeToString(h.Sum(nil)), Head: string(buf[:n])}, nil
}
