package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/netconform/netconform/reports"
)

const reportUsage = `usage: netconform report [-o FILE] a.json b.json ...

Renders several runs' report.json files side by side in one self-contained
HTML page (a column per run, a row per case and per requirement, rows where
the runs disagree marked), for example one run per implementation or
platform.

flags:`

// runReport implements `netconform report`.
func runReport(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", filepath.Join("reports", "out", "compare.html"), "write the page to `file` (\"-\" for stdout)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, reportUsage)
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "netconform report: give at least one report.json")
		fs.Usage()
		return 2
	}
	reps := make([]reports.Report, 0, len(files))
	for _, f := range files {
		rep, err := readReportFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "netconform report: %v\n", err)
			return 2
		}
		reps = append(reps, rep)
	}
	if *out == "-" {
		if err := reports.RenderCompare(stdout, reps); err != nil {
			fmt.Fprintf(stderr, "netconform report: %v\n", err)
			return exitUsage
		}
		return 0
	}
	if err := reports.WriteCompare(*out, reps); err != nil {
		fmt.Fprintf(stderr, "netconform report: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", *out, plural(len(reps), "run"))
	return 0
}

// readReportFile reads one report.json.
func readReportFile(name string) (reports.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return reports.Report{}, fmt.Errorf("open report: %w", err)
	}
	defer func() { _ = f.Close() }()
	rep, err := reports.ReadJSON(f)
	if err != nil {
		return reports.Report{}, fmt.Errorf("%s: %w", name, err)
	}
	return rep, nil
}
