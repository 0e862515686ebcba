package proto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/netconform/netconform/harness/driver"
)

// LineReader reads newline-terminated lines of bounded length. Memory use is
// bounded by the limit whatever the input: a longer line is an error, read
// no further.
type LineReader struct {
	br    *bufio.Reader
	max   int
	buf   []byte
	lines int
}

// NewLineReader returns a reader of lines up to max bytes (newline and a
// final \r excluded); max <= 0 means MaxLine.
func NewLineReader(r io.Reader, max int) *LineReader {
	if max <= 0 {
		max = MaxLine
	}
	return &LineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// ReadLine returns the next line without its line ending; the slice is
// valid until the next call. At the end of input it returns io.EOF (a final
// line without a newline is returned first). A line over the limit gives an
// error wrapping ErrLineTooLong.
func (r *LineReader) ReadLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) > r.max+2 { // room for \r\n
			return nil, fmt.Errorf("line %d: %w (over %d bytes)", r.lines+1, ErrLineTooLong, r.max)
		}
		if free := cap(r.buf) - len(r.buf); free < len(chunk) {
			// Grow by doubling (append grows big slices by 1.25x, which
			// allocates ~5x the line in total), capped at the limit.
			r.buf = slices.Grow(r.buf, min(max(2*cap(r.buf), len(r.buf)+len(chunk)), r.max+2)-len(r.buf))
		}
		r.buf = append(r.buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(r.buf) > 0:
			r.lines++
			return r.trim()
		case err != nil:
			return nil, err
		}
		r.lines++
		return r.trim()
	}
}

// trim drops the line ending and checks the limit.
func (r *LineReader) trim() ([]byte, error) {
	line := bytes.TrimSuffix(r.buf, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > r.max {
		return nil, fmt.Errorf("line %d: %w (over %d bytes)", r.lines, ErrLineTooLong, r.max)
	}
	return line, nil
}

// Lines returns how many lines were read.
func (r *LineReader) Lines() int { return r.lines }

// Encode returns m as one line (without the newline), with the $bytes
// convention applied to call params and event fields.
func Encode(m Message) ([]byte, error) {
	if m.Call != nil && m.Call.Params != nil {
		c := *m.Call
		c.Params = encodeMap(c.Params)
		m.Call = &c
	}
	if m.Fields != nil {
		m.Fields = encodeMap(m.Fields)
	}
	encodeFiles(&m)
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", m.Type, err)
	}
	return b, nil
}

// Decode parses one line into a message: call params get Lua numbers
// (float64), event fields get int64 for integral numbers, and $bytes
// objects become strings. A line that is not one JSON object with a known
// type is a protocol *Error.
func Decode(line []byte) (Message, error) {
	var m Message
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return m, violation("not a JSON message: %v: %s", err, excerpt(line))
	}
	if dec.More() {
		return m, violation("more than one JSON value on a line: %s", excerpt(line))
	}
	switch m.Type {
	case TypeHello, TypeWelcome, TypeBye, TypeOpen, TypeCall, TypeCancel, TypeClose, TypeReply, TypeEvent, TypeLog,
		TypePlace, TypeFiles:
	case "":
		return m, violation("message without a type: %s", excerpt(line))
	default:
		return m, violation("unknown message type %s", quote(m.Type))
	}
	var err error
	if m.Call != nil {
		if m.Call.Params, err = decodeMap(m.Call.Params, asFloat); err != nil {
			return m, violation("call params: %v", err)
		}
	}
	if m.Fields, err = decodeMap(m.Fields, asInt); err != nil {
		return m, violation("event fields: %v", err)
	}
	if err := decodeFiles(&m); err != nil {
		return m, err
	}
	for _, c := range []*driver.Cancelled{m.Cancelled, m.Cancel} {
		if c != nil {
			if c.Returned, err = decodeValue(c.Returned, asFloat); err != nil {
				return m, violation("cancel result: %v", err)
			}
		}
	}
	return m, nil
}

// excerpt returns the start of a line for error messages.
func excerpt(line []byte) string {
	const n = 80
	if len(line) > n {
		return quote(string(line[:n])) + "..."
	}
	return quote(string(line))
}
