package expect

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// Set holds the expectations of a run's implementations: one file for
// every implementation without a file of its own, and files for named
// implementations (the devices of a run say different names: an Android
// phone and an iPhone have different known deviations). An
// implementation's own file replaces the shared one for it.
type Set struct {
	shared *Expectations
	byName map[string]*Expectations
	order  []string // byName's names in the order given
}

// LoadSet reads the expectations files specs name, each "FILE" (for every
// implementation) or "NAME=FILE" (for the implementation called NAME; a
// spec that is an existing file's path is that file, '=' or not). At most
// one spec may be shared and one per name.
func LoadSet(specs []string) (*Set, error) {
	s := &Set{shared: None(), byName: map[string]*Expectations{}}
	sharedFile := ""
	for _, spec := range specs {
		name, file := splitSpec(spec)
		ex, err := Load(file)
		if err != nil {
			return nil, err
		}
		switch {
		case name == "" && sharedFile != "":
			return nil, fmt.Errorf("expectations: two files for every implementation (%s and %s); name one's implementation, NAME=FILE", sharedFile, file)
		case name == "":
			s.shared, sharedFile = ex, file
		case s.byName[name] != nil:
			return nil, fmt.Errorf("expectations: two files for implementation %q", name)
		default:
			s.byName[name] = ex
			s.order = append(s.order, name)
		}
	}
	return s, nil
}

// splitSpec splits "NAME=FILE"; a spec without '=', with nothing before
// it, or that names an existing file is a file for every implementation.
func splitSpec(spec string) (name, file string) {
	n, f, ok := strings.Cut(spec, "=")
	if !ok || n == "" {
		return "", spec
	}
	if _, err := os.Stat(spec); err == nil || !errors.Is(err, os.ErrNotExist) {
		return "", spec
	}
	return n, f
}

// For returns the expectations of the implementation called name: its own
// file's, else the shared file's, else none.
func (s *Set) For(name string) *Expectations {
	if ex := s.byName[name]; ex != nil {
		return ex
	}
	return s.shared
}

// Unknown returns the entries of every file that name a case not in ids,
// as [Expectations.Unknown] does, sorted.
func (s *Set) Unknown(ids []string) []string {
	out := s.shared.Unknown(ids)
	for _, n := range s.order {
		out = append(out, s.byName[n].Unknown(ids)...)
	}
	sort.Strings(out)
	return out
}

// Unused returns the names that have a file but are not among impls (the
// run's implementations), in the order given: a misspelt name, or a device
// that did not come.
func (s *Set) Unused(impls []string) []string {
	var out []string
	for _, n := range s.order {
		if !slices.Contains(impls, n) {
			out = append(out, n)
		}
	}
	return out
}
