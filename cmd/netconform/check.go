package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/expect"
)

const checkUsage = `usage: netconform check [--cases DIR ...] [--expect FILE]

Validates case files (the embedded set, or --cases) as run loads them:
YAML syntax and limits, unknown keys, the server scenario and its body files
(inside the case file's folder unless --allow-outside-files), given files,
unique ids, area folders, and requirement ids known to the catalogue; with
--expect, an expectations file too. Problems are printed as
file:line:col: message, and the exit code is 1. A file that cannot be read,
a usage error or an interrupt (Ctrl-C, SIGTERM) exits with 2, as for run.

flags:`

// runCheck implements `netconform check`. Loading stops when ctx is done
// (main's signal.NotifyContext: SIGINT, SIGTERM).
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sel selection
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&sel.sources, "cases", "check the cases in `DIR` (or one YAML file) instead of the embedded set; repeatable;\n"+
		"\"embedded\" names the built-in cases")
	sel.registerFiles(fs)
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
	all, err := loadSources(ctx, sel.sources.vals, sel.allowOutside)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "netconform check: interrupted: %v\n", context.Cause(ctx))
		return 2
	}
	if err != nil {
		code := checkExit(err)
		if code == 2 { // a file that cannot be read, as run says it; problems stay file:line:col first
			fmt.Fprintf(stderr, "netconform check: %v\n", err)
		} else {
			fmt.Fprintln(stderr, err)
		}
		return code
	}
	problems := unknownRequirements(cat, all)
	code := 1
	if len(expectFiles) > 0 {
		more, err := checkExpectations(expectFiles, all)
		problems = append(problems, more...)
		if err != nil {
			problems = append(problems, err.Error())
			code = checkExit(err)
		}
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	if len(problems) > 0 {
		fmt.Fprintln(stderr, plural(len(problems), "problem"))
		return code
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

// checkExit is the exit code of check for a loading error: 2 when a file
// could not be read (missing, unreadable: a setup error, as run says), 1
// when what was read is invalid.
func checkExit(err error) int {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return 2
	}
	return 1
}

// checkExpectations parses the expectations files specs name (as run's
// --expect) and returns the case ids they name that no loaded case has,
// or the error that loading them gave.
func checkExpectations(specs []string, all []*casefile.Case) ([]string, error) {
	ex, err := expect.LoadSet(specs)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range ex.Unknown(caseIDs(all)) {
		out = append(out, "expectation for unknown case "+u)
	}
	return out, nil
}
