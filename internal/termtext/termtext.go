// Package termtext makes untrusted text safe to print to a terminal. Text
// an implementation under test controls (its log lines, the stderr of a
// driver process, event fields, header values, error messages that quote
// them) may hold escape sequences: printed raw, ESC[2J clears the screen
// and ESC[H moves the cursor home, so an implementation could draw a fake
// summary over the real one, retitle the window or (with OSC 52) write the
// clipboard. [Clean] removes every such sequence and every control
// character but the tab, and keeps all printable text, Unicode included.
//
// This package owns that decision; whatever prints untrusted text to a
// terminal passes it through Clean (or [CleanLines] for text of several
// lines) first.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s with every terminal control removed, as one line:
//   - escape sequences: CSI (ESC [ ... final byte), OSC, DCS, SOS, PM and
//     APC strings (ESC ] / P / X / ^ / _ ... up to BEL or ST), and the
//     two-byte ESC sequences (ESC c, ESC 7, ...), whole;
//   - the C1 controls U+0080..U+009F, and CSI and OSC introduced by their
//     C1 forms (U+009B, U+009D) with their parameters;
//   - every other C0 control and DEL, newline and carriage return included
//     (a newline would let text start a line of its own; a carriage return
//     would let it overwrite the start of its line);
//   - the bidirectional overrides and isolates (U+202A..U+202E,
//     U+2066..U+2069), which reorder what follows on the line;
//   - invalid UTF-8 bytes (replaced by U+FFFD).
//
// The tab and all printable characters, non-ASCII ones included, are kept.
func Clean(s string) string {
	if safe(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	clean(&b, s, false)
	return b.String()
}

// CleanLines is [Clean] for text of several lines: it keeps the newlines
// (a "\r\n" becomes "\n") and cleans each line.
func CleanLines(s string) string {
	if safe(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	clean(&b, s, true)
	return b.String()
}

// safe reports whether s is printable ASCII and tabs only (and newlines,
// when lines is set), the common case, which needs no copy.
func safe(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && (c != '\n' || !lines)) || c >= 0x7f {
			return false
		}
	}
	return true
}

// The bytes and runes that start sequences.
const (
	esc   = 0x1b
	bel   = 0x07
	c1CSI = '\u009b'
	c1OSC = '\u009d'
	c1ST  = '\u009c'
)

// clean writes the cleaned s to b, keeping newlines when lines is set.
func clean(b *strings.Builder, s string, lines bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == esc:
			i = skipEscape(s, i+1)
			continue
		case c == '\n' && lines:
			b.WriteByte('\n')
		case c == '\t':
			b.WriteByte('\t')
		case c < 0x20 || c == 0x7f:
			// a control: dropped
		case c < utf8.RuneSelf:
			b.WriteByte(c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				b.WriteRune(utf8.RuneError)
			case r == c1CSI:
				i = skipCSI(s, i+n)
				continue
			case r == c1OSC:
				i = skipString(s, i+n)
				continue
			case r >= 0x80 && r <= 0x9f, bidi(r):
				// a C1 control or a bidirectional control: dropped
			default:
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		i++
	}
}

// bidi reports whether r is a bidirectional embedding, override or
// isolate control.
func bidi(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// skipEscape returns the index after the escape sequence whose ESC was
// just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// ESC, then intermediate bytes (0x20-0x2f), then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI returns the index after a control sequence's parameters,
// intermediates and final byte, starting after its introducer; it stops
// early at a byte no CSI holds.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f { // parameters and intermediates
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e { // the final byte
		i++
	}
	return i
}

// skipString returns the index after a control string (OSC, DCS, SOS, PM,
// APC) that starts at i: up to and including its BEL, ESC \ or C1 ST
// terminator, or the end of s.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == bel:
			return i + 1
		case s[i] == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // another sequence starts: the string ended unterminated
		case strings.HasPrefix(s[i:], string(c1ST)):
			return i + len(string(c1ST))
		}
		i++
	}
	return i
}
