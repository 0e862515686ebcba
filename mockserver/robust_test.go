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
	"slices"
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
	const fastN = 200 // requests in the fast namespace
	s := newServer(t, WithTimeScale(1))
	held := holdSlowConnections(t, s)
	install(t, s, "fast", Route{Path: "/f", Response: Response{Body: Body{Text: "quick"}}})
	base := s.URLs().HTTP
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// With every slow connection open, the fast namespace is served.
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	errs := make(chan error, fastN)
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < fastN; i += 16 {
				if err := getQuick(ctx, c, fmt.Sprintf("%s/c/fast/f?i=%d", base, i)); err != nil {
					errs <- fmt.Errorf("request %d: %w", i, err)
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
	if n := held(); n != heldSlowConns {
		t.Errorf("%d slow exchanges still held, want %d", n, heldSlowConns)
	}
}

// BenchmarkAnswerUnderSlowLoad measures how soon another client is
// answered while the server holds 1,000 slow connections (issue 7: within
// 100 ms): one GET after another on a kept-alive connection, reported as the
// median, 99th percentile and maximum latency in milliseconds.
func BenchmarkAnswerUnderSlowLoad(b *testing.B) {
	s := newServer(b, WithTimeScale(1))
	held := holdSlowConnections(b, s)
	install(b, s, "fast", Route{Path: "/f", Response: Response{Body: Body{Text: "quick"}}})
	u := s.URLs().HTTP + "/c/fast/f"
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := getQuick(b.Context(), c, u); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	if n := held(); n != heldSlowConns {
		b.Fatalf("%d slow exchanges still held, want %d", n, heldSlowConns)
	}
	slices.Sort(lat)
	msOf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(msOf(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(msOf(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(msOf(lat[len(lat)-1]), "max-ms")
}

// getQuick GETs u and checks the body is "quick".
func getQuick(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "quick" {
		return fmt.Errorf("body %q, %v", b, err)
	}
	return nil
}

// The kinds of slow connection holdSlowConnections opens; they add up to
// slowConns.
const (
	slowWaiting    = 400 // request sent, response delayed for an hour
	slowLoris      = 250 // request headers half sent
	slowHalfBody   = 250 // headers sent, 100 of 1,000,000 body bytes sent
	slowNonReaders = 100 // response body of 64 MiB, never read

	// heldSlowConns is how many of them the journal shows in progress (the
	// half-sent headers never make a request).
	heldSlowConns = slowWaiting + slowHalfBody + slowNonReaders
)

// holdSlowConnections opens slowConns slow connections to s (namespace
// "slow"), waits until the server holds every exchange among them, and
// returns a func counting the exchanges still held. It skips when the open
// file limit is too low for both ends of every connection.
func holdSlowConnections(tb testing.TB, s *Server) (held func() int) {
	tb.Helper()
	need := uint64(2*slowConns + 256) // both ends of every connection, plus the rest of the test binary
	if lim, ok := openFileLimit(); ok && lim < need {
		tb.Skipf("open file limit %d is below the %d this test needs (raise it with ulimit -n)", lim, need)
	}
	if slowWaiting+slowLoris+slowHalfBody+slowNonReaders != slowConns {
		tb.Fatal("the kinds of slow connection do not add up to slowConns")
	}
	install(tb, s, "slow",
		Route{Path: "/wait", Response: Response{DelayHeaders: Duration(time.Hour)}},
		Route{Path: "/up", Method: "POST"},
		Route{Path: "/big", Response: Response{Body: Body{Generate: &Generate{Size: 64 << 20, Seed: 1}}}},
	)
	base := s.URLs().HTTP
	for range slowWaiting {
		dial(tb, s, base).send("GET", "/c/slow/wait", nil, "")
	}
	for range slowLoris {
		rc := dial(tb, s, base)
		if _, err := io.WriteString(rc.c, "GET /c/fast/f HTTP/1.1\r\nHo"); err != nil {
			tb.Fatal(err)
		}
	}
	for range slowHalfBody {
		dial(tb, s, base).send("POST", "/c/slow/up", []string{"Content-Length: 1000000"}, string(make([]byte, 100)))
	}
	for range slowNonReaders {
		rc := dial(tb, s, base)
		// A small receive window, so the server blocks writing the body
		// instead of filling megabytes of socket buffers.
		if err := rc.c.(*net.TCPConn).SetReadBuffer(4096); err != nil {
			tb.Fatal(err)
		}
		rc.send("GET", "/c/slow/big", nil, "")
	}
	count := func(recs []Record) (n int) {
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
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	if err := s.Await(ctx, "slow", func(recs []Record) bool { return count(recs) == heldSlowConns }); err != nil {
		tb.Fatalf("slow exchanges not all in progress: %v (held %d)", err, count(s.Journal("slow")))
	}
	return func() int { return count(s.Journal("slow")) }
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
