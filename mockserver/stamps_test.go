package mockserver

import (
	"io"
	"testing"
)

// TestStampsAreLowerBounds checks that headersSent and the first bodyChunk
// are stamped before the bytes are handed to the connection, so a client
// never sees them before the journal says they were sent: the whole body is
// one write, larger than the loopback socket buffers, which returns only
// once the client has read most of it, well after it read the headers.
func TestStampsAreLowerBounds(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const size = 16 << 20
	base := install(t, s, "stamps", Route{Path: "/big", Response: Response{
		Body:    Body{Generate: &Generate{Size: size, Seed: 1}},
		Trickle: &Trickle{Chunks: 1}, // one write of the whole body
	}})
	c := dial(t, s, base)
	c.send("GET", NamespacePath("stamps")+"/big", nil, "")
	if status, _ := c.head(); status != "HTTP/1.1 200 OK" {
		t.Fatalf("status %q", status)
	}
	sawHeaders := now()
	if _, err := c.br.ReadByte(); err != nil {
		t.Fatalf("read the first body byte: %v", err)
	}
	sawBody := now()
	n, err := io.CopyN(io.Discard, c.br, size-1)
	if err != nil {
		t.Fatalf("read body: %d bytes, %v", n, err)
	}
	rec := awaitDone(t, s, "stamps", 1)[0]
	first, ok := rec.Event(EventBodyChunk)
	if !ok || first.Bytes != size {
		t.Fatalf("bodyChunk %+v, %v: want one chunk of the whole body", first, ok)
	}
	if rec.HeadersSent.IsZero() || rec.HeadersSent.After(sawHeaders) {
		t.Errorf("headersSent %v is after the client read the headers (%v)", rec.HeadersSent, sawHeaders)
	}
	if first.At.After(sawBody) {
		t.Errorf("bodyChunk %v is after the client read the first body byte (%v)", first.At, sawBody)
	}
}
