package mockserver

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gateWriter records every Write; the first Write blocks until release is
// closed.
type gateWriter struct {
	entered chan struct{} // closed when the first Write starts
	release chan struct{}
	once    sync.Once

	mu     sync.Mutex
	writes []string
}

func (g *gateWriter) Write(p []byte) (int, error) {
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.entered)
		<-g.release
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.writes = append(g.writes, string(p))
	return len(p), nil
}

func (g *gateWriter) text() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.writes, "")
}

// TestLineLogBatches checks that lines queued while a write is under way
// leave together in the next write, and that sync returns only once every
// line queued before it was written.
func TestLineLogBatches(t *testing.T) {
	t.Parallel()
	g := &gateWriter{entered: make(chan struct{}), release: make(chan struct{})}
	l := newLineLog(g)
	defer l.close()
	l.write([]byte("first\n"))
	<-g.entered // the writer goroutine is inside the first Write
	const n = 20
	for i := range n {
		l.write(fmt.Appendf(nil, "line %d\n", i)) // returns at once
	}
	synced := make(chan string)
	go func() {
		l.sync()
		synced <- g.text()
	}()
	close(g.release)
	if got := <-synced; strings.Count(got, "\n") != n+1 {
		t.Fatalf("sync returned with %q written, want all %d lines", got, n+1)
	}
	g.mu.Lock()
	writes := slices.Clone(g.writes)
	g.mu.Unlock()
	if len(writes) != 2 || writes[0] != "first\n" || strings.Count(writes[1], "\n") != n {
		t.Fatalf("writes %q: want the first line, then the %d queued lines in one write", writes, n)
	}
	for i := range n {
		if strings.Count(writes[1], fmt.Sprintf("line %d\n", i)) != 1 {
			t.Fatalf("line %d missing or repeated in %q", i, writes[1])
		}
	}
}

// TestLineLogBackpressure checks that a writer slower than the lines makes
// write wait once maxPending bytes are queued.
func TestLineLogBackpressure(t *testing.T) {
	t.Parallel()
	g := &gateWriter{entered: make(chan struct{}), release: make(chan struct{})}
	l := newLineLog(g)
	defer l.close()
	l.write([]byte("first\n"))
	<-g.entered
	big := []byte(strings.Repeat("b", maxPending/2+1) + "\n")
	l.write(big)
	l.write(big) // now more than maxPending bytes are queued
	var released atomic.Bool
	returned := make(chan bool)
	go func() {
		l.write([]byte("last\n"))
		returned <- released.Load()
	}()
	released.Store(true)
	close(g.release)
	if !<-returned {
		t.Fatal("write returned while maxPending bytes were queued behind a blocked writer")
	}
	l.sync()
	if got := g.text(); len(got) != len("first\n")+2*len(big)+len("last\n") || !strings.HasSuffix(got, "last\n") {
		t.Fatalf("wrote %d bytes, want every line", len(got))
	}
}

// TestLineLogConcurrent checks that concurrent writers lose, repeat and
// split no line.
func TestLineLogConcurrent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var buf bytes.Buffer
	l := newLineLog(lockedWriter{&mu, &buf})
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				l.write(fmt.Appendf(nil, "w%d-%d %s\n", w, i, strings.Repeat("x", i%50)))
			}
		})
	}
	wg.Wait()
	l.sync()
	l.close()
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("%d lines, want %d", len(lines), writers*each)
	}
	seen := map[string]bool{}
	for _, ln := range lines {
		var w, i int
		if _, err := fmt.Sscanf(ln, "w%d-%d", &w, &i); err != nil || ln != fmt.Sprintf("w%d-%d %s", w, i, strings.Repeat("x", i%50)) || seen[ln] {
			t.Fatalf("bad or repeated line %q", ln)
		}
		seen[ln] = true
	}
}

func TestAppendClock(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.Local),
		time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.Local),
		time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		now(),
	} {
		if got, want := string(appendClock(nil, tm)), tm.Format("15:04:05.000"); got != want {
			t.Errorf("appendClock(%v) = %q, want %q", tm, got, want)
		}
	}
}
