// Package testkit holds the set-up that several packages' tests share: the
// embedded suite, the requirement catalogue and a mock server. It is for
// tests only; every helper fails the test on error and registers its own
// cleanup.
package testkit

import (
	"testing"

	"github.com/netconform/netconform/cases"
	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/catalog"
	"github.com/netconform/netconform/mockserver"
)

// Cases returns every embedded case.
func Cases(tb testing.TB) []*casefile.Case {
	tb.Helper()
	cs, err := casefile.LoadFS(cases.FS, "cases")
	if err != nil {
		tb.Fatalf("load cases: %v", err)
	}
	return cs
}

// Catalog returns the embedded requirement catalogue.
func Catalog(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	cat, err := catalog.Load(catalog.Requirements())
	if err != nil {
		tb.Fatalf("load catalogue: %v", err)
	}
	return cat
}

// Server starts a mock server and closes it when the test ends; an error
// from Close fails the test.
func Server(tb testing.TB, opts ...mockserver.Option) *mockserver.Server {
	tb.Helper()
	srv, err := mockserver.New(opts...)
	if err != nil {
		tb.Fatalf("start the mock server: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("close the mock server: %v", err)
		}
	})
	return srv
}
