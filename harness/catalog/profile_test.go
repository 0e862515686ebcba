package catalog_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/internal/testkit"
)

// update rewrites the golden files (testdata/ and, in TestProfileDoc,
// docs/profile.md) instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files (testdata/, docs/profile.md)")

func TestRenderProfileGolden(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "catalog.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(data)
	if err != nil {
		t.Fatalf("load testdata catalogue: %v", err)
	}
	cases := map[string][]string{
		"E2": {"events.ended-only.post", "events.ended-only", "events.ended-only.post", ""},
		"Z9": {"orphan.case"},
	}
	got := catalog.RenderProfile(cat, cases)
	testkit.Golden(t, filepath.Join("testdata", "profile.golden.md"), got, *update, "./harness/catalog")
}

// TestRenderProfileDeterministic renders the embedded catalogue repeatedly,
// with the case lists in different orders, and wants the same bytes.
func TestRenderProfileDeterministic(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	a := map[string][]string{"E1": {"b", "a", "c"}, "D4": {"x"}, "Q7": {"q2", "q1"}}
	b := map[string][]string{"Q7": {"q1", "q2"}, "D4": {"x"}, "E1": {"c", "b", "a", "a"}}
	first := catalog.RenderProfile(cat, a)
	for range 5 {
		if got := catalog.RenderProfile(cat, b); !bytes.Equal(got, first) {
			t.Fatal("RenderProfile output depends on map or slice order")
		}
	}
	if a["E1"][0] != "b" {
		t.Error("RenderProfile reordered the caller's slice")
	}
}

// TestRenderProfileContent checks the embedded profile carries every rule,
// its level heading, text, source and a case line.
func TestRenderProfileContent(t *testing.T) {
	t.Parallel()
	cat := loadEmbedded(t)
	out := string(catalog.RenderProfile(cat, map[string][]string{"D4": {"redirect.302.no-follow"}}))
	for _, id := range cat.IDs() {
		r, _ := cat.Get(id)
		heading := "### " + id + " (" + string(r.Level) + "): " + r.Title + "\n"
		if !strings.Contains(out, heading) {
			t.Errorf("profile has no heading %q", heading)
		}
		if !strings.Contains(out, r.Text) {
			t.Errorf("profile lacks the text of %s", id)
		}
		if !strings.Contains(out, "> "+strings.SplitN(r.Source.Quote, "\n", 2)[0]) {
			t.Errorf("profile lacks the source quote of %s", id)
		}
	}
	if !strings.Contains(out, "Checked by: `redirect.302.no-follow`.") {
		t.Error("profile lacks D4's case")
	}
	if n := strings.Count(out, "Checked by: no case yet."); n != cat.Len()-1 {
		t.Errorf("%d rules without a case, want %d", n, cat.Len()-1)
	}
	for _, sec := range []string{"## Levels", "## Order of authority", "## Events\n", "## TLS\n"} {
		if !strings.Contains(out, sec) {
			t.Errorf("profile lacks section %q", sec)
		}
	}
}

// TestDocQuotesAreVerbatim checks that every doc quote appears word for word
// in the Solar2D doc page it names. The pages live outside the repository, so
// it runs only when NETCONFORM_SEEDS names a folder holding <page>.txt files.
func TestDocQuotesAreVerbatim(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("NETCONFORM_SEEDS")
	if dir == "" {
		t.Skip("NETCONFORM_SEEDS not set")
	}
	cat, err := catalog.Load(catalog.Requirements())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range cat.IDs() {
		r, _ := cat.Get(id)
		if r.Source.Kind != catalog.SourceDoc {
			continue
		}
		page, err := os.ReadFile(filepath.Join(dir, r.Source.Ref+".txt"))
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if !strings.Contains(string(page), r.Source.Quote) {
			t.Errorf("%s: quote not found verbatim in %s: %q", id, r.Source.Ref, r.Source.Quote)
		}
	}
}
