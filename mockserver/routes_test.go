package mockserver

import "testing"

func TestNamespaces(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, tc := range []struct {
		ns string
		ok bool
	}{
		{"", true}, {"redirect.302-a_b~c", true}, {"Z9", true},
		{".", false}, {"..", false}, {"a/b", false}, {"a b", false}, {"é", false}, {"a%2F", false},
	} {
		if err := s.Install(tc.ns, Scenario{}); (err == nil) != tc.ok {
			t.Errorf("Install(%q): %v, want ok=%v", tc.ns, err, tc.ok)
		}
	}
	for _, tc := range []struct{ path, ns, rel string }{
		{"/c/a.b/x/y", "a.b", "/x/y"},
		{"/c/a.b", "a.b", "/"},
		{"/c/a!b/x", "", "/c/a!b/x"},
		{"/c//x", "", "/c//x"},
		{"/other", "", "/other"},
	} {
		if ns, rel := splitNamespace(tc.path); ns != tc.ns || rel != tc.rel {
			t.Errorf("splitNamespace(%q) = %q, %q; want %q, %q", tc.path, ns, rel, tc.ns, tc.rel)
		}
	}
}
