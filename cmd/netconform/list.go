package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

const listUsage = `usage: netconform list [cases|requirements] [selection flags] [--json]

Lists the selected cases and the requirements they check (both by default).
With a filter, only the requirements the selected cases name are listed.

flags:`

// listedCase is one case in list's output.
type listedCase struct {
	ID           string       `json:"id"`
	Title        string       `json:"title"`
	Area         string       `json:"area"`
	Level        result.Level `json:"level"`
	Requirements []string     `json:"requirements"`
	Labels       []string     `json:"labels,omitempty"`
	Pos          string       `json:"pos"`
}

// listedReq is one requirement in list's output.
type listedReq struct {
	ID    string       `json:"id"`
	Level result.Level `json:"level"`
	Area  string       `json:"area"`
	Title string       `json:"title"`
	Cases []string     `json:"cases"`
}

// listing is list's --json document.
type listing struct {
	Cases        []listedCase `json:"cases,omitempty"`
	Requirements []listedReq  `json:"requirements,omitempty"`
}

// runList implements `netconform list`.
func runList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sel selection
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sel.register(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprintln(stderr, listUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	what := "all"
	switch {
	case len(pos) > 1:
		fmt.Fprintf(stderr, "netconform list: unexpected argument %q\n", pos[1])
		return 2
	case len(pos) == 1:
		what = pos[0]
		if what != "cases" && what != "requirements" {
			fmt.Fprintf(stderr, "netconform list: want cases or requirements, got %q\n", what)
			return 2
		}
	}
	if err := sel.validate(); err != nil {
		fmt.Fprintf(stderr, "netconform list: %v\n", err)
		return 2
	}
	st, err := sel.load(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "netconform list: %v\n", err)
		return 2
	}
	doc := buildListing(st, sel.pick(st), sel.filtered())
	if what == "cases" {
		doc.Requirements = nil
	}
	if what == "requirements" {
		doc.Cases = nil
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "netconform list: %v\n", err)
			return exitUsage
		}
		return 0
	}
	if err := printListing(stdout, doc, what); err != nil {
		fmt.Fprintf(stderr, "netconform list: %v\n", err)
		return exitUsage
	}
	return 0
}

// buildListing lists the picked cases and the requirements: every one of
// the catalogue, or with a filter only those the picked cases name.
func buildListing(st *suite, picked []*casefile.Case, filtered bool) listing {
	var doc listing
	byReq := map[string][]string{}
	pol := st.policy(false)
	for _, c := range picked {
		doc.Cases = append(doc.Cases, listedCase{ID: c.ID, Title: c.Title, Area: c.Area(),
			Level: pol.CaseLevel(c.Level, c.Requirements), Requirements: c.Requirements, Labels: c.Labels,
			Pos: c.Pos.String()})
		for _, r := range c.Requirements {
			byReq[r] = append(byReq[r], c.ID)
		}
	}
	for _, id := range st.cat.IDs() {
		r, _ := st.cat.Get(id)
		if filtered && len(byReq[id]) == 0 {
			continue
		}
		cs := byReq[id]
		if cs == nil {
			cs = []string{}
		}
		doc.Requirements = append(doc.Requirements, listedReq{ID: r.ID, Level: r.Level,
			Area: string(r.Area), Title: r.Title, Cases: cs})
	}
	return doc
}

// printListing prints the listing as aligned tables.
func printListing(w io.Writer, doc listing, what string) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	if what != "requirements" {
		fmt.Fprintf(tw, "CASE\tLEVEL\tREQUIREMENTS\tTITLE\n")
		for _, c := range doc.Cases {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Level, strings.Join(c.Requirements, ","), c.Title)
		}
		fmt.Fprintf(tw, "(%s)\n", plural(len(doc.Cases), "case"))
	}
	if what == "all" {
		fmt.Fprintln(tw)
	}
	if what != "cases" {
		fmt.Fprintf(tw, "RULE\tLEVEL\tAREA\tCASES\tTITLE\n")
		for _, r := range doc.Requirements {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.ID, r.Level, r.Area, len(r.Cases), r.Title)
		}
		fmt.Fprintf(tw, "(%s)\n", plural(len(doc.Requirements), "requirement"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write listing: %w", err)
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments, and returns the positional ones. "--" ends flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for range len(args) + 1 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}
