package reports

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// Timeline geometry, in SVG user units.
const (
	tlLeft   = 220 // lane labels to the left of this
	tlWidth  = 880 // whole picture
	tlLaneH  = 22  // lane height
	tlTop    = 26  // room for the axis labels
	tlBottom = 46  // room for the legend
)

// tlZoom is how much of the whole-case axis the events may fill before the
// page adds a second picture zoomed on them: a case that settles for 300 ms
// after a 0.5 ms exchange gets one.
const tlZoom = 10

// timeline is the SVG picture of one case: one lane per server exchange and
// one per client call, on one time axis whose zero is the case start.
type timeline struct {
	Width, Height int
	PlotRight     string
	AxisY         string
	Ticks         []tlTick
	Lanes         []tlLane
	// Approx says the two clocks were aligned by estimate (see caseOrigin).
	Approx bool
	// Zoom marks the second picture, on the events' stretch of the case;
	// Caption says what it shows.
	Zoom              bool
	Caption           string
	LegendY, LegendY2 string
	// LegendY3 places the files legend; empty without file lanes.
	LegendY3 string
	GridY    string
}

type tlTick struct {
	X, Label string
}

type tlLane struct {
	Side  string // "server", "client" or "file"
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

// tlSeries is a lane before layout: its events as offsets from the origin.
type tlSeries struct {
	side, label string
	points      []tlPoint
}

type tlPoint struct {
	kind, title string
	at          time.Duration
}

// caseTimelines lays out a case's journal and trace on one axis from the
// case start to the end of the case (its Duration, or the last event if
// later), and, when every event sits in the first tenth of that, a second
// picture zoomed on the events. It returns nil when there is nothing to draw.
func caseTimelines(c result.CaseResult) []timeline {
	if len(c.Journal) == 0 && len(c.Trace) == 0 && len(c.FileJournal) == 0 {
		return nil
	}
	origin, exact := caseOrigin(c)
	series := tlData(c, origin)
	var last time.Duration
	for _, s := range series {
		for _, p := range s.points {
			last = max(last, p.at)
		}
	}
	// Clocks need aligning only when both sides have something to show.
	approx := !exact && len(c.Journal) > 0 && len(c.Trace) > 0
	whole := max(last, c.Duration)
	out := []timeline{layout(series, whole, approx)}
	if last > 0 && last*tlZoom < whole {
		z := layout(series, last, approx)
		z.Zoom = true
		z.Caption = "Zoomed on the events: the first " + z.Ticks[len(z.Ticks)-1].Label +
			" of the case (the picture above spans all of it)."
		out = append(out, z)
	}
	return out
}

// tlData places every server event (wall clock) and client event (offset
// from the case start) as an offset from origin.
func tlData(c result.CaseResult, origin time.Time) []tlSeries {
	var out []tlSeries
	for _, r := range c.Journal {
		s := tlSeries{side: "server", label: serverLabel(r)}
		for _, e := range r.Events {
			d := e.At.Sub(origin)
			s.points = append(s.points, tlPoint{kind: e.Kind, at: d, title: serverTitle(e, d)})
		}
		out = append(out, s)
	}
	// A client event happened at c.Start + At, so At is its offset from
	// origin when origin is the start; the estimate takes it as one too.
	for _, call := range calls(c.Trace) {
		s := tlSeries{side: "client", label: "call " + call}
		for _, e := range trace.ForCall(c.Trace, call) {
			kind := e.Phase()
			if isErr, _ := e.Bool(trace.FieldIsError); isErr && kind == trace.Ended {
				kind = "ended-error"
			}
			if kind == "" {
				kind = "unknown"
			}
			d := e.At
			s.points = append(s.points, tlPoint{kind: kind, at: d, title: fmtMs(d) + " " + e.Summary()})
		}
		out = append(out, s)
	}
	return append(out, fileSeries(c.FileJournal)...)
}

// fileSeries puts the file journal in lanes, one per file in order of its
// first change, and one for the session's close (offsets from the case
// start, as the trace's).
func fileSeries(evs []result.FileEvent) []tlSeries {
	var out []tlSeries
	lane := map[string]int{}
	var closing *tlSeries
	for _, e := range evs {
		if e.Op == result.FileClose {
			if closing == nil {
				closing = &tlSeries{side: "file", label: "(session close)"}
			}
			closing.points = append(closing.points, tlPoint{kind: e.Op, at: e.At, title: fmtMs(e.At) + " the session's close began"})
			continue
		}
		key := strings.TrimSuffix(e.Dir, "Directory") + "/" + e.Name
		i, ok := lane[key]
		if !ok {
			i = len(out)
			lane[key] = i
			out = append(out, tlSeries{side: "file", label: key})
		}
		title := fmtMs(e.At) + " " + e.Op + " " + e.Dir + "/" + e.Name
		if e.Op == result.FileWrite && e.Count > 1 {
			title += " (" + strconv.Itoa(e.Count) + " writes, the last at " + fmtMs(e.Last) + ")"
		}
		out[i].points = append(out[i].points, tlPoint{kind: e.Op, at: e.At, title: title})
		if e.Op == result.FileWrite && e.Count > 1 {
			out[i].points = append(out[i].points, tlPoint{kind: e.Op, at: e.Last, title: title})
		}
	}
	if closing != nil {
		out = append(out, *closing)
	}
	return out
}

// layout draws the series on an axis from 0 to at least end.
func layout(series []tlSeries, end time.Duration, approx bool) timeline {
	step := tickStep(end)
	span := time.Duration(math.Ceil(float64(max(end, time.Microsecond))/float64(step))) * step
	plot := float64(tlWidth - tlLeft - 20)
	x := func(d time.Duration) string {
		return num(tlLeft + plot*float64(min(max(d, 0), span))/float64(span))
	}
	tl := timeline{Width: tlWidth, Approx: approx, PlotRight: x(span), AxisY: num(tlTop - 6)}
	for i := time.Duration(0); i*step <= span; i++ {
		tl.Ticks = append(tl.Ticks, tlTick{X: x(i * step), Label: tickLabel(i*step, span)})
	}
	for _, s := range series {
		y := tlTop + len(tl.Lanes)*tlLaneH + tlLaneH/2
		l := tlLane{Side: s.side, Label: shorten(s.label, 24), Y: num(float64(y)), TextY: num(float64(y + 4))}
		if len(s.points) > 0 {
			first, last := s.points[0].at, s.points[0].at
			for _, p := range s.points {
				first, last = min(first, p.at), max(last, p.at)
				l.Marks = append(l.Marks, tlMark{Kind: p.kind, X: x(p.at), Title: p.title})
			}
			l.X1, l.X2 = x(first), x(last)
		}
		tl.Lanes = append(tl.Lanes, l)
	}
	bottom := tlTop + len(tl.Lanes)*tlLaneH
	tl.GridY = num(float64(bottom))
	tl.LegendY = num(float64(bottom + 18))
	tl.LegendY2 = num(float64(bottom + 36))
	tl.Height = bottom + tlBottom
	if slices.ContainsFunc(series, func(s tlSeries) bool { return s.side == "file" }) {
		tl.LegendY3 = num(float64(bottom + 54))
		tl.Height += 18
	}
	return tl
}

// caseOrigin returns the wall time of the axis zero and whether it is the
// case start exactly. With [result.CaseResult.Start] it is; a result without
// it (an older report.json) gets the estimate of the first request's
// arrival, which puts the server lanes up to one connection set-up early
// against the client lanes (the page says so).
func caseOrigin(c result.CaseResult) (time.Time, bool) {
	if !c.Start.IsZero() {
		return c.Start, true
	}
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

// tickLabel labels the tick at d on an axis that spans span, in one unit per
// axis: the largest of s, ms and µs that span reaches ("0", "250µs",
// "0.5ms", "50ms", "1.5s").
func tickLabel(d, span time.Duration) string {
	if d == 0 {
		return "0"
	}
	unit, name := time.Microsecond, "µs"
	switch {
	case span >= time.Second:
		unit, name = time.Second, "s"
	case span >= time.Millisecond:
		unit, name = time.Millisecond, "ms"
	}
	return strconv.FormatFloat(float64(d)/float64(unit), 'f', -1, 64) + name
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
