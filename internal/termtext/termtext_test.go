package termtext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "GET /a?b=c 200 (12ms)", "GET /a?b=c 200 (12ms)"},
		{"tab and Unicode are kept", "réponse\t✓ 日本語 🙂", "réponse\t✓ 日本語 🙂"},
		{"clear screen and cursor home", "\x1b[2J\x1b[Hok", "ok"},
		{"fake summary on a line of its own", "log\n\x1b[2J387 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip",
			"log387 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip"},
		{"colours", "\x1b[1;31mred\x1b[0m", "red"},
		{"private CSI", "\x1b[?25lhidden cursor", "hidden cursor"},
		{"window title OSC ended by BEL", "\x1b]0;pwned\x07after", "after"},
		{"clipboard OSC 52 ended by ST", "\x1b]52;c;ZXZpbA==\x1b\\after", "after"},
		{"hyperlink OSC 8", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"DCS string", "\x1bPq#0;2;0;0;0\x1b\\x", "x"},
		{"two-byte sequences", "\x1bcreset \x1b7saved \x1b(Bcharset", "reset saved charset"},
		{"ESC at the end", "end\x1b", "end"},
		{"unterminated CSI", "a\x1b[12", "a"},
		{"carriage return overwrite", "PASS\rFAIL", "PASSFAIL"},
		{"backspaces and bell", "ab\b\b\acd", "abcd"},
		{"DEL", "a\x7fb", "ab"},
		{"C1 CSI with parameters", "a\u009b2Jb", "ab"},
		{"C1 OSC", "a\u009d0;title\u009cb", "ab"},
		{"other C1 controls", "a\u0085b\u008dc", "abc"},
		{"bidi override", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi isolate", "\u2067x\u2069", "x"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Clean(tc.in); got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanLines(t *testing.T) {
	t.Parallel()
	in := "one\r\n\x1b[31mtwo\x1b[0m\n\tthree\x1b]0;t\x07"
	if got, want := CleanLines(in), "one\ntwo\n\tthree"; got != want {
		t.Errorf("CleanLines(%q) = %q, want %q", in, got, want)
	}
	if got := CleanLines("a\nb\n"); got != "a\nb\n" {
		t.Errorf("CleanLines of plain lines = %q", got)
	}
}

// FuzzClean: whatever the input, the output holds no control character
// but the tab, no bidirectional control and no invalid UTF-8, and cleaning
// it again changes nothing.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b[2J", "\x1b]0;x\x07", "a\u009b1mb", "\u202e", "\xff\x1b", "ok\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lines := range []bool{false, true} {
			out := Clean(s)
			if lines {
				out = CleanLines(s)
			}
			if !utf8.ValidString(out) {
				t.Fatalf("output %q is not valid UTF-8", out)
			}
			for _, r := range out {
				if (unicode.IsControl(r) && r != '\t' && (r != '\n' || !lines)) || bidi(r) {
					t.Fatalf("output %q of %q holds control %U", out, s, r)
				}
			}
			again := Clean(out)
			if lines {
				again = CleanLines(out)
			}
			if again != out {
				t.Fatalf("cleaning twice changed %q to %q", out, again)
			}
			if !lines && strings.Contains(out, "\n") {
				t.Fatalf("Clean kept a newline: %q", out)
			}
		}
	})
}
