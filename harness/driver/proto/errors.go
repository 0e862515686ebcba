package proto

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error is a protocol violation by the other end: a malformed line, a reply
// to nothing, an event out of order. A peer that reports one is broken.
type Error struct {
	// Msg says what was wrong.
	Msg string
	// Err is what kind of violation it is, when it is one a caller may
	// test for (driver.ErrNoReply), else nil.
	Err error
}

// Error returns "driver protocol: " and the message.
func (e *Error) Error() string { return "driver protocol: " + e.Msg }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ErrLineTooLong is returned by [LineReader] for a line longer than its limit.
var ErrLineTooLong = errors.New("line too long")

// ErrClosed is the error of a peer or session the harness closed itself.
var ErrClosed = errors.New("closed")

// violation returns a protocol *Error with a formatted message.
func violation(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// quote quotes s for messages.
func quote(s string) string { return strconv.Quote(s) }

// ints formats a version list as [1 2].
func ints(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
