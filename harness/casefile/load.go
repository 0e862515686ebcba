package casefile

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

// Load parses one case file strictly and validates its cases. file names the
// file in messages and positions. Every problem found is reported, each as a
// *strictyaml.PosError ("file:line:col: field: message"), joined with
// errors.Join in document order. Loaded cases have Call folded into Calls
// and defaults filled in.
func Load(file string, data []byte) ([]*Case, error) {
	root, err := strictyaml.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if root == nil || strictyaml.IsNull(root) {
		return nil, fmt.Errorf("%s: empty case file", file)
	}
	d := newDecoder(file)
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
		return nil, fmt.Errorf("%s: no cases", file)
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

// LoadFS loads every case file matching */*.yaml in fsys (cases/<area>/<name>.yaml
// when fsys is rooted at cases/), in path order, and checks that case ids
// are unique across files and that each case's area (the first id segment)
// is its folder. Paths in messages are prefixed with dir.
func LoadFS(fsys fs.FS, dir string) ([]*Case, error) {
	names, err := fs.Glob(fsys, "*/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list case files: %w", err)
	}
	sort.Strings(names)
	var all []*Case
	var errs []error
	seen := map[string]Pos{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", name, err))
			continue
		}
		file := path.Join(dir, name)
		cs, err := Load(file, data)
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
