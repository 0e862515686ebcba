package impl

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fixedReply answers every request with status and body.
func fixedReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// seed writes old content to name in Documents and returns its path.
func seed(t *testing.T, e *Engine, name, content string) string {
	t.Helper()
	path, err := e.Path(name, DocumentsDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestResponseFileWritten(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"200 (F1)", 200, "new content"},
		{"201 (F8)", 201, "created"},
		{"206 (F8)", 206, "part"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, fixedReply(tc.status, tc.body))
			e := newEngine(t)
			path := seed(t, e, "sub/out.bin", "old")
			ev := last(t, do(t, e, srv.URL, "GET", &Params{Response: &FileRef{Filename: "sub/out.bin"}}))
			want := &FileResult{Filename: "sub/out.bin", BaseDirectory: DocumentsDirectory, FullPath: path}
			if ev.IsError || ev.Status != tc.status || ev.Response.File == nil || *ev.Response.File != *want ||
				ev.ResponseType != "binary" {
				t.Errorf("ended %+v (%+v), want file table %+v, binary (F1, F6, E11)", ev, ev.Response, want)
			}
			if got := readFile(t, path); got != tc.body {
				t.Errorf("file %q, want %q", got, tc.body)
			}
			if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.bin"}) {
				t.Errorf("folder holds %v, want only out.bin (F4)", names)
			}
		})
	}
}

func TestResponseFileNotWritten(t *testing.T) {
	tests := []struct {
		name   string
		status int
		follow bool
	}{
		{"404 (F2)", 404, true},
		{"500 (F2)", 500, true},
		{"302 not followed (F8)", 302, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "/elsewhere")
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, "error body")
			})
			e := newEngine(t)
			path := seed(t, e, "out.bin", "old")
			missing, _ := e.Path("never.bin", "")
			for _, name := range []string{"out.bin", "never.bin"} {
				ev := last(t, do(t, e, srv.URL, "GET", &Params{
					Response: &FileRef{Filename: name, BaseDirectory: DocumentsDirectory}, HandleRedirects: ptr(tc.follow),
				}))
				if ev.IsError || ev.Status != tc.status || ev.Response.File != nil || ev.Response.Text != "error body" ||
					ev.ResponseType != "text" {
					t.Errorf("ended %+v, want the body as a string", ev)
				}
			}
			if readFile(t, path) != "old" || readFile(t, missing) != "<missing>" {
				t.Errorf("file changed or created on status %d", tc.status)
			}
			if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.bin"}) {
				t.Errorf("folder holds %v (F4)", names)
			}
		})
	}
}

func TestResponseFileKeptOnFailure(t *testing.T) {
	tests := []struct {
		name  string
		serve func(net.Conn)
	}{
		{"truncated with Content-Length", func(c net.Conn) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
		}},
		{"truncated chunked", func(c net.Conn) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n")
		}},
		{"reset", func(c net.Conn) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
			_ = c.(*net.TCPConn).SetLinger(0)
		}},
		{"no response", func(c net.Conn) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := rawServer(t, func(c net.Conn) {
				_, _ = c.Read(make([]byte, 4096))
				tc.serve(c)
			})
			e := newEngine(t)
			path := seed(t, e, "out.bin", "old")
			ev := last(t, do(t, e, "http://"+addr+"/", "GET", &Params{Response: &FileRef{Filename: "out.bin"}}))
			if !ev.IsError || ev.Response.Text == "" || ev.ResponseType != "text" {
				t.Errorf("ended %+v, want isError with a message", ev)
			}
			if got := readFile(t, path); got != "old" {
				t.Errorf("file %q after a failure, want the old content (F3)", got)
			}
			if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.bin"}) {
				t.Errorf("folder holds %v, want no temporary file (F4)", names)
			}
		})
	}
}

func TestResponseFileReplacedAtomically(t *testing.T) {
	release := make(chan struct{})
	midway := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "8")
		_, _ = io.WriteString(w, "new-")
		w.(http.Flusher).Flush()
		close(midway)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, "data")
	})
	e := newEngine(t)
	path := seed(t, e, "out.bin", "old")
	r := newRecorder()
	firstBytes := make(chan struct{})
	var once sync.Once
	r.onEv = func(ev Event) {
		if ev.Phase == Progress { // the first bytes are in the temporary file
			once.Do(func() { close(firstBytes) })
		}
	}
	if _, err := e.Request(srv.URL, "GET", r.listen, &Params{Response: &FileRef{Filename: "out.bin"},
		Progress: ProgressDownload}); err != nil {
		t.Fatal(err)
	}
	recv(t, midway)
	select {
	case <-firstBytes:
	case <-r.ended:
		t.Fatalf("ended early: %+v", r.snapshot())
	}
	if got := readFile(t, path); got != "old" {
		t.Errorf("destination %q midway, want the old file until the end (F5)", got)
	}
	if names := dirNames(t, filepath.Dir(path)); len(names) != 2 {
		t.Errorf("folder holds %v midway, want the destination and one temporary file", names)
	}
	close(release)
	ev := last(t, r.wait(t))
	if ev.IsError || readFile(t, path) != "new-data" {
		t.Errorf("ended %+v, file %q", ev, readFile(t, path))
	}
	if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.bin"}) {
		t.Errorf("folder holds %v (F4)", names)
	}
}

func TestResponseFileLocalErrors(t *testing.T) {
	srv := newServer(t, fixedReply(200, "x"))
	e := newEngine(t)
	// A folder where the file's parent should be: the temporary file cannot be created.
	seed(t, e, "blocker", "a file, not a folder")
	ev := last(t, do(t, e, srv.URL, "GET", &Params{Response: &FileRef{Filename: "blocker/out.bin"}}))
	if !ev.IsError || !strings.Contains(ev.Response.Text, "local file") {
		t.Errorf("ended %+v, want a local file error (E8)", ev)
	}
	// A folder at the destination: the rename fails and the folder survives.
	docs, _ := e.Path("", "")
	if err := os.MkdirAll(filepath.Join(docs, "dir", "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	ev = last(t, do(t, e, srv.URL, "GET", &Params{Response: &FileRef{Filename: "dir"}}))
	if !ev.IsError || !strings.Contains(ev.Response.Text, "local file") {
		t.Errorf("ended %+v, want a local file error", ev)
	}
	if names := dirNames(t, docs); !slices.Equal(names, []string{"blocker", "dir"}) {
		t.Errorf("Documents holds %v, want no temporary file", names)
	}
}

func TestDownload(t *testing.T) {
	srv := newServer(t, fixedReply(200, "payload"))
	logOpt, logs := withLog()
	e := newEngine(t, logOpt)
	for _, dir := range []BaseDir{"", CachesDirectory, ResourceDirectory} {
		r := newRecorder()
		if _, err := e.Download(srv.URL, "", r.listen, &Params{Progress: ProgressOn}, "d.bin", dir); err != nil {
			t.Fatal(err)
		}
		evs := r.wait(t)
		end := last(t, evs)
		want := dir.orDocuments()
		if dir == ResourceDirectory {
			want = DocumentsDirectory // F7 info: switched with a warning
		}
		if evs[0].Phase != Began || end.Response.File == nil || end.Response.File.BaseDirectory != want {
			t.Errorf("Download to %q: events %v, ended %+v (U2)", dir, phases(evs), end.Response)
		}
		if p, _ := e.Path("d.bin", want); readFile(t, p) != "payload" {
			t.Errorf("Download to %q did not write %s", dir, p)
		}
	}
	if res, _ := e.Path("d.bin", ResourceDirectory); readFile(t, res) != "<missing>" {
		t.Error("Download wrote to ResourceDirectory (F7)")
	}
	if !strings.Contains(logs.String(), "ResourceDirectory") {
		t.Errorf("log %q, want a warning about ResourceDirectory", logs.String())
	}
}

// TestBodilessResponseKeepsFile checks that a 2xx without a body leaves the
// response file as it was, neither emptied nor created, and gives "" (F8).
func TestBodilessResponseKeepsFile(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/204":
			w.WriteHeader(http.StatusNoContent)
		case "/205":
			w.WriteHeader(http.StatusResetContent)
		case "/head":
			w.Header().Set("Content-Length", "5") // what the GET would send
			w.WriteHeader(http.StatusOK)
		case "/chunked":
			w.(http.Flusher).Flush() // chunked, then no chunk at all
		}
	})
	for _, tc := range []struct{ path, method string }{
		{"/204", "GET"}, {"/205", "POST"}, {"/head", "HEAD"}, {"/empty", "GET"}, {"/chunked", "GET"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t)
			old := seed(t, e, "out.bin", "old")
			for _, name := range []string{"out.bin", "absent.bin"} {
				ev := last(t, do(t, e, srv.URL+tc.path, tc.method, &Params{Response: &FileRef{Filename: name}}))
				if ev.IsError || ev.Response == nil || ev.Response.File != nil || ev.Response.Text != "" ||
					ev.ResponseType != BodyText {
					t.Errorf("%s: ended %+v (%+v), want response \"\" as text", name, ev, ev.Response)
				}
			}
			if got := readFile(t, old); got != "old" {
				t.Errorf("out.bin = %q, want the old content", got)
			}
			if names := dirNames(t, filepath.Dir(old)); len(names) != 1 || names[0] != "out.bin" {
				t.Errorf("Documents holds %v, want only out.bin (nothing created, no temporary file)", names)
			}
		})
	}
}
