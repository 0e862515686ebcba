package trace

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		expr string
		yes  []string
		no   []string
	}{
		{"ended only", "ended", []string{"ended"}, []string{"", "began ended", "ended ended"}},
		{"download", "began progress* ended", []string{"began ended", "began progress progress ended"},
			[]string{"ended", "progress began ended", "began progress"}},
		{"plus", "began progress+ ended", []string{"began progress ended"}, []string{"began ended"}},
		{"optional began", "began? ended", []string{"ended", "began ended"}, []string{"began began ended"}},
		{"alternation", "ended | began progress* ended", []string{"ended", "began progress ended"}, []string{"began"}},
		{"group repeat", "(began ended){2}", []string{"began ended began ended"}, []string{"began ended"}},
		{"bounded", "progress{1,3}", []string{"progress", "progress progress progress"}, []string{"", "progress progress progress progress"}},
		{"at least", "progress{2,}", []string{"progress progress", "progress progress progress"}, []string{"progress"}},
		{"zero repeat", "began{0} ended", []string{"ended"}, []string{"began ended"}},
		{"nested", "((began)? (progress)*)* ended", []string{"ended", "began progress began ended"}, []string{"began"}},
		{"no spaces needed around ops", "began(progress)*ended", []string{"began progress ended"}, []string{"ended"}},
		{"stray phase never matches", "began progress* ended", nil, []string{"began bogus ended"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Compile(tc.expr)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tc.expr, err)
			}
			if m.String() != tc.expr {
				t.Errorf("String() = %q, want %q", m.String(), tc.expr)
			}
			for _, s := range tc.yes {
				if !m.Match(strings.Fields(s)) {
					t.Errorf("%q should match %q", tc.expr, s)
				}
			}
			for _, s := range tc.no {
				if m.Match(strings.Fields(s)) {
					t.Errorf("%q should not match %q", tc.expr, s)
				}
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		expr string
		col  int
		msg  string
	}{
		{"empty", "   ", 1, "empty trace expression"},
		{"unknown phase", "began progres ended", 7, `unknown phase "progres"`},
		{"unclosed paren", "began (progress ended", 7, "unclosed ("},
		{"stray close", "began) ended", 6, `unexpected ')'`},
		{"empty alternative", "began |", 8, "missing phase at end"},
		{"empty group", "()", 2, `missing phase before ')'`},
		{"leading op", "* ended", 1, `unexpected '*'`},
		{"bad count", "began{x}", 7, `repeat count "x"`},
		{"max below min", "began{3,1}", 6, "max below min"},
		{"unclosed brace", "began{3", 6, "unclosed {"},
		{"too big", "began{2000}", 7, "above 1000"},
		{"digit", "began 3", 7, `unexpected '3'`},
		{"deep", strings.Repeat("(", 40) + "ended" + strings.Repeat(")", 40), 33, "nested deeper"},
		{"long", strings.Repeat("ended ", 100), 513, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tc.expr)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) = %v, want *SyntaxError", tc.expr, err)
			}
			if se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Compile(%q) = %v, want col %d containing %q", tc.expr, err, tc.col, tc.msg)
			}
		})
	}
}

func TestMatchEvents(t *testing.T) {
	t.Parallel()
	m, err := Compile("began progress* ended")
	if err != nil {
		t.Fatal(err)
	}
	evs := []Event{
		{Fields: map[string]any{"phase": "began"}},
		{Fields: map[string]any{"phase": "progress"}},
		{Fields: map[string]any{"phase": "ended"}},
	}
	if !m.MatchEvents(evs) {
		t.Errorf("MatchEvents(%v) = false", Phases(evs))
	}
	if m.MatchEvents(evs[1:]) {
		t.Errorf("MatchEvents(%v) = true", Phases(evs[1:]))
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"began progress* ended", "ended|began(progress){0,3}ended", "((began)?)+", "{", "began{1,", "(((", "progress{1000}{1000}"} {
		f.Add(s, "began progress ended")
	}
	f.Fuzz(func(t *testing.T, expr, seq string) {
		m, err := Compile(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Col < 1 || se.Col > len(expr)+1 {
				t.Fatalf("Compile(%q): bad error %v", expr, err)
			}
			return
		}
		phases := strings.Fields(seq)
		if len(phases) > 64 {
			phases = phases[:64]
		}
		_ = m.Match(phases)
	})
}
