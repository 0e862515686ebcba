package proto

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/driver"
)

// fuzzSeeds are protocol lines, valid and broken, that seed the decoder
// fuzzers.
var fuzzSeeds = []string{
	`{"type":"hello","versions":[1],"name":"lua","capabilities":{"upload":true}}`,
	`{"type":"welcome","version":1}`,
	`{"type":"bye","reason":"done"}`,
	`{"type":"open","id":1,"session":"s1","config":{"timeScale":0.05,"dirs":{"DocumentsDirectory":"/tmp/d"}}}`,
	`{"type":"call","id":2,"session":"s1","call":{"fn":"request","url":"http://x/","method":"GET","params":{"timeout":2,"body":{"$bytes":"AQI="},"headers":{"A":"b"}}}}`,
	`{"type":"cancel","id":3,"session":"s1","handle":"h1"}`,
	`{"type":"close","id":4,"session":"s1"}`,
	`{"type":"reply","id":2,"handle":"h1"}`,
	`{"type":"reply","id":3,"cancelled":{"returned":true,"afterSeq":1}}`,
	`{"type":"reply","id":2,"rejected":{"message":"bad url"}}`,
	`{"type":"event","session":"s1","seq":1,"kind":"event","handle":"h1","time":"2024-01-02T03:04:05.123Z","fields":{"phase":"ended","status":200,"response":{"$bytes":"/w=="},"isError":false,"bytesEstimated":-1}}`,
	`{"type":"event","session":"s1","seq":2,"kind":"cancel","handle":"h1","cancel":{"returned":1.5,"afterSeq":1}}`,
	`{"type":"log","session":"s1","line":"hello"}`,
	`{"type":"place","id":5,"session":"s1","file":{"dir":"DocumentsDirectory","name":"a/b.bin","content":{"$bytes":"AP8="}}}`,
	`{"type":"files","id":6,"session":"s1","head":64}`,
	`{"type":"reply","id":6,"files":[{"dir":"DocumentsDirectory","name":"a","size":2,"sha256":"00","head":{"$bytes":"AP8="}},{"dir":"CachesDirectory","name":"e","size":0,"sha256":"00"}]}`,
	`{"type":"reply","id":6,"files":[]}`,
	`{"type":"event","fields":{"x":[1,2.5,{"$bytes":"!!"}]}}`,
	`{"type":"event","fields":{"n":1e400}}`,
	`{"type":"log"} {"type":"log"}`,
	`{"id":1}`, `oops`, `{"type":"frobnicate"}`, ``, `null`, `[]`, `{"type":null}`,
}

// FuzzDecode feeds arbitrary lines to Decode: it must never panic, every
// rejection must be a protocol *Error, and an accepted message must encode
// and decode again to the same line (Encode and Decode are inverse on what
// Decode produces).
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("Decode(%q) = %T %v, want a protocol *Error", line, err, err)
			}
			return
		}
		enc, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", line, err)
		}
		m2, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v\nencoded: %s", line, err, enc)
		}
		enc2, err := Encode(m2)
		if err != nil {
			t.Fatalf("second Encode: %v", err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("round trip of %q changed the message:\nfirst:  %s\nsecond: %s", line, enc, enc2)
		}
	})
}

// FuzzLineReader reads arbitrary input with a small limit: it must never
// panic or return a line over the limit, a too-long line must be the
// ErrLineTooLong error, and without one the lines put back together are the
// input minus line endings.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("a\r\nbb\n\nccc"), uint8(3))
	f.Add([]byte("short\r\n"+strings.Repeat("x", 40)+"\nlast"), uint8(8))
	f.Add([]byte("\r\r\n\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		max := int(limit%64) + 1
		lr := NewLineReader(bytes.NewReader(data), max)
		var got [][]byte
		for range len(data) + 2 {
			line, err := lr.ReadLine()
			if errors.Is(err, ErrLineTooLong) {
				return
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("ReadLine: %v", err)
			}
			if len(line) > max {
				t.Fatalf("line %q longer than the limit %d", line, max)
			}
			got = append(got, bytes.Clone(line))
		}
		if lr.Lines() != len(got) {
			t.Errorf("Lines() = %d, read %d", lr.Lines(), len(got))
		}
		want := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		if len(data) == 0 {
			want = nil
		}
		for i := range want {
			want[i] = bytes.TrimSuffix(want[i], []byte("\r"))
		}
		if len(got) != len(want) {
			t.Fatalf("read %d lines %q, want %d %q", len(got), got, len(want), want)
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("line %d = %q, want %q", i, got[i], want[i])
			}
		}
	})
}

// FuzzPeerLines plays a driver that answers a call with handle h1 and then
// sends arbitrary lines, before answering the session's close. The peer must
// not panic; it either accepts the lines (Close succeeds) or breaks with a
// protocol *Error naming what was wrong.
func FuzzPeerLines(f *testing.F) {
	f.Add([]byte(`{"type":"event","session":"s1","seq":1,"kind":"event","handle":"h1","fields":{"phase":"ended"}}`))
	f.Add([]byte(`{"type":"log","session":"s1","line":"x"}` + "\n" + `{"type":"log","line":"y"}`))
	f.Add([]byte(`{"type":"event","session":"s1","seq":1,"kind":"cancel","handle":"h1","cancel":{"returned":true,"afterSeq":0}}`))
	f.Add([]byte(`{"type":"reply","id":2,"handle":"h2"}`))
	f.Add([]byte(`{"type":"reply","id":3,"ok":true}`))
	f.Add([]byte(`{"type":"hello"}`))
	f.Add([]byte("garbage\n"))
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, lines []byte) {
		if len(lines) > 4096 || bytes.Count(lines, []byte("\n")) > 32 {
			return // bounded work per input
		}
		callErr, closeErr := playPeerLines(t, lines)
		if callErr != nil && closeErr == nil {
			t.Errorf("Call failed with %v but Close succeeded", callErr)
		}
	})
}

// TestPeerLinesOutcome checks FuzzPeerLines' driver: well-formed lines are
// accepted and a broken one breaks the peer with a protocol error.
func TestPeerLinesOutcome(t *testing.T) {
	t.Parallel()
	ok := `{"type":"event","session":"s1","seq":1,"kind":"event","handle":"h1","fields":{"phase":"ended"}}` + "\n" +
		`{"type":"log","session":"s1","line":"x"}`
	if _, err := playPeerLines(t, []byte(ok)); err != nil {
		t.Errorf("well-formed lines: Close = %v", err)
	}
	_, err := playPeerLines(t, []byte(ok+"\n"+`{"type":"event","session":"s1","seq":1,"kind":"event","handle":"h1","fields":{}}`))
	if err == nil || !strings.Contains(err.Error(), "event seq 1 after seq 1") {
		t.Errorf("duplicate seq: Close = %v, want the violation", err)
	}
}

// playPeerLines opens a session on a scripted driver that answers the call
// with handle h1 followed by lines, then answers close; it returns the
// call's and the close's errors, each nil or a protocol *Error.
func playPeerLines(t *testing.T, lines []byte) (callErr, closeErr error) {
	t.Helper()
	s, closeAll := scripted(t, DefaultOpTimeout, func(req Message) []string {
		switch req.Type {
		case TypeCall:
			return append([]string{replyLine(req.ID, `"handle":"h1"`)}, strings.Split(string(lines), "\n")...)
		case TypeClose:
			return []string{replyLine(req.ID, `"ok":true`)}
		}
		return nil
	})
	defer closeAll()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for range s.Events() {
		}
	}()
	callErr = checkPeerErr(t, "Call", func() error {
		_, err := s.Call(context.Background(), driver.Call{Fn: "request", URL: "http://x/"})
		return err
	})
	closeErr = checkPeerErr(t, "Close", func() error { return s.Close(context.Background()) })
	<-drained
	return callErr, closeErr
}

// checkPeerErr runs op and fails the test unless its error is nil or a
// protocol *Error; it returns the error.
func checkPeerErr(t *testing.T, what string, op func() error) error {
	t.Helper()
	err := op()
	var pe *Error
	if err != nil && !errors.As(err, &pe) {
		t.Fatalf("%s = %T %v, want nil or a protocol *Error", what, err, err)
	}
	return err
}
