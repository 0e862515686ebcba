package testkit

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Golden compares got with the file at path, or rewrites the file with got
// when update is set (the tests' -update flag). A difference fails the test
// with the first differing line and how to regenerate the file (pkg is the
// package to name in "go test <pkg> -update").
func Golden(tb testing.TB, path string, got []byte, update bool, pkg string) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden (run go test %s -update to create it): %v", pkg, err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s is out of date; run go test %s -update and review the diff\n%s",
			path, pkg, FirstDiff(string(want), string(got)))
	}
}

// FirstDiff describes the first line where want and got differ.
func FirstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, w, g)
		}
	}
	return "(no line differs)"
}
