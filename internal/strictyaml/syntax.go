package strictyaml

// Positions of YAML syntax errors. yaml.v3 reports a syntax error as text,
// "yaml: line N: problem", with no column; N is the 0-based line of the
// construct being parsed for a parser error (one line early: the line
// before an unclosed '[') and is left out altogether when that line is the
// first. Its marks are not exported, so the position is found again here:
//
//  1. The line: the shortest run of whole lines, from the top, after which
//     every longer run fails with the same problem. A problem found at end
//     of input (an unclosed bracket or quote) shows from the line that
//     opened it; a problem that needs what follows shows from its own line.
//  2. The column, by the problem: the unclosed bracket or quote (found by a
//     small scan of quotes, comments and brackets), the tab, the second ':'
//     of "a: b: c", the alias name, or else the line's first non-blank.

import (
	"bytes"
	"errors"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the position prefix of yaml.v3's messages.
var yamlLine = regexp.MustCompile(`^yaml: (?:line \d+: )?`)

// maxLocateWork bounds the bytes re-parsed, in all, to find a syntax
// error's line one line at a time; past it the line is found by bisection.
const maxLocateWork = 8 << 20

// syntaxError returns yaml.v3's syntax error err on data as a *PosError at
// the line and column a person would point at.
func syntaxError(file string, data []byte, err error) *PosError {
	problem := yamlLine.ReplaceAllString(err.Error(), "")
	lines := bytes.SplitAfter(data, []byte("\n")) // sub-slices of data
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	line := locateLine(data, lines, problem)
	col, hint := 1, ""
	if line >= 1 && line <= len(lines) {
		line, col, hint = locateCol(data, lines, line, problem)
	}
	if hint != "" {
		problem += " (" + hint + ")"
	}
	return &PosError{File: file, Line: max(line, 1), Col: col, Err: errors.New(problem)}
}

// locateLine returns the 1-based line of the problem (see the top of this
// file): the smallest k such that every prefix of k or more lines fails
// with the same problem, found from the end one line at a time, or by
// bisection (which assumes that a prefix that fails so makes every longer
// one fail) when that would re-parse more than maxLocateWork bytes.
func locateLine(data []byte, lines [][]byte, problem string) int {
	ends := make([]int, len(lines)+1) // ends[k] is the length of the first k lines
	for i, l := range lines {
		ends[i+1] = ends[i] + len(l)
	}
	fails := func(k int) bool {
		var doc yaml.Node
		e := yaml.Unmarshal(data[:ends[k]], &doc)
		return e != nil && yamlLine.ReplaceAllString(e.Error(), "") == problem
	}
	k := len(lines)
	if len(lines) > 0 && len(lines)*ends[len(lines)] > maxLocateWork {
		lo, hi := 1, k // fails(hi) holds
		for lo < hi {
			if mid := (lo + hi) / 2; fails(mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return hi
	}
	for k > 1 && fails(k-1) {
		k--
	}
	return k
}

// locateCol returns the position of the problem found on line (1-based),
// usually on that line (an unclosed bracket or quote may be earlier), and
// a hint for the message, or "".
func locateCol(data []byte, lines [][]byte, line int, problem string) (int, int, string) {
	text := string(bytes.TrimRight(lines[line-1], "\r\n"))
	first := len(text) - len(strings.TrimLeft(text, " \t")) + 1
	if first > len(text) {
		first = 1
	}
	end := 0
	for _, l := range lines[:line] {
		end += len(l)
	}
	sc := scanFlow(data[:end])
	switch {
	case strings.HasPrefix(problem, "did not find expected ',' or"), strings.HasPrefix(problem, "did not find expected node content"):
		if sc.wrong.line > 0 {
			return sc.wrong.line, sc.wrong.col, "this bracket does not match the one it closes"
		}
		if o, ok := sc.innermost(); ok {
			return o.line, o.col, "this bracket is never closed"
		}
	case strings.HasPrefix(problem, "found unexpected end of stream"):
		if sc.quote.line > 0 {
			return sc.quote.line, sc.quote.col, "this quote is never closed"
		}
	case strings.Contains(problem, "tab character"), strings.Contains(problem, "cannot start any token"):
		if i := strings.IndexByte(text, '\t'); i >= 0 && (i < first || strings.Contains(problem, "tab character")) {
			return line, i + 1, "YAML indents with spaces, never tabs"
		}
		if i := strings.IndexAny(text, "@`"); i >= 0 {
			return line, i + 1, "a value cannot start with '@' or '`': quote it"
		}
	case strings.HasPrefix(problem, "mapping values are not allowed"):
		hint := "check the indentation, or quote a value that holds \": \""
		if cs := mappingColons(text); len(cs) >= 2 {
			return line, cs[1] + 1, hint
		}
		return line, first, hint
	case strings.HasPrefix(problem, "unknown anchor"):
		if name, ok := strings.CutPrefix(problem, "unknown anchor '"); ok {
			name, _, _ = strings.Cut(name, "'")
			if i := strings.Index(text, "*"+name); i >= 0 {
				return line, i + 1, ""
			}
		}
	}
	if sc.stray.line == line {
		return line, sc.stray.col, "this bracket closes nothing"
	}
	return line, first, ""
}

// mappingColons returns the byte offsets of the ':' on a line that end a
// key (followed by a space or the end of the line), outside quotes and
// comments.
func mappingColons(text string) []int {
	var out []int
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && (i == 0 || text[i-1] == ' '):
			quote = c
		case c == '#' && (i == 0 || text[i-1] == ' '):
			return out
		case c == ':' && (i+1 == len(text) || text[i+1] == ' '):
			out = append(out, i)
		}
	}
	return out
}

// mark is a 1-based position.
type mark struct{ line, col int }

// flowScan is what scanFlow found: the flow brackets still open (and
// which), the quote still open, the first closing bracket after a flow
// collection that matched no opener, and the first closing bracket of the
// wrong kind (line 0 when none).
type flowScan struct {
	open  []mark
	kinds []byte
	quote mark
	stray mark
	wrong mark
}

// innermost returns the last bracket still open.
func (s flowScan) innermost() (mark, bool) {
	if len(s.open) == 0 {
		return mark{}, false
	}
	return s.open[len(s.open)-1], true
}

// scanFlow scans YAML text for flow brackets and quoted scalars, as far as
// needed to point at an unclosed one: a quote or bracket counts only where
// a value starts (after indentation, "- ", "? ", ": ", or inside a flow
// collection after '[', '{' or ','), so that the apostrophe of "don't" and
// the bracket of "a [b" in plain text do not; comments are skipped, and so
// are the lines of block scalars ('|' and '>').
func scanFlow(data []byte) flowScan {
	var s flowScan
	line, col := 1, 0
	atStart := true // a value may start here
	var quote byte
	blockIndent := -1 // skipping a block scalar's lines more indented than this
	lineStart := true
	indent := 0
	closed := false // a flow collection ended on this line, outside any other
	for i := 0; i < len(data); i++ {
		c := data[i]
		col++
		if c == '\n' {
			line, col = line+1, 0
			lineStart, indent, closed = true, 0, false
			if quote == 0 {
				atStart = true
			}
			continue
		}
		if lineStart && c == ' ' {
			indent++
			continue
		}
		if lineStart {
			lineStart = false
			if blockIndent >= 0 {
				if indent > blockIndent {
					for i+1 < len(data) && data[i+1] != '\n' {
						i++
					}
					continue
				}
				blockIndent = -1
			}
		}
		switch {
		case quote != 0:
			switch {
			case quote == '"' && c == '\\' && i+1 < len(data) && data[i+1] != '\n':
				i, col = i+1, col+1
			case c == quote && quote == '\'' && i+1 < len(data) && data[i+1] == '\'':
				i, col = i+1, col+1
			case c == quote:
				quote, s.quote, atStart = 0, mark{}, false
			}
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t'):
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == ' ' || c == '\t':
		case atStart && (c == '"' || c == '\''):
			quote, s.quote = c, mark{line, col}
		case atStart && (c == '[' || c == '{'):
			s.open = append(s.open, mark{line, col})
			s.kinds = append(s.kinds, c)
		case (c == ']' || c == '}') && len(s.open) > 0:
			if want := map[byte]byte{'[': ']', '{': '}'}[s.kinds[len(s.kinds)-1]]; c != want {
				if s.wrong.line == 0 {
					s.wrong = mark{line, col}
				}
				continue
			}
			s.open, s.kinds = s.open[:len(s.open)-1], s.kinds[:len(s.kinds)-1]
			atStart, closed = false, len(s.open) == 0
		case (c == ']' || c == '}') && closed:
			if s.stray.line == 0 {
				s.stray = mark{line, col}
			}
		case len(s.open) > 0 && (c == ',' || c == ':'):
			atStart = true
		case len(s.open) == 0 && (c == '-' || c == '?' || c == ':') && (i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n'):
			atStart = true
		case len(s.open) == 0 && atStart && (c == '|' || c == '>'):
			blockIndent = indentOf(data, i)
			atStart = false
		case (c == '&' || c == '!') && atStart:
			for i+1 < len(data) && data[i+1] != ' ' && data[i+1] != '\n' {
				i, col = i+1, col+1
			}
		default:
			atStart = false
		}
	}
	return s
}

// indentOf returns the indentation of the line holding offset i.
func indentOf(data []byte, i int) int {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	n := 0
	for start+n < len(data) && data[start+n] == ' ' {
		n++
	}
	return n
}
