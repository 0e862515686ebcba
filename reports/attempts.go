package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// AttemptsLine describes a case's attempts for people, or returns "" for a
// case that ran once with no void attempt:
//
//	3 attempts: 2 voided — host stalled 496 ms, 180 ms
//	3 attempts: all 3 voided — host stalled 496 ms, 180 ms, 130 ms; verdict from a void attempt
//
// The runner voids an attempt during which the host stalled the process
// (see [result.VoidAttempt]) and runs the case again; when no attempt is
// left the last void attempt's verdict stands, which the line's end says.
func AttemptsLine(c result.CaseResult) string {
	n, k := c.AttemptCount(), len(c.VoidAttempts)
	if n <= 1 && k == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(plural(n, "1 attempt", strconv.Itoa(n)+" attempts"))
	switch {
	case k == 0:
		b.WriteString(": none voided")
	case k == n && n > 1:
		fmt.Fprintf(&b, ": all %d voided", k)
	default:
		fmt.Fprintf(&b, ": %d voided", k)
	}
	if k > 0 {
		stalls := make([]string, k)
		for i, v := range c.VoidAttempts {
			stalls[i] = fmtStall(v.Stall)
		}
		b.WriteString(" — host stalled " + strings.Join(stalls, ", "))
	}
	if c.LastAttemptVoid() {
		b.WriteString("; verdict from a void attempt")
	}
	return b.String()
}

// fmtStall renders a stall in whole milliseconds: "496 ms".
func fmtStall(d time.Duration) string {
	return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + " ms"
}

// voidLine renders one void attempt on one line:
// "attempt 1 (fail): host stalled 496 ms at +120 ms".
func voidLine(v result.VoidAttempt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "attempt %d", v.Attempt)
	if v.Verdict != "" {
		fmt.Fprintf(&b, " (%s)", v.Verdict)
	}
	fmt.Fprintf(&b, ": host stalled %s at +%s", fmtStall(v.Stall), fmtStall(v.At))
	return b.String()
}

// VoidLine is the part of [Summary.Line] about void attempts, "" when the
// runner voided none: "2 voided attempts re-run; 1 verdict from a void
// attempt".
func (s Summary) VoidLine() string {
	var parts []string
	if n := s.VoidAttempts - s.VoidResults; n > 0 {
		parts = append(parts, fmt.Sprintf("%d voided %s re-run", n, plural(n, "attempt", "attempts")))
	}
	if s.VoidResults > 0 {
		parts = append(parts, fmt.Sprintf("%d %s from a void attempt", s.VoidResults,
			plural(s.VoidResults, "verdict", "verdicts")))
	}
	return strings.Join(parts, "; ")
}
