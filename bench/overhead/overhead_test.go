package overhead

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/impl"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/internal/testkit"
	"github.com/netconform/netconform/mockserver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// scale is the time scale of the benchmark, netconform run's default for
// the reference.
const scale = 0.05

// settle is the trivial case's settle window in API time: 25 ms of wall
// time at scale, the runner's wall floor too. The runner waits it on
// purpose (late events), so the direct side waits it as well.
const settle = 500 * time.Millisecond

// trivialCase is one GET answered at once, with the checks every case has.
const trivialCase = `
id: bench.trivial
title: a plain GET ends with 200 and its body
requirements: [E2]
server:
  routes:
    - path: /x
      headers: {Content-Type: text/plain}
      body: hello
call: {url: "{{http}}/x"}
settle: 500ms
expect:
  trace: ended
  ended: {status: 200, response: hello, isError: false}
`

// fixture is a mock server, a runner with the in-process driver, the
// trivial case and, for the direct side, an engine and the case's route
// installed in a namespace of its own.
type fixture struct {
	srv       *mockserver.Server
	run       *runner.Runner
	c         *casefile.Case
	eng       *impl.Engine
	directURL string // URL of the route for the direct side
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	srv := testkit.Server(tb)
	// Sandboxes go where netconform run puts them (Params.TempDir "").
	r, err := runner.New(runner.Params{Driver: refdriver.New(), Fixture: srv, TimeScale: scale, Parallel: 1})
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := casefile.Load("bench.yaml", []byte(trivialCase))
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := impl.New(impl.WithSandbox(tb.TempDir()), impl.WithTimeScale(scale))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = eng.Close() })
	if err := srv.Install("direct", cs[0].Server); err != nil {
		tb.Fatal(err)
	}
	return &fixture{srv: srv, run: r, c: cs[0], eng: eng, directURL: srv.URLs().HTTP + mockserver.NamespacePath("direct") + "/x"}
}

// viaHarness runs the case through the runner and returns its wall time.
func (f *fixture) viaHarness(tb testing.TB, ctx context.Context) time.Duration {
	t0 := time.Now()
	res := f.run.Case(ctx, f.c)
	d := time.Since(t0)
	if res.Verdict != result.Pass {
		tb.Fatalf("trivial case: %s: %s", res.Verdict, res.Reason)
	}
	return d
}

// direct makes the same request straight through impl, waits for ended,
// then waits the settle window the runner waits, and returns the wall time.
func (f *fixture) direct(tb testing.TB) time.Duration {
	t0 := time.Now()
	ended := make(chan impl.Event, 1)
	if _, err := f.eng.Request(f.directURL, "GET", func(ev impl.Event) { ended <- ev }, &impl.Params{}); err != nil {
		tb.Fatal(err)
	}
	ev := <-ended
	t := time.NewTimer(time.Duration(float64(settle) * scale))
	<-t.C
	d := time.Since(t0)
	if ev.IsError || ev.Status != http.StatusOK || ev.Response == nil || ev.Response.Text != "hello" {
		tb.Fatalf("direct request: %+v", ev)
	}
	return d
}

func TestTrivialCasePasses(t *testing.T) {
	f := newFixture(t)
	if d := f.viaHarness(t, t.Context()); d < time.Duration(float64(settle)*scale) {
		t.Fatalf("case took %s, less than its settle window", d)
	}
	f.direct(t)
}

// BenchmarkTrivialCase measures the harness's overhead on a trivial case
// with the in-process driver: each iteration runs the case through the
// runner (sandbox, session with a fresh engine, scenario install, event
// collection, settle, journal, file snapshots, oracle, grading) and, right
// after it, the same request straight through impl plus the same settle
// wait. overhead-ns/op is the median of the paired differences; case-ns and
// direct-ns the medians of each side.
func BenchmarkTrivialCase(b *testing.B) {
	f := newFixture(b)
	ctx := b.Context()
	f.viaHarness(b, ctx) // warm up both sides (connections, code paths)
	f.direct(b)
	var cases, directs, diffs []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		c := f.viaHarness(b, ctx)
		d := f.direct(b)
		cases, directs, diffs = append(cases, c), append(directs, d), append(diffs, c-d)
	}
	b.ReportMetric(float64(median(diffs)), "overhead-ns/op")
	b.ReportMetric(float64(median(cases)), "case-ns/op")
	b.ReportMetric(float64(median(directs)), "direct-ns/op")
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
