package specs_test

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/netconform/netconform/cases"
	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/mockserver"
)

// timeScale is the time scale the reference runs at (the runner's
// ReferenceTimeScale, as for `netconform run`).
var timeScale = flag.Float64("netconform.time-scale", runner.ReferenceTimeScale, "time scale of the conformance run")

// env is the suite's state: loaded in TestConformance before the tree is
// built (cases, catalogue), and per Ginkgo process in BeforeSuite (server,
// runner, prefetch).
var env struct {
	cases []*casefile.Case
	cat   *catalog.Catalog
	srv   *mockserver.Server
	run   *runner.Runner
	pre   *prefetch
}

func TestMain(m *testing.M) {
	// Ginkgo's interrupt handler outlives RunSpecs by design.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction(
		"github.com/onsi/ginkgo/v2/internal/interrupt_handler.(*InterruptHandler).registerForInterrupts.func2"))
}

func TestConformance(t *testing.T) {
	RegisterFailHandler(Fail)
	var err error
	if env.cat, err = catalog.Load(catalog.Requirements()); err != nil {
		t.Fatalf("load catalogue: %v", err)
	}
	if env.cases, err = casefile.LoadFS(cases.FS, "cases"); err != nil {
		t.Fatalf("load cases: %v", err)
	}
	RunSpecs(t, "netconform conformance (reference implementation)")
}

var _ = BeforeSuite(func() {
	srv, err := mockserver.New()
	Expect(err).NotTo(HaveOccurred(), "start the mock server")
	env.srv = srv
	DeferCleanup(srv.Close)
	env.run, err = runner.New(runner.Params{
		Driver:    refdriver.New(),
		Fixture:   srv,
		TimeScale: *timeScale,
		Parallel:  prefetchParallel,
		Strict:    true, // every must and should case passes against the reference
		Levels:    env.cat.Level,
	})
	Expect(err).NotTo(HaveOccurred(), "new runner")
	if suiteCfg, _ := GinkgoConfiguration(); suiteCfg.ParallelTotal <= 1 {
		env.pre = startPrefetch(env.run, selected(env.cases, suiteCfg))
		DeferCleanup(env.pre.stop)
	}
})

var _ = Describe("conformance", func() {
	entries := make([]TableEntry, 0, len(env.cases))
	for _, c := range env.cases {
		entries = append(entries, Entry(c.ID, c, Label(labels(env.cat, c)...), location(c), SpecTimeout(specTimeout(c))))
	}
	DescribeTable("case", func(ctx SpecContext, c *casefile.Case) {
		res := env.pre.result(ctx, c)
		if res.Verdict == result.Info {
			AddReportEntry("info", describe(res))
		}
		if msg := judge(res); msg != "" {
			Fail(msg)
		}
	}, entries)
})

// judge returns why a result fails its spec, or "" when it passes. Only a
// pass passes. An info verdict fails too: an info rule never fails another
// implementation, but the profile says the reference does what the rule
// says, so an info mismatch of the reference is a divergence from its own
// profile (and a mutant of impl that changes only what an info rule says is
// caught). A skip means the reference's driver lost a capability (it
// supports every call and cancelling inside a listener), and a skipped spec
// would keep a suite green (CI included) over cases that never ran.
func judge(res result.CaseResult) string {
	switch res.Verdict {
	case result.Pass:
		return ""
	case result.Info:
		return "the reference diverges from what an info rule says it does: " + describe(res)
	case result.Skip:
		return "the reference skipped this case (it must run every case): " + describe(res)
	}
	return describe(res)
}

// labels are the case's Ginkgo labels: its bare area (so
// -ginkgo.label-filter=redirects works), the area, req and level sets, and
// its own labels.
func labels(cat *catalog.Catalog, c *casefile.Case) []string {
	out := []string{c.Area(), "area:" + c.Area()}
	for _, r := range c.Requirements {
		out = append(out, "req:"+r)
	}
	lvl := oracle.Policy{LevelOf: cat.Level}.CaseLevel(c.Level, c.Requirements)
	return append(append(out, "level:"+string(lvl)), c.Labels...)
}

// location points the spec at its YAML file.
func location(c *casefile.Case) types.CodeLocation {
	file := c.Pos.File
	if abs, err := filepath.Abs(filepath.Join("..", filepath.FromSlash(file))); err == nil {
		file = abs
	}
	return types.CodeLocation{FileName: file, LineNumber: c.Pos.Line}
}

// specTimeout is the case's own deadline plus room for the runner's cleanup.
func specTimeout(c *casefile.Case) time.Duration {
	budget := runner.DefaultBudget
	if c.Budget > 0 {
		budget = time.Duration(c.Budget)
	}
	scale := max(*timeScale, c.MinScale)
	return time.Duration(float64(budget)*scale) + runner.DefaultCaseDeadline + 10*time.Second
}

// selected returns the cases the run's label filter and focus select, in
// order, so that they can be run ahead of their specs.
func selected(all []*casefile.Case, cfg types.SuiteConfig) []*casefile.Case {
	match := func([]string) bool { return true }
	if cfg.LabelFilter != "" {
		f, err := types.ParseLabelFilter(cfg.LabelFilter)
		if err != nil {
			return nil
		}
		match = f
	}
	var out []*casefile.Case
	for _, c := range all {
		text := "conformance case " + c.ID
		if !match(labels(env.cat, c)) || !focused(text, cfg.FocusStrings, cfg.SkipStrings) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// focused applies -ginkgo.focus and -ginkgo.skip to a spec's text roughly as
// Ginkgo does (regular expressions, any focus, no skip); a spec it gets wrong
// still runs, only without prefetch.
func focused(text string, focus, skip []string) bool {
	for _, s := range skip {
		if m, err := regexpMatch(s, text); err == nil && m {
			return false
		}
	}
	if len(focus) == 0 {
		return true
	}
	for _, f := range focus {
		if m, err := regexpMatch(f, text); err == nil && m {
			return true
		}
	}
	return false
}

// describe renders a non-passing result: its headline (the same from run to
// run), the level, scale and duration, then its details (expected vs
// observed per mismatch, the whole trace, the journal and the logs).
func describe(res result.CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s\n", res.ID, res.Verdict, res.Headline())
	fmt.Fprintf(&b, "  level %s, scale %g, %s\n", res.Level, res.TimeScale, res.Duration.Round(time.Millisecond))
	if res.Reason != "" && res.Reason != res.Headline() {
		fmt.Fprintf(&b, "  reason: %s\n", res.Reason)
	}
	b.WriteString(res.Details("", result.DetailParts{Trace: true, Journal: true, Logs: true}))
	return b.String()
}

// TestJudge: against the reference only a pass passes; info and skip fail
// like any other verdict.
func TestJudge(t *testing.T) {
	t.Parallel()
	for _, v := range []result.Verdict{result.Pass, result.Info, result.Skip, result.Warn, result.Fail, result.Error} {
		msg := judge(result.CaseResult{ID: "x.y", Verdict: v, Reason: "driver ref does not support network.upload"})
		if pass := v == result.Pass; pass != (msg == "") {
			t.Errorf("judge(%s) = %q, want pass=%v", v, msg, pass)
		}
	}
}
