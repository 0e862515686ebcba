package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/netconform/netconform/cases"
	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
)

// embeddedCases is the --cases value that names the cases built into the
// binary.
const embeddedCases = "embedded"

// listFlag is a repeatable flag whose values may also be comma-separated.
type listFlag struct {
	vals []string
	set  bool
}

func (l *listFlag) String() string { return strings.Join(l.vals, ",") }

func (l *listFlag) Set(s string) error {
	l.set = true
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			l.vals = append(l.vals, v)
		}
	}
	return nil
}

// selection is the case selection shared by run and list: where cases come
// from and which of them to take.
type selection struct {
	sources listFlag // --cases: folders, files or "embedded"
	ids     listFlag // --id globs
	labels  listFlag // --label terms
	levels  listFlag // --level names
	// allowOutside (--allow-outside-files) lets cases name local files
	// outside their own folder.
	allowOutside bool
}

// register adds the selection flags to fs.
func (s *selection) register(fs *flag.FlagSet) {
	fs.Var(&s.sources, "cases", "load cases from `DIR` (or one YAML file) instead of the embedded set; repeatable;\n"+
		"the value \"embedded\" names the built-in cases, so --cases embedded --cases DIR adds DIR to them")
	fs.Var(&s.ids, "id", "only cases whose id matches a `glob` (path.Match, e.g. 'events.*'); repeatable, any matches")
	fs.Var(&s.labels, "label", "only cases with one of these `labels` (area, area:X, req:X, level:X or a case label);\n"+
		"a term starting with ! excludes; repeatable, comma-separated")
	fs.Var(&s.levels, "level", "only cases of these `levels` (must, should, info); comma-separated")
	s.registerFiles(fs)
}

// registerFiles adds --allow-outside-files to fs.
func (s *selection) registerFiles(fs *flag.FlagSet) {
	fs.BoolVar(&s.allowOutside, "allow-outside-files", false, "let case files name local files (body: {file: ...}) outside their own folder:\n"+
		"absolute paths, paths through .., symbolic links that lead out")
}

// validate checks the flag values that can be checked before loading.
func (s *selection) validate() error {
	for _, g := range s.ids.vals {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("bad --id glob %q: %w", g, err)
		}
	}
	for _, l := range s.levels.vals {
		if !result.Level(l).Valid() {
			return fmt.Errorf("bad --level %q (want must, should or info)", l)
		}
	}
	return nil
}

// filtered reports whether any filter is set.
func (s *selection) filtered() bool {
	return len(s.ids.vals) > 0 || len(s.labels.vals) > 0 || len(s.levels.vals) > 0
}

// suite is what a command works on: the catalogue and the loaded cases.
type suite struct {
	cat   *catalog.Catalog
	cases []*casefile.Case
}

// policy is the oracle's grading policy over the catalogue's levels; the
// commands ask it for case levels.
func (s *suite) policy(strict bool) oracle.Policy {
	return oracle.Policy{Strict: strict, LevelOf: s.levelOf}
}

// levelOf looks a requirement's level up in the catalogue.
func (s *suite) levelOf(req string) (result.Level, bool) { return s.cat.Level(req) }

// loadCatalog decodes the embedded requirement catalogue.
func loadCatalog() (*catalog.Catalog, error) {
	cat, err := catalog.Load(catalog.Requirements())
	if err != nil {
		return nil, fmt.Errorf("load requirement catalogue: %w", err)
	}
	return cat, nil
}

// load reads the catalogue and every case of the selection's sources (all of
// them, unfiltered), stopping when ctx is done. Case ids must be unique
// across sources.
func (s *selection) load(ctx context.Context) (*suite, error) {
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	all, err := loadSources(ctx, s.sources.vals, s.allowOutside)
	if err != nil {
		return nil, err
	}
	return &suite{cat: cat, cases: all}, nil
}

// loadSources loads the cases of each source ("embedded", a folder or a
// file) and checks ids are unique across them. A missing source or any
// invalid case file is an error; every problem is reported. A case names
// local files inside its own folder only, unless allowOutside.
func loadSources(ctx context.Context, sources []string, allowOutside bool) ([]*casefile.Case, error) {
	if len(sources) == 0 {
		sources = []string{embeddedCases}
	}
	var all []*casefile.Case
	var errs []error
	seen := map[string]casefile.Pos{}
	for _, src := range sources {
		cs, err := loadSource(ctx, src, allowOutside)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, c := range cs {
			if prev, dup := seen[c.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: id: duplicate case id %q (also at %s)", c.Pos, c.ID, prev))
				continue
			}
			seen[c.ID] = c.Pos
			all = append(all, c)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all, nil
}

// loadSource loads one source. A folder is read as the embedded set is laid
// out (<area>/<name>.yaml, the area matching the folder) plus any *.yaml
// directly inside it; a file is loaded on its own.
func loadSource(ctx context.Context, src string, allowOutside bool) ([]*casefile.Case, error) {
	if src == embeddedCases {
		cs, err := casefile.LoadFSContext(ctx, cases.FS, "cases", casefile.Options{AllowOutside: allowOutside})
		if err != nil {
			return nil, fmt.Errorf("load embedded cases: %w", err)
		}
		return cs, nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	if !fi.IsDir() {
		return loadFile(ctx, src, allowOutside)
	}
	fsys := os.DirFS(src)
	all, err := casefile.LoadFSContext(ctx, fsys, filepath.ToSlash(filepath.Clean(src)),
		casefile.Options{Dir: src, AllowOutside: allowOutside})
	if err != nil {
		return nil, err
	}
	top, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list case files in %s: %w", src, err)
	}
	var errs []error
	for _, name := range top {
		cs, err := loadFile(ctx, filepath.Join(src, name), allowOutside)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, cs...)
	}
	return all, errors.Join(errs...)
}

// loadFile loads one case file; its local files are in its folder.
func loadFile(ctx context.Context, name string, allowOutside bool) ([]*casefile.Case, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	return casefile.LoadContext(ctx, filepath.ToSlash(name), data,
		casefile.Options{Dir: filepath.Dir(name), AllowOutside: allowOutside})
}

// caseLabels are the labels a --label term can match: the bare area, the
// case's own derived labels (area:, req:, level: of its override) and the
// graded level.
func caseLabels(c *casefile.Case, level result.Level) []string {
	return append([]string{c.Area(), "level:" + string(level)}, c.AllLabels()...)
}

// pick returns the suite's cases the selection keeps, in id order.
func (s *selection) pick(st *suite) []*casefile.Case {
	pol := st.policy(false)
	var out []*casefile.Case
	for _, c := range st.cases {
		lvl := pol.CaseLevel(c.Level, c.Requirements)
		if s.keep(c, lvl) {
			out = append(out, c)
		}
	}
	return out
}

// keep applies the id, label and level filters to one case.
func (s *selection) keep(c *casefile.Case, lvl result.Level) bool {
	if len(s.ids.vals) > 0 && !slices.ContainsFunc(s.ids.vals, func(g string) bool {
		ok, _ := path.Match(g, c.ID)
		return ok
	}) {
		return false
	}
	if len(s.levels.vals) > 0 && !slices.Contains(s.levels.vals, string(lvl)) {
		return false
	}
	labels := caseLabels(c, lvl)
	anyPositive, matched := false, false
	for _, term := range s.labels.vals {
		if neg, ok := strings.CutPrefix(term, "!"); ok {
			if slices.Contains(labels, neg) {
				return false
			}
			continue
		}
		anyPositive = true
		if slices.Contains(labels, term) {
			matched = true
		}
	}
	return !anyPositive || matched
}
