package trace

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Grammar limits keep compiled patterns small whatever the input.
const (
	maxExprLen = 512  // bytes of source
	maxDepth   = 32   // nested parentheses
	maxRepeat  = 1000 // largest n or m in {n,m} (RE2's own limit)
)

// SyntaxError is a phase grammar parse error at a 1-based byte column of the
// expression.
type SyntaxError struct {
	// Col is the 1-based byte column of the problem in the expression.
	Col int
	// Msg says what is wrong.
	Msg string
}

// Error returns "col N: message".
func (e *SyntaxError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

// Matcher checks a call's whole phase sequence against a compiled phase
// grammar expression. It is safe for concurrent use.
type Matcher struct {
	src string
	re  *regexp.Regexp
}

// Compile parses a phase grammar expression:
//
//	expr    = seq { "|" seq }
//	seq     = postfix { postfix }          (juxtaposition, separated by spaces)
//	postfix = atom { "*" | "+" | "?" | "{n}" | "{n,}" | "{n,m}" }
//	atom    = "began" | "progress" | "ended" | "(" expr ")"
//
// for example "began progress* ended" or "ended | began (progress)+ ended".
// The expression matches a sequence as a whole. Errors are *SyntaxError.
func Compile(src string) (*Matcher, error) {
	if len(src) > maxExprLen {
		return nil, &SyntaxError{Col: maxExprLen + 1, Msg: fmt.Sprintf("expression longer than %d bytes", maxExprLen)}
	}
	p := &parser{src: src}
	p.skipSpace()
	if p.pos == len(src) {
		return nil, &SyntaxError{Col: 1, Msg: "empty trace expression"}
	}
	out, err := p.alt(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.errf("unexpected %q", src[p.pos])
	}
	re, err := regexp.Compile("^(?:" + out + ")$")
	if err != nil {
		return nil, &SyntaxError{Col: 1, Msg: "expression too large"}
	}
	return &Matcher{src: src, re: re}, nil
}

// String returns the source expression.
func (m *Matcher) String() string { return m.src }

// Match reports whether the whole sequence of phases matches. A phase other
// than began, progress and ended never matches.
func (m *Matcher) Match(phases []string) bool {
	var b strings.Builder
	for _, ph := range phases {
		switch ph {
		case Began:
			b.WriteByte('b')
		case Progress:
			b.WriteByte('p')
		case Ended:
			b.WriteByte('e')
		default:
			b.WriteByte('x')
		}
	}
	return m.re.MatchString(b.String())
}

// MatchEvents reports whether the events' phases match as a whole.
func (m *Matcher) MatchEvents(events []Event) bool { return m.Match(Phases(events)) }

type parser struct {
	src string
	pos int
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Col: p.pos + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\n\r", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// alt parses seq { "|" seq } and returns its regexp.
func (p *parser) alt(depth int) (string, error) {
	var parts []string
	for {
		s, err := p.seq(depth)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
		p.skipSpace()
		if p.peek() != '|' {
			return strings.Join(parts, "|"), nil
		}
		p.pos++
	}
}

// seq parses one or more postfix terms.
func (p *parser) seq(depth int) (string, error) {
	var b strings.Builder
	for n := 0; ; n++ {
		p.skipSpace()
		c := p.peek()
		if c == 0 || c == '|' || c == ')' {
			if n == 0 {
				if c == 0 {
					return "", p.errf("missing phase at end of expression")
				}
				return "", p.errf("missing phase before %q", c)
			}
			return b.String(), nil
		}
		t, err := p.postfix(depth)
		if err != nil {
			return "", err
		}
		b.WriteString(t)
	}
}

func (p *parser) postfix(depth int) (string, error) {
	a, err := p.atom(depth)
	if err != nil {
		return "", err
	}
	for {
		p.skipSpace()
		switch c := p.peek(); c {
		case '*', '+', '?':
			p.pos++
			a = "(?:" + a + string(c) + ")"
		case '{':
			r, err := p.repeat()
			if err != nil {
				return "", err
			}
			a = "(?:" + a + r + ")"
		default:
			return a, nil
		}
	}
}

// repeat parses {n}, {n,} or {n,m} at p.pos.
func (p *parser) repeat() (string, error) {
	start := p.pos
	end := strings.IndexByte(p.src[start:], '}')
	if end < 0 {
		return "", p.errf("unclosed {")
	}
	body := p.src[start+1 : start+end]
	lo, hi, hasComma := body, "", false
	if i := strings.IndexByte(body, ','); i >= 0 {
		lo, hi, hasComma = body[:i], body[i+1:], true
	}
	n, err := p.count(lo, start+1)
	if err != nil {
		return "", err
	}
	out := fmt.Sprintf("{%d}", n)
	if hasComma {
		out = fmt.Sprintf("{%d,}", n)
		if strings.TrimSpace(hi) != "" {
			m, err := p.count(hi, start+2+len(lo))
			if err != nil {
				return "", err
			}
			if m < n {
				return "", &SyntaxError{Col: start + 1, Msg: fmt.Sprintf("repeat {%d,%d}: max below min", n, m)}
			}
			out = fmt.Sprintf("{%d,%d}", n, m)
		}
	}
	p.pos = start + end + 1
	return out, nil
}

func (p *parser) count(s string, at int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, &SyntaxError{Col: at + 1, Msg: fmt.Sprintf("repeat count %q is not a whole number", s)}
	}
	if n > maxRepeat {
		return 0, &SyntaxError{Col: at + 1, Msg: fmt.Sprintf("repeat count %d above %d", n, maxRepeat)}
	}
	return n, nil
}

func (p *parser) atom(depth int) (string, error) {
	switch c := p.peek(); {
	case c == '(':
		if depth >= maxDepth {
			return "", p.errf("parentheses nested deeper than %d", maxDepth)
		}
		open := p.pos
		p.pos++
		inner, err := p.alt(depth + 1)
		if err != nil {
			return "", err
		}
		p.skipSpace()
		if p.peek() != ')' {
			return "", &SyntaxError{Col: open + 1, Msg: "unclosed ("}
		}
		p.pos++
		return "(?:" + inner + ")", nil
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] >= 'a' && p.src[p.pos] <= 'z' || p.src[p.pos] >= 'A' && p.src[p.pos] <= 'Z') {
			p.pos++
		}
		switch w := p.src[start:p.pos]; w {
		case Began:
			return "b", nil
		case Progress:
			return "p", nil
		case Ended:
			return "e", nil
		default:
			return "", &SyntaxError{Col: start + 1, Msg: fmt.Sprintf("unknown phase %q (want began, progress or ended)", w)}
		}
	default:
		return "", p.errf("unexpected %q", c)
	}
}
