package refdriver_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/impl"
	"github.com/netconform/netconform/mockserver"
)

// Data safety under faults (issue 7; rules F3, F4, C1, C2): for every way
// the mock server can break a download, and a timeout and a cancel, at every
// point of the exchange, a download with params.response over an existing
// file leaves that file byte-identical (the same file, not a copy) and
// leaves no temporary file in its folder.

// safetyScale is the engine's time scale: timeout 2 lasts 100 ms.
const safetyScale = 0.05

// safetyBody is the size of every response body: the mid-body faults come
// after half of it.
const safetyBody = 64 << 10

// long is a server-side wait that no case should live to see end: the
// client gives up first (the handlers watch the connection, so nothing
// lingers).
const long = mockserver.Duration(5 * time.Second)

// cancelAt says where a case cancels the request itself.
type cancelAt int

const (
	noCancel            cancelAt = iota
	cancelReceived               // from the test, once the server has the request (before the status)
	cancelBegan                  // from the listener, at began (after the headers)
	cancelFirstProgress          // from the listener, at the first progress (mid-body)
)

// safetyCase is one way for a download to fail.
type safetyCase struct {
	name   string
	resp   mockserver.Response
	cancel cancelAt
	// timeout is params.timeout; 0 is the default 30 (1.5 s here), so only
	// the idle timeout cases can time out, even on a loaded machine.
	timeout float64
}

// safetyCases returns every fault kind at every point, a lying length, the
// idle timeout and a cancel at each point.
func safetyCases() []safetyCase {
	body := mockserver.Body{Generate: &mockserver.Generate{Size: safetyBody, Seed: 9}}
	var cs []safetyCase
	kinds := []string{mockserver.FaultReset, mockserver.FaultClose, mockserver.FaultMalformedChunk, mockserver.FaultGarbage}
	for _, kind := range kinds {
		for _, at := range []string{mockserver.AtBeforeStatus, mockserver.AtAfterHeaders, mockserver.AtAfterBody} {
			if kind == mockserver.FaultMalformedChunk && at == mockserver.AtBeforeStatus {
				continue // needs a chunked body under way (Validate refuses it)
			}
			f := &mockserver.Fault{Kind: kind, At: at}
			if at == mockserver.AtAfterBody {
				f.Bytes = safetyBody / 2 // mid-body: with all of it, a close would be a success
			}
			cs = append(cs, safetyCase{name: "fault " + kind + " " + at, resp: mockserver.Response{Body: body, Fault: f}})
		}
	}
	cs = append(cs,
		safetyCase{name: "lying length (truncated)", resp: mockserver.Response{Body: body,
			Length: mockserver.Length{Mode: mockserver.LengthLie, Lie: 100}}},
		safetyCase{name: "truncated chunked body (close mid-body)", resp: mockserver.Response{Body: body,
			Length: mockserver.Length{Mode: mockserver.LengthNone},
			Fault:  &mockserver.Fault{Kind: mockserver.FaultClose, At: mockserver.AtAfterBody, Bytes: safetyBody / 2}}},
		safetyCase{name: "idle timeout beforeStatus", resp: mockserver.Response{Body: body, DelayHeaders: long}, timeout: 2},
		safetyCase{name: "idle timeout afterHeaders", resp: mockserver.Response{Body: body, DelayBody: long}, timeout: 2},
		safetyCase{name: "idle timeout midBody", resp: mockserver.Response{Body: body,
			Trickle: &mockserver.Trickle{Bytes: safetyBody / 2, Every: long}}, timeout: 2},
		safetyCase{name: "cancel beforeStatus", resp: mockserver.Response{Body: body, DelayHeaders: long},
			cancel: cancelReceived},
		safetyCase{name: "cancel afterHeaders", resp: mockserver.Response{Body: body, DelayBody: long},
			cancel: cancelBegan},
		safetyCase{name: "cancel midBody", resp: mockserver.Response{Body: body,
			Trickle: &mockserver.Trickle{Bytes: safetyBody / 4, Every: mockserver.Duration(time.Second)}},
			cancel: cancelFirstProgress},
	)
	return cs
}

// oldContent is what the destination holds before each download.
var oldContent = append([]byte("old content\x00\xff\r\n"), bytes.Repeat([]byte{0xa5}, 4096)...)

func TestResponseFileSafeUnderFaults(t *testing.T) {
	t.Parallel()
	srv, err := mockserver.New()
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	i := 0
	for _, scheme := range []string{"http", "https"} {
		for _, tc := range safetyCases() {
			i++
			ns := "safety" + strconv.Itoa(i)
			if err := srv.Install(ns, mockserver.Scenario{Routes: []mockserver.Route{{Path: "/f", Response: tc.resp}}}); err != nil {
				t.Fatalf("install %s: %v", tc.name, err)
			}
			base := srv.URLs().HTTP
			if scheme == "https" {
				base = srv.URLs().HTTPS
			}
			t.Run(scheme+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				checkSafeDownload(t, srv, ns, base+mockserver.NamespacePath(ns)+"/f", tc)
			})
		}
	}
	t.Run("control: a clean download replaces the file", func(t *testing.T) {
		t.Parallel()
		if err := srv.Install("safety-ok", mockserver.Scenario{Routes: []mockserver.Route{{Path: "/f",
			Response: mockserver.Response{Body: mockserver.Body{Text: "new"}}}}}); err != nil {
			t.Fatal(err)
		}
		e, path := newSafetyEngine(t, srv)
		rec := newEventLog(nil)
		if _, err := e.Request(srv.URLs().HTTP+mockserver.NamespacePath("safety-ok")+"/f", "GET", rec.listen,
			&impl.Params{Response: &impl.FileRef{Filename: "dl/out.bin"}}); err != nil {
			t.Fatal(err)
		}
		if ev := rec.wait(t); ev.IsError || ev.Status != 200 {
			t.Fatalf("ended %+v, want a 200 success", ev)
		}
		if got, _ := os.ReadFile(path); string(got) != "new" {
			t.Errorf("file %q, want the new body", got)
		}
		checkFolder(t, path)
	})
}

// checkSafeDownload downloads url over an existing file, breaks it as tc
// says, and checks the file and its folder.
func checkSafeDownload(t *testing.T, srv *mockserver.Server, ns, url string, tc safetyCase) {
	t.Helper()
	e, path := newSafetyEngine(t, srv)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var h *impl.Handle
	var sawPart bool
	cancelled := make(chan struct{})
	rec := newEventLog(func(ev impl.Event) {
		switch {
		case tc.cancel == cancelBegan && ev.Phase == impl.Began,
			tc.cancel == cancelFirstProgress && ev.Phase == impl.Progress && ev.BytesTransferred < safetyBody:
			sawPart = hasPart(t, filepath.Dir(path))
			e.Cancel(ev.RequestID)
			close(cancelled)
		}
	})
	p := &impl.Params{Response: &impl.FileRef{Filename: "dl/out.bin"}, Timeout: tc.timeout}
	if tc.cancel == cancelBegan || tc.cancel == cancelFirstProgress {
		p.Progress = impl.ProgressDownload
	}
	h, err = e.Request(url, "GET", rec.listen, p)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if tc.cancel == noCancel {
		ev := rec.wait(t)
		if !ev.IsError || ev.Status != -1 && ev.Status != 200 || ev.Response == nil || ev.Response.File != nil {
			t.Errorf("ended %+v, want isError and no file table (E8, F3)", ev)
		}
	} else {
		if tc.cancel == cancelReceived {
			ctx, stop := context.WithTimeout(t.Context(), 20*time.Second)
			defer stop()
			if err := srv.Await(ctx, ns, mockserver.HasEvent(mockserver.EventReceived)); err != nil {
				t.Fatal(err)
			}
			e.Cancel(h)
		} else {
			select {
			case <-cancelled:
			case <-rec.ended:
				t.Fatalf("ended before the cancel point: %+v", rec.wait(t))
			case <-time.After(20 * time.Second):
				t.Fatalf("cancel point never reached: %v", rec.phases())
			}
			if tc.cancel == cancelFirstProgress && !sawPart {
				t.Errorf("no temporary file mid-body: the case does not test what it says")
			}
		}
		if err := e.Close(); err != nil { // waits for the transfer to wind down
			t.Fatal(err)
		}
		if ph := rec.phases(); slices.Contains(ph, impl.Ended) {
			t.Errorf("phases %v after a cancel, want no ended (C1)", ph)
		}
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatalf("destination gone: %v (F3)", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, oldContent) {
		t.Errorf("destination changed: %d bytes %.40q..., want the old %d bytes (F3)", len(got), got, len(oldContent))
	}
	if !os.SameFile(before, after) {
		t.Errorf("destination was replaced by another file with the same content (F3)")
	}
	checkFolder(t, path)
}

// newSafetyEngine returns an engine trusting srv at safetyScale, closed at
// cleanup, and the path of Documents/dl/out.bin holding oldContent.
func newSafetyEngine(t *testing.T, srv *mockserver.Server) (*impl.Engine, string) {
	t.Helper()
	e, err := impl.New(impl.WithSandbox(t.TempDir()), impl.WithTimeScale(safetyScale),
		impl.WithRootCAs(srv.CACertPool()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	path, err := e.Path("dl/out.bin", impl.DocumentsDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, oldContent, 0o644); err != nil {
		t.Fatal(err)
	}
	return e, path
}

// checkFolder fails unless the destination's folder holds only it (F4).
func checkFolder(t *testing.T, path string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{filepath.Base(path)}) {
		t.Errorf("folder holds %q, want only %q (F4)", names, filepath.Base(path))
	}
}

// hasPart reports whether dir holds a file besides out.bin (the download's
// temporary file).
func hasPart(t *testing.T, dir string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Error(err)
		return false
	}
	return len(ents) > 1
}

// eventLog records a request's events; on runs first on the engine's
// listener goroutine.
type eventLog struct {
	on    func(impl.Event)
	ended chan struct{}

	mu     sync.Mutex // guards events
	events []impl.Event
}

func newEventLog(on func(impl.Event)) *eventLog {
	return &eventLog{on: on, ended: make(chan struct{})}
}

// listen is the impl.Listener.
func (l *eventLog) listen(ev impl.Event) {
	if l.on != nil {
		l.on(ev)
	}
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
	if ev.Phase == impl.Ended {
		close(l.ended)
	}
}

// phases lists the phases so far.
func (l *eventLog) phases() []impl.Phase {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ph []impl.Phase
	for _, ev := range l.events {
		ph = append(ph, ev.Phase)
	}
	return ph
}

// wait returns the ended event, failing after 20 s.
func (l *eventLog) wait(t *testing.T) impl.Event {
	t.Helper()
	select {
	case <-l.ended:
	case <-time.After(20 * time.Second):
		t.Fatalf("no ended event; phases %v", l.phases())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.events[len(l.events)-1]
}
