package reports

import (
	"math"
	"strconv"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// Timeline geometry, in SVG user units.
const (
	tlLeft   = 190 // lane labels to the left of this
	tlWidth  = 880 // whole picture
	tlLaneH  = 22  // lane height
	tlTop    = 26  // room for the axis labels
	tlBottom = 46  // room for the legend
)

// timeline is the SVG picture of one case: one lane per server exchange and
// one per client call, on one time axis in milliseconds.
type timeline struct {
	Width, Height int
	PlotRight     string
	AxisY         string
	Ticks         []tlTick
	Lanes         []tlLane
	// Approx says the two clocks were aligned by estimate (see caseOrigin).
	Approx            bool
	LegendY, LegendY2 string
	GridY             string
}

type tlTick struct {
	X, Label string
}

type tlLane struct {
	Side  string // "server" or "client"
	Label string
	Y     string // lane centre
	TextY string
	// X1 and X2 bound the lane's line (first to last event).
	X1, X2 string
	Marks  []tlMark
}

type tlMark struct {
	Kind  string // the server event kind or client phase; "ended-error" for a failed end
	X     string
	Title string
}

// buildTimeline lays out a case's journal and trace; ok is false when there
// is nothing to draw.
func buildTimeline(c result.CaseResult) (timeline, bool) {
	if len(c.Journal) == 0 && len(c.Trace) == 0 {
		return timeline{}, false
	}
	origin, exact := caseOrigin(c)
	rel := func(t time.Time) time.Duration { return t.Sub(origin) }
	var end time.Duration
	for _, r := range c.Journal {
		for _, e := range r.Events {
			end = max(end, rel(e.At))
		}
	}
	for _, e := range c.Trace {
		end = max(end, e.At)
	}
	step := tickStep(end)
	span := time.Duration(math.Ceil(float64(max(end, time.Microsecond))/float64(step))) * step
	plot := float64(tlWidth - tlLeft - 20)
	x := func(d time.Duration) string {
		return num(tlLeft + plot*float64(max(d, 0))/float64(span))
	}
	tl := timeline{Width: tlWidth, Approx: !exact, PlotRight: x(span), AxisY: num(tlTop - 6)}
	for t := time.Duration(0); t <= span; t += step {
		tl.Ticks = append(tl.Ticks, tlTick{X: x(t), Label: fmtMs(t)})
	}
	lane := func(side, label string) *tlLane {
		y := tlTop + len(tl.Lanes)*tlLaneH + tlLaneH/2
		tl.Lanes = append(tl.Lanes, tlLane{Side: side, Label: shorten(label, 27), Y: num(float64(y)), TextY: num(float64(y + 4))})
		return &tl.Lanes[len(tl.Lanes)-1]
	}
	for _, r := range c.Journal {
		l := lane("server", serverLabel(r))
		var first, last time.Duration = -1, 0
		for _, e := range r.Events {
			d := rel(e.At)
			if first < 0 {
				first = d
			}
			last = max(last, d)
			l.Marks = append(l.Marks, tlMark{Kind: e.Kind, X: x(d), Title: serverTitle(e, d)})
		}
		l.X1, l.X2 = x(max(first, 0)), x(last)
	}
	for _, call := range calls(c.Trace) {
		l := lane("client", "call "+call)
		evs := trace.ForCall(c.Trace, call)
		l.X1, l.X2 = x(evs[0].At), x(evs[len(evs)-1].At)
		for _, e := range evs {
			kind := e.Phase()
			if isErr, _ := e.Bool(trace.FieldIsError); isErr && kind == trace.Ended {
				kind = "ended-error"
			}
			if kind == "" {
				kind = "unknown"
			}
			l.Marks = append(l.Marks, tlMark{Kind: kind, X: x(e.At), Title: fmtMs(e.At) + " " + e.Summary()})
		}
	}
	tl.LegendY = num(float64(tlTop + len(tl.Lanes)*tlLaneH + 18))
	tl.GridY = num(float64(tlTop + len(tl.Lanes)*tlLaneH))
	tl.LegendY2 = num(float64(tlTop + len(tl.Lanes)*tlLaneH + 36))
	tl.Height = tlTop + len(tl.Lanes)*tlLaneH + tlBottom
	return tl, true
}

// caseOrigin returns the wall time of the case start, the zero of the trace's
// At, and whether it is exact. result.CaseResult does not record it yet, so
// the origin is estimated as the arrival of the first request: the server
// lanes then start at 0 and may sit up to one connection set-up too early
// against the client lanes.
func caseOrigin(c result.CaseResult) (time.Time, bool) {
	var origin time.Time
	for _, r := range c.Journal {
		t := r.Received
		if len(r.Events) > 0 && (t.IsZero() || r.Events[0].At.Before(t)) {
			t = r.Events[0].At
		}
		if !t.IsZero() && (origin.IsZero() || t.Before(origin)) {
			origin = t
		}
	}
	return origin, false
}

// calls returns the call names of the trace in order of their first event.
func calls(events []trace.Event) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range events {
		if !seen[e.Call] {
			seen[e.Call] = true
			out = append(out, e.Call)
		}
	}
	return out
}

// serverLabel names a journal record's lane: "#3 GET /a → 200".
func serverLabel(r mockserver.Record) string {
	s := "#" + strconv.FormatInt(r.Seq, 10) + " " + r.Method + " " + r.Path
	if r.Status != 0 {
		s += " → " + strconv.Itoa(r.Status)
	}
	return s
}

// serverTitle is a server mark's tooltip: "12.5ms bodyChunk 4096 bytes".
func serverTitle(e mockserver.Event, d time.Duration) string {
	s := fmtMs(d) + " " + e.Kind
	if e.Bytes != 0 {
		s += " " + strconv.FormatInt(e.Bytes, 10) + " bytes"
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// tickStep picks the smallest 1-2-5 step (in nanoseconds) that splits end
// into at most 8 whole steps (the axis may then need one more).
func tickStep(end time.Duration) time.Duration {
	step := time.Microsecond
	for i := 0; i < 40 && end/step > 8; i++ {
		switch m := step / pow10(step); m {
		case 1:
			step *= 2
		case 2:
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	return step
}

// pow10 returns the power of ten at or below d (d >= 1).
func pow10(d time.Duration) time.Duration {
	p := time.Duration(1)
	for i := 0; i < 19 && p*10 <= d; i++ {
		p *= 10
	}
	return p
}

// num formats a coordinate with one decimal.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
