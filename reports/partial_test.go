package reports

import (
	"bytes"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/schemacheck"
)

// partialFixture is the fixture as an interrupted run leaves it: its
// second case cut short, its last one never started.
func partialFixture() Report {
	rep := fixture()
	rep.Info.Interrupted = "interrupt"
	cs := rep.Run.Cases
	cs[1].Verdict, cs[1].Interrupted = result.Skip, result.InterruptedRunning
	cs[1].Reason = "cut short: run interrupted (interrupt signal received)"
	last := len(cs) - 1
	cs[last].Verdict, cs[last].Interrupted = result.Skip, result.InterruptedQueued
	cs[last].Reason = "not run: run interrupted (interrupt signal received)"
	return rep
}

// TestPartialReports: every report of an interrupted run says so, with
// how many cases did not run to the end, and marks those cases; a complete
// run's reports say nothing of it.
func TestPartialReports(t *testing.T) {
	t.Parallel()
	partial, full := partialFixture(), fixture()
	total := len(partial.Run.Cases)
	notice := "Interrupted (interrupt): 2 of " + itoa(total) + " cases did not run to the end (1 cut short); these results are partial."
	if got := partialNotice(partial); got != notice {
		t.Errorf("partialNotice = %q, want %q", got, notice)
	}
	if !partial.Partial() || full.Partial() {
		t.Errorf("Partial() = %v for the partial run, %v for the full one", partial.Partial(), full.Partial())
	}
	if got, want := Summarize(partial.Run).Line(), "; interrupted: 2 of "+itoa(total)+" cases not run (1 cut short)"; !strings.HasSuffix(got, want) {
		t.Errorf("summary line %q does not end in %q", got, want)
	}

	md := string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, partial) }))
	for _, want := range []string{"— ⚠️ interrupted, partial results\n", "> **" + notice + "**"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	page := string(render(t, func(w *bytes.Buffer) error { return WriteHTML(w, partial) }))
	for _, want := range []string{`id="partial">` + notice + "<", `<span class="tag interrupted" title="cut short: run interrupted`,
		`<dt>interrupted</dt><dd>interrupt</dd>`} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	junit := string(render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, partial) }))
	if !strings.Contains(junit, `<property name="interrupted" value="`+notice+`">`) {
		t.Errorf("junit.xml lacks the interrupted property:\n%s", junit)
	}
	for name, out := range map[string]string{
		"report.md":   string(render(t, func(w *bytes.Buffer) error { return WriteMarkdown(w, full) })),
		"report.html": string(render(t, func(w *bytes.Buffer) error { return WriteHTML(w, full) })),
		"junit.xml":   string(render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, full) })),
	} {
		// The page's style sheet names the tag; no element uses it.
		out = strings.ReplaceAll(out, ".tag.interrupted{", "")
		if strings.Contains(strings.ToLower(out), "interrupted") {
			t.Errorf("%s of a complete run mentions an interruption", name)
		}
	}
}

// TestPartialJSON: report.json of an interrupted run names the signal,
// counts the cases left and marks each; it matches the schema and reads
// back the same.
func TestPartialJSON(t *testing.T) {
	t.Parallel()
	out := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, partialFixture()) })
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if errs := schemacheck.Validate(loadSchema(t), doc); len(errs) > 0 {
		t.Errorf("partial report.json violates its schema:\n%s", strings.Join(errs, "\n"))
	}
	run, sum := doc["run"].(map[string]any), doc["summary"].(map[string]any)
	if run["interrupted"] != "interrupt" || sum["interrupted"] != 2.0 || sum["cutShort"] != 1.0 {
		t.Errorf("run.interrupted %v, summary.interrupted %v, cutShort %v; want interrupt, 2, 1", run["interrupted"],
			sum["interrupted"], sum["cutShort"])
	}
	if c := kase(doc); c["interrupted"] != "running" || c["verdict"] != "skip" {
		t.Errorf("the cut-short case reads interrupted %v, verdict %v", c["interrupted"], c["verdict"])
	}
	rep, err := ReadJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if again := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, rep) }); !bytes.Equal(out, again) {
		t.Error("round trip changed the partial report")
	}
	if !rep.Partial() || rep.Run.Cases[1].Interrupted != result.InterruptedRunning {
		t.Errorf("read back: partial %v, case interrupted %q", rep.Partial(), rep.Run.Cases[1].Interrupted)
	}
}

// TestToolBuild: the build fields come from the build information, the
// one-line form keeps the short revision, and report.json carries both.
func TestToolBuild(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "8be1422fa7ee3bf65cf5b74f2d185376485802aa"},
		{Key: "vcs.time", Value: "2026-12-03T13:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	b := buildOf(bi)
	want := ToolBuild{Version: "(devel)", Revision: "8be1422fa7ee3bf65cf5b74f2d185376485802aa", Time: "2026-12-03T13:00:00Z",
		Modified: true, GoVersion: "go1.26.8"}
	if b != want {
		t.Errorf("buildOf = %+v, want %+v", b, want)
	}
	if s := b.String(); s != "(devel) 8be1422fa7ee+dirty" {
		t.Errorf("String() = %q", s)
	}
	if s := (ToolBuild{Version: "v1.2.0", GoVersion: "go1.26.8"}).String(); s != "v1.2.0" {
		t.Errorf("release String() = %q", s)
	}
	rep := fixture()
	rep.Info.Build, rep.Info.Tool = b, b.String()
	var doc struct {
		Run struct {
			Tool      string    `json:"tool"`
			ToolBuild ToolBuild `json:"toolBuild"`
		} `json:"run"`
	}
	if err := json.Unmarshal(render(t, func(w *bytes.Buffer) error { return WriteJSON(w, rep) }), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Run.Tool != "(devel) 8be1422fa7ee+dirty" || doc.Run.ToolBuild != want {
		t.Errorf("report.json run: tool %q, toolBuild %+v", doc.Run.Tool, doc.Run.ToolBuild)
	}
}
