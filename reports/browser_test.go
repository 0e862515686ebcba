//go:build linux

package reports

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// chromiumPath is where Debian's chromium package installs the browser
// (.ci/run installs it when missing).
const chromiumPath = "/usr/bin/chromium"

// browserShot is where the test leaves its screenshot of the report, for
// people to look at (reports/out/ is not committed).
const browserShot = "out/report-browser-test.png"

// chromium returns the browser's path; it skips the test when the browser is
// missing, unless CI=true, where a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing (.ci/run installs Debian's chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s not installed: %v", chromiumPath, err)
	}
	return chromiumPath
}

// headless runs chromium headless on url with extra flags and returns its
// stdout. The browser runs in its own process group, killed when the test's
// deadline passes.
func headless(t *testing.T, bin, url string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\nstderr:\n%s", url, err, stderr.String())
	}
	return stdout.Bytes()
}

// browserPage writes the fixture's report.html into a temp folder and
// returns its file URL.
func browserPage(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), HTMLFile)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file://" + p
}

func TestBrowserFilterFromFragment(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	rep := fixture()
	dom := parseHTML(t, headless(t, bin, browserPage(t)+"#verdict=fail", "--dump-dom"))

	// The matrix rendered with a row per requirement of the fixture.
	matrix := dom.byID("matrix")
	if matrix == nil {
		t.Fatal("no #matrix in the rendered page")
	}
	if rows := matrix.all(class("rule")); len(rows) != len(Matrix(rep)) {
		t.Errorf("matrix has %d rule rows, want %d", len(rows), len(Matrix(rep)))
	}

	// The page's script applied #verdict=fail: only failed cases are shown,
	// and its counter says how many.
	fails := 0
	for _, c := range rep.Run.Cases {
		if c.Verdict == result.Fail {
			fails++
		}
	}
	if fails == 0 || fails == len(rep.Run.Cases) {
		t.Fatalf("fixture must mix failed and other cases, has %d of %d failed", fails, len(rep.Run.Cases))
	}
	shown := 0
	for _, el := range dom.all(class("case")) {
		_, hidden := el.Attrs["hidden"]
		if fail := el.Attrs["data-verdict"] == string(result.Fail); fail == hidden {
			t.Errorf("case %s (verdict %s): hidden=%v after #verdict=fail", el.Attrs["id"], el.Attrs["data-verdict"], hidden)
		}
		if !hidden {
			shown++
		}
	}
	if shown != fails {
		t.Errorf("%d cases shown, want %d", shown, fails)
	}
	counter := dom.byID("shown")
	if want := itoa(fails) + " case"; counter == nil || !strings.HasPrefix(counter.text(), want) {
		t.Errorf("counter %v, want it to start %q (the script did not run?)", counter, want)
	}

	// #case=ID shows that case alone, opened.
	one := parseHTML(t, headless(t, bin, browserPage(t)+"#case=events.download-progress", "--dump-dom"))
	var open []string
	for _, el := range one.all(class("case")) {
		if _, hidden := el.Attrs["hidden"]; !hidden {
			open = append(open, el.Attrs["id"])
			if _, ok := el.Attrs["open"]; !ok {
				t.Errorf("#case=: %s is shown but not opened", el.Attrs["id"])
			}
		}
	}
	if len(open) != 1 || open[0] != anchor("events.download-progress") {
		t.Errorf("#case=events.download-progress shows %v, want that case alone", open)
	}

	// The timeline SVGs are in the DOM with their marks.
	svgs := dom.all(class("timeline"))
	if len(svgs) == 0 {
		t.Fatal("no timeline svg")
	}
	marks := 0
	for _, s := range svgs {
		marks += len(s.all(class("mark")))
	}
	if marks == 0 {
		t.Error("the timelines have no marks")
	}
}

func TestBrowserScreenshots(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	page := browserPage(t)

	// The top of the page: summary and requirement matrix, kept for people.
	top := filepath.Join(t.TempDir(), "top.png")
	headless(t, bin, page, "--screenshot="+top, "--window-size=1280,1000")
	img := decodePNG(t, top)
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 1000 {
		t.Errorf("screenshot is %v, want 1280x1000", b)
	}
	// Matrix cells and badges are painted in the verdict colours.
	for name, c := range map[string]color.RGBA{"pass": rgb(0x2e7d32), "fail": rgb(0xc62828), "info": rgb(0x1565c0)} {
		if n := countColour(img, c); n < 200 {
			t.Errorf("%s colour %v covers %d pixels of the top of the page, want a painted matrix", name, c, n)
		}
	}
	if err := os.MkdirAll(filepath.Dir(browserShot), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(top)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(browserShot, data, 0o644); err != nil {
		t.Fatal(err)
	}

	// One case shown alone and opened by #case=ID: its timeline is painted
	// (the server's body chunks and the client's began mark in their
	// colours).
	tl := filepath.Join(t.TempDir(), "timeline.png")
	headless(t, bin, page+"#case=events.download-progress", "--screenshot="+tl, "--window-size=1280,1600")
	img = decodePNG(t, tl)
	for name, c := range map[string]color.RGBA{"bodyChunk": rgb(0x4db6ac), "began": rgb(0x3949ab), "headersSent": rgb(0x00897b)} {
		if n := countColour(img, c); n < 20 {
			t.Errorf("timeline %s colour %v covers %d pixels, want drawn marks", name, c, n)
		}
	}
}

func rgb(v uint32) color.RGBA { return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff} }

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return img
}

// countColour counts the pixels within a small distance of c (anti-aliasing
// and colour management shift exact values a little).
func countColour(img image.Image, c color.RGBA) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, c.R) && near(g>>8, c.G) && near(bl>>8, c.B) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, w uint8) bool {
	d := int(v) - int(w)
	return d >= -6 && d <= 6
}
