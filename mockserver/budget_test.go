package mockserver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flood sends n requests for path, each with a header of size bytes, over
// conns keep-alive connections to the plain HTTP listener, and reads every
// answer. After every request of connection 0 it calls sample.
func flood(t *testing.T, s *Server, path string, n, conns, size int, sample func()) {
	t.Helper()
	big := "GET " + path + " HTTP/1.1\r\nHost: test\r\nX-Big: " + strings.Repeat("h", size) + "\r\n\r\n"
	addr := strings.TrimPrefix(s.URLs().HTTP, "http://")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for w := range conns {
		wg.Go(func() {
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { _ = c.Close() })
			defer stop()
			br := bufio.NewReader(c)
			for i := w; i < n; i += conns {
				if _, err := io.WriteString(c, big); err != nil {
					errs <- fmt.Errorf("request %d: %w", i, err)
					return
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					errs <- fmt.Errorf("response %d: %w", i, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("response %d: status %d", i, resp.StatusCode)
					return
				}
				if w == 0 && sample != nil {
					sample()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestJournalFloodStaysBounded is the attack: 600 requests with
// 900 KB headers each (under net/http's 1 MB MaxHeaderBytes) into one
// namespace. Without byte budgets the journal kept all 540 MB, and one
// GET /__netconform/journal answered over 500 MB built in memory. With the
// default budgets the heap stays far under 200 MB, the namespace keeps
// about its 16 MiB budget of the newest records, counts the others as
// dropped, and the journal answer is bounded. Not parallel: it measures
// the process's heap.
func TestJournalFloodStaysBounded(t *testing.T) {
	const n, size, limit = 600, 900 << 10, 200 << 20
	s := newServer(t)
	install(t, s, "small", Route{Path: "/s"})
	c := newClient(t, s, false)
	get(t, c, s.URLs().HTTP+"/c/small/s") // a case's own small journal, next to the flood
	install(t, s, "flood", Route{Path: "/x"})
	runtime.GC()
	var peak uint64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}
	sample()
	flood(t, s, "/c/flood/x", n, 4, size, sample)
	recs := awaitDone(t, s, "flood", 1)
	st := s.JournalStats("flood")
	t.Logf("flood: %d records kept (%d MiB), %d dropped; heap in use peaked at %d MiB", st.Records,
		st.Bytes>>20, st.Dropped, peak>>20)
	if peak > limit {
		t.Errorf("heap in use peaked at %d MiB, want under %d MiB", peak>>20, limit>>20)
	}
	if st.Bytes > DefaultJournalNamespaceBytes || st.Records < 10 || st.Records+int(st.Dropped) != n {
		t.Errorf("flood journal %+v: want at most %d bytes, at least 10 records, kept+dropped = %d",
			st, DefaultJournalNamespaceBytes, n)
	}
	if last := recs[len(recs)-1]; last.Seq != int64(n+1) || len(last.Headers.Get("X-Big")) != size {
		t.Errorf("newest record seq %d with a %d-byte header, want seq %d with all %d bytes",
			last.Seq, len(last.Headers.Get("X-Big")), n+1, size)
	}
	if got := s.Journal("small"); len(got) != 1 {
		t.Errorf("the small namespace keeps %d records, want its 1", len(got))
	}

	// The journal over HTTP: bounded, streamed, with the dropped count.
	runtime.GC()
	peak = 0
	sample()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URLs().HTTP+"/__netconform/journal?case=flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got atomic.Int64
	dec := json.NewDecoder(io.TeeReader(resp.Body, countWriter{&got}))
	var first json.RawMessage
	if _, err := dec.Token(); err != nil { // [
		t.Fatal(err)
	}
	kept := 0
	for dec.More() {
		if err := dec.Decode(&first); err != nil {
			t.Fatal(err)
		}
		kept++
		if kept%4 == 0 {
			sample()
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	t.Logf("journal answer: %d records, %d MiB; heap in use peaked at %d MiB while reading it", kept, got.Load()>>20, peak>>20)
	if d := resp.Header.Get("Netconform-Dropped"); d != strconv.FormatInt(st.Dropped, 10) || kept != st.Records {
		t.Errorf("journal answer: %d records, Netconform-Dropped %q; want %d records, %d dropped", kept, d, st.Records, st.Dropped)
	}
	if max := int64(3 * DefaultJournalNamespaceBytes); got.Load() > max {
		t.Errorf("journal answer of %d bytes, want at most %d", got.Load(), max)
	}
	if peak > limit {
		t.Errorf("heap in use peaked at %d MiB while the journal was read, want under %d MiB", peak>>20, limit>>20)
	}
}

// countWriter counts the bytes written to it.
type countWriter struct{ n *atomic.Int64 }

func (c countWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }
