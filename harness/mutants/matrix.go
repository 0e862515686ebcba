package mutants

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
)

// DefaultConcurrent is how many runs (the reference's and the variants')
// Run makes at once when Params.Concurrent is 0.
const DefaultConcurrent = 3

// Params configures [Run]. It is plain data; the zero value of each optional
// field is documented.
type Params struct {
	// Driver is the unmodified implementation the variants wrap. Required.
	Driver driver.Driver
	// Fixture is the mock server (any default time scale: the runner
	// installs each case at its own). Required.
	Fixture runner.Fixture
	// Cases are the cases to choose from. Required.
	Cases []*casefile.Case
	// Variants are the variants to run; nil means [All].
	Variants []Variant
	// AllCases runs every case against every variant and counts every
	// catch; false runs against each variant only the cases that check one
	// of its Requirements.
	AllCases bool
	// Collateral runs every case against every variant too, to find the
	// collateral failures ([Row.Collateral]), while the catch matrix still
	// counts only the cases that check one of the variant's Requirements
	// (every case when AllCases is set as well).
	Collateral bool
	// TimeScale, Parallel, CaseDeadline, Levels and TempDir are passed to
	// each run's runner.Params (Parallel: cases at once within one run).
	TimeScale    float64
	Parallel     int
	CaseDeadline time.Duration
	Levels       func(req string) (result.Level, bool)
	TempDir      string
	// Concurrent is how many runs are made at once (0 means
	// DefaultConcurrent).
	Concurrent int
}

// Validate reports missing or invalid fields.
func (p Params) Validate() error {
	var errs []error
	if p.Driver == nil {
		errs = append(errs, errors.New("driver is required"))
	}
	if p.Fixture == nil {
		errs = append(errs, errors.New("fixture is required"))
	}
	if len(p.Cases) == 0 {
		errs = append(errs, errors.New("no cases"))
	}
	if p.Concurrent < 0 {
		errs = append(errs, fmt.Errorf("concurrent %d is negative", p.Concurrent))
	}
	return errors.Join(errs...)
}

// Row is one variant's line of the catch matrix.
type Row struct {
	// Variant, Doc and Requirements describe the variant.
	Variant      string   `json:"variant"`
	Doc          string   `json:"doc"`
	Requirements []string `json:"requirements"`
	// Info reports that every rule of the variant is info: no case can catch
	// it, the cases of its rules record it ([Row.Recorded]).
	Info bool `json:"info,omitempty"`
	// Ran is how many cases of the catch matrix ran against the variant
	// (those checking its rules, or every case with Params.AllCases).
	Ran int `json:"ran"`
	// Swept is how many cases ran against the variant in all; more than Ran
	// with Params.Collateral.
	Swept int `json:"swept,omitempty"`
	// Caught are the ids of the cases that caught the variant: fail or warn
	// against it, pass or info against the unmodified driver.
	Caught []string `json:"caught"`
	// Recorded are the ids of the cases of the catch matrix that got an info
	// verdict against the variant while they passed against the unmodified
	// driver: how an info variant shows.
	Recorded []string `json:"recorded,omitempty"`
	// Collateral are the ids of the cases that failed or warned against the
	// variant (and passed against the unmodified driver) without blaming any
	// of its must or should rules: a divergence reported under the wrong
	// rule. A case blames a rule when it names it (in requirements or a req
	// field) or a failing mismatch is attributed to it (an invariant names
	// its own rule). Only a run with Params.Collateral or AllCases can find
	// them; the goal is none.
	Collateral []string `json:"collateral,omitempty"`
	// Errors are the ids of cases that got an error verdict (the harness or
	// the wrapped driver broke); they catch nothing.
	Errors []string `json:"errors,omitempty"`
	// Reasons maps each id in Caught, Collateral and Errors to its verdict's
	// reason (for Collateral, the rules blamed), so a surprising catch (by the
	// control, above all) can be explained.
	Reasons map[string]string `json:"reasons,omitempty"`
	// Duration is the wall time of the variant's run.
	Duration time.Duration `json:"duration"`
}

// Matrix is the outcome of [Run].
type Matrix struct {
	// Reference is the unmodified driver's run over every case any variant
	// ran.
	Reference result.Run `json:"reference"`
	// ReferenceBroken are the ids of cases that did not pass (or info)
	// against the unmodified driver; they catch nothing.
	ReferenceBroken []string `json:"referenceBroken,omitempty"`
	// Control is the unmodified driver behind the variant wrapper with no
	// alteration, over the same cases as Reference: anything it "caught"
	// would be the wrapper's own doing, so it must catch nothing.
	Control Row `json:"control"`
	// Rows are the variants, in the order given.
	Rows []Row `json:"rows"`
	// Duration is the wall time of the whole run.
	Duration time.Duration `json:"duration"`
}

// Uncaught returns the names of the variants no case caught, and of the info
// variants no case recorded.
func (m *Matrix) Uncaught() []string {
	var out []string
	for _, r := range m.Rows {
		if (!r.Info && len(r.Caught) == 0) || (r.Info && len(r.Recorded) == 0) {
			out = append(out, r.Variant)
		}
	}
	return out
}

// Run runs the selected cases against p.Driver and against each variant,
// Concurrent runs at a time, and returns the catch matrix. An error means the
// runs could not be set up; a variant nothing caught is a result
// ([Matrix.Uncaught]), not an error.
func Run(ctx context.Context, p Params) (*Matrix, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("run mutants: %w", err)
	}
	if p.Variants == nil {
		p.Variants = All()
	}
	if p.Concurrent == 0 {
		p.Concurrent = DefaultConcurrent
	}
	started := time.Now()
	sel := make([][]*casefile.Case, len(p.Variants))
	union := make(map[*casefile.Case]bool)
	for i, v := range p.Variants {
		sel[i] = p.selectCases(v)
		if p.Collateral {
			sel[i] = p.Cases
		}
		for _, c := range sel[i] {
			union[c] = true
		}
	}
	var refCases []*casefile.Case
	for _, c := range p.Cases {
		if union[c] {
			refCases = append(refCases, c)
		}
	}
	// Run 0 is the reference, run 1 the control, run i+2 variant i.
	all := append([]Variant{Control()}, p.Variants...)
	runners := make([]*runner.Runner, len(all)+1)
	for i := range runners {
		d := p.Driver
		if i > 0 {
			d = all[i-1].Wrap(p.Driver)
		}
		r, err := runner.New(runner.Params{Driver: d, Fixture: p.Fixture, TimeScale: p.TimeScale,
			Parallel: p.Parallel, CaseDeadline: p.CaseDeadline, Levels: p.Levels, TempDir: p.TempDir})
		if err != nil {
			return nil, fmt.Errorf("run mutants: %w", err)
		}
		runners[i] = r
	}
	// Every run shares the fixture: each runner puts its own random id in
	// its namespaces, so the same case can run in several at once. The
	// reference and the control run under the same load as the variants;
	// a case that fails the control there is a harness or case defect.
	runs := make([]result.Run, len(runners))
	sem := make(chan struct{}, p.Concurrent)
	var wg sync.WaitGroup
	for i, r := range runners {
		cs := refCases
		if i > 1 {
			cs = sel[i-2]
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			runs[i] = r.Run(ctx, cs)
		})
	}
	wg.Wait()
	m := &Matrix{Reference: runs[0], Rows: make([]Row, len(p.Variants))}
	ref := make(map[string]result.Verdict)
	for _, c := range runs[0].Cases {
		ref[c.ID] = c.Verdict
		if c.Verdict != result.Pass && c.Verdict != result.Info {
			m.ReferenceBroken = append(m.ReferenceBroken, c.ID)
		}
	}
	cases := make(map[string]*casefile.Case, len(p.Cases))
	for _, c := range p.Cases {
		cases[c.ID] = c
	}
	m.Control = p.row(all[0], true, runs[1], ref, cases)
	for i, v := range p.Variants {
		m.Rows[i] = p.row(v, p.AllCases, runs[i+2], ref, cases)
	}
	// A control catch or a collateral failure must survive a second look,
	// run alone: under a loaded host (the race detector, other builds) a
	// case with tight timing can fail once for the host's sake.
	m.Control.Caught = confirm(ctx, m.Control.Caught, m.Control.Reasons, runners[0], runners[1], cases,
		func(c *casefile.Case, res result.CaseResult) bool { return failed(res) })
	for i, v := range p.Variants {
		row := &m.Rows[i]
		row.Collateral = confirm(ctx, row.Collateral, row.Reasons, runners[0], runners[i+2], cases,
			func(c *casefile.Case, res result.CaseResult) bool { return failed(res) && !p.blames(v, c, res) })
	}
	m.Duration = time.Since(started)
	return m, nil
}

// confirm runs each case of ids once more, alone, against the reference and
// against the variant, and keeps the ids whose variant result still holds
// (still) while the reference passes again; reasons of the others say they
// were not reproduced.
func confirm(ctx context.Context, ids []string, reasons map[string]string, ref, variant *runner.Runner,
	cases map[string]*casefile.Case, still func(*casefile.Case, result.CaseResult) bool) []string {
	var kept []string
	for _, id := range ids {
		c := cases[id]
		if c == nil {
			kept = append(kept, id)
			continue
		}
		rv := ref.Case(ctx, c).Verdict
		if res := variant.Case(ctx, c); (rv == result.Pass || rv == result.Info) && still(c, res) {
			kept = append(kept, id)
			continue
		}
		delete(reasons, id)
	}
	return kept
}

// failed reports whether res is a failing verdict (fail or warn).
func failed(res result.CaseResult) bool {
	return res.Verdict == result.Fail || res.Verdict == result.Warn
}

// selectCases returns the cases to run against v, in p.Cases order.
func (p Params) selectCases(v Variant) []*casefile.Case {
	if p.AllCases {
		return p.Cases
	}
	var out []*casefile.Case
	for _, c := range p.Cases {
		if checks(v, c) {
			out = append(out, c)
		}
	}
	return out
}

// checks reports whether case c checks one of v's rules: lists it among its
// requirements.
func checks(v Variant, c *casefile.Case) bool {
	return slices.ContainsFunc(c.Requirements, func(r string) bool { return slices.Contains(v.Requirements, r) })
}

// row builds a variant's row from its run; ref holds the verdicts against
// the unmodified driver and cases the cases by id. A case counts in the
// catch matrix when every case does (every) or when it checks one of the
// variant's rules; any failing case that does not blame the variant is
// collateral.
func (p Params) row(v Variant, every bool, run result.Run, ref map[string]result.Verdict,
	cases map[string]*casefile.Case) Row {
	r := Row{Variant: v.Name, Doc: v.Doc, Requirements: v.Requirements, Info: p.infoOnly(v),
		Duration: run.Duration, Reasons: map[string]string{}}
	if p.Collateral {
		r.Swept = len(run.Cases)
	}
	for _, c := range run.Cases {
		cs := cases[c.ID]
		inCatch := every || (cs != nil && checks(v, cs))
		if inCatch {
			r.Ran++
		}
		good := ref[c.ID] == result.Pass || ref[c.ID] == result.Info
		switch c.Verdict {
		case result.Fail, result.Warn:
			if good && inCatch {
				r.Caught = append(r.Caught, c.ID)
				r.Reasons[c.ID] = c.Reason
			}
			if good && cs != nil && !p.blames(v, cs, c) {
				r.Collateral = append(r.Collateral, c.ID)
				r.Reasons[c.ID] = blamed(c)
			}
		case result.Info:
			if inCatch && ref[c.ID] == result.Pass {
				r.Recorded = append(r.Recorded, c.ID)
			}
		case result.Error:
			r.Errors = append(r.Errors, c.ID)
			r.Reasons[c.ID] = c.Reason
		}
	}
	return r
}

// Format renders the matrix as text: one block per variant with its rules,
// how many cases ran and caught it, and the catching case ids; then the
// summary.
func (m *Matrix) Format() string {
	var b strings.Builder
	caught := 0
	for _, r := range m.Rows {
		mark, by, n := "caught", r.Caught, len(r.Caught)
		if r.Info {
			mark, by, n = "recorded", r.Recorded, len(r.Recorded)
		}
		if n == 0 {
			mark = "NOT " + strings.ToUpper(mark)
		} else {
			caught++
		}
		fmt.Fprintf(&b, "%-26s %-10s %3d/%-3d %-10s %s\n", r.Variant, strings.Join(r.Requirements, ","),
			n, r.Ran, mark, r.Duration.Round(time.Millisecond))
		fmt.Fprintf(&b, "    %s\n", r.Doc)
		if n > 0 {
			fmt.Fprintf(&b, "    by: %s\n", strings.Join(by, " "))
		}
		if len(r.Errors) > 0 {
			fmt.Fprintf(&b, "    errors: %s\n", strings.Join(r.Errors, " "))
		}
	}
	fmt.Fprintf(&b, "%d/%d variants caught; reference: %d cases, %d not passing", caught, len(m.Rows),
		len(m.Reference.Cases), len(m.ReferenceBroken))
	if len(m.ReferenceBroken) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(m.ReferenceBroken, " "))
	}
	fmt.Fprintf(&b, "; control (wrapper, no alteration): %d caught", len(m.Control.Caught))
	if len(m.Control.Caught) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(m.Control.Caught, " "))
	}
	fmt.Fprintf(&b, "; %s\n", m.Duration.Round(time.Millisecond))
	return b.String()
}
