package proto

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/driver"
)

// BenchmarkEventRoundTrip encodes and decodes a typical ended event.
func BenchmarkEventRoundTrip(b *testing.B) {
	m := Message{Type: TypeEvent, Session: "s1", Seq: 3, Kind: driver.KindEvent, Handle: "h1",
		Fields: map[string]any{"name": "networkRequest", "phase": "ended", "isError": false, "status": int64(200),
			"url": "http://127.0.0.1:1/c/x/y", "requestId": "h1", "response": strings.Repeat("a", 1024),
			"responseHeaders": map[string]any{"Content-Type": "text/plain"}, "bytesTransferred": int64(1024),
			"bytesEstimated": int64(1024)}}
	b.ReportAllocs()
	for b.Loop() {
		line, err := Encode(m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Decode(line); err != nil {
			b.Fatal(err)
		}
	}
}

// floodReader yields n bytes of 'x' and no newline.
type floodReader struct{ n int }

func (f *floodReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

// BenchmarkFlood reads a 100 MB line without a newline: the reader stops at
// MaxLine, so memory per op stays near 16 MiB (see B/op).
func BenchmarkFlood(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		lr := NewLineReader(&floodReader{n: 100 << 20}, 0)
		if _, err := lr.ReadLine(); !errors.Is(err, ErrLineTooLong) {
			b.Fatalf("err %v", err)
		}
	}
}
