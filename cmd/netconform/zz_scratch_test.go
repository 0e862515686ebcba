package main

import (
	"os"
	"strings"
	"testing"
)

func TestZZScratch(t *testing.T) {
	a := os.Getenv("NC_ARGS")
	if a == "" {
		t.Skip()
	}
	f := strings.Fields(a)
	code := runRun(t.Context(), f[1:], os.Stdout, os.Stderr)
	t.Logf("exit %d", code)
}
