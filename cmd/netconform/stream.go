package main

import (
	"io"
	"strings"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/expect"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/reports"
)

// jsonStream writes the JSON lines of `netconform run --json`: one
// [reports.StreamCase] per case run as it ends, then one
// [reports.StreamSummary]. A nil stream writes nothing. It is safe for
// concurrent use; the first write error is kept and reported by summary.
type jsonStream struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

// caseDone writes the line of one case run.
func (s *jsonStream) caseDone(impl string, res result.CaseResult, rep int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = reports.WriteStream(s.w, reports.NewStreamCase(impl, res, rep))
	}
}

// summary writes the closing line: the totals of js, the unexpected
// outcomes, what interrupted the run (sig), the reports written and the
// exit code. It returns the first write error of the stream.
func (s *jsonStream) summary(js []judged, sig string, paths []string, wall time.Duration, code int) error {
	if s == nil {
		return nil
	}
	sum := reports.StreamSummary{Type: reports.StreamTypeSummary, Unexpected: []reports.StreamUnexpected{},
		Interrupted: sig, Reports: paths, DurationMs: float64(wall.Microseconds()) / 1e3, ExitCode: code}
	if sum.Reports == nil {
		sum.Reports = []string{}
	}
	var all result.Run
	for _, j := range js {
		all.Cases = append(all.Cases, j.run.Cases...)
		t := expect.Count(j.outs)
		sum.UnexpectedCount += t.Unexpected
		sum.ExpectedNonPass += t.ExpectedNonPass
		for _, o := range expect.Unexpected(j.outs) {
			sum.Unexpected = append(sum.Unexpected, reports.StreamUnexpected{Implementation: j.run.Implementation,
				ID: o.Result.ID, Got: outcomeWord(o), Want: o.Want})
		}
		if len(js) > 1 {
			sum.Implementations = append(sum.Implementations, reports.StreamImplementation{
				Implementation: j.run.Implementation, Summary: reports.Summarize(j.run), UnexpectedCount: t.Unexpected})
		}
	}
	sum.Summary = reports.Summarize(all)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = reports.WriteStream(s.w, sum)
	}
	return s.err
}

// outcomeWord names what an unexpected outcome was, as the "unexpected
// results" list prints it (lower case): "fail", "unexpected pass", "flaky".
func outcomeWord(o expect.Outcome) string {
	switch {
	case o.UnexpectedPass():
		return "unexpected pass"
	case o.Class == expect.Flaky:
		return "flaky"
	}
	return strings.ToLower(string(o.Result.Verdict))
}
