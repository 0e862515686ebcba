package main

import (
	"bytes"
	"context"
	"fmt"
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

// okCase is a valid case whose route's body is {file: FILE} and whose
// given file is named NAME.
const okCase = `id: probe.files
title: a body from a file
requirements: [E8]
given:
  files: [{name: NAME, text: x}]
server:
  routes:
    - {path: /f, body: {file: FILE}}
call: {url: "{{http}}/f"}
expect:
  ended: {status: 200}
`

// filesCase writes okCase with file and name into <dir>/probe/f.yaml,
// beside body.bin, and a secret file beside the folder; it returns the
// --cases folder and the secret's path.
func filesCase(t *testing.T, file, name string) (dir, secret string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "cases")
	secret = writeFile(t, filepath.Join(root, "secret.txt"), "secret")
	writeFile(t, filepath.Join(dir, "probe", "body.bin"), "body")
	src := strings.NewReplacer("FILE", strings.ReplaceAll(file, "SECRET", secret), "NAME", name).Replace(okCase)
	writeFile(t, filepath.Join(dir, "probe", "f.yaml"), src)
	return dir, secret
}

// TestCheckAndRunRefuseTheSameFiles checks that check refuses what run
// refuses, with the same message: a body file outside the case's folder
// and a given file whose name leaves its base directory.
func TestCheckAndRunRefuseTheSameFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, file, given, want string }{
		{"absolute body file", "SECRET", "a.txt", `probe/f.yaml:8:31: server.routes[0].body.file: local file "`},
		{"body file through ..", "../../secret.txt", "a.txt",
			`probe/f.yaml:8:31: server.routes[0].body.file: local file "../../secret.txt": a path through ".." is outside`},
		{"given name through ..", "body.bin", "../a.txt",
			`probe/f.yaml:5:18: given.files[0].name: file name "../a.txt" leaves DocumentsDirectory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := filesCase(t, tc.file, tc.given)
			code, _, errs := call(t, runCheck, "--cases", dir)
			if code != 1 || !strings.Contains(errs, tc.want) {
				t.Fatalf("check: exit %d, want 1 and %q in\n%s", code, tc.want, errs)
			}
			code, _, runErrs := call(t, runRun, "--cases", dir, "--out", "")
			if code != 2 || !strings.Contains(runErrs, tc.want) {
				t.Fatalf("run: exit %d, want 2 and %q in\n%s", code, tc.want, runErrs)
			}
		})
	}
}

func TestCheckBodyFiles(t *testing.T) {
	t.Parallel()
	dir, _ := filesCase(t, "body.bin", "a.txt")
	if code, out, errs := call(t, runCheck, "--cases", dir); code != 0 {
		t.Fatalf("a body file inside the case's folder: exit %d\n%s%s", code, out, errs)
	}
	dir, _ = filesCase(t, "SECRET", "a.txt")
	if code, out, errs := call(t, runCheck, "--cases", dir, "--allow-outside-files"); code != 0 {
		t.Fatalf("--allow-outside-files: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := call(t, runCheck, "--cases", filepath.Join(dir, "probe", "f.yaml")); code != 1 ||
		!strings.Contains(errs, "is outside the folder of the file that names it (--allow-outside-files allows it)") {
		t.Fatalf("one file given: exit %d, want 1 and the outside message\n%s", code, errs)
	}
}

func TestCheckRefusesAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("id: probe.bomb\ntitle: t\nrequirements: [E8]\nlabels: [&l0 lol]\ncall:\n  url: x\n  params:\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "    l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "probe", "bomb.yaml"), b.String())
	code, _, errs := call(t, runCheck, "--cases", dir)
	want := regexp.MustCompile(`(?m)^\S*probe/bomb\.yaml:13:\d+: document too large: more than 100000 nodes once aliases are expanded`)
	if code != 1 || !want.MatchString(errs) {
		t.Fatalf("exit %d, want 1 and a positioned limit error:\n%s", code, errs)
	}
}

func TestCheckSyntaxErrorPosition(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "probe", "broken.yaml"), "id: probe.x\ntitle: t\nrequirements: [E8,\ncall: {url: x}\n")
	code, _, errs := call(t, runCheck, "--cases", dir)
	if want := "probe/broken.yaml:3:15: did not find expected ',' or ']' (this bracket is never closed)"; code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d, want 1 and %q in\n%s", code, want, errs)
	}
}

func TestCheckSetupErrorsExitTwo(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	if code, _, errs := call(t, runCheck, "--cases", missing); code != 2 || !strings.HasPrefix(errs, "netconform check: load cases: ") ||
		!strings.Contains(errs, "no such file") {
		t.Errorf("a missing --cases: exit %d, want 2 (as run) and the command's prefix\n%s", code, errs)
	}
	if code, _, _ := call(t, runRun, "--cases", missing, "--out", ""); code != 2 {
		t.Errorf("run with a missing --cases: exit %d, want 2", code)
	}
	if code, _, errs := call(t, runCheck, "--expect", missing+".yaml"); code != 2 || !strings.Contains(errs, "no such file") {
		t.Errorf("a missing --expect: exit %d, want 2\n%s", code, errs)
	}
	if code, _, errs := call(t, runCheck, "--cases", probeDir(t), "--expect", writeFile(t, filepath.Join(t.TempDir(), "e.yaml"), "probe.ok: [\n")); code != 1 ||
		!strings.Contains(errs, "e.yaml:1:11: did not find expected node content") {
		t.Errorf("an invalid --expect: exit %d, want 1 and its position\n%s", code, errs)
	}
}

func TestCheckInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out, errs bytes.Buffer
	if code := runCheck(ctx, nil, &out, &errs); code != 2 || !strings.Contains(errs.String(), "netconform check: interrupted: context canceled") {
		t.Fatalf("exit %d, want 2 and the interruption\n%s", code, errs.String())
	}
}
