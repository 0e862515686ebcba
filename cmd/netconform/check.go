package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/expect"
)

const checkUsage = `usage: netconform check [--cases DIR ...] [--expect FILE]

Validates case files (the embedded set, or --cases) strictly: YAML shape,
unknown keys, the server scenario, unique ids, area folders, and requirement
ids known to the catalogue; with --expect, an expectations file too.
Problems are printed as file:line:col: message, and the exit code is 1.

flags:`

// runCheck implements `netconform check`.
func runCheck(_ context.Context, args []string, stdout, stderr io.Writer) int {
	var sel selection
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&sel.sources, "cases", "check the cases in `DIR` (or one YAML file) instead of the embedded set; repeatable;\n"+
		"\"embedded\" names the built-in cases")
	var expectFiles []string
	fs.Func("expect", "also check this expectations `file` (its statuses and case ids); NAME=FILE as for run; repeatable",
		func(v string) error { expectFiles = append(expectFiles, v); return nil })
	fs.Usage = func() {
		fmt.Fprintln(stderr, checkUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "netconform check: unexpected argument %q (use --cases)\n", fs.Arg(0))
		return 2
	}
	cat, err := loadCatalog()
	if err != nil {
		fmt.Fprintf(stderr, "netconform check: %v\n", err)
		return 2
	}
	all, err := loadSources(sel.sources.vals)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	problems := unknownRequirements(cat, all)
	if len(expectFiles) > 0 {
		problems = append(problems, checkExpectations(expectFiles, all)...)
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	if len(problems) > 0 {
		fmt.Fprintln(stderr, plural(len(problems), "problem"))
		return 1
	}
	files := map[string]bool{}
	for _, c := range all {
		files[c.Pos.File] = true
	}
	fmt.Fprintf(stdout, "ok: %s in %s, every requirement known to the catalogue (%s)\n",
		plural(len(all), "case"), plural(len(files), "file"), plural(cat.Len(), "rule"))
	return 0
}

// unknownRequirements returns a positioned message per requirement id a
// case names that the catalogue lacks.
func unknownRequirements(cat *catalog.Catalog, all []*casefile.Case) []string {
	var out []string
	for _, c := range all {
		for _, r := range c.Requirements {
			if _, ok := cat.Get(r); !ok {
				out = append(out, fmt.Sprintf("%s: requirements: unknown requirement %q in case %s", c.Pos, r, c.ID))
			}
		}
	}
	return out
}

// checkExpectations parses the expectations files specs name (as run's
// --expect) and reports their errors and the case ids they name that no
// loaded case has.
func checkExpectations(specs []string, all []*casefile.Case) []string {
	ex, err := expect.LoadSet(specs)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, u := range ex.Unknown(caseIDs(all)) {
		out = append(out, "expectation for unknown case "+u)
	}
	return out
}
