package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCheckEmbeddedOK(t *testing.T) {
	t.Parallel()
	code, out, errs := call(t, runCheck)
	if code != 0 {
		t.Fatalf("exit %d, the embedded cases should be valid:\n%s", code, errs)
	}
	if !regexp.MustCompile(`^ok: \d+ cases in \d+ files`).MatchString(out) {
		t.Errorf("output %q", out)
	}
}

// brokenCase has a misspelt key on line 6 and an unknown requirement.
const brokenCase = `cases:
  - id: probe.broken
    title: a case with a misspelt key
    requirements: [E8]
    call:
      ulr: "{{http}}/x"
    expect:
      ended: {status: 200}
`

func TestCheckBrokenFileExitsOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "probe", "broken.yaml"), brokenCase)
	code, out, errs := call(t, runCheck, "--cases", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	// file:line:col: message, pointing at the misspelt key.
	want := regexp.MustCompile(`(?m)^\S*probe/broken\.yaml:6:7: .*ulr.*`)
	if !want.MatchString(errs) {
		t.Errorf("no file:line:col message at the misspelt key:\n%s", errs)
	}
	if !strings.Contains(errs, `"url"`) {
		t.Errorf("no did-you-mean for ulr:\n%s", errs)
	}
}

func TestCheckUnknownRequirementAndExpectations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "probe", "cases.yaml"), strings.Replace(probeCases, "[E8]", "[E99]", 1))
	exp := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.ok: fail\nprobe.gone: fail\n")
	ios := writeFile(t, filepath.Join(t.TempDir(), "ios.yaml"), "probe.ios-only: fail\n")
	code, _, errs := call(t, runCheck, "--cases", dir, "--expect", exp, "--expect", "solar2d:ios="+ios)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	if !regexp.MustCompile(`probe/cases\.yaml:2:5: requirements: unknown requirement "E99"`).MatchString(errs) {
		t.Errorf("unknown requirement not reported with its position:\n%s", errs)
	}
	if !strings.Contains(errs, "expectation for unknown case probe.gone (") {
		t.Errorf("unknown expectation id not reported:\n%s", errs)
	}
	if !strings.Contains(errs, "expectation for unknown case probe.ios-only (") {
		t.Errorf("an implementation's own file is not checked:\n%s", errs)
	}
	if strings.Contains(errs, "probe.ok (") {
		t.Errorf("a known id is reported:\n%s", errs)
	}
}

func TestCheckUsage(t *testing.T) {
	t.Parallel()
	if code, _, _ := call(t, runCheck, "somefile.yaml"); code != 2 {
		t.Errorf("positional argument: exit %d, want 2", code)
	}
}
