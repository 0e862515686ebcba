package reports

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// parseTemplates parses the page templates. It is cheap enough to do per
// render, which keeps the package free of shared state.
func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"anchor": anchor,
		"minus5": func(n int) int { return n - 5 },
		"join":   strings.Join,
		"add4":   func(n int) int { return n + 4 },
		"add1":   func(n int) int { return n + 1 },
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse report templates: %w", err)
	}
	return t, nil
}

// htmlPage is the view of report.html.
type htmlPage struct {
	Label    string
	OK       bool
	Line     string
	Info     []kv
	Counts   []vcount
	Groups   []levelGroup
	Cols     []result.Verdict
	Areas    []string
	Verdicts []result.Verdict
	Cases    []htmlCase
	// Findings are the top reasons of the failing and erroring cases.
	Findings []Finding
	// Partial is the notice of an interrupted run ([partialNotice]), "" for
	// a complete one.
	Partial string
}

type kv struct{ K, V string }

type vcount struct {
	Verdict result.Verdict
	N       int
}

type htmlCase struct {
	result.CaseResult
	Area    string
	Anchor  string
	Dur     string
	Calls   []htmlCall
	General []result.Mismatch
	// Timelines are the whole-case picture and, when the events fill
	// little of it, a zoom on them (see caseTimelines).
	Timelines []timeline
	Files     []htmlFile
	// AttemptNote is [AttemptsLine]; Voids describe the void attempts one
	// per line; VoidResult is [result.CaseResult.LastAttemptVoid].
	AttemptNote string
	Voids       []string
	VoidResult  bool
}

// htmlCall is one call's expected (mismatch wants) and observed (events)
// side by side.
type htmlCall struct {
	Name       string
	Mismatches []result.Mismatch
	Events     []htmlEvent
}

type htmlEvent struct {
	At, Phase, Rest string
	Error           bool
}

type htmlFile struct {
	Name, Before, After string
	Changed             bool
}

// WriteHTML writes rep as report.html: one self-contained page (inline CSS
// and JavaScript, no network) with the summary, the requirement matrix (rule
// × verdict, grouped by level), filters by area and verdict, and per case the
// expected-vs-observed detail, an SVG timeline of the server's actions
// against the client's events, the journal, files and logs.
func WriteHTML(w io.Writer, rep Report) error {
	t, err := parseTemplates()
	if err != nil {
		return err
	}
	s := Summarize(rep.Run)
	page := htmlPage{Label: rep.label(), OK: s.OK(), Line: s.Line(), Info: runInfoKV(rep),
		Groups: levelGroups(Matrix(rep)), Cols: verdictOrder(), Verdicts: verdictOrder()}
	page.Findings = topFindings(rep.Run)
	page.Partial = partialNotice(rep)
	counts := rep.Run.Counts()
	for _, v := range verdictOrder() {
		page.Counts = append(page.Counts, vcount{v, counts[v]})
	}
	areas := map[string]bool{}
	for _, g := range page.Groups {
		for _, r := range g.Rows {
			if r.Area != "" {
				areas[r.Area] = true
			}
		}
	}
	for _, c := range rep.Run.Cases {
		areas[Area(c.ID)] = true
		page.Cases = append(page.Cases, viewCase(c))
	}
	for a := range areas {
		page.Areas = append(page.Areas, a)
	}
	slices.Sort(page.Areas)
	return execute(w, t, "report", page)
}

// execute runs a template into w through a buffer.
func execute(w io.Writer, t *template.Template, name string, data any) error {
	bw := bufio.NewWriter(w)
	if err := t.ExecuteTemplate(bw, name, data); err != nil {
		return fmt.Errorf("render %s html: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s html: %w", name, err)
	}
	return nil
}

// viewCase prepares one case for the page.
func viewCase(c result.CaseResult) htmlCase {
	hc := htmlCase{CaseResult: c, Area: Area(c.ID), Anchor: anchor(c.ID), Dur: fmtMs(c.Duration),
		AttemptNote: AttemptsLine(c), VoidResult: c.LastAttemptVoid()}
	for _, v := range c.VoidAttempts {
		hc.Voids = append(hc.Voids, voidLine(v))
	}
	names := calls(c.Trace)
	for _, m := range c.Mismatches {
		if m.Call != "" && !slices.Contains(names, m.Call) {
			names = append(names, m.Call)
		}
	}
	for _, n := range names {
		call := htmlCall{Name: n}
		for _, m := range c.Mismatches {
			if m.Call == n {
				call.Mismatches = append(call.Mismatches, m)
			}
		}
		for _, e := range trace.ForCall(c.Trace, n) {
			isErr, _ := e.Bool(trace.FieldIsError)
			rest := strings.TrimPrefix(e.Summary(), e.Phase())
			call.Events = append(call.Events, htmlEvent{At: fmtMs(e.At), Phase: e.Phase(), Rest: strings.TrimSpace(rest),
				Error: isErr})
		}
		hc.Calls = append(hc.Calls, call)
	}
	for _, m := range c.Mismatches {
		if m.Call == "" {
			hc.General = append(hc.General, m)
		}
	}
	hc.Timelines = caseTimelines(c)
	for _, f := range c.Files {
		hf := htmlFile{Before: fileState(f.Before), After: fileState(f.After)}
		for _, s := range []*result.FileState{f.After, f.Before} {
			if s != nil {
				hf.Name = s.Dir + "/" + s.Name
			}
		}
		hf.Changed = hf.Before != hf.After
		hc.Files = append(hc.Files, hf)
	}
	return hc
}

// fileState describes a file state in a cell: "12 bytes sha256 3a7bd3e2…".
func fileState(s *result.FileState) string {
	if s == nil {
		return "absent"
	}
	sum := s.SHA256
	if len(sum) > 12 {
		sum = sum[:12] + "…"
	}
	return strconv.FormatInt(s.Size, 10) + " bytes, sha256 " + sum
}

// anchor is the element id of a case: "case-" and the id with anything but
// letters, digits, '-', '_' and '.' replaced by '_'.
func anchor(id string) string {
	return "case-" + strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, id)
}

// runInfoKV lists the run information shown under the title.
func runInfoKV(rep Report) []kv {
	var out []kv
	add := func(k, v string) {
		if v != "" {
			out = append(out, kv{k, v})
		}
	}
	add("implementation", rep.name())
	add("version", rep.Info.Version)
	add("driver", rep.Info.Driver)
	add("strict", strconv.FormatBool(rep.Run.Strict))
	add("time scale", strconv.FormatFloat(rep.Run.TimeScale, 'g', -1, 64))
	if s := rep.started(); !s.IsZero() {
		add("started", s.UTC().Format("2006-01-02 15:04:05Z"))
	}
	if d := rep.duration(); d > 0 {
		add("duration", strconv.FormatFloat(d.Seconds(), 'f', 2, 64)+" s")
	}
	h := rep.Info.Host
	add("host", strings.TrimSpace(h.Name+" "+strings.Trim(h.OS+"/"+h.Arch, "/")+" "+h.GoVersion))
	add("netconform", rep.Info.Tool)
	add("built with", rep.Info.Build.GoVersion)
	add("interrupted", rep.Info.Interrupted)
	return out
}
