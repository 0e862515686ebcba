package reports

import (
	"bytes"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// cancelCase is shaped like cancel.at-first-progress: a short exchange at the
// start of a 300 ms case (the rest is the settle window). The server sends
// its headers at start+10ms, the client's began arrives at start+12ms.
func cancelCase() result.CaseResult {
	rec := mockserver.Record{Seq: 3, Namespace: "cancel.x.1", Listener: "http", Method: "GET", Path: "/trickle",
		Proto: "HTTP/1.1", Headers: http.Header{}, Status: 200, BytesSent: 500,
		Received: at(9), HeadersSent: at(10), ClientClosed: at(13), Done: at(13.1),
		Events: []mockserver.Event{
			{At: at(9), Kind: mockserver.EventReceived},
			{At: at(10), Kind: mockserver.EventHeadersSent, Detail: "200"},
			{At: at(11), Kind: mockserver.EventBodyChunk, Bytes: 500},
			{At: at(13), Kind: mockserver.EventClientClosed},
			{At: at(13.1), Kind: mockserver.EventDone, Bytes: 500},
		}}
	return result.CaseResult{ID: "cancel.x", Title: "cancel at first progress", Requirements: []string{"C1"},
		Level: result.LevelMust, Verdict: result.Pass, TimeScale: 0.05, Start: t0, Duration: dur(300),
		Journal: []mockserver.Record{rec},
		Trace: []trace.Event{
			ev("main", 0, 12, map[string]any{"phase": "began", "status": 200, "isError": false}),
			ev("main", 1, 12.5, map[string]any{"phase": "progress", "bytesTransferred": 500, "isError": false}),
		}}
}

// caseSVGs renders a one-case report and returns the case's timeline SVGs.
func caseSVGs(t *testing.T, c result.CaseResult) (*node, []*node) {
	t.Helper()
	rep := Report{Run: result.Run{Implementation: "x", TimeScale: 0.05, Cases: []result.CaseResult{c}}}
	doc := parseHTML(t, render(t, func(w *bytes.Buffer) error { return WriteHTML(w, rep) }))
	box := doc.byID(anchor(c.ID))
	if box == nil {
		t.Fatalf("no case %s on the page", c.ID)
	}
	return box, box.all(class("timeline"))
}

// axis reads an SVG's tick labels and maps a time to its x from the first
// and last ticks, as a reader of the picture would.
type axis struct {
	labels []string
	xs     []float64
	span   time.Duration
}

func readAxis(t *testing.T, svg *node) axis {
	t.Helper()
	var a axis
	for _, g := range svg.all(class("axis")) {
		for _, txt := range g.all(tag("text")) {
			x, err := strconv.ParseFloat(txt.Attrs["x"], 64)
			if err != nil {
				t.Fatalf("tick x %q: %v", txt.Attrs["x"], err)
			}
			a.labels = append(a.labels, txt.text())
			a.xs = append(a.xs, x)
		}
	}
	if len(a.labels) < 2 {
		t.Fatalf("axis has %d ticks", len(a.labels))
	}
	d, err := time.ParseDuration(a.labels[len(a.labels)-1])
	if err != nil {
		t.Fatalf("last tick %q is not a duration: %v", a.labels[len(a.labels)-1], err)
	}
	a.span = d
	return a
}

// x is where time d since the case start belongs on the axis.
func (a axis) x(d time.Duration) float64 {
	return a.xs[0] + (a.xs[len(a.xs)-1]-a.xs[0])*float64(d)/float64(a.span)
}

// markX returns the x of the first mark of a kind on a side.
func markX(t *testing.T, svg *node, side, kind string) float64 {
	t.Helper()
	kinds, xs := marks(t, svg, side)
	i := slices.Index(kinds, kind)
	if i < 0 {
		t.Fatalf("no %s %s mark (have %v)", side, kind, kinds)
	}
	return xs[i]
}

func TestTimelineOneClock(t *testing.T) {
	t.Parallel()
	box, svgs := caseSVGs(t, cancelCase())
	if len(svgs) != 2 {
		t.Errorf("%d timelines, want the whole case and a zoom on its events", len(svgs))
	}
	if n := len(box.all(func(n *node) bool { _, ok := n.Attrs["data-approx"]; return ok })); n != 0 {
		t.Error("the page says the clocks were aligned by estimate, but the case has its start")
	}
	for i, svg := range svgs {
		a := readAxis(t, svg)
		hs, began := markX(t, svg, "server", "headersSent"), markX(t, svg, "client", "began")
		if began <= hs {
			t.Errorf("timeline %d: began (start+12ms) at x=%.1f is not right of headersSent (start+10ms) at x=%.1f",
				i, began, hs)
		}
		// Each mark sits where its time is on the axis (coordinates have
		// one decimal).
		for _, m := range []struct {
			side, kind string
			at         time.Duration
		}{
			{"server", "received", dur(9)}, {"server", "headersSent", dur(10)}, {"server", "done", dur(13.1)},
			{"client", "began", dur(12)}, {"client", "progress", dur(12.5)},
		} {
			if got, want := markX(t, svg, m.side, m.kind), a.x(m.at); math.Abs(got-want) > 0.051 {
				t.Errorf("timeline %d (axis to %s): %s %s at x=%.2f, want x=%.2f (start+%s)",
					i, a.span, m.side, m.kind, got, want, m.at)
			}
		}
	}
}

func TestTimelineTicks(t *testing.T) {
	t.Parallel()
	_, svgs := caseSVGs(t, cancelCase())
	if len(svgs) != 2 {
		t.Fatalf("%d timelines, want 2", len(svgs))
	}
	tests := []struct {
		name   string
		labels []string
	}{
		// The whole 300 ms case, not just its 13 ms of events.
		{"whole", []string{"0", "50ms", "100ms", "150ms", "200ms", "250ms", "300ms"}},
		{"zoom", []string{"0", "2ms", "4ms", "6ms", "8ms", "10ms", "12ms", "14ms"}},
	}
	for i, tc := range tests {
		a := readAxis(t, svgs[i])
		if !slices.Equal(a.labels, tc.labels) {
			t.Errorf("%s: tick labels %q, want %q", tc.name, a.labels, tc.labels)
		}
		// Ticks run from the plot's left edge to its right, evenly.
		if a.xs[0] != tlLeft || a.xs[len(a.xs)-1] != tlWidth-20 {
			t.Errorf("%s: ticks span x=%.1f..%.1f, want %d..%d", tc.name, a.xs[0], a.xs[len(a.xs)-1], tlLeft, tlWidth-20)
		}
		gap := (a.xs[len(a.xs)-1] - a.xs[0]) / float64(len(a.xs)-1)
		for j := 1; j < len(a.xs); j++ {
			if math.Abs(a.xs[j]-a.xs[j-1]-gap) > 0.11 {
				t.Errorf("%s: ticks not evenly spaced: %v", tc.name, a.xs)
				break
			}
		}
	}
}

func TestTimelineEstimate(t *testing.T) {
	t.Parallel()
	c := cancelCase()
	c.Start = time.Time{} // a report.json written before CaseResult.Start
	box, svgs := caseSVGs(t, c)
	if n := len(box.all(func(n *node) bool { _, ok := n.Attrs["data-approx"]; return ok })); n != 1 {
		t.Errorf("%d estimate notes, want 1", n)
	}
	if len(svgs) == 0 {
		t.Fatal("no timeline")
	}
	// The estimate puts the first arrival at the axis zero.
	if x := markX(t, svgs[0], "server", "received"); x != tlLeft {
		t.Errorf("received at x=%.1f, want the axis zero %d", x, tlLeft)
	}

	// A trace without a journal needs no aligning.
	c.Journal = nil
	if tls := caseTimelines(c); len(tls) == 0 || tls[0].Approx {
		t.Errorf("trace-only timeline: %+v", tls)
	}
}

func TestTimelineNoZoom(t *testing.T) {
	t.Parallel()
	c := cancelCase()
	c.Duration = dur(20) // the events fill most of the case
	tls := caseTimelines(c)
	if len(tls) != 1 || tls[0].Zoom {
		t.Fatalf("%d timelines, want the whole case only", len(tls))
	}
	if got := tls[0].Ticks[len(tls[0].Ticks)-1].Label; got != "20ms" {
		t.Errorf("axis ends at %s, want 20ms", got)
	}
	// Events after Duration (a late done) still fit on the axis.
	c.Duration = dur(5)
	if got := caseTimelines(c)[0].Ticks; got[len(got)-1].Label != "14ms" {
		t.Errorf("axis ends at %s, want 14ms", got[len(got)-1].Label)
	}
}

func TestTickLabel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d, span string
		want    string
	}{
		{"0s", "300ms", "0"},
		{"250µs", "800µs", "250µs"},
		{"500µs", "2ms", "0.5ms"},
		{"2ms", "2ms", "2ms"},
		{"50ms", "300ms", "50ms"},
		{"300ms", "300ms", "300ms"},
		{"200ms", "1.6s", "0.2s"},
		{"1.5s", "1.5s", "1.5s"},
		{"10s", "30s", "10s"},
	}
	for _, tc := range tests {
		if got := tickLabel(mustDur(t, tc.d), mustDur(t, tc.span)); got != tc.want {
			t.Errorf("tickLabel(%s, span %s) = %q, want %q", tc.d, tc.span, got, tc.want)
		}
	}
}

func TestTickStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		end, want string
	}{
		{"0s", "1µs"}, {"8µs", "1µs"}, {"9µs", "2µs"}, {"45ms", "10ms"}, {"300ms", "50ms"}, {"1.5s", "200ms"},
		{"30s", "5s"}, {"100h", "13h53m20s"},
	}
	for _, tc := range tests {
		end, want := mustDur(t, tc.end), mustDur(t, tc.want)
		if got := tickStep(end); got != want {
			t.Errorf("tickStep(%s) = %s, want %s", end, got, want)
		}
	}
}

func mustDur(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTimelineFiles: the file journal gets a lane per file, in order of its
// first change, with its changes where their times are on the axis (a
// merged run of writes at its first and last write), a lane for the
// session's close, and the files legend.
func TestTimelineFiles(t *testing.T) {
	t.Parallel()
	c := cancelCase()
	c.FileJournal = []result.FileEvent{
		{At: dur(11), Op: result.FileCreate, Dir: "DocumentsDirectory", Name: "out.bin.part"},
		{At: dur(11.5), Op: result.FileWrite, Dir: "DocumentsDirectory", Name: "out.bin.part", Count: 4, Last: dur(12.5)},
		{At: dur(13), Op: result.FileRemove, Dir: "DocumentsDirectory", Name: "out.bin"},
		{At: dur(13.2), Op: result.FileRename, Dir: "DocumentsDirectory", Name: "out.bin.part"},
		{At: dur(13.2), Op: result.FileCreate, Dir: "DocumentsDirectory", Name: "out.bin"},
		{At: dur(20), Op: result.FileClose},
	}
	_, svgs := caseSVGs(t, c)
	if len(svgs) == 0 {
		t.Fatal("no timeline")
	}
	svg := svgs[0]
	var labels []string
	for _, g := range svg.all(func(n *node) bool { return n.Attrs["data-side"] == "file" }) {
		labels = append(labels, g.all(tag("text"))[0].text())
	}
	if want := []string{"file Documents/out.bin.part", "file Documents/out.bin", "file (session close)"}; !slices.Equal(labels, want) {
		t.Errorf("file lanes %q, want %q", labels, want)
	}
	kinds, xs := marks(t, svg, "file")
	if want := []string{"create", "write", "write", "rename", "remove", "create", "close"}; !slices.Equal(kinds, want) {
		t.Fatalf("file marks %v, want %v", kinds, want)
	}
	a := readAxis(t, svg)
	for i, at := range []time.Duration{dur(11), dur(11.5), dur(12.5), dur(13.2), dur(13), dur(13.2), dur(20)} {
		if want := a.x(at); math.Abs(xs[i]-want) > 0.051 {
			t.Errorf("file mark %d (%s) at x=%.2f, want x=%.2f (start+%s)", i, kinds[i], xs[i], want, at)
		}
	}
	if legend := svg.all(class("legend")); len(legend) != 1 || !strings.Contains(legend[0].text(), "files:") {
		t.Error("no files legend under a timeline with file lanes")
	}
	if _, plain := caseSVGs(t, cancelCase()); strings.Contains(plain[0].all(class("legend"))[0].text(), "files:") {
		t.Error("files legend under a timeline without file lanes")
	}
}
