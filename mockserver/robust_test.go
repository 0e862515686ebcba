package mockserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// slowConns is how many slow connections TestThousandSlowConnections holds
// open at once; the server holds as many again on its side.
const slowConns = 1000

// TestThousandSlowConnections holds 1,000 slow clients open at once (slow
// responses, half-sent request headers, half-sent request bodies and readers
// that never read a large body) and checks that another namespace still
// completes its requests, and that every slow exchange is still held at the
// end.
func TestThousandSlowConnections(t *testing.T) {
	t.Parallel()
	need := uint64(2*slowConns + 256) // both ends of every connection, plus the rest of the test binary
	if lim, ok := openFileLimit(); ok && lim < need {
		t.Skipf("open file limit %d is below the %d this test needs (raise it with ulimit -n)", lim, need)
	}
	const (
		waiting    = 400 // request sent, response delayed for an hour
		loris      = 250 // request headers half sent
		halfBody   = 250 // headers sent, 100 of 1,000,000 body bytes sent
		nonReaders = 100 // response body of 64 MiB, never read
		fastN      = 200 // requests in the fast namespace
	)
	if waiting+loris+halfBody+nonReaders != slowConns {
		t.Fatal("the kinds of slow connection do not add up to slowConns")
	}
	s := newServer(t, WithTimeScale(1))
	install(t, s, "slow",
		Route{Path: "/wait", Response: Response{DelayHeaders: Duration(time.Hour)}},
		Route{Path: "/up", Method: "POST"},
		Route{Path: "/big", Response: Response{Body: Body{Generate: &Generate{Size: 64 << 20, Seed: 1}}}},
	)
	install(t, s, "fast", Route{Path: "/f", Response: Response{Body: Body{Text: "quick"}}})
	base := s.URLs().HTTP
	for range waiting {
		dial(t, s, base).send("GET", "/c/slow/wait", nil, "")
	}
	for range loris {
		rc := dial(t, s, base)
		if _, err := io.WriteString(rc.c, "GET /c/fast/f HTTP/1.1\r\nHo"); err != nil {
			t.Fatal(err)
		}
	}
	for range halfBody {
		dial(t, s, base).send("POST", "/c/slow/up", []string{"Content-Length: 1000000"}, string(make([]byte, 100)))
	}
	for range nonReaders {
		rc := dial(t, s, base)
		// A small receive window, so the server blocks writing the body
		// instead of filling megabytes of socket buffers.
		if err := rc.c.(*net.TCPConn).SetReadBuffer(4096); err != nil {
			t.Fatal(err)
		}
		rc.send("GET", "/c/slow/big", nil, "")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	held := func(recs []Record) (n int) {
		for _, r := range recs {
			if !r.Done.IsZero() {
				continue
			}
			switch r.Path {
			case "/wait":
				n++
			case "/up":
				if r.RequestBytes == 100 {
					n++
				}
			case "/big":
				if r.BytesSent > 0 {
					n++
				}
			}
		}
		return n
	}
	if err := s.Await(ctx, "slow", func(recs []Record) bool { return held(recs) == waiting+halfBody+nonReaders }); err != nil {
		t.Fatalf("slow exchanges not all in progress: %v (held %d)", err, held(s.Journal("slow")))
	}

	// With every slow connection open, the fast namespace is served.
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	errs := make(chan error, fastN)
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < fastN; i += 16 {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/c/fast/f?i=%d", base, i), nil)
				resp, err := c.Do(req)
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(b) != "quick" {
					errs <- fmt.Errorf("request %d: body %q, %v", i, b, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if recs := awaitDone(t, s, "fast", fastN); len(recs) != fastN {
		t.Errorf("fast namespace journal has %d records, want %d", len(recs), fastN)
	}
	// The slow ones were held all along: none of them finished.
	if n := held(s.Journal("slow")); n != waiting+halfBody+nonReaders {
		t.Errorf("%d slow exchanges still held, want %d", n, waiting+halfBody+nonReaders)
	}
}

// uploadSize is the body size of TestUploadIsStreamed: far beyond anything
// the server may hold.
const uploadSize = 256 << 20

// TestUploadIsStreamed uploads a 256 MiB body generated on the fly by the
// client (never held whole) and checks, through the runtime's allocation
// counters, that the server did not hold it either: the whole process
// allocates and keeps in use far less than the body, while the journal has
// its exact size, SHA-256 and first 64 KiB.
//
// It does not run in parallel: the counters are process-wide.
func TestUploadIsStreamed(t *testing.T) {
	s := newServer(t)
	base := install(t, s, "up", Route{Path: "/big", Method: "POST", Response: Response{Status: http.StatusNoContent}})
	c := newClient(t, s, false)
	// Warm up the connection, so its buffers are not counted.
	if st, err := upload(t.Context(), c, base+"/big", 1<<10, 0); err != nil || st.status != http.StatusNoContent {
		t.Fatalf("warm-up upload: %+v %v", st, err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st, err := upload(t.Context(), c, base+"/big", uploadSize, uploadSize/32)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if st.status != http.StatusNoContent {
		t.Fatalf("status %d", st.status)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	peak := st.peakHeapInuse - min(st.peakHeapInuse, before.HeapInuse)
	t.Logf("%d MiB upload: %.1f MiB allocated, heap in use grew by at most %.1f MiB",
		uploadSize>>20, float64(allocated)/(1<<20), float64(peak)/(1<<20))
	// The limit is a 32nd of the body: holding it whole, or even in
	// large parts, would break it.
	const limit = uploadSize / 32
	if allocated > limit {
		t.Errorf("the process allocated %d bytes during a %d byte upload, want < %d", allocated, uploadSize, limit)
	}
	if peak > limit {
		t.Errorf("heap in use grew by %d bytes during a %d byte upload, want < %d", peak, uploadSize, limit)
	}
	recs := awaitDone(t, s, "up", 2)
	r := recs[1]
	if r.RequestBytes != uploadSize || r.RequestSHA256 != st.sha256 {
		t.Errorf("journal: %d bytes, sha %s; want %d, %s", r.RequestBytes, r.RequestSHA256, uploadSize, st.sha256)
	}
	if len(r.RequestHead) != RequestHeadLimit || string(r.RequestHead) != string(st.head) {
		t.Errorf("journal keeps %d head bytes, want the first %d bytes of the body", len(r.RequestHead), RequestHeadLimit)
	}
}

// BenchmarkUpload1GiB uploads a 1 GiB generated body per iteration over
// loopback and reports the throughput (MB/s), the bytes the whole process
// allocates per upload (B/op) and the peak heap in use (peak-heap-MiB,
// sampled 64 times per upload).
func BenchmarkUpload1GiB(b *testing.B) {
	if testing.Short() {
		b.Skip("1 GiB per iteration; not in -short")
	}
	const size = 1 << 30
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Install("up", Scenario{Routes: []Route{{Path: "/big", Response: Response{Status: http.StatusNoContent}}}}); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	u := s.URLs().HTTP + "/c/up/big"
	var peak uint64
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		st, err := upload(b.Context(), c, u, size, size/64)
		if err != nil || st.status != http.StatusNoContent {
			b.Fatalf("upload: %+v %v", st, err)
		}
		peak = max(peak, st.peakHeapInuse)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// uploadStats is what the client of upload saw.
type uploadStats struct {
	status        int
	sha256        string // hex SHA-256 of the body sent
	head          []byte // its first RequestHeadLimit bytes
	peakHeapInuse uint64 // highest HeapInuse sampled while sending
}

// upload POSTs size generated bytes to u, generating them as they are sent,
// and samples the heap every sampleEvery bytes (never if 0).
func upload(ctx context.Context, c *http.Client, u string, size, sampleEvery int64) (uploadStats, error) {
	src := &sampledReader{r: generator(size, 3), h: sha256.New(), every: sampleEvery}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, src)
	if err != nil {
		return uploadStats{}, fmt.Errorf("build request: %w", err)
	}
	req.ContentLength = size
	resp, err := c.Do(req)
	if err != nil {
		return uploadStats{}, fmt.Errorf("post %d bytes: %w", size, err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return uploadStats{}, fmt.Errorf("read response: %w", err)
	}
	if src.n != size {
		return uploadStats{}, fmt.Errorf("sent %d of %d bytes", src.n, size)
	}
	return uploadStats{status: resp.StatusCode, sha256: hex.EncodeToString(src.h.Sum(nil)), head: src.head, peakHeapInuse: src.peak}, nil
}

// sampledReader passes r through, hashing it, keeping its head and sampling
// the heap in use every `every` bytes.
type sampledReader struct {
	r     io.Reader
	h     hash.Hash
	head  []byte
	n     int64
	every int64
	next  int64
	peak  uint64
	ms    runtime.MemStats
}

func (s *sampledReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	if keep := RequestHeadLimit - len(s.head); keep > 0 {
		s.head = append(s.head, p[:min(n, keep)]...)
	}
	s.n += int64(n)
	if s.every > 0 && s.n >= s.next {
		s.next += s.every
		runtime.ReadMemStats(&s.ms)
		s.peak = max(s.peak, s.ms.HeapInuse)
	}
	return n, err
}
