// Package expect holds an implementation's known results, wptrunner-style,
// and judges a case's runs against them: the expectations file (case id to
// the outcome classes a run may have), the outcome class of a verdict, the
// stable/flaky/broken classification of repeated runs and the merged
// [Outcome] of a case that every report shows. The runner produces the runs
// (runner.Runner.Repeat); this package decides whether they were expected.
package expect

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"

	"github.com/netconform/netconform/harness/result"
)

// Status is the outcome class of one run of a case, the unit expectations
// are written in: pass (pass, warn or info verdicts), fail, error or skip.
type Status string

const (
	// Pass is a pass, warn or info verdict.
	Pass Status = "pass"
	// Fail is a fail verdict.
	Fail Status = "fail"
	// Error is an error verdict: the case could not be judged.
	Error Status = "error"
	// Skip is a skipped case.
	Skip Status = "skip"
)

// StatusOf maps a verdict to its outcome class.
func StatusOf(v result.Verdict) Status {
	switch v {
	case result.Fail:
		return Fail
	case result.Error:
		return Error
	case result.Skip:
		return Skip
	}
	return Pass
}

// validStatuses lists what an expectation may name.
func validStatuses() []Status { return []Status{Pass, Fail, Error, Skip} }

// Expectations are the known outcomes of an implementation, wptrunner-style:
// case id to the outcome classes a run may have. A case with no entry is
// expected to pass (or be skipped).
type Expectations struct {
	file string
	byID map[string]expectation
}

// expectation is one entry of an expectations file.
type expectation struct {
	allowed []Status
	line    int
}

// Parse reads an expectations file: a YAML mapping of case id to
// one status (`events.x: fail`) or a list of them (`events.y: [pass, fail]`
// for a known flaky case). Statuses are pass, fail, error and skip. Errors
// read "file:line:col: message".
func Parse(file string, data []byte) (*Expectations, error) {
	ex := &Expectations{file: file, byID: map[string]expectation{}}
	root, err := strictyaml.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root == nil || strictyaml.IsNull(root) {
		return ex, nil // an empty file expects nothing special
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: want a mapping of case id to status", file, root.Line, root.Column)
	}
	d := strictyaml.NewDecoder(file)
	bad := func(n *yaml.Node, format string, args ...any) { d.Failf(n, "", format, args...) }
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			bad(k, "want a case id as key")
			continue
		}
		if _, dup := ex.byID[k.Value]; dup {
			bad(k, "duplicate entry for %q", k.Value)
			continue
		}
		var vals []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			vals = []*yaml.Node{v}
		case yaml.SequenceNode:
			vals = v.Content
		default:
			bad(v, "%s: want a status or a list of statuses", k.Value)
			continue
		}
		if len(vals) == 0 {
			bad(v, "%s: empty list of statuses", k.Value)
			continue
		}
		e := expectation{line: k.Line}
		for _, s := range vals {
			st := Status(strings.ToLower(s.Value))
			if s.Kind != yaml.ScalarNode || !slices.Contains(validStatuses(), st) {
				bad(s, "%s: unknown status %q (want pass, fail, error or skip)", k.Value, s.Value)
				continue
			}
			if !slices.Contains(e.allowed, st) {
				e.allowed = append(e.allowed, st)
			}
		}
		ex.byID[k.Value] = e
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return ex, nil
}

// Load reads and parses an expectations file; "" gives none (every case is
// expected to pass or be skipped).
func Load(file string) (*Expectations, error) {
	if file == "" {
		return None(), nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read expectations: %w", err)
	}
	return Parse(file, data)
}

// None returns the empty set of expectations: every case is expected to
// pass or be skipped.
func None() *Expectations {
	return &Expectations{byID: map[string]expectation{}}
}

// Allowed returns the outcome classes a case may have and whether the file
// names it. Without an entry, pass and skip are allowed.
func (ex *Expectations) Allowed(id string) ([]Status, bool) {
	if e, ok := ex.byID[id]; ok {
		return e.allowed, true
	}
	return []Status{Pass, Skip}, false
}

// Unknown returns the ids the file names that are not in ids, sorted, each
// with its file and line ("events.x (e.yaml:3)").
func (ex *Expectations) Unknown(ids []string) []string {
	var out []string
	for id, e := range ex.byID {
		if !slices.Contains(ids, id) {
			out = append(out, fmt.Sprintf("%s (%s:%d)", id, ex.file, e.line))
		}
	}
	sort.Strings(out)
	return out
}

// Allows reports whether every run's outcome is allowed for the case, and
// describes the expectation ("fail", "[pass, fail]") for messages.
func (ex *Expectations) Allows(id string, runs []Status) (expected bool, want string) {
	allowed, named := ex.Allowed(id)
	expected = true
	for _, s := range runs {
		if !slices.Contains(allowed, s) {
			expected = false
		}
	}
	if !named {
		return expected, "pass"
	}
	if len(allowed) == 1 {
		return expected, string(allowed[0])
	}
	parts := make([]string, len(allowed))
	for i, s := range allowed {
		parts[i] = string(s)
	}
	return expected, "[" + strings.Join(parts, ", ") + "]"
}
