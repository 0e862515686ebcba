package impl

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// chunked writes n chunks of size bytes, flushing each, waiting gap between them.
func chunked(n, size int, gap time.Duration, withLength bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if withLength {
			w.Header().Set("Content-Length", fmt.Sprint(n*size))
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := bytes.Repeat([]byte{'z'}, size)
		for i := range n {
			if i > 0 && gap > 0 {
				select {
				case <-time.After(gap): // a slow server, part of the scenario
				case <-r.Context().Done():
					return
				}
			}
			_, _ = w.Write(chunk)
			w.(http.Flusher).Flush()
		}
	}
}

func TestEndedOnlyWithoutProgress(t *testing.T) {
	srv := newServer(t, chunked(4, 1000, 0, true))
	e := newEngine(t)
	evs := do(t, e, srv.URL, "GET", nil)
	if len(evs) != 1 {
		t.Fatalf("phases %v, want [ended] (E2)", phases(evs))
	}
	ev := evs[0]
	if ev.IsError || ev.Status != 200 || len(ev.Response.Text) != 4000 || ev.BytesTransferred != 4000 ||
		ev.BytesEstimated != 4000 || ev.ResponseType != "binary" {
		t.Errorf("ended %+v", ev)
	}
}

func TestDownloadPhases(t *testing.T) {
	// Gaps of twice the scaled progress interval: every chunk may give a progress event.
	const scale = 0.01
	gap := 2 * time.Duration(scale*float64(time.Second))
	srv := newServer(t, chunked(4, 1000, gap, true))
	e := newEngine(t, WithTimeScale(scale), WithTimeScale(-1)) // the second option is ignored
	evs := do(t, e, srv.URL, "GET", &Params{Progress: ProgressDownload})
	end := last(t, evs)
	if evs[0].Phase != Began || evs[0].Status != 200 || evs[0].ResponseHeaders["Content-Length"] != "4000" ||
		evs[0].BytesEstimated != 4000 || evs[0].BytesTransferred != 0 || evs[0].Response != nil {
		t.Errorf("began %+v (E3)", evs[0])
	}
	progress := 0
	var prev int64
	for _, ev := range evs[1 : len(evs)-1] {
		if ev.Phase != Progress || ev.Status != 200 || ev.ResponseHeaders == nil || ev.Response != nil {
			t.Errorf("middle event %+v, want progress with status and headers", ev)
		}
		progress++
		if ev.BytesTransferred < prev || ev.BytesEstimated != 4000 {
			t.Errorf("progress %d/%d after %d (E7)", ev.BytesTransferred, ev.BytesEstimated, prev)
		}
		prev = ev.BytesTransferred
	}
	if progress < 4 {
		t.Errorf("%d progress events for 4 chunks %v apart, want >= 4", progress, gap)
	}
	if end.BytesTransferred != 4000 || end.BytesTransferred < prev || end.Status != 200 || end.Response.Text != strings.Repeat("z", 4000) {
		t.Errorf("ended %+v", end)
	}
}

func TestProgressRateLimited(t *testing.T) {
	// At time scale 100 the interval is 100 s: a fast transfer gets one progress event (E6).
	// The body is larger than the read buffer, so it takes several reads.
	srv := newServer(t, chunked(50, 10000, 0, false))
	e := newEngine(t, WithTimeScale(100))
	evs := do(t, e, srv.URL, "GET", &Params{Progress: ProgressDownload})
	if got := phases(evs); len(got) != 3 || got[0] != Began || got[1] != Progress {
		t.Fatalf("phases %v, want [began progress ended] (E6)", got)
	}
	if evs[0].BytesEstimated != -1 || evs[2].BytesEstimated != -1 {
		t.Errorf("bytesEstimated %d/%d, want -1 without Content-Length (E7)", evs[0].BytesEstimated, evs[2].BytesEstimated)
	}
	if evs[2].BytesTransferred != 500000 || evs[1].BytesTransferred >= evs[2].BytesTransferred {
		t.Errorf("bytes %d then %d, want the last count only in ended", evs[1].BytesTransferred, evs[2].BytesTransferred)
	}
}

func TestUploadPhases(t *testing.T) {
	const size = 3 << 20
	var gotLen atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		gotLen.Store(n)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "stored")
	})
	e := newEngine(t, WithTimeScale(0.001))
	body := strings.Repeat("u", size)
	evs := do(t, e, srv.URL, "PUT", &Params{Progress: ProgressUpload, Body: &Body{Data: body}})
	end := last(t, evs)
	b := evs[0]
	if b.Phase != Began || b.BytesEstimated != size || b.BytesTransferred != 0 || b.Status != -1 || b.ResponseHeaders != nil {
		t.Errorf("began %+v, want estimate %d before the response (E4)", b, size)
	}
	var prev int64
	for _, ev := range evs[1 : len(evs)-1] {
		if ev.Phase != Progress || ev.BytesEstimated != size || ev.BytesTransferred < prev || ev.BytesTransferred > size {
			t.Errorf("progress %+v after %d", ev, prev)
		}
		prev = ev.BytesTransferred
	}
	if len(evs) < 3 {
		t.Errorf("phases %v, want progress while the body is sent", phases(evs))
	}
	if end.Status != 200 || end.Response.Text != "stored" || end.BytesTransferred != size ||
		end.BytesEstimated != size || end.ResponseHeaders == nil || gotLen.Load() != size {
		t.Errorf("ended %+v; server got %d", end, gotLen.Load())
	}
}

func TestUploadWithoutBody(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	e := newEngine(t)
	evs := do(t, e, srv.URL, "GET", &Params{Progress: ProgressUpload, Body: &Body{Data: "dropped"}})
	if got := phases(evs); len(got) != 2 || evs[0].BytesEstimated != 0 || evs[1].BytesTransferred != 0 {
		t.Errorf("events %+v, want began and ended with no body (E4, R6)", evs)
	}
}

func TestUploadFromFile(t *testing.T) {
	const size = 1<<20 + 17
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	type got struct {
		method, ctype string
		sum           [32]byte
		length        int64
	}
	seen := make(chan got, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen <- got{r.Method, r.Header.Get("Content-Type"), sha256.Sum256(b), r.ContentLength}
	})
	e := newEngine(t)
	path, _ := e.Path("in.bin", "")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if _, err := e.Upload(srv.URL, "", r.listen, &Params{Progress: "yes"}, "in.bin", "", "application/x-thing"); err != nil {
		t.Fatal(err)
	}
	evs := r.wait(t)
	end := last(t, evs)
	g := recv(t, seen)
	if g.method != "POST" || g.ctype != "application/x-thing" || g.sum != sha256.Sum256(data) || g.length != size {
		t.Errorf("server got %s %s len %d, want POST, the content type and the file (U1, R3)", g.method, g.ctype, g.length)
	}
	if evs[0].Phase != Began || evs[0].BytesEstimated != size || end.BytesTransferred != size || end.IsError {
		t.Errorf("events %v: began %+v ended %+v", phases(evs), evs[0], end)
	}
}

func TestUploadMissingFileIsLocalError(t *testing.T) {
	e := newEngine(t)
	r := newRecorder()
	if _, err := e.Upload("http://127.0.0.1:1/", "PUT", r.listen, nil, "missing.bin", "", "a/b"); err != nil {
		t.Fatal(err)
	}
	ev := last(t, r.wait(t))
	if !ev.IsError || ev.Status != -1 || !strings.Contains(ev.Response.Text, "local file") {
		t.Errorf("ended %+v, want a local file error (E8)", ev)
	}
}

func TestUploadDirectoryIsLocalError(t *testing.T) {
	e := newEngine(t)
	docs, _ := e.Path("", "")
	if err := os.Mkdir(docs+"/dir", 0o755); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	if _, err := e.Upload("http://127.0.0.1:1/", "PUT", r.listen, nil, "dir", "", "a/b"); err != nil {
		t.Fatal(err)
	}
	if ev := last(t, r.wait(t)); !ev.IsError || !strings.Contains(ev.Response.Text, "local file") {
		t.Errorf("ended %+v, want a local file error", ev)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/x"
	_ = ln.Close()
	e := newEngine(t)
	evs := do(t, e, url, "GET", &Params{Progress: ProgressDownload})
	if len(evs) != 1 {
		t.Fatalf("phases %v, want [ended] (E5)", phases(evs))
	}
	ev := evs[0]
	if !ev.IsError || ev.Status != -1 || ev.Response == nil || ev.Response.Text == "" || ev.ResponseType != "text" ||
		ev.ResponseHeaders != nil {
		t.Errorf("ended %+v, want isError, status -1, a message, no headers (E8, E9, E10)", ev)
	}
}

func TestTruncatedBody(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		_, _ = c.Read(make([]byte, 4096))
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Seen: 1\r\n\r\n0123456789")
	})
	e := newEngine(t)
	ev := last(t, do(t, e, "http://"+addr+"/", "GET", nil))
	if !ev.IsError || ev.Status != 200 || ev.ResponseHeaders["X-Seen"] != "1" || ev.Response.Text == "" ||
		ev.BytesTransferred != 10 || ev.BytesEstimated != 1000 {
		t.Errorf("ended %+v, want isError with the status and headers that arrived (E8, E9)", ev)
	}
}

func TestNilListenerStillSends(t *testing.T) {
	type got struct{ body, hdr string }
	seen := make(chan got, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen <- got{string(b), r.Header.Get("X-Token")}
	})
	e := newEngine(t)
	h, err := e.Request(srv.URL, "POST", nil, &Params{Body: &Body{Data: "payload"}, Headers: map[string]string{"X-Token": "t"},
		Progress: ProgressUpload})
	if err != nil || h == nil {
		t.Fatalf("Request: %v", err)
	}
	if g := recv(t, seen); g.body != "payload" || g.hdr != "t" {
		t.Errorf("server got %+v, want the params' body and header (B2)", g)
	}
}

func TestListenersRunOneAtATime(t *testing.T) {
	srv := newServer(t, chunked(3, 100, 0, true))
	e := newEngine(t)
	var running, maxRunning atomic.Int32
	var wg sync.WaitGroup
	const n = 8
	order := make([][]Phase, n)
	for i := range n {
		wg.Add(1)
		var mu sync.Mutex
		_, err := e.Request(srv.URL, "GET", func(ev Event) {
			r := running.Add(1)
			if r > maxRunning.Load() {
				maxRunning.Store(r)
			}
			mu.Lock()
			order[i] = append(order[i], ev.Phase)
			mu.Unlock()
			running.Add(-1)
			if ev.Phase == Ended {
				wg.Done()
			}
		}, &Params{Progress: ProgressDownload})
		if err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if maxRunning.Load() != 1 {
		t.Errorf("%d listeners ran at once, want 1 (E14)", maxRunning.Load())
	}
	for i, o := range order {
		if len(o) < 2 || o[0] != Began || o[len(o)-1] != Ended {
			t.Errorf("request %d phases %v", i, o)
		}
	}
}

func TestNoTransparentCompression(t *testing.T) {
	// Byte counts are wire counts: the engine asks for no compression it would undo.
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "accept-encoding="+r.Header.Get("Accept-Encoding"))
	})
	e := newEngine(t)
	if ev := last(t, do(t, e, srv.URL, "GET", nil)); ev.Response.Text != "accept-encoding=" {
		t.Errorf("server saw %q", ev.Response.Text)
	}
}

func TestEmptyBody(t *testing.T) {
	type got struct {
		length int64
		ctype  string
		te     []string
	}
	seen := make(chan got, 2)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "/second", http.StatusTemporaryRedirect)
			return
		}
		seen <- got{r.ContentLength, r.Header.Get("Content-Type"), r.TransferEncoding}
	})
	e := newEngine(t)
	ev := last(t, do(t, e, srv.URL+"/first", "POST", &Params{Body: &Body{Data: ""}, Progress: ProgressUpload}))
	if g := recv(t, seen); g.length != 0 || g.ctype != "text/plain; charset=UTF-8" || len(g.te) != 0 {
		t.Errorf("server got %+v, want an empty text body with Content-Length 0", g)
	}
	if ev.IsError || ev.BytesEstimated != 0 || ev.BytesTransferred != 0 {
		t.Errorf("ended %+v", ev)
	}
}
