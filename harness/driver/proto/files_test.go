package proto

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver"
)

// dirsDriver's sessions do nothing; it records the folders each was given.
type dirsDriver struct {
	mu   sync.Mutex
	dirs []map[string]string
}

func (*dirsDriver) Name() string { return "dirs" }
func (d *dirsDriver) Open(_ context.Context, cfg driver.Config) (driver.Session, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dirs = append(d.dirs, cfg.Dirs)
	return &idleSession{events: make(chan driver.Event)}, nil
}

// idleSession is a session that is never called.
type idleSession struct {
	events chan driver.Event
	once   sync.Once
}

func (*idleSession) Capabilities() driver.Capabilities { return driver.Capabilities{} }
func (*idleSession) Call(context.Context, driver.Call) (string, error) {
	return "", &driver.RejectedError{Message: "idle"}
}
func (*idleSession) Cancel(context.Context, string) (driver.Cancelled, error) {
	return driver.Cancelled{}, nil
}
func (s *idleSession) Events() <-chan driver.Event { return s.events }
func (*idleSession) Logs() []string                { return nil }
func (s *idleSession) Close(context.Context) error {
	s.once.Do(func() { close(s.events) })
	return nil
}

// serveOver starts Serve with opts over a pipe and returns the harness's peer.
func serveOver(t *testing.T, d driver.Driver, opts ServeOptions) *Peer {
	t.Helper()
	toDrvR, toDrvW := io.Pipe()
	toHarR, toHarW := io.Pipe()
	conn := &pipeConn{lr: NewLineReader(toHarR, 0), r: toHarR, w: toDrvW}
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), toDrvR, toHarW, d, opts)
		_ = toHarW.Close()
	}()
	p, err := Handshake(t.Context(), conn, PeerOptions{})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	t.Cleanup(func() {
		_ = p.Close(context.Background())
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return p
}

// TestServeFiles: with Files set, Serve announces the capability, gives
// each session fresh folders of its own whatever config.dirs says, places
// and lists files there (binary bytes and heads as $bytes on the wire),
// refuses names that leave a folder and removes the folders at close.
func TestServeFiles(t *testing.T) {
	t.Parallel()
	d := &dirsDriver{}
	filesDir := t.TempDir()
	p := serveOver(t, d, ServeOptions{Name: "files", Files: true, FilesDir: filesDir})
	if !p.Capabilities().Files {
		t.Fatal("hello does not announce files")
	}
	s, err := p.Open(t.Context(), driver.Config{Dirs: map[string]string{driver.DocumentsDirectory: "/harness/only"}})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	docs := d.dirs[0][driver.DocumentsDirectory]
	if !strings.HasPrefix(docs, filesDir) || len(d.dirs[0]) != len(driver.BaseDirs()) {
		t.Fatalf("session folders %v, want all four in %s, not the harness's", d.dirs[0], filesDir)
	}
	content := "\x00\xffabc"
	if err := s.PlaceFile(t.Context(), driver.File{Dir: driver.CachesDirectory, Name: "sub/a.bin", Content: content}); err != nil {
		t.Fatalf("place: %v", err)
	}
	err = s.PlaceFile(t.Context(), driver.File{Dir: driver.DocumentsDirectory, Name: "../x", Content: "x"})
	if err == nil || !strings.Contains(err.Error(), "leaves") {
		t.Errorf("place ../x = %v, want refused", err)
	}
	list, err := s.Files(t.Context(), 3)
	if err != nil {
		t.Fatalf("files: %v", err)
	}
	sum := sha256.Sum256([]byte(content))
	want := driver.FileInfo{Dir: driver.CachesDirectory, Name: "sub/a.bin", Size: 5, SHA256: hex.EncodeToString(sum[:]),
		Head: "\x00\xffa"}
	if len(list) != 1 || list[0] != want {
		t.Errorf("files = %+v, want [%+v]", list, want)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatalf("close: %v", err)
	}
	if ents, _ := os.ReadDir(filesDir); len(ents) != 0 {
		t.Errorf("%s holds %d entries after close, want the session's folders removed", filesDir, len(ents))
	}
}

// TestNoFilesCapability: without the capability a session's PlaceFile
// and Files fail at once, and Serve answers such requests with an error.
func TestNoFilesCapability(t *testing.T) {
	t.Parallel()
	p := serveOver(t, &dirsDriver{}, ServeOptions{Name: "plain"})
	s, err := p.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close(context.Background())
	if err := s.PlaceFile(t.Context(), driver.File{Dir: driver.DocumentsDirectory, Name: "a"}); err == nil {
		t.Error("PlaceFile succeeded without the files capability")
	}
	if _, err := s.Files(t.Context(), 64); err == nil {
		t.Error("Files succeeded without the files capability")
	}
	r, err := p.request(t.Context(), s.(*session), Message{Type: TypeFiles, Session: "s1", Head: 1})
	if err != nil || !strings.Contains(r.Error, "no files capability") {
		t.Errorf("files request to a plain Serve = %+v, %v; want an error reply", r, err)
	}
}

// TestFilesWire: contents and heads that are not UTF-8 travel as $bytes,
// an empty listing as [], and a head that is neither string nor $bytes is
// a protocol error.
func TestFilesWire(t *testing.T) {
	t.Parallel()
	line, err := Encode(Message{Type: TypePlace, ID: 1, Session: "s1",
		File: &PlaceFile{Dir: driver.DocumentsDirectory, Name: "a", Content: "\xff"}})
	if err != nil || !strings.Contains(string(line), `"content":{"$bytes":"/w=="}`) {
		t.Errorf("place line %s, %v; want $bytes content", line, err)
	}
	m, err := Decode(line)
	if err != nil || text(m.File.Content) != "\xff" {
		t.Errorf("decoded place %+v, %v", m.File, err)
	}
	none := []FileEntry{}
	line, _ = Encode(Message{Type: TypeReply, ID: 2, Files: &none})
	if !strings.Contains(string(line), `"files":[]`) {
		t.Errorf("empty listing %s, want files:[]", line)
	}
	if m, err := Decode(line); err != nil || m.Files == nil || m.results() != 1 {
		t.Errorf("empty listing decodes to %+v, %v; want one result", m, err)
	}
	_, err = Decode([]byte(`{"type":"reply","id":2,"files":[{"dir":"DocumentsDirectory","name":"a","size":1,"sha256":"x","head":7}]}`))
	if err == nil || !strings.Contains(err.Error(), "files entry 0 head") {
		t.Errorf("numeric head: %v, want a protocol error", err)
	}
}
