package strictyaml

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// Files is the one rule for the local files a document names, such as a
// route's body file ({file: data.bin}): a relative path resolves in Dir,
// the folder of the document, and the file must stay inside it (or its
// subfolders), unless AllowOutside is set. An absolute path, a path
// through "..", and a path that a symbolic link leads out of Dir are
// outside. The file must exist and be a regular file. The loaders take
// AllowOutside from the command line's --allow-outside-files, which the
// message of a refused path names.
type Files struct {
	// Dir is the folder the document is in, on disk. "" means it has none
	// (an embedded file): a local file is then refused, except an absolute
	// path with AllowOutside.
	Dir string
	// AllowOutside admits files outside Dir, absolute paths included.
	AllowOutside bool
}

// ErrOutside is the problem of a local file path that leaves the
// document's folder; errors of [Files.Resolve] for it wrap it.
var ErrOutside = errors.New("outside the folder of the file that names it")

// Resolve returns the absolute path to open for name, a local file path as
// the document gives it ("/"-separated or not), or why the rule refuses
// it.
func (f Files) Resolve(name string) (string, error) {
	p := filepath.FromSlash(name)
	var full string
	switch {
	case filepath.IsAbs(p) && !f.AllowOutside:
		return "", fmt.Errorf("local file %q: an absolute path is %w (--allow-outside-files allows it)", name, ErrOutside)
	case filepath.IsAbs(p):
		full = p
	case f.Dir == "":
		return "", fmt.Errorf("local file %q: this file has no folder on disk to find it in (an embedded file); "+
			"load the file from a folder", name)
	case !f.AllowOutside && !filepath.IsLocal(p):
		return "", fmt.Errorf("local file %q: a path through \"..\" is %w (--allow-outside-files allows it)", name, ErrOutside)
	default:
		full = filepath.Join(f.Dir, p)
	}
	abs, err := filepath.Abs(full)
	if err != nil {
		return "", fmt.Errorf("local file %q: %w", name, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("local file %q: no such file (looked for %s)", name, abs)
	}
	if err != nil {
		return "", fmt.Errorf("local file %q: %w", name, err)
	}
	if !f.AllowOutside {
		dir, err := filepath.Abs(f.Dir)
		if err == nil {
			dir, err = filepath.EvalSymlinks(dir)
		}
		if err != nil {
			return "", fmt.Errorf("local file %q: folder %s: %w", name, f.Dir, err)
		}
		if rel, err := filepath.Rel(dir, real); err != nil || !filepath.IsLocal(rel) {
			return "", fmt.Errorf("local file %q: a symbolic link leads to %s, %w (--allow-outside-files allows it)",
				name, real, ErrOutside)
		}
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("local file %q: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("local file %q: not a regular file", name)
	}
	return real, nil
}

// LocalFile applies the decoder's [Files] rule to name, the local file
// path given at node n for field: it returns the path to open, or records
// the problem at n and returns "".
func (d *Decoder) LocalFile(n *yaml.Node, field, name string) string {
	p, err := d.Files.Resolve(name)
	if err != nil {
		d.fail(n, field, err)
		return ""
	}
	return p
}
