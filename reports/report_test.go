package reports

import (
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/harness/result"
)

func TestFromCatalog(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Load(catalog.Requirements())
	if err != nil {
		t.Fatal(err)
	}
	reqs := FromCatalog(cat)
	if len(reqs) != cat.Len() || len(reqs) == 0 {
		t.Fatalf("%d requirements, catalogue has %d", len(reqs), cat.Len())
	}
	if r := reqs[0]; r.ID != "E1" || r.Level != result.LevelMust || r.Area != "events" || r.Title == "" {
		t.Errorf("first requirement = %+v", r)
	}
	if FromCatalog(nil) != nil {
		t.Error("FromCatalog(nil) != nil")
	}
}

func TestRunInfoFallbacks(t *testing.T) {
	t.Parallel()
	rep := Report{Run: result.Run{Implementation: "inproc", Started: t0, Duration: dur(1500)}}
	if rep.label() != "inproc" || !rep.ended().Equal(t0.Add(dur(1500))) || rep.duration() != dur(1500) {
		t.Errorf("fallbacks: %q %v %v", rep.label(), rep.ended(), rep.duration())
	}
	rep.Info = RunInfo{Implementation: "ref", Version: "1", Started: t0, Ended: t0.Add(dur(3000))}
	rep.Run.Duration = 0
	if rep.label() != "ref 1" || rep.duration() != dur(3000) {
		t.Errorf("info: %q %v", rep.label(), rep.duration())
	}
	if (Report{}).label() != "implementation" {
		t.Error("empty label")
	}
	if h := CurrentHost(); h.OS == "" || h.CPUs < 1 || h.GoVersion == "" {
		t.Errorf("CurrentHost = %+v", h)
	}
}

func TestArea(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{"redirect.302.no-follow": "redirect", "solo": "solo", "": ""} {
		if got := Area(id); got != want {
			t.Errorf("Area(%q) = %q, want %q", id, got, want)
		}
	}
}
