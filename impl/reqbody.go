package impl

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// bodySource is the request body: data, or the file at path when path != "".
type bodySource struct {
	data string
	path string
}

// uploadMeter counts request body bytes handed to the transport. A 307/308
// redirect re-sends the body from the start; the reported count is the
// largest reached so far, so it never decreases (E7).
type uploadMeter struct {
	mu   sync.Mutex // guards cur and max
	cur  int64
	max  int64
	size int64
}

// restart begins a new send of the body.
func (m *uploadMeter) restart() {
	m.mu.Lock()
	m.cur = 0
	m.mu.Unlock()
}

// add counts n more bytes and returns the reported total.
func (m *uploadMeter) add(n int) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cur += int64(n)
	m.max = max(m.max, m.cur)
	return m.max
}

// total returns the reported total.
func (m *uploadMeter) total() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.max
}

// countingBody wraps a request body: every read is progress for the idle
// timer and, with upload progress, may give a progress event (E4, E6).
type countingBody struct {
	r io.ReadCloser
	t *transfer
}

// Read reads from the wrapped body and counts what it returns.
func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.t.timer.reset()
		total := c.t.up.add(n)
		if c.t.progress == ProgressUpload && c.t.progressDue(time.Now()) {
			c.t.emitProgress(Event{Status: -1, BytesTransferred: total, BytesEstimated: c.t.up.size})
		}
	}
	return n, err
}

// Close closes the wrapped body.
func (c *countingBody) Close() error { return c.r.Close() }

// open returns a fresh reader of the body and its size. A file body is
// streamed, never read whole (R3).
func (b *bodySource) open() (io.ReadCloser, int64, error) {
	if b.path == "" {
		return io.NopCloser(strings.NewReader(b.data)), int64(len(b.data)), nil
	}
	f, err := os.Open(b.path)
	if err != nil {
		return nil, 0, fmt.Errorf("open body file: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", b.path)
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("stat body file: %w", err)
	}
	return f, fi.Size(), nil
}

// attachBody sets req's body, length and GetBody (so 307/308 redirects can
// re-send it, D3). It returns the body size.
func (t *transfer) attachBody(req *http.Request) (int64, error) {
	if t.body == nil {
		return 0, nil
	}
	r, size, err := t.body.open()
	if err != nil {
		return 0, err
	}
	t.up.size = size
	req.ContentLength = size
	if size == 0 {
		_ = r.Close()
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return 0, nil
	}
	req.Body = &countingBody{r: r, t: t}
	req.GetBody = func() (io.ReadCloser, error) {
		r, _, err := t.body.open()
		if err != nil {
			return nil, err
		}
		t.up.restart()
		return &countingBody{r: r, t: t}, nil
	}
	return size, nil
}
