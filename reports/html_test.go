package reports

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

func fixtureHTML(t *testing.T) (*node, string) {
	t.Helper()
	b := render(t, func(w *bytes.Buffer) error { return WriteHTML(w, fixture()) })
	return parseHTML(t, b), string(b)
}

func TestHTMLSelfContained(t *testing.T) {
	t.Parallel()
	doc, raw := fixtureHTML(t)
	if !strings.HasPrefix(raw, "<!DOCTYPE html>") {
		t.Error("no doctype")
	}
	if n := len(doc.all(tag("style"))); n != 1 {
		t.Errorf("%d style elements, want 1", n)
	}
	scripts := doc.all(tag("script"))
	if len(scripts) != 1 || scripts[0].Attrs["src"] != "" || !strings.Contains(scripts[0].Text, "addEventListener") {
		t.Errorf("want one inline script, got %d", len(scripts))
	}
	if n := len(doc.all(tag("link"))); n != 0 {
		t.Errorf("%d link elements, want none", n)
	}
	for _, n := range doc.all(func(*node) bool { return true }) {
		for _, a := range []string{"src", "href", "action", "srcset"} {
			if v, ok := n.Attrs[a]; ok && !strings.HasPrefix(v, "#") {
				t.Errorf("<%s %s=%q> refers outside the page", n.Name, a, v)
			}
		}
	}
	css := doc.all(tag("style"))[0].Text
	if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
		t.Error("CSS loads something")
	}
}

func TestHTMLSummary(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	if tb := doc.byID("reasons-table"); tb == nil {
		t.Error("no top reasons table")
	} else if rows := tb.all(func(n *node) bool { return strings.Contains(n.Attrs["class"], "reason") }); len(rows) != 3 ||
		!strings.Contains(rows[0].text(), "ended.response") {
		t.Errorf("top reasons: %d rows, want 3 (F2's two checks, the error), F2 first", len(rows))
	}
	out := doc.byID("outcome")
	if out == nil || !strings.Contains(out.Attrs["class"], "bad") ||
		!strings.Contains(out.text(), "2 pass, 1 warn, 1 info, 1 fail, 1 error, 1 skip; 4 voided attempts re-run; 1 verdict from a void attempt") {
		t.Errorf("outcome = %+v", out)
	}
	counts := map[string]string{}
	for _, b := range doc.all(func(n *node) bool { return n.Attrs["data-count"] != "" }) {
		counts[b.Attrs["data-count"]] = b.text()
	}
	if counts["fail"] != "1 fail" || counts["pass"] != "2 pass" || len(counts) != 6 {
		t.Errorf("counts = %v", counts)
	}
}

func TestHTMLMatrix(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	m := doc.byID("matrix")
	if m == nil {
		t.Fatal("no matrix")
	}
	var levels []string
	for _, g := range m.all(tag("tbody")) {
		levels = append(levels, g.Attrs["data-level"])
	}
	if !slices.Equal(levels, []string{"must", "should", "info"}) {
		t.Errorf("level groups = %v", levels)
	}
	// Verdict columns are headed by a CSS marker and the plain word: no
	// symbol a font may lack.
	var heads []string
	for _, th := range m.all(class("vcol")) {
		mk := th.all(class("mk"))
		if len(mk) != 1 || !strings.Contains(mk[0].Attrs["class"], "v-"+th.Attrs["data-col"]) {
			t.Errorf("column %q has markers %+v", th.Attrs["data-col"], mk)
		}
		heads = append(heads, th.text())
	}
	if want := []string{"fail", "error", "warn", "info", "pass", "skip"}; !slices.Equal(heads, want) {
		t.Errorf("verdict columns %q, want %q", heads, want)
	}
	f2 := doc.byID("req-F2")
	if f2 == nil || f2.Attrs["data-verdict"] != "fail" || f2.Parent.Attrs["data-level"] != "must" {
		t.Fatalf("F2 row = %+v", f2)
	}
	cells := f2.all(tag("td"))
	// Rule, Title, Area, Status, then one column per verdict, worst first.
	if len(cells) != 4+len(verdictOrder()) || cells[3].text() != "fail" {
		t.Fatalf("F2 cells = %d", len(cells))
	}
	links := cells[4].all(tag("a"))
	if len(links) != 1 || links[0].Attrs["href"] != "#case-files.error-keeps" || links[0].text() != "1" {
		t.Errorf("F2 fail cell = %+v", cells[4])
	}
	if doc.byID(strings.TrimPrefix(links[0].Attrs["href"], "#")) == nil {
		t.Error("matrix link target missing")
	}
	if u1 := doc.byID("req-U1"); u1 == nil || u1.Attrs["data-verdict"] != "untested" {
		t.Errorf("U1 = %+v", u1)
	}
	if r6 := doc.byID("req-R6"); r6 == nil || r6.Parent.Attrs["data-level"] != "info" {
		t.Errorf("R6 not under info")
	}
}

func TestHTMLFilters(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	sel := doc.byID("f-area")
	if sel == nil {
		t.Fatal("no area filter")
	}
	var opts []string
	for _, o := range sel.all(tag("option")) {
		opts = append(opts, o.Attrs["value"])
	}
	want := []string{"", "cancel", "convenience", "events", "files", "redirects", "request", "timeouts", "tls"}
	if !slices.Equal(opts, want) {
		t.Errorf("area options = %v, want %v", opts, want)
	}
	var verdicts []string
	for _, in := range doc.byID("filters").all(tag("input")) {
		if in.Attrs["name"] == "verdict" {
			verdicts = append(verdicts, in.Attrs["value"])
		}
	}
	if len(verdicts) != 6 {
		t.Errorf("verdict filters = %v", verdicts)
	}
	cases := doc.all(class("case"))
	if len(cases) != 7 {
		t.Fatalf("%d cases, want 7", len(cases))
	}
	for _, c := range cases {
		if _, ok := c.Attrs["data-filter"]; !ok || c.Attrs["data-area"] == "" || !slices.Contains(verdicts, c.Attrs["data-verdict"]) {
			t.Errorf("case %s lacks filter data: %v", c.Attrs["id"], c.Attrs)
		}
		_, open := c.Attrs["open"]
		if failed := result.Verdict(c.Attrs["data-verdict"]).Failed(); open != failed {
			t.Errorf("case %s open=%v, want %v", c.Attrs["id"], open, failed)
		}
	}
}

func TestHTMLCaseDetail(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	c := doc.byID("case-files.error-keeps")
	if c == nil {
		t.Fatal("no case")
	}
	sides := c.all(class("side"))
	if len(sides) != 2 || sides[0].Attrs["data-call"] != "main" {
		t.Fatalf("%d side-by-side blocks", len(sides))
	}
	exp, obs := sides[0].all(class("expected")), sides[0].all(class("observed"))
	if len(exp) != 1 || len(obs) != 1 {
		t.Fatal("no expected/observed columns")
	}
	if !strings.Contains(exp[0].text(), `"not found"`) || !strings.Contains(obs[0].text(), "status=404") ||
		!strings.Contains(obs[0].text(), `filename:"a.txt"`) {
		t.Errorf("expected %q / observed %q", exp[0].text(), obs[0].text())
	}
	if !strings.Contains(sides[1].text(), "files[0]") {
		t.Error("case-wide check not shown")
	}
	if rows := c.all(class("mismatches"))[0].all(tag("tr")); len(rows) != 4 {
		t.Errorf("%d mismatch rows, want header + 3", len(rows))
	}
	files := c.all(class("files"))
	if len(files) != 1 || !strings.Contains(files[0].text(), "DocumentsDirectory/a.txt") ||
		!strings.Contains(files[0].text(), "5 bytes, sha256 2cf24dba5fb0…") {
		t.Errorf("files table = %q", files[0].text())
	}
	if pre := c.all(tag("pre")); len(pre) != 1 || !strings.Contains(pre[0].text(), "runner: settled") {
		t.Error("logs missing")
	}
	pass := doc.byID("case-events.download-progress")
	if !strings.Contains(pass.all(class("expected"))[0].text(), "Every check on this call held") {
		t.Error("passing call has no expected note")
	}
	if j := pass.all(class("journal")); len(j) != 1 || !strings.Contains(j[0].text(), "GET /body?n=3 HTTP/1.1") {
		t.Error("journal table missing")
	}
}

// dejaVuGlyphs are the characters from U+2000 up that the pages may use:
// each is in DejaVu Sans and DejaVu Sans Mono (fc-list ':charset=2192'
// etc.), the only fonts of a bare Debian with headless Chromium. Emoji are
// not, and render as empty boxes there.
const dejaVuGlyphs = "→…■●✗—"

func TestHTMLGlyphs(t *testing.T) {
	t.Parallel()
	_, page := fixtureHTML(t)
	cmp := render(t, func(w *bytes.Buffer) error { return RenderCompare(w, []Report{fixture(), other()}) })
	for name, text := range map[string]string{"report.html": page, "compare": string(cmp)} {
		bad := map[rune]int{}
		for _, r := range text {
			if r >= 0x2000 && !strings.ContainsRune(dejaVuGlyphs, r) {
				bad[r]++
			}
		}
		for r, n := range bad {
			t.Errorf("%s uses %q (U+%04X) %d times, not one of the glyphs checked in DejaVu (%s)",
				name, r, r, n, dejaVuGlyphs)
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	t.Parallel()
	doc, raw := fixtureHTML(t)
	if strings.Contains(raw, "<b>phases</b>") {
		t.Error("case title rendered as markup")
	}
	c := doc.byID("case-events.download-progress")
	if !strings.Contains(c.all(tag("summary"))[0].text(), "download progress <b>phases</b> | pipes") {
		t.Error("escaped title not shown as text")
	}
}

// marks returns the timeline marks of a lane side as (kind, x) pairs.
func marks(t *testing.T, svg *node, side string) ([]string, []float64) {
	t.Helper()
	var kinds []string
	var xs []float64
	for _, g := range svg.all(func(n *node) bool { return n.Attrs["data-side"] == side }) {
		for _, m := range g.all(class("mark")) {
			kinds = append(kinds, m.Attrs["data-kind"])
			a := m.Attrs["x"]
			if m.Name == "circle" {
				a = m.Attrs["cx"]
			}
			x, err := strconv.ParseFloat(a, 64)
			if err != nil {
				t.Fatalf("mark x %q: %v", a, err)
			}
			xs = append(xs, x)
		}
	}
	return kinds, xs
}

func TestHTMLTimeline(t *testing.T) {
	t.Parallel()
	doc, _ := fixtureHTML(t)
	svgs := doc.byID("case-events.download-progress").all(tag("svg"))
	if len(svgs) != 1 || !strings.Contains(svgs[0].Attrs["class"], "timeline") {
		t.Fatalf("%d timelines", len(svgs))
	}
	sk, sx := marks(t, svgs[0], "server")
	ck, cx := marks(t, svgs[0], "client")
	if want := []string{"received", "requestRead", "headersSent", "bodyChunk", "bodyChunk", "bodyChunk", "done"}; !slices.Equal(sk, want) {
		t.Errorf("server marks = %v, want %v", sk, want)
	}
	if want := []string{"began", "progress", "ended"}; !slices.Equal(ck, want) {
		t.Errorf("client marks = %v, want %v", ck, want)
	}
	if !slices.IsSorted(sx) || !slices.IsSorted(cx) {
		t.Errorf("marks not in time order: %v %v", sx, cx)
	}
	// One axis from the case start: the first arrival (1 ms) is off the
	// left edge, began (4 ms) right of headersSent (2 ms), ended (41 ms)
	// right of the last chunk (30 ms).
	if cx[0] <= sx[2] || cx[2] <= sx[5] || sx[0] <= tlLeft {
		t.Errorf("client and server not on one axis: server %v client %v", sx, cx)
	}
	if ticks := svgs[0].all(tag("text")); len(ticks) < 3 {
		t.Error("no axis labels")
	}
	cancel := doc.byID("case-cancel.at-began").all(tag("svg"))
	if len(cancel) != 1 {
		t.Fatal("cancel case has no timeline")
	}
	if k, _ := marks(t, cancel[0], "server"); !slices.Contains(k, "fault") || !slices.Contains(k, "clientClosed") {
		t.Errorf("cancel server marks = %v", k)
	}
	if n := len(doc.byID("case-redirects.303-get").all(tag("svg"))); n != 0 {
		t.Errorf("case without trace or journal has %d timelines", n)
	}
	errEnd := result.CaseResult{ID: "a.b", Trace: fixture().Run.Cases[1].Trace[2:]}
	errEnd.Trace[0].Fields = map[string]any{"phase": "ended", "isError": true}
	tls := caseTimelines(errEnd)
	if len(tls) == 0 || len(tls[0].Lanes) != 1 || tls[0].Lanes[0].Marks[0].Kind != "ended-error" {
		t.Errorf("isError ended = %+v", tls)
	}
}

var idRE = regexp.MustCompile(`^case-[A-Za-z0-9._-]+$`)

func TestAnchor(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"a.b", "x y/<z>", "ünï"} {
		if got := anchor(id); !idRE.MatchString(got) {
			t.Errorf("anchor(%q) = %q", id, got)
		}
	}
}
