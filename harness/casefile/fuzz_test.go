package casefile

import (
	"strings"
	"testing"
)

// FuzzLoadErrors feeds arbitrary bytes to Load and checks that every
// rejection is a clear error: non-empty and leading with the file name
// (with a position where there is one), so a case author can find it.
// FuzzLoad (load_test.go) checks the accepting side.
func FuzzLoadErrors(f *testing.F) {
	for _, s := range []string{
		"id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\n",
		"id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\nstatsu: 1\n",
		"cases: [{id: a.b}, {id: 7}]", "- {}", "expect: {calls: {x: {}}}", "&a [*a]", "id: [", "",
		"id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\nserver: {routes: [{path: x, fault: {kind: boom}}]}\n",
		"id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\nexpect: {trace: \"(((\"}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Load("f.yaml", data)
		if err == nil {
			return
		}
		msg := err.Error()
		if msg == "" {
			t.Fatal("empty error")
		}
		if !strings.HasPrefix(msg, "f.yaml") {
			t.Fatalf("error does not lead with the file: %q", msg)
		}
	})
}
