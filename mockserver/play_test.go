package mockserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	file := filepath.Join(t.TempDir(), "body.bin")
	if err := os.WriteFile(file, []byte("from a file\x00\x01"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := install(t, s, "bodies",
		Route{Path: "/text", Response: Response{Body: Body{Text: "hello {{ns}} {{http}}"}}},
		Route{Path: "/b64", Response: Response{Body: Body{Base64: "AAEC/w=="}}},
		Route{Path: "/gen", Response: Response{Body: Body{Generate: &Generate{Size: 100_000, Seed: 9}}}},
		Route{Path: "/file", Response: Response{Body: Body{File: file}}},
		Route{Path: "/empty", Response: Response{Status: 201}},
	)
	c := newClient(t, s, false)
	tests := []struct {
		path string
		want []byte
	}{
		{"/text", []byte("hello /c/bodies " + s.URLs().HTTP + "/c/bodies")},
		{"/b64", []byte{0, 1, 2, 0xff}},
		{"/gen", GenerateBytes(100_000, 9)},
		{"/file", []byte("from a file\x00\x01")},
		{"/empty", []byte{}},
	}
	for _, tc := range tests {
		resp, got := get(t, c, base+tc.path)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: body %q, want %q", tc.path, trunc(got), trunc(tc.want))
		}
		if resp.ContentLength != int64(len(tc.want)) {
			t.Errorf("%s: Content-Length %d, want %d", tc.path, resp.ContentLength, len(tc.want))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "" {
			t.Errorf("%s: Content-Type %q sent, want none", tc.path, ct)
		}
	}
	recs := awaitDone(t, s, "bodies", len(tests))
	for i, r := range recs {
		sum := sha256.Sum256(tests[i].want)
		if r.BodySHA256 != hex.EncodeToString(sum[:]) || r.BytesSent != int64(len(tests[i].want)) {
			t.Errorf("%s: journal sent %d bytes sha %s, want %d %x", r.Path, r.BytesSent, r.BodySHA256, len(tests[i].want), sum)
		}
	}
	if recs[4].Status != 201 || recs[4].Route != 4 || recs[4].Call != 1 {
		t.Errorf("empty: record %+v", recs[4])
	}
	// Generated bodies are deterministic and seed-dependent.
	if !bytes.Equal(GenerateBytes(64, 1), GenerateBytes(64, 1)) || bytes.Equal(GenerateBytes(64, 1), GenerateBytes(64, 2)) {
		t.Error("GenerateBytes is not a pure function of size and seed")
	}
}

func trunc(b []byte) []byte { return b[:min(len(b), 40)] }

func TestHeadersOnTheWire(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "hdr", Route{Path: "/h", Response: Response{
		Headers: Headers{{"Set-Cookie", "a=1"}, {"X-Base", "{{https}}/x"}, {"Set-Cookie", "b=2"}, {"Content-Type", "text/plain"}},
		Body:    Body{Text: "x"},
	}})
	rc := dial(t, s, base)
	rc.send("GET", "/c/hdr/h", nil, "")
	status, hdr := rc.head()
	if status != "HTTP/1.1 200 OK" {
		t.Fatalf("status %q", status)
	}
	var cookies []string
	for _, h := range hdr {
		if v, ok := strings.CutPrefix(h, "Set-Cookie: "); ok {
			cookies = append(cookies, v)
		}
	}
	if strings.Join(cookies, ",") != "a=1,b=2" {
		t.Errorf("Set-Cookie lines %q, want a=1 then b=2", cookies)
	}
	if v, _ := header(hdr, "X-Base"); v != s.URLs().HTTPS+"/c/hdr/x" {
		t.Errorf("X-Base %q", v)
	}
	if v, _ := header(hdr, "Content-Type"); v != "text/plain" {
		t.Errorf("Content-Type %q", v)
	}
}

func TestLengthModesOnTheWire(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	body := strings.Repeat("0123456789", 10)
	base := install(t, s, "len",
		Route{Path: "/auto", Response: Response{Body: Body{Text: body}}},
		Route{Path: "/none", Response: Response{Body: Body{Text: body}, Length: Length{Mode: LengthNone}}},
		Route{Path: "/lie", Response: Response{Body: Body{Text: body}, Length: Length{Mode: LengthLie, Lie: 50}}},
	)
	t.Run("auto", func(t *testing.T) {
		rc := dial(t, s, base)
		rc.send("GET", "/c/len/auto", []string{"Connection: close"}, "")
		_, hdr := rc.head()
		if v, _ := header(hdr, "Content-Length"); v != "100" {
			t.Fatalf("Content-Length %q, want 100", v)
		}
		got, _ := rc.rest()
		if string(got) != body {
			t.Fatalf("body %q", got)
		}
	})
	t.Run("none is chunked", func(t *testing.T) {
		rc := dial(t, s, base)
		rc.send("GET", "/c/len/none", []string{"Connection: close"}, "")
		_, hdr := rc.head()
		if v, ok := header(hdr, "Content-Length"); ok {
			t.Fatalf("Content-Length %q sent", v)
		}
		if v, _ := header(hdr, "Transfer-Encoding"); v != "chunked" {
			t.Fatalf("Transfer-Encoding %q, want chunked", v)
		}
		got, _ := rc.rest()
		if want := "64\r\n" + body + "\r\n0\r\n\r\n"; string(got) != want {
			t.Fatalf("chunked body %q, want %q", got, want)
		}
	})
	t.Run("lie declares more than it sends", func(t *testing.T) {
		rc := dial(t, s, base)
		rc.send("GET", "/c/len/lie", nil, "") // keep-alive: only the server's close ends it
		_, hdr := rc.head()
		if v, _ := header(hdr, "Content-Length"); v != "150" {
			t.Fatalf("Content-Length %q, want 150", v)
		}
		got, err := rc.rest()
		if string(got) != body || err != io.EOF {
			t.Fatalf("got %d bytes and %v, want the 100-byte body then EOF", len(got), err)
		}
	})
}

func TestDelaysAreLowerBounds(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithTimeScale(testScale))
	base := install(t, s, "delay", Route{Path: "/d", Response: Response{
		DelayHeaders: ms(1500), DelayBody: ms(1000), Body: Body{Text: "late"}, // 150ms, 100ms scaled
	}})
	rc := dial(t, s, base)
	start := time.Now()
	rc.send("GET", "/c/delay/d", []string{"Connection: close"}, "")
	rc.head()
	headersAt := time.Since(start)
	got, _ := rc.rest()
	bodyAt := time.Since(start)
	if headersAt < 150*time.Millisecond {
		t.Errorf("headers after %v, want >= 150ms", headersAt)
	}
	// Measured from the request: a late read of the headers would shorten
	// the gap between headers and body, which is no lower bound.
	if bodyAt < 250*time.Millisecond {
		t.Errorf("body after %v, want >= 150ms + 100ms", bodyAt)
	}
	if string(got) != "late" {
		t.Errorf("body %q", got)
	}
	r := awaitDone(t, s, "delay", 1)[0]
	hs, _ := r.Event(EventHeadersSent)
	bc, _ := r.Event(EventBodyChunk)
	if hs.At.Sub(r.Received) < 150*time.Millisecond || bc.At.Sub(hs.At) < 100*time.Millisecond {
		t.Errorf("journal timeline %+v", r.Events)
	}
}

func TestTrickleFlushesEveryChunk(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithTimeScale(testScale))
	const pause = 60 * time.Millisecond
	// A client scheduled late (a loaded machine) reads two chunks at once,
	// which looks like server-side buffering; so the wire check gets up to
	// 3 attempts, each in its own namespace. Real buffering fails them all.
	const attempts = 3
	for i := range attempts {
		install(t, s, "trickle"+strconv.Itoa(i),
			Route{Path: "/bytes", Response: Response{Body: Body{Text: "aaaabbbbccccdddd"}, Trickle: &Trickle{Bytes: 4, Every: ms(600)}}},
			Route{Path: "/chunks", Response: Response{Body: Body{Text: "aaaabbbbccccdddd"}, Length: Length{Mode: LengthNone},
				Trickle: &Trickle{Chunks: 4, Total: ms(1800)}}},
		)
	}
	for _, path := range []string{"/bytes", "/chunks"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			for i := range attempts {
				ns := "trickle" + strconv.Itoa(i)
				if trickleAttempt(t, s, ns, path, pause, i == attempts-1) {
					return
				}
				t.Logf("attempt %d: chunks arrived together; trying again", i+1)
			}
		})
	}
}

// trickleAttempt fetches ns/path (4 chunks, pause apart) over a raw
// connection and checks the chunk timing on the wire and in the journal. It
// returns false, without failing, if fewer than 4 reads saw the body and
// last is false.
func trickleAttempt(t *testing.T, s *Server, ns, path string, pause time.Duration, last bool) bool {
	t.Helper()
	rc := dial(t, s, s.URLs().HTTP)
	sentAt := time.Now()
	rc.send("GET", "/c/"+ns+path, []string{"Connection: close"}, "")
	_, hdr := rc.head()
	v, _ := header(hdr, "Transfer-Encoding")
	chunked := v == "chunked"
	// Read the body as it arrives; each server chunk must arrive on its own,
	// chunk i (from 0) no sooner than i pauses after the request. (Gaps
	// between arrivals have no lower bound: a late read of one chunk shortens
	// the gap to the next.)
	var arrivals []time.Time
	var body []byte
	buf := make([]byte, 64)
	for range 100 {
		n, err := rc.br.Read(buf)
		if n > 0 {
			arrivals = append(arrivals, time.Now())
			body = append(body, buf[:n]...)
		}
		if err != nil {
			break
		}
	}
	got := string(body)
	if chunked {
		got = strings.NewReplacer("4\r\n", "", "\r\n", "", "0\r\n\r\n", "").Replace(got)
	}
	if !strings.HasPrefix(got, "aaaabbbbccccdddd") {
		t.Fatalf("body %q", body)
	}
	if len(arrivals) < 4 {
		if !last {
			return false
		}
		t.Fatalf("body arrived in %d reads, want >= 4 (chunks buffered together)", len(arrivals))
	}
	for i := 1; i < 4; i++ {
		if el := arrivals[i].Sub(sentAt); el < time.Duration(i)*pause {
			t.Errorf("chunk %d arrived %v after the request, want >= %v", i+1, el, time.Duration(i)*pause)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var rec Record
	err := s.Await(ctx, ns, func(recs []Record) bool {
		for _, r := range recs {
			if r.Path == path && !r.Done.IsZero() {
				rec = r
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("await %s%s done: %v", ns, path, err)
	}
	chunks := rec.EventsOf(EventBodyChunk)
	if len(chunks) != 4 {
		t.Fatalf("journal has %d bodyChunk events, want 4: %+v", len(chunks), rec.Events)
	}
	// On the server side each chunk is stamped as its write starts, a full
	// pause after the previous write returned.
	for i := 1; i < 4; i++ {
		if gap := chunks[i].At.Sub(chunks[i-1].At); gap < pause {
			t.Errorf("server wrote chunk %d %v after chunk %d, want >= %v", i+1, gap, i, pause)
		}
	}
	return true
}

func TestHeadSendsNoBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "head", Route{Path: "/h", Response: Response{Body: Body{Text: "12345"}}})
	rc := dial(t, s, base)
	rc.send("HEAD", "/c/head/h", []string{"Connection: close"}, "")
	_, hdr := rc.head()
	if v, _ := header(hdr, "Content-Length"); v != "5" {
		t.Errorf("Content-Length %q, want 5", v)
	}
	if rest, _ := rc.rest(); len(rest) != 0 {
		t.Errorf("HEAD got a body %q", rest)
	}
	if r := awaitDone(t, s, "head", 1)[0]; r.BytesSent != 0 || r.Status != 200 {
		t.Errorf("record %+v", r)
	}
}
