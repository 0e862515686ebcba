package mutants

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// fakeSession is an inner session driven by the test: it records calls and
// cancels, and the test pushes events on its channel.
type fakeSession struct {
	events chan driver.Event
	gate   chan struct{} // if non-nil, Call waits for it to close
	onCall func(c driver.Call)

	mu          sync.Mutex // guards the fields below
	calls       []driver.Call
	cancels     []string
	cancelAfter int64 // AfterSeq Cancel answers
	closeOnce   sync.Once
}

func newFake() *fakeSession { return &fakeSession{events: make(chan driver.Event, 64)} }

func (f *fakeSession) Capabilities() driver.Capabilities { return driver.Capabilities{} }
func (f *fakeSession) Events() <-chan driver.Event       { return f.events }
func (f *fakeSession) Logs() []string                    { return nil }

func (f *fakeSession) Call(_ context.Context, c driver.Call) (string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	h := "h" + string(rune('0'+len(f.calls)))
	f.mu.Unlock()
	if f.onCall != nil {
		f.onCall(c)
	}
	if f.gate != nil {
		<-f.gate
	}
	return h, nil
}

func (f *fakeSession) Cancel(_ context.Context, h string) (driver.Cancelled, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancels = append(f.cancels, h)
	return driver.Cancelled{Returned: true, AfterSeq: f.cancelAfter}, nil
}

func (f *fakeSession) Close(context.Context) error {
	f.closeOnce.Do(func() { close(f.events) })
	return nil
}

// ev is a listener event of handle h at inner sequence seq.
func ev(seq int64, h, phase string, kv ...any) driver.Event {
	f := map[string]any{"phase": phase, "name": "networkRequest", "requestId": h}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i].(string)] = kv[i+1]
	}
	return driver.Event{Seq: seq, Kind: driver.KindEvent, Handle: h, Fields: f}
}

// open wraps a fake in the named variant and closes it at the end.
func open(t *testing.T, name string, f *fakeSession, e *env) *session {
	t.Helper()
	v, ok := Lookup(name)
	if !ok {
		t.Fatalf("no variant %q", name)
	}
	if e == nil {
		e = &env{}
	}
	s := newSession(f, v, e)
	t.Cleanup(func() {
		_ = s.Close(context.Background())
		for range s.Events() { // let the pump finish
		}
	})
	return s
}

// next returns the next outer event.
func next(t *testing.T, s *session) driver.Event {
	t.Helper()
	select {
	case e, ok := <-s.Events():
		if !ok {
			t.Fatal("events closed early")
		}
		return e
	case <-t.Context().Done():
		t.Fatal("no event")
	}
	return driver.Event{}
}

func TestSessionRenumbersAndMapsCancel(t *testing.T) {
	t.Parallel()
	f := newFake()
	s := open(t, "ended-twice", f, nil)
	f.events <- ev(1, "h1", "began")
	f.events <- ev(2, "h1", "ended")
	f.events <- ev(3, "h2", "began")
	f.mu.Lock()
	f.cancelAfter = 2 // inner: the cancel took effect after h1's ended
	f.mu.Unlock()
	c, err := s.Cancel(t.Context(), "h2")
	if err != nil {
		t.Fatal(err)
	}
	if c.AfterSeq != 3 { // outer: began 1, ended 2, ended (copy) 3
		t.Errorf("AfterSeq = %d, want 3", c.AfterSeq)
	}
	want := []struct {
		seq   int64
		phase string
	}{{1, "began"}, {2, "ended"}, {3, "ended"}, {4, "began"}}
	for _, w := range want {
		e := next(t, s)
		if e.Seq != w.seq || phase(e) != w.phase {
			t.Errorf("got seq %d %s, want %d %s", e.Seq, phase(e), w.seq, w.phase)
		}
	}
}

func TestSessionCallGetsACopy(t *testing.T) {
	t.Parallel()
	f := newFake()
	s := open(t, "redirects-not-followed", f, nil)
	params := map[string]any{"headers": map[string]any{"A": "b"}}
	if _, err := s.Call(t.Context(), driver.Call{URL: "http://x/", Params: params}); err != nil {
		t.Fatal(err)
	}
	if _, ok := params["handleRedirects"]; ok {
		t.Error("the caller's params were changed")
	}
	f.mu.Lock()
	got := f.calls[0].Params["handleRedirects"]
	f.mu.Unlock()
	if got != false {
		t.Errorf("inner handleRedirects = %v, want false", got)
	}
}

func TestSessionEventBeforeCallReturns(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.gate = make(chan struct{})
	pushed := make(chan struct{})
	f.onCall = func(driver.Call) { // the listener runs before Call returns
		f.events <- ev(1, "h1", "began", "bytesEstimated", int64(10))
		close(pushed)
	}
	s := open(t, "upload-estimate-zero", f, nil)
	done := make(chan error, 1)
	go func() {
		_, err := s.Call(context.Background(), driver.Call{Fn: driver.FnUpload, URL: "http://x/",
			Params: map[string]any{"progress": true}})
		done <- err
	}()
	<-pushed
	select {
	case e := <-s.Events():
		t.Fatalf("event %v delivered before its call returned", e)
	default:
	}
	close(f.gate)
	e := next(t, s)
	if n := e.Fields["bytesEstimated"]; n != int64(0) {
		t.Errorf("bytesEstimated = %v, want 0 (the variant saw the call)", n)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSessionKeepDelivering(t *testing.T) {
	t.Parallel()
	f := newFake()
	s := open(t, "events-after-cancel", f, nil)
	h, err := s.Call(t.Context(), driver.Call{URL: "http://x/", CancelInListener: "began",
		Params: map[string]any{"progress": "download"}})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	inner := f.calls[0].CancelInListener
	f.mu.Unlock()
	if inner != "" {
		t.Errorf("inner CancelInListener = %q, want none", inner)
	}
	f.events <- ev(1, h, "began")
	f.events <- ev(2, h, "progress")
	if e := next(t, s); phase(e) != "began" || e.Seq != 1 {
		t.Errorf("got %d %s, want 1 began", e.Seq, phase(e))
	}
	e := next(t, s)
	if e.Kind != driver.KindCancel || e.Seq != 2 || e.Cancel == nil || e.Cancel.AfterSeq != 1 || e.Cancel.Returned != true {
		t.Errorf("got %+v, want an in-listener cancel 2 after 1 returning true", e)
	}
	if e := next(t, s); phase(e) != "progress" || e.Seq != 3 {
		t.Errorf("got %d %s, want 3 progress", e.Seq, phase(e))
	}
	c, err := s.Cancel(t.Context(), h)
	if err != nil || c.Returned != true {
		t.Errorf("Cancel(%s) = %v, %v; want true", h, c.Returned, err)
	}
	if c, _ := s.Cancel(t.Context(), "nope"); c.Returned != nil {
		t.Errorf("Cancel(unknown) = %v, want nil", c.Returned)
	}
	f.mu.Lock()
	n := len(f.cancels)
	f.mu.Unlock()
	if n != 0 {
		t.Errorf("inner Cancel called %d times, want 0", n)
	}
}

func TestDestination(t *testing.T) {
	t.Parallel()
	e := &env{dirs: map[string]string{driver.DocumentsDirectory: "/docs", driver.TemporaryDirectory: "/tmp"}}
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		call driver.Call
		want string
	}{
		{"response default dir", driver.Call{Params: map[string]any{"response": map[string]any{"filename": "a/b"}}},
			filepath.FromSlash("/docs/a/b")},
		{"response temporary", driver.Call{Params: map[string]any{"response": map[string]any{"filename": "x",
			"baseDirectory": driver.TemporaryDirectory}}}, filepath.FromSlash("/tmp/x")},
		{"download", driver.Call{Fn: driver.FnDownload, Filename: str("d")}, filepath.FromSlash("/docs/d")},
		{"escape", driver.Call{Params: map[string]any{"response": map[string]any{"filename": "../x"}}}, ""},
		{"absolute", driver.Call{Params: map[string]any{"response": map[string]any{"filename": "/etc/x"}}}, ""},
		{"no file", driver.Call{Params: map[string]any{"body": "x"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := e.destination(tc.call)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("destination = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func TestTruncateDestination(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &env{dirs: map[string]string{driver.DocumentsDirectory: dir}}
	c := driver.Call{Params: map[string]any{"response": map[string]any{"filename": "out.bin"}}}
	truncateDestination(e, &c)
	if b, err := os.ReadFile(p); err != nil || len(b) != 0 {
		t.Errorf("after truncate: %q, %v; want empty", b, err)
	}
	c.Params["response"] = map[string]any{"filename": "absent.bin"}
	truncateDestination(e, &c)
	if _, err := os.Stat(filepath.Join(dir, "absent.bin")); !os.IsNotExist(err) {
		t.Errorf("a missing destination was created: %v", err)
	}
}

// TestRowKeepsReasons checks a row records why each catching or erroring
// case did so, and nothing for a case that passed or did not pass against
// the unmodified driver.
func TestRowKeepsReasons(t *testing.T) {
	run := result.Run{Cases: []result.CaseResult{
		{ID: "a", Verdict: result.Fail, Reason: "ended.status: want 200, got 500"},
		{ID: "b", Verdict: result.Error, Reason: "driver crashed"},
		{ID: "c", Verdict: result.Pass},
		{ID: "d", Verdict: result.Warn, Reason: "not good against the reference either"},
	}}
	ref := map[string]result.Verdict{"a": result.Pass, "b": result.Pass, "c": result.Pass, "d": result.Fail}
	r := Params{}.row(Variant{Name: "v"}, true, run, ref, nil)
	want := map[string]string{"a": "ended.status: want 200, got 500", "b": "driver crashed"}
	if !maps.Equal(r.Reasons, want) {
		t.Fatalf("reasons %v, want %v", r.Reasons, want)
	}
}
