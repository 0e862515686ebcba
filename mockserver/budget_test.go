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
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
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

// TestJournalTotalBudgetSparesSmallNamespaces floods three namespaces and
// the root past a small total budget: the namespaces holding the most are
// cut down, the small journal of a fourth keeps every record, and what all
// hold stays within the budget (plus one record in flight per connection).
func TestJournalTotalBudgetSparesSmallNamespaces(t *testing.T) {
	t.Parallel()
	const perNS, total, size = 1 << 20, 2 << 20, 100 << 10
	s := newServer(t, WithJournalBytes(perNS, total))
	c := newClient(t, s, false)
	install(t, s, "small", Route{Path: "/s"})
	for i := range 3 {
		get(t, c, s.URLs().HTTP+"/c/small/s?i="+strconv.Itoa(i))
	}
	for _, ns := range []string{"a", "b", "c"} {
		install(t, s, ns, Route{Path: "/x"})
		flood(t, s, "/c/"+ns+"/x", 20, 2, size, nil)
	}
	awaitDone(t, s, "c", 1)
	if held := s.JournalBytes(); held > total+2*(size+liveOverhead) {
		t.Errorf("all journals hold %d bytes, want at most the total budget %d", held, total)
	}
	for _, ns := range []string{"a", "b", "c"} {
		if st := s.JournalStats(ns); st.Dropped == 0 || st.Bytes > perNS {
			t.Errorf("namespace %s: %+v, want some dropped and at most %d bytes", ns, st, perNS)
		}
	}
	if st := s.JournalStats("small"); st.Records != 3 || st.Dropped != 0 {
		t.Errorf("small namespace: %+v, want its 3 records kept", st)
	}
}

// TestJournalTotalBudgetForgetsFloodedNamespaces sends requests to many
// namespaces nobody installed: once the total budget pushes their records
// out, the server forgets them instead of keeping one space per name.
func TestJournalTotalBudgetForgetsFloodedNamespaces(t *testing.T) {
	t.Parallel()
	const n, size = 300, 10 << 10
	s := newServer(t, WithJournalBytes(0, 256<<10))
	install(t, s, "kept", Route{Path: "/k"}) // installed: never forgotten, even with an empty journal
	addr := strings.TrimPrefix(s.URLs().HTTP, "http://")
	rc := dial(t, s, "http://"+addr)
	pad := "X-Pad: " + strings.Repeat("p", size)
	for i := range n {
		rc.send("GET", "/c/ns"+strconv.Itoa(i)+"/x", []string{pad}, "")
		resp, err := http.ReadResponse(rc.br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	awaitDone(t, s, "ns"+strconv.Itoa(n-1), 1)
	known := s.namespaces()
	if len(known) > n/4 {
		t.Errorf("%d namespaces known after %d requests to distinct ones, want at most %d", len(known), n, n/4)
	}
	if !strings.Contains(strings.Join(known, " "), "kept") {
		t.Errorf("the installed namespace was forgotten: %v", known)
	}
}

// TestJournalPaging pages through a journal over HTTP with limit and the
// Link header, and filters it by method and path.
func TestJournalPaging(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "pg", Route{Path: "/a"}, Route{Path: "/b/c"})
	c := newClient(t, s, false)
	for i := range 5 {
		get(t, c, base+"/a?i="+strconv.Itoa(i))
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/b/c?i="+strconv.Itoa(i), strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	awaitDone(t, s, "pg", 10)
	var seen []string
	next := "/__netconform/journal?case=pg&limit=3"
	for pages := 0; next != ""; pages++ {
		if pages > 4 {
			t.Fatalf("more than 4 pages of 3 for 10 records: %v", seen)
		}
		resp, body := get(t, c, s.URLs().HTTP+next)
		var recs []Record
		if err := json.Unmarshal(body, &recs); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
		for _, r := range recs {
			seen = append(seen, r.Method+" "+r.Path+"?"+r.Query)
		}
		next = ""
		if l := resp.Header.Get("Link"); l != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
		}
		if len(recs) != 3 && next != "" {
			t.Fatalf("a page of %d records with a next page %q", len(recs), next)
		}
	}
	if len(seen) != 10 || seen[0] != "GET /a?i=0" || seen[9] != "POST /b/c?i=4" {
		t.Fatalf("pages gave %v, want the 10 records in order", seen)
	}
	for _, tc := range []struct{ query, want string }{
		{"&method=post&path=/b/c", "POST /b/c?i=0 POST /b/c?i=1 POST /b/c?i=2 POST /b/c?i=3 POST /b/c?i=4"},
		{"&path=/b/*&from=7", "POST /b/c?i=3 POST /b/c?i=4"},
		{"&method=GET&from=6&limit=1", "GET /a?i=3"},
	} {
		resp, body := get(t, c, s.URLs().HTTP+"/__netconform/journal?case=pg"+tc.query)
		var recs []Record
		if err := json.Unmarshal(body, &recs); err != nil {
			t.Fatalf("%s: decode %s: %v", tc.query, body, err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, r.Method+" "+r.Path+"?"+r.Query)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: got %v, want %s", tc.query, got, tc.want)
		}
		if tc.query == "&method=GET&from=6&limit=1" && (resp.Header.Get("Netconform-Next") != "8" || resp.Header.Get("Link") == "") {
			t.Errorf("%s: Netconform-Next %q, Link %q; want 8 (the next GET) and a next page", tc.query,
				resp.Header.Get("Netconform-Next"), resp.Header.Get("Link"))
		}
	}
	if _, body := get(t, c, s.URLs().HTTP+"/__netconform/journal?case=pg&limit=-1"); !strings.Contains(string(body), "limit=\\\"-1\\\"") {
		t.Errorf("a bad limit answered %s", body)
	}
}
