package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
)

// Summary counts a run's cases by verdict.
type Summary struct {
	// Total is the number of cases.
	Total int `json:"total"`
	// Pass, Info, Warn, Fail, Error and Skip count the cases with each verdict.
	Pass  int `json:"pass"`
	Info  int `json:"info"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
	// VoidAttempts counts the attempts the runner voided because the host
	// stalled (see [result.VoidAttempt]), over every case.
	VoidAttempts int `json:"voidAttempts,omitempty"`
	// VoidResults counts the cases whose verdict comes from a void attempt
	// (none was left to run again).
	VoidResults int `json:"voidResults,omitempty"`
	// Interrupted counts the cases an interrupted run did not finish (they
	// are skips too, see [result.CaseResult.Interrupted]); CutShort counts
	// those of them that were running when it was interrupted.
	Interrupted int `json:"interrupted,omitempty"`
	CutShort    int `json:"cutShort,omitempty"`
}

// Summarize counts the run's cases by verdict.
func Summarize(run result.Run) Summary {
	var s Summary
	for _, c := range run.Cases {
		s.Total++
		s.VoidAttempts += len(c.VoidAttempts)
		if c.LastAttemptVoid() {
			s.VoidResults++
		}
		if c.Interrupted != "" {
			s.Interrupted++
			if c.Interrupted == result.InterruptedRunning {
				s.CutShort++
			}
		}
		switch c.Verdict {
		case result.Pass:
			s.Pass++
		case result.Info:
			s.Info++
		case result.Warn:
			s.Warn++
		case result.Fail:
			s.Fail++
		case result.Error:
			s.Error++
		default:
			s.Skip++
		}
	}
	return s
}

// Passed is the number of cases that did not fail the run and ran: pass,
// info and warn (a warning is a should mismatch outside strict mode).
func (s Summary) Passed() int { return s.Pass + s.Info + s.Warn }

// Failed is the number of cases that fail the run: fail and error.
func (s Summary) Failed() int { return s.Fail + s.Error }

// OK reports whether no case failed the run.
func (s Summary) OK() bool { return s.Failed() == 0 }

// Counts is the count of every verdict, always all six in one order, in
// the words the badges, report.json and the matrix use: "97 pass, 3 warn,
// 5 info, 2 fail, 1 error, 1 skip". A warn is a should mismatch outside
// strict mode and an info case records what an info rule observed: neither
// fails the run ([Summary.OK]), but neither is counted as a pass.
func (s Summary) Counts() string {
	return fmt.Sprintf("%d pass, %d warn, %d info, %d fail, %d error, %d skip", s.Pass, s.Warn, s.Info, s.Fail,
		s.Error, s.Skip)
}

// Line is the one-line total the CLI prints and the reports lead with:
// [Summary.Counts], then, when the runner voided attempts, how many it ran
// again and how many verdicts come from a void attempt, and when the run
// was interrupted, [Summary.InterruptLine]:
//
//	97 pass, 3 warn, 5 info, 2 fail, 1 error, 1 skip
//	97 pass, 3 warn, 5 info, 2 fail, 0 error, 1 skip; 2 voided attempts re-run; 1 verdict from a void attempt
//	40 pass, 0 warn, 0 info, 0 fail, 0 error, 69 skip; interrupted: 69 of 109 cases not run (2 cut short)
func (s Summary) Line() string {
	line := s.Counts()
	if v := s.VoidLine(); v != "" {
		line += "; " + v
	}
	if v := s.InterruptLine(); v != "" {
		line += "; " + v
	}
	return line
}

// InterruptLine says how much of an interrupted run did not run:
// "interrupted: 69 of 109 cases not run (2 cut short)", or "" when no case
// was interrupted. The cases it counts are skips that say nothing about
// conformance.
func (s Summary) InterruptLine() string {
	if s.Interrupted == 0 {
		return ""
	}
	line := fmt.Sprintf("interrupted: %d of %d %s not run", s.Interrupted, s.Total, plural(s.Total, "case", "cases"))
	if s.CutShort > 0 {
		line += fmt.Sprintf(" (%d cut short)", s.CutShort)
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// verdictOrder lists the verdicts worst first, the order of matrix columns.
func verdictOrder() []result.Verdict {
	return []result.Verdict{result.Fail, result.Error, result.Warn, result.Info, result.Pass, result.Skip}
}

// mismatchVerdict is the verdict one graded mismatch gives a case; the
// oracle's policy decides it ([oracle.Policy.Verdict]).
func mismatchVerdict(l result.Level, strict bool) result.Verdict {
	return oracle.Policy{Strict: strict}.Verdict(l)
}

func itoa(n int) string { return strconv.Itoa(n) }

func joinComma(s []string) string { return strings.Join(s, ", ") }
