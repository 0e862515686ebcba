package impl

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCallRefused(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		method string
		p      *Params
		want   error
	}{
		{"method not a token", "http://127.0.0.1:1/", "GE T", nil, ErrInvalidParam},
		{"bodyType", "http://127.0.0.1:1/", "POST", &Params{BodyType: "json"}, ErrInvalidParam},
		{"progress", "http://127.0.0.1:1/", "GET", &Params{Progress: "none"}, ErrInvalidParam},
		{"progress true", "http://127.0.0.1:1/", "GET", &Params{Progress: ProgressOn}, ErrInvalidParam},
		{"charset not supported (R4)", "http://127.0.0.1:1/", "POST", &Params{Body: &Body{Data: "x"},
			Headers: map[string]string{"Content-Type": "text/plain; charset=x-no-such"}}, ErrInvalidParam},
		{"response to ResourceDirectory (F7)", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "f", BaseDirectory: ResourceDirectory}}, ErrInvalidParam},
		{"response escapes (F9)", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "../f"}}, ErrUnsafeFilename},
		{"response absolute (F9)", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "/etc/f"}}, ErrUnsafeFilename},
		{"response without filename", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{}}, ErrUnsafeFilename},
		{"response names the base directory (F9)", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "."}}, ErrUnsafeFilename},
		{"response back to the base directory (F9)", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "a/.."}}, ErrUnsafeFilename},
		{"response unknown base", "http://127.0.0.1:1/", "GET",
			&Params{Response: &FileRef{Filename: "f", BaseDirectory: "Home"}}, ErrUnknownBaseDir},
		{"body file escapes (F9)", "http://127.0.0.1:1/", "POST",
			&Params{Body: &Body{File: &FileRef{Filename: "../../x"}}, Headers: map[string]string{"Content-Type": "a/b"}}, ErrUnsafeFilename},
		{"body file without Content-Type (R5)", "http://127.0.0.1:1/", "PUT",
			&Params{Body: &Body{File: &FileRef{Filename: "x"}}}, ErrInvalidParam},
		{"header name not a token", "http://127.0.0.1:1/", "GET",
			&Params{Headers: map[string]string{"Bad Name": "v"}}, ErrInvalidParam},
		{"header value with newline", "http://127.0.0.1:1/", "GET",
			&Params{Headers: map[string]string{"X": "a\r\nY: b"}}, ErrInvalidParam},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logOpt, logs := withLog()
			e := newEngine(t, logOpt)
			r := newRecorder()
			h, err := e.Request(tc.url, tc.method, r.listen, tc.p)
			if h != nil || !errors.Is(err, tc.want) {
				t.Fatalf("got %v, %v; want nil, %v", h, err, tc.want)
			}
			if !strings.Contains(logs.String(), "network: request") {
				t.Errorf("log %q: want a network: error", logs.String())
			}
			if err := e.Close(); err != nil { // waits for the dispatcher: nothing may come later
				t.Fatal(err)
			}
			if evs := r.snapshot(); len(evs) != 0 {
				t.Errorf("refused call sent events %v", phases(evs))
			}
		})
	}
}

func TestUploadRefusesMissingContentType(t *testing.T) {
	e := newEngine(t)
	h, err := e.Upload("http://127.0.0.1:1/", "", nil, nil, "f.txt", "", "")
	if h != nil || !errors.Is(err, ErrInvalidParam) {
		t.Errorf("got %v, %v; want nil, ErrInvalidParam (R5)", h, err)
	}
}

func TestCallAfterClose(t *testing.T) {
	e, err := New(WithSandbox(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if h, err := e.Request("http://127.0.0.1:1/", "GET", nil, nil); h != nil || !errors.Is(err, ErrClosed) {
		t.Errorf("got %v, %v; want nil, ErrClosed", h, err)
	}
}

func TestPath(t *testing.T) {
	root := t.TempDir()
	e := newEngine(t, WithSandbox(root), WithDirectory(CachesDirectory, filepath.Join(root, "elsewhere")))
	tests := []struct {
		name string
		dir  BaseDir
		want string
		err  error
	}{
		{"a.txt", "", filepath.Join(root, "Documents", "a.txt"), nil},
		{"sub/a.txt", TemporaryDirectory, filepath.Join(root, "Temporary", "sub", "a.txt"), nil},
		{"a", CachesDirectory, filepath.Join(root, "elsewhere", "a"), nil},
		{"", ResourceDirectory, filepath.Join(root, "Resource"), nil},
		{"../a", DocumentsDirectory, "", ErrUnsafeFilename},
		{"/a", DocumentsDirectory, "", ErrUnsafeFilename},
		{"a", "Home", "", ErrUnknownBaseDir},
	}
	for _, tc := range tests {
		got, err := e.Path(tc.name, tc.dir)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("Path(%q, %q) = %q, %v; want %q, %v", tc.name, tc.dir, got, err, tc.want, tc.err)
		}
	}
	for _, d := range []string{"Documents", "Temporary", "elsewhere", "Resource"} {
		if fi, err := os.Stat(filepath.Join(root, d)); err != nil || !fi.IsDir() {
			t.Errorf("folder %s not created: %v", d, err)
		}
	}
}

func TestOwnedSandboxRemovedOnClose(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := e.Path("", DocumentsDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(docs); err != nil {
		t.Fatalf("sandbox not created: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(docs)); !os.IsNotExist(err) {
		t.Errorf("private sandbox %s still exists after Close: %v", filepath.Dir(docs), err)
	}
}

func TestNewFailsOnBadSandbox(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if e, err := New(WithSandbox(file)); err == nil {
		_ = e.Close()
		t.Fatal("New with a file as sandbox root succeeded")
	}
}

func TestCancelResult(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	e := newEngine(t)
	other := newEngine(t)
	r := newRecorder()
	h, err := e.Request(srv.URL, "GET", r.listen, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.wait(t)
	if !e.Cancel(h) {
		t.Error("Cancel(finished handle) = false, want true (C3)")
	}
	if e.Cancel(nil) || other.Cancel(h) {
		t.Error("Cancel of nil or a foreign handle = true, want false (C3)")
	}
	if h.ID() == 0 {
		t.Error("handle ID is 0")
	}
}

// TestSymlinkEscapeRefused checks that a name leading through a symbolic link
// to outside its base directory is refused at call time, for a response file
// and for a body file, and that nothing outside is touched (F9).
func TestSymlinkEscapeRefused(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, WithSandbox(root))
	docs := filepath.Join(root, "Documents")
	links := map[string]string{
		"out":    outside,                              // a folder outside
		"lnk":    secret,                               // a file outside
		"caches": filepath.Join(root, "Caches"),        // another base directory
		"in":     filepath.Join(docs, "sub"),           // inside: allowed
		"dead":   filepath.Join(outside, "not", "yet"), // dangling: the write fails later
	}
	if err := os.Mkdir(filepath.Join(docs, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(docs, name)); err != nil {
			t.Skipf("symlinks not supported: %v", err)
		}
	}
	tests := []struct {
		name string
		want error
	}{
		{"out/f", ErrUnsafeFilename},
		{"out/new/f", ErrUnsafeFilename},
		{"lnk", ErrUnsafeFilename},
		{"caches/f", ErrUnsafeFilename},
		{"sub/../out/f", ErrUnsafeFilename},
		{"in/f", nil},
		{"in", nil},
		{"dead", nil},
		{"plain/new/f", nil},
	}
	for _, tc := range tests {
		if _, err := e.Path(tc.name, DocumentsDirectory); !errors.Is(err, tc.want) {
			t.Errorf("Path(%q) error %v, want %v", tc.name, err, tc.want)
		}
	}
	r := newRecorder()
	if h, err := e.Request("http://127.0.0.1:1/", "GET", r.listen, &Params{Response: &FileRef{Filename: "lnk"}}); h != nil || !errors.Is(err, ErrUnsafeFilename) {
		t.Errorf("response through a link: got %v, %v; want nil, %v", h, err, ErrUnsafeFilename)
	}
	body := &Params{Body: &Body{File: &FileRef{Filename: "out/secret"}}, Headers: map[string]string{"Content-Type": "a/b"}}
	if h, err := e.Request("http://127.0.0.1:1/", "POST", r.listen, body); h != nil || !errors.Is(err, ErrUnsafeFilename) {
		t.Errorf("body through a link: got %v, %v; want nil, %v", h, err, ErrUnsafeFilename)
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "keep" {
		t.Errorf("file outside the sandbox: %q, %v", b, err)
	}
}

// TestHeadersCaseDuplicates checks that header names differing only in case
// give one header with the same value on every run: map order must not pick
// it (R2, R4, U1).
func TestHeadersCaseDuplicates(t *testing.T) {
	p := &Params{
		Body: &Body{Data: "x"},
		Headers: map[string]string{
			"content-type": "text/a", "Content-Type": "text/b", "CONTENT-TYPE": "text/c",
			"x-dup": "1", "X-Dup": "2", "X-DUP": "3", "x-DUP": "4",
		},
	}
	var first http.Header
	for i := range 64 {
		tr := &transfer{body: &bodySource{data: "x"}}
		if err := prepareHeaders(tr, p); err != nil {
			t.Fatal(err)
		}
		if got := tr.header.Values("X-Dup"); len(got) != 1 {
			t.Fatalf("X-Dup values %q, want one", got)
		}
		if i == 0 {
			first = tr.header
			continue
		}
		if tr.header.Get("Content-Type") != first.Get("Content-Type") || tr.header.Get("X-Dup") != first.Get("X-Dup") {
			t.Fatalf("run %d sent %v, run 0 sent %v: the header depends on map order", i, tr.header, first)
		}
	}
	if got := first.Get("Content-Type"); got != "text/a; charset=UTF-8" {
		t.Errorf("Content-Type %q, want the last spelling in byte order (content-type) with the charset (R4)", got)
	}
}

// TestBadURLEndsWithError checks that a URL that cannot be fetched is
// accepted at call time and ends with an error event, status -1, and that
// nothing is sent (B1, info).
func TestBadURLEndsWithError(t *testing.T) {
	t.Parallel()
	hits := make(chan string, 8)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits <- r.URL.String() })
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, u := range []string{
		"ftp://" + host + "/x", "file:///nonexistent/x", "http:///x", "http://", "http://" + host + "/%zz",
		host + "/x", "http://a b/", "http://[::1/x",
	} {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t)
			for _, progress := range []string{"", ProgressDownload} {
				evs := do(t, e, u, "GET", &Params{Progress: progress})
				ev := last(t, evs)
				if len(evs) != 1 || !ev.IsError || ev.Status != -1 || ev.Response == nil ||
					!strings.Contains(ev.Response.Text, "url cannot be fetched") {
					t.Errorf("progress %q: events %v, ended %+v (%+v); want ended only, isError, status -1, a message",
						progress, phases(evs), ev, ev.Response)
				}
			}
		})
	}
	t.Cleanup(func() {
		select {
		case got := <-hits:
			t.Errorf("the server got %s", got)
		default:
		}
	})
}

// TestEnumsInAnyCase checks that bodyType and progress given by a Go caller
// match in any letter case (B1, info).
func TestEnumsInAnyCase(t *testing.T) {
	t.Parallel()
	srv := newServer(t, fixedReply(200, "ok"))
	e := newEngine(t)
	evs := do(t, e, srv.URL, "POST", &Params{BodyType: "BINARY", Progress: "Download", Body: &Body{Data: "x"}})
	if got := phases(evs); len(got) < 2 || got[0] != Began || last(t, evs).IsError {
		t.Errorf("phases %v, want began ... ended without error", got)
	}
}
