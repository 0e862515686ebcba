package reports

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/result"
)

// Report is one run to render: the results and what the results do not say
// about the run.
type Report struct {
	// Info describes the run: implementation, driver, host, times.
	Info RunInfo
	// Requirements is the requirement catalogue in profile order. It gives the
	// matrix its rows, levels, areas and titles; when nil, rows come from the
	// requirements the cases name, levels from the grading.
	Requirements []Requirement
	// Run holds the case results.
	Run result.Run
}

// RunInfo is the run information that [result.Run] lacks. Zero fields are
// omitted from the reports; Started, TimeScale and Strict fall back to the
// run's own fields when zero.
type RunInfo struct {
	// Implementation names the implementation under test, e.g.
	// "netconform reference"; empty means Run.Implementation.
	Implementation string
	// Version is the implementation's version.
	Version string
	// Driver names the driver that ran it, e.g. "inproc".
	Driver string
	// Host is where the run happened; see [CurrentHost].
	Host Host
	// Started and Ended bound the run; zero Started means Run.Started, zero
	// Ended means Started + Run.Duration.
	Started, Ended time.Time
	// Args is the command line, for the record.
	Args []string
	// Tool is the version of netconform that ran the suite, on one line
	// ([ToolBuild.String]).
	Tool string
	// Build is the build of netconform that ran the suite, field by field.
	Build ToolBuild
	// Interrupted names what interrupted the run before every case ended
	// (a signal: "interrupt", "terminated"); "" for a run that completed.
	// The cases it left are marked ([result.CaseResult.Interrupted]).
	Interrupted string
}

// Partial reports whether rep is an interrupted run's partial report: its
// Info says it was interrupted, or a case says it did not finish.
func (r Report) Partial() bool {
	return r.Info.Interrupted != "" || Summarize(r.Run).Interrupted > 0
}

// Host describes the machine a run happened on.
type Host struct {
	// Name is the host name.
	Name string `json:"name,omitempty"`
	// OS and Arch are runtime.GOOS and runtime.GOARCH.
	OS   string `json:"os,omitempty"`
	Arch string `json:"arch,omitempty"`
	// GoVersion is runtime.Version().
	GoVersion string `json:"goVersion,omitempty"`
	// CPUs is the number of logical CPUs.
	CPUs int `json:"cpus,omitempty"`
}

// CurrentHost returns the Host this process runs on; Name is empty when the
// host name cannot be read.
func CurrentHost() Host {
	name, _ := os.Hostname()
	return Host{Name: name, OS: runtime.GOOS, Arch: runtime.GOARCH, GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
}

// Requirement is one row of the requirement matrix: a rule of the profile.
type Requirement struct {
	// ID is the rule number, e.g. "D4".
	ID string `json:"id"`
	// Level is the rule's primary level.
	Level result.Level `json:"level"`
	// Area is the profile section, e.g. "redirects".
	Area string `json:"area,omitempty"`
	// Title is the one-line summary.
	Title string `json:"title,omitempty"`
}

// FromCatalog returns the catalogue's requirements in profile order, for
// [Report.Requirements]. A nil catalogue gives nil.
func FromCatalog(cat *catalog.Catalog) []Requirement {
	if cat == nil {
		return nil
	}
	var out []Requirement
	for _, id := range cat.IDs() {
		r, _ := cat.Get(id)
		out = append(out, Requirement{ID: r.ID, Level: r.Level, Area: string(r.Area), Title: r.Title})
	}
	return out
}

// name returns the implementation name shown in titles.
func (r Report) name() string {
	switch {
	case r.Info.Implementation != "":
		return r.Info.Implementation
	case r.Run.Implementation != "":
		return r.Run.Implementation
	}
	return "implementation"
}

// label is the name with the version, e.g. "reference 0.3".
func (r Report) label() string {
	if r.Info.Version == "" {
		return r.name()
	}
	return r.name() + " " + r.Info.Version
}

// started returns the start of the run (RunInfo, then Run).
func (r Report) started() time.Time {
	if !r.Info.Started.IsZero() {
		return r.Info.Started
	}
	return r.Run.Started
}

// ended returns the end of the run (RunInfo, then start + duration).
func (r Report) ended() time.Time {
	if !r.Info.Ended.IsZero() {
		return r.Info.Ended
	}
	if s := r.started(); !s.IsZero() {
		return s.Add(r.Run.Duration)
	}
	return time.Time{}
}

// duration returns the run's wall time.
func (r Report) duration() time.Duration {
	if r.Run.Duration > 0 {
		return r.Run.Duration
	}
	if s, e := r.started(), r.ended(); !s.IsZero() && e.After(s) {
		return e.Sub(s)
	}
	return 0
}

// Area returns a case's area: the first dotted segment of its id
// ("redirect.302.no-follow" → "redirect").
func Area(caseID string) string {
	area, _, _ := strings.Cut(caseID, ".")
	return area
}

// partialNotice is the sentence every report leads with when rep is
// partial ([Report.Partial]): "Interrupted (interrupt): 69 of 109 cases did
// not run to the end (2 cut short); these results are partial.", or "".
func partialNotice(rep Report) string {
	if !rep.Partial() {
		return ""
	}
	s := Summarize(rep.Run)
	head := "Interrupted"
	if rep.Info.Interrupted != "" {
		head += " (" + rep.Info.Interrupted + ")"
	}
	line := fmt.Sprintf("%s: %d of %d %s did not run to the end", head, s.Interrupted, s.Total,
		plural(s.Total, "case", "cases"))
	if s.CutShort > 0 {
		line += fmt.Sprintf(" (%d cut short)", s.CutShort)
	}
	return line + "; these results are partial."
}
