package casefile

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/mockserver"
)

// Load parses one case file strictly and validates its cases. file names the
// file in messages and positions. Every problem found is reported, each as a
// *mockserver.PosError ("file:line:col: field: message"), joined with
// errors.Join in document order. Loaded cases have Call folded into Calls
// and defaults filled in.
func Load(file string, data []byte) ([]*Case, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	root := resolve(&doc)
	if root.Kind == 0 || root.Kind == yaml.DocumentNode || isNull(root) {
		return nil, fmt.Errorf("%s: empty case file", file)
	}
	d := &decoder{file: file, nodes: map[string]*yaml.Node{}}
	var items []*yaml.Node
	prefix := func(i int) string { return "" }
	switch {
	case root.Kind == yaml.SequenceNode:
		items = root.Content
		prefix = func(i int) string { return fmt.Sprintf("[%d]", i) }
	case root.Kind == yaml.MappingNode && len(root.Content) == 2 && root.Content[0].Value == "cases":
		list := resolve(root.Content[1])
		if list.Kind != yaml.SequenceNode {
			d.fail(list, "cases", "want a list of cases, got %s", describe(list))
			return nil, errors.Join(d.errs...)
		}
		items = list.Content
		prefix = func(i int) string { return fmt.Sprintf("cases[%d]", i) }
	case root.Kind == yaml.MappingNode:
		items = []*yaml.Node{root}
	default:
		d.fail(root, "", "want a case (a mapping) or a list of cases, got %s", describe(root))
		return nil, errors.Join(d.errs...)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no cases", file)
	}
	cases := make([]*Case, 0, len(items))
	ids := map[string]bool{}
	for i, n := range items {
		c := &Case{}
		field := prefix(i)
		d.value(n, reflectValue(c), field, 0)
		c.Pos = d.pos(resolve(n))
		v := &validator{d: d, c: c, field: field}
		v.validate()
		if c.ID != "" && ids[c.ID] {
			d.fail(d.node(join(field, "id"), n), join(field, "id"), "duplicate case id %q", c.ID)
		}
		ids[c.ID] = true
		cases = append(cases, c)
	}
	if len(d.errs) > 0 {
		sortErrors(d.errs)
		return nil, errors.Join(d.errs...)
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
				errs = append(errs, &mockserver.PosError{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Field: "id",
					Err: fmt.Errorf("duplicate case id %q (also at %s)", c.ID, prev)})
				continue
			}
			seen[c.ID] = c.Pos
			if a := c.Area(); a != area {
				errs = append(errs, &mockserver.PosError{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Field: "id",
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

// sortErrors orders positioned errors by line and column (the decoder and the
// validator find them in two passes).
func sortErrors(errs []error) {
	key := func(e error) (int, int) {
		var pe *mockserver.PosError
		if errors.As(e, &pe) {
			return pe.Line, pe.Col
		}
		return 0, 0
	}
	sort.SliceStable(errs, func(i, j int) bool {
		li, ci := key(errs[i])
		lj, cj := key(errs[j])
		return li < lj || li == lj && ci < cj
	})
}
