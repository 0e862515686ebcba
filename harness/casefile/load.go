package casefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// Options are the loader's choices beyond a file's text. The zero value
// loads as for the embedded cases: a case may name no local file.
type Options struct {
	// Dir is the folder on disk that the loaded file names are in: for
	// [LoadContext] the case file's own folder, for [LoadFSContext] the
	// folder that fsys is rooted at (each case file's folder is then the
	// one below it that holds the file). The local files a case names (a
	// route's body file, {file: data.bin}) resolve in the case file's
	// folder and must stay inside it (strictyaml.Files). "" means the files
	// are not on disk.
	Dir string
	// AllowOutside admits local files outside the case file's folder:
	// absolute paths, paths through "..", symbolic links that lead out.
	AllowOutside bool
}

// Load parses one case file strictly and validates its cases, with the
// zero [Options] and no context: see [LoadContext].
func Load(file string, data []byte) ([]*Case, error) {
	return LoadContext(context.Background(), file, data, Options{})
}

// LoadContext parses one case file strictly and validates its cases. file
// names the file in messages and positions. The file is held to the limits
// of every YAML file (strictyaml.Parse: its size, its nodes with aliases
// expanded) and decoding stops, with ctx's error, once ctx is done. Every
// problem found is reported, each as a *strictyaml.PosError
// ("file:line:col: field: message"), joined with errors.Join in document
// order. Loaded cases have Call folded into Calls and defaults filled in;
// body files are absolute paths.
func LoadContext(ctx context.Context, file string, data []byte, opts Options) ([]*Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", file, context.Cause(ctx))
	}
	root, err := strictyaml.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root == nil || strictyaml.IsNull(root) {
		return nil, fmt.Errorf("%s:1:1: empty case file", file)
	}
	d := newDecoder(file)
	d.Context = ctx
	d.Files = strictyaml.Files{Dir: opts.Dir, AllowOutside: opts.AllowOutside}
	var items []*yaml.Node
	prefix := func(i int) string { return "" }
	switch {
	case root.Kind == yaml.SequenceNode:
		items = root.Content
		prefix = func(i int) string { return fmt.Sprintf("[%d]", i) }
	case root.Kind == yaml.MappingNode && len(root.Content) == 2 && root.Content[0].Value == "cases":
		list := strictyaml.Resolve(root.Content[1])
		if list.Kind != yaml.SequenceNode {
			d.Failf(list, "cases", "want a list of cases, got %s", strictyaml.Describe(list))
			return nil, d.Err()
		}
		items = list.Content
		prefix = func(i int) string { return fmt.Sprintf("cases[%d]", i) }
	case root.Kind == yaml.MappingNode:
		items = []*yaml.Node{root}
	default:
		d.Failf(root, "", "want a case (a mapping) or a list of cases, got %s", strictyaml.Describe(root))
		return nil, d.Err()
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s:%d:%d: no cases", file, root.Line, root.Column)
	}
	cases := make([]*Case, 0, len(items))
	ids := map[string]bool{}
	for i, n := range items {
		c := &Case{}
		field := prefix(i)
		d.Decode(n, c, field)
		c.Pos = posOf(d, strictyaml.Resolve(n))
		v := &validator{d: d, c: c, field: field}
		v.validate()
		if c.ID != "" && ids[c.ID] {
			idField := strictyaml.Join(field, "id")
			at := d.Node(idField)
			if at == nil {
				at = n
			}
			d.Failf(at, idField, "duplicate case id %q", c.ID)
		}
		ids[c.ID] = true
		cases = append(cases, c)
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return cases, nil
}

// LoadFS loads every case file of fsys with the zero [Options] and no
// context: see [LoadFSContext].
func LoadFS(fsys fs.FS, dir string) ([]*Case, error) {
	return LoadFSContext(context.Background(), fsys, dir, Options{})
}

// LoadFSContext loads every case file matching */*.yaml in fsys
// (cases/<area>/<name>.yaml when fsys is rooted at cases/), in path order,
// as [LoadContext] does, and checks that case ids are unique across files
// and that each case's area (the first id segment) is its folder. Paths in
// messages are prefixed with dir. It stops, with ctx's error, once ctx is
// done (looked at before each file and while decoding).
func LoadFSContext(ctx context.Context, fsys fs.FS, dir string, opts Options) ([]*Case, error) {
	names, err := fs.Glob(fsys, "*/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list case files: %w", err)
	}
	sort.Strings(names)
	var all []*Case
	var errs []error
	seen := map[string]Pos{}
	for _, name := range names {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("load cases: stopped before %s: %w", path.Join(dir, name), context.Cause(ctx)))
			break
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", path.Join(dir, name), err))
			continue
		}
		file := path.Join(dir, name)
		fileOpts := opts
		if opts.Dir != "" {
			fileOpts.Dir = filepath.Join(opts.Dir, filepath.FromSlash(path.Dir(name)))
		}
		cs, err := LoadContext(ctx, file, data, fileOpts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		area := path.Dir(name)
		for _, c := range cs {
			if prev, dup := seen[c.ID]; dup {
				errs = append(errs, &strictyaml.PosError{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Field: "id",
					Err: fmt.Errorf("duplicate case id %q (also at %s)", c.ID, prev)})
				continue
			}
			seen[c.ID] = c.Pos
			if a := c.Area(); a != area {
				errs = append(errs, &strictyaml.PosError{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Field: "id",
					Err: fmt.Errorf("case %q has area %q but lives in folder %q", c.ID, a, area)})
			}
			all = append(all, c)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return all, nil
}
