package strictyaml

import (
	"errors"
	"strings"
	"testing"
)

// TestSyntaxErrorPositions checks that a syntax error reads
// file:line:col at what a person would point at. yaml.v3 says "line N"
// only, one line early for brackets, and nothing on line 1.
func TestSyntaxErrorPositions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unclosed bracket, first line", "a: [1, 2\nb: 3\n",
			"s.yaml:1:4: did not find expected ',' or ']' (this bracket is never closed)"},
		{"unclosed bracket, later line", "x: 1\ny: 2\na: [1, 2\nb: 3\n",
			"s.yaml:3:4: did not find expected ',' or ']' (this bracket is never closed)"},
		{"unclosed bracket over lines", "x: 1\ny: 2\na: [1, 2,\n  3\nb: 3\n",
			"s.yaml:3:4: did not find expected ',' or ']' (this bracket is never closed)"},
		{"unclosed inner bracket", "x: 1\na: [1, [2, 3]\n",
			"s.yaml:2:4: did not find expected ',' or ']' (this bracket is never closed)"},
		{"unclosed brace", "x: 1\na: {k: 1\nb: 3\n",
			"s.yaml:2:4: did not find expected ',' or '}' (this bracket is never closed)"},
		{"wrong closing bracket", "x: 1\na: [1, 2}\n",
			"s.yaml:2:9: did not find expected ',' or ']' (this bracket does not match the one it closes)"},
		{"stray closing bracket", "a: [1, 2]]\n", "s.yaml:1:10: did not find expected key (this bracket closes nothing)"},
		{"bracket after plain text with brackets", "title: don't [do] it\nb: [1,\n",
			"s.yaml:2:4: did not find expected node content (this bracket is never closed)"},
		{"key indented too far", "id: x\ntitle: y\n  requirements: [E1]\n",
			`s.yaml:3:3: mapping values are not allowed in this context (check the indentation, or quote a value that holds ": ")`},
		{"list item indented too little", "given:\n  files:\n    - name: a\n   - name: b\n",
			"s.yaml:4:4: did not find expected key"},
		{"key indented too little", "a:\n  b: 1\n c: 2\n", "s.yaml:3:2: did not find expected key"},
		{"second mapping value", "a: b: c\n",
			`s.yaml:1:5: mapping values are not allowed in this context (check the indentation, or quote a value that holds ": ")`},
		{"tab indent, first line", "\tid: x\n",
			"s.yaml:1:1: found character that cannot start any token (YAML indents with spaces, never tabs)"},
		{"tab indent", "id: x\n\ttitle: y\n",
			"s.yaml:2:1: found a tab character that violates indentation (YAML indents with spaces, never tabs)"},
		{"tab before a list item", "id: x\ntitle:\n  \t- y\n",
			"s.yaml:3:3: found character that cannot start any token (YAML indents with spaces, never tabs)"},
		{"at sign", "a: @x\n", "s.yaml:1:4: found character that cannot start any token (a value cannot start with '@' or '`': quote it)"},
		{"unclosed quote", "a: \"abc\nb: 2\n", "s.yaml:1:4: found unexpected end of stream (this quote is never closed)"},
		{"unclosed quote after a closed one", "a: \"multi\n  line\"\nb: 'unclosed\nc: 1\n",
			"s.yaml:3:4: found unexpected end of stream (this quote is never closed)"},
		{"unknown alias", "a: 1\nb: *nope\n", "s.yaml:2:4: unknown anchor 'nope' referenced"},
		{"mapping after a list", "- a\nb: 1\n", "s.yaml:2:1: did not find expected '-' indicator"},
		{"block scalar then bad key", "a: |\n  text [\n b: 1\n", "s.yaml:3:2: did not find expected key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(tc.src))
			var pe *PosError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want a *PosError", tc.src, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tc.src, err, tc.want)
			}
		})
	}
}

func TestSyntaxErrorInALargeFile(t *testing.T) {
	t.Parallel()
	// 3,000 lines (15 KB): too many to re-parse one line at a time, so the line
	// is found by bisection.
	body := strings.Repeat("k: v\n", 3_000)
	for _, tc := range []struct{ src, want string }{
		{"a: [1, 2\n" + body, "big.yaml:1:4: did not find expected ',' or ']'"},
		{body + "a: b: c\n", "big.yaml:3001:5: mapping values are not allowed"},
	} {
		_, err := Parse("big.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error %v, want it to start %q", err, tc.want)
		}
	}
}
