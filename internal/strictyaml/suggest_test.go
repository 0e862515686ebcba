package strictyaml

import (
	"fmt"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	t.Parallel()
	known := []string{"status", "DocumentsDirectory", "headers"}
	for _, tc := range []struct{ got, want string }{
		{"statsu", "status"},
		{"STATUS", "status"},
		{"Documents", "DocumentsDirectory"},
		{"hdrs", ""},
		{"zzzzzz", ""},
		{strings.Repeat("status", 20), ""},
	} {
		want := ""
		if tc.want != "" {
			want = fmt.Sprintf(" (did you mean %q?)", tc.want)
		}
		if got := Suggest(tc.got, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.got, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	known := []string{"title", "text", "level", "source"}
	for _, tc := range []struct{ got, want string }{
		{"titel", "title"},  // a swap is one edit
		{"Level", "level"},  // case does not count
		{"txt", "text"},     // short names allow two edits
		{"sourc", "source"}, // a prefix of three letters or more
		{"lvl", "level"},
		{"severity", ""},
		{"", ""},
	} {
		if got := Closest(tc.got, known); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.got, got, tc.want)
		}
	}
	if got := Closest("tex", []string{"text", "texts"}); got != "text" {
		t.Errorf("Closest(tex) = %q, want the first of equally close names", got)
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"statsu", "status", 1}, {"kitten", "sitting", 3},
		{"/files/a", "/file/a", 1}, {"héllo", "hello", 1}, {"Status", "status", 1},
	} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	root := parseNode(t, "[{a: 1}, [x], &n 1, *n, 1.5, true, ~, text]\n").Content[0]
	want := []string{"a mapping", "a list", "a number", "an alias", "a number", "a boolean", "null", "a string"}
	for i, n := range root.Content {
		if got := KindOf(n); got != want[i] {
			t.Errorf("KindOf(item %d) = %q, want %q", i, got, want[i])
		}
	}
	if got := KindOf(parseNode(t, "")); got != "nothing" {
		t.Errorf("KindOf(empty document) = %q, want nothing", got)
	}
}
