package impl

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// gzipped returns s compressed with gzip.
func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzipBodyDecoded checks E15: a gzip body the caller did not ask for is
// delivered decoded, in memory and to a file; with the caller's own
// Accept-Encoding it is delivered as received.
func TestGzipBodyDecoded(t *testing.T) {
	t.Parallel()
	plain := strings.Repeat("netconform ", 100)
	packed := gzipped(t, plain)
	asked := make(chan string, 8)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		asked <- r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/broken" {
			_, _ = w.Write([]byte("not gzip at all"))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(packed)))
		_, _ = w.Write(packed)
	})
	e := newEngine(t)

	ev := last(t, do(t, e, srv.URL, "GET", nil))
	if ev.IsError || ev.Response.Text != plain || ev.BytesTransferred != int64(len(plain)) ||
		ev.BytesEstimated != int64(len(packed)) {
		t.Errorf("in memory: ended %+v, want the decoded body, %d bytes transferred, %d estimated",
			ev, len(plain), len(packed))
	}
	if got := <-asked; got != "" {
		t.Errorf("the engine sent Accept-Encoding %q, want none", got)
	}

	path := seed(t, e, "z.txt", "old")
	ev = last(t, do(t, e, srv.URL, "GET", &Params{Response: &FileRef{Filename: "z.txt"}}))
	<-asked
	if got := readFile(t, path); ev.IsError || got != plain {
		t.Errorf("to a file: ended %+v, file %d bytes; want the decoded body", ev, len(got))
	}

	ev = last(t, do(t, e, srv.URL, "GET", &Params{Headers: map[string]string{"Accept-Encoding": "gzip"}}))
	if got := <-asked; got != "gzip" || ev.IsError || ev.Response.Text != string(packed) {
		t.Errorf("asked for gzip (sent %q): ended %+v, want the body as received", got, ev)
	}

	ev = last(t, do(t, e, srv.URL, "HEAD", nil))
	<-asked
	if ev.IsError || ev.Response.Text != "" {
		t.Errorf("HEAD: ended %+v, want an empty body and no error", ev)
	}

	ev = last(t, do(t, e, srv.URL+"/broken", "GET", nil))
	<-asked
	if !ev.IsError || !strings.Contains(ev.Response.Text, "decode gzip body") {
		t.Errorf("broken gzip: ended %+v (%+v), want isError with the decoding error", ev, ev.Response)
	}
}
