package impl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// BaseDir names one of Solar2D's base directories (system.DocumentsDirectory
// and so on). The engine maps each one to a real folder.
type BaseDir string

// The base directories of the sandbox. ResourceDirectory is read-only: a
// response is never written to it (F7).
const (
	DocumentsDirectory BaseDir = "DocumentsDirectory"
	TemporaryDirectory BaseDir = "TemporaryDirectory"
	CachesDirectory    BaseDir = "CachesDirectory"
	ResourceDirectory  BaseDir = "ResourceDirectory"
)

// baseDirs lists the base directories with the folder name WithSandbox uses.
var baseDirs = [...]struct {
	dir    BaseDir
	folder string
}{
	{DocumentsDirectory, "Documents"},
	{TemporaryDirectory, "Temporary"},
	{CachesDirectory, "Caches"},
	{ResourceDirectory, "Resource"},
}

// ErrUnknownBaseDir is returned for a BaseDir that is not one of the four constants.
var ErrUnknownBaseDir = errors.New("unknown base directory")

// ErrUnsafeFilename is returned for a file name that is empty, absolute or
// escapes its base directory (F9).
var ErrUnsafeFilename = errors.New("file name escapes its base directory")

// valid reports whether d is one of the four base directories.
func (d BaseDir) valid() bool {
	for _, b := range baseDirs {
		if b.dir == d {
			return true
		}
	}
	return false
}

// orDocuments returns d, or DocumentsDirectory when d is "" (F6).
func (d BaseDir) orDocuments() BaseDir {
	if d == "" {
		return DocumentsDirectory
	}
	return d
}

// setupSandbox fills e.dirs: options first, then root/<folder> for the rest,
// creating a private temporary root (removed by Close) when no root was given.
func (e *Engine) setupSandbox(root string, dirs map[BaseDir]string) error {
	e.dirs = make(map[BaseDir]string, len(baseDirs))
	for _, b := range baseDirs {
		p, ok := dirs[b.dir]
		if !ok {
			if root == "" {
				tmp, err := os.MkdirTemp("", "netconform-sandbox-")
				if err != nil {
					return fmt.Errorf("create sandbox: %w", err)
				}
				root, e.ownedRoot = tmp, tmp
			}
			p = filepath.Join(root, b.folder)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("resolve %s: %w", b.dir, err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", b.dir, err)
		}
		e.dirs[b.dir] = abs
	}
	return nil
}

// Path returns the absolute path of name in dir, like Solar2D's
// system.pathForFile, but dir "" means DocumentsDirectory. An empty name gives
// the directory itself. Names that escape the directory are refused (F9):
// absolute names, names with "..", and names whose existing part leads
// through a symbolic link to outside the directory. The file need not exist.
func (e *Engine) Path(name string, dir BaseDir) (string, error) {
	dir = dir.orDocuments()
	root, ok := e.dirs[dir]
	if !ok {
		return "", fmt.Errorf("path for %q: %w: %q", name, ErrUnknownBaseDir, dir)
	}
	if name == "" {
		return root, nil
	}
	p := filepath.Join(root, name)
	if !filepath.IsLocal(name) || !resolvesInside(root, p) {
		return "", fmt.Errorf("path for %q: %w", name, ErrUnsafeFilename)
	}
	return p, nil
}

// filePath is Path for a file that is read or written: the name must not be
// empty or name the base directory itself ("." or "a/.."), whose parent is
// outside the directory (F9).
func (e *Engine) filePath(name string, dir BaseDir) (string, error) {
	p, err := e.Path(name, dir)
	if err != nil {
		return "", err
	}
	if root := e.dirs[dir.orDocuments()]; p == root {
		return "", fmt.Errorf("path for %q: %w", name, ErrUnsafeFilename)
	}
	return p, nil
}

// resolvesInside reports whether p, a lexical descendant of root, stays in
// root once the symbolic links of its longest existing prefix are resolved.
// A part that does not exist yet cannot be a link: the engine creates plain
// folders and files there, and a dangling link in the way makes the write
// fail instead of following it. The loop is bounded by p's depth.
func resolvesInside(root, p string) bool {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	for q := p; len(q) > len(root); q = filepath.Dir(q) {
		real, err := filepath.EvalSymlinks(q)
		if err != nil {
			continue // missing (or not a folder): look at its parent
		}
		rel, err := filepath.Rel(realRoot, real)
		return err == nil && filepath.IsLocal(rel)
	}
	return true
}
