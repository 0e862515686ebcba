package refdriver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/testkit"
	"github.com/netconform/netconform/mockserver"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// setup starts a mock server with sc under namespace "t" and opens a session
// on a fresh sandbox at time scale 0.05.
func setup(t *testing.T, sc mockserver.Scenario) (driver.Session, string) {
	t.Helper()
	return setupAt(t, sc, 0.05)
}

// setupAt is setup at the given time scale.
func setupAt(t *testing.T, sc mockserver.Scenario, scale float64) (driver.Session, string) {
	t.Helper()
	srv := testkit.Server(t)
	if err := srv.Install("t", sc); err != nil {
		t.Fatalf("install: %v", err)
	}
	dirs := map[string]string{}
	for _, d := range driver.BaseDirs() {
		dirs[d] = filepath.Join(t.TempDir(), d)
		if err := os.Mkdir(dirs[d], 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New().Open(t.Context(), driver.Config{Dirs: dirs, CAPEM: string(srv.CACertPEM()), TimeScale: scale})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { closeDrain(t, s) })
	return s, srv.URLs().HTTP + mockserver.NamespacePath("t")
}

// closeDrain closes s and reads what is left of its events.
func closeDrain(t *testing.T, s driver.Session) []driver.Event {
	t.Helper()
	done := make(chan []driver.Event)
	go func() {
		var evs []driver.Event
		for ev := range s.Events() {
			evs = append(evs, ev)
		}
		done <- evs
	}()
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("close: %v", err)
	}
	return <-done
}

// until reads events until one of handle h has the phase, or the channel closes.
func until(t *testing.T, s driver.Session, h, phase string) []driver.Event {
	t.Helper()
	var evs []driver.Event
	for ev := range s.Events() {
		evs = append(evs, ev)
		if ev.Handle == h && ev.Fields["phase"] == phase {
			return evs
		}
	}
	t.Fatalf("events closed before %s %s: %v", h, phase, evs)
	return nil
}

func TestRequestEvents(t *testing.T) {
	t.Parallel()
	s, base := setup(t, mockserver.Scenario{Routes: []mockserver.Route{{Path: "/x",
		Response: mockserver.Response{Body: mockserver.Body{Text: "hello"}}}}})
	url := base + "/x"
	h, err := s.Call(t.Context(), driver.Call{Fn: driver.FnRequest, URL: url,
		Params: map[string]any{"progress": "download"}})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	evs := until(t, s, h, "ended")
	var phases []string
	for i, ev := range evs {
		phases = append(phases, ev.Fields["phase"].(string))
		if ev.Seq != int64(i+1) || ev.Kind != driver.KindEvent || ev.Time.IsZero() {
			t.Errorf("event %d: seq %d kind %q time %v", i, ev.Seq, ev.Kind, ev.Time)
		}
		if ev.Fields["requestId"] != h || ev.Fields["url"] != url || ev.Fields["name"] != "networkRequest" {
			t.Errorf("event %d fields %v, want requestId %s and url %s", i, ev.Fields, h, url)
		}
	}
	if phases[0] != "began" || phases[len(phases)-1] != "ended" {
		t.Errorf("phases %v", phases)
	}
	end := evs[len(evs)-1].Fields
	if end["status"] != int64(200) || end["response"] != "hello" || end["isError"] != false {
		t.Errorf("ended fields %v", end)
	}
	if _, ok := end["responseHeaders"].(map[string]any); !ok {
		t.Errorf("responseHeaders %T, want a map", end["responseHeaders"])
	}
}

func TestRejected(t *testing.T) {
	t.Parallel()
	s, base := setup(t, mockserver.Scenario{})
	tests := []struct {
		name string
		c    driver.Call
	}{
		{"bad params", driver.Call{URL: base + "/x", Params: map[string]any{"progress": "sideways"}}},
		// A URL that cannot be fetched ends with an error event (B1, info); a
		// bodyType wrong in any letter case is still refused.
		{"bad bodyType", driver.Call{URL: base + "/x", Params: map[string]any{"bodyType": "json", "body": "x"}}},
	}
	for _, tc := range tests {
		_, err := s.Call(t.Context(), tc.c)
		var rej *driver.RejectedError
		if !errors.As(err, &rej) || !strings.HasPrefix(rej.Message, "network: ") {
			t.Errorf("%s: err %v, want a RejectedError with a network: message", tc.name, err)
		}
	}
	if logs := s.Logs(); len(logs) != 2 || !strings.Contains(logs[0], "network: ") {
		t.Errorf("logs %q, want one line per rejection", logs)
	}
}

// TestCancelOrdering: a cancel reports the last event delivered before it,
// and nothing of that handle follows; an unknown token gives nil (C3).
func TestCancelOrdering(t *testing.T) {
	t.Parallel()
	s, base := setup(t, mockserver.Scenario{Routes: []mockserver.Route{{Path: "/slow",
		Response: mockserver.Response{Body: mockserver.Body{Generate: &mockserver.Generate{Size: 4096}},
			Trickle: &mockserver.Trickle{Chunks: 4, Total: mockserver.Duration(4e9)}}}}})
	h, err := s.Call(t.Context(), driver.Call{URL: base + "/slow", Params: map[string]any{"progress": "download"}})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	evs := until(t, s, h, "began")
	c, err := s.Cancel(t.Context(), h)
	if err != nil || c.Returned != true || c.AfterSeq < evs[len(evs)-1].Seq {
		t.Fatalf("cancel = %+v, %v; want true after seq %d", c, err, evs[len(evs)-1].Seq)
	}
	for _, ev := range closeDrain(t, s) {
		if ev.Handle == h && ev.Seq > c.AfterSeq {
			t.Errorf("event after cancel: %+v", ev)
		}
	}
	if c, err := s.Cancel(t.Context(), "nope"); err != nil || c.Returned != nil {
		t.Errorf("cancel(unknown) = %+v, %v; want nil", c, err)
	}
}

// TestCancelFromAnotherGoroutine: a cancel issued from the caller's goroutine
// while progress events stream falls exactly between two deliveries: no
// event of the handle is delivered after the one its AfterSeq names (C1).
func TestCancelFromAnotherGoroutine(t *testing.T) {
	t.Parallel()
	// At time scale 1e-4 the progress interval is 100 µs: about one progress
	// event per 100-byte chunk, one chunk a millisecond.
	s, base := setupAt(t, mockserver.Scenario{Routes: []mockserver.Route{
		{Path: "/stream", Response: mockserver.Response{Body: mockserver.Body{Generate: &mockserver.Generate{Size: 200000}},
			Trickle: &mockserver.Trickle{Bytes: 100, Every: mockserver.Duration(time.Millisecond)}}},
		{Path: "/quick", Response: mockserver.Response{Body: mockserver.Body{Text: "ok"}}},
	}}, 1e-4)
	const rounds = 25
	for i := range rounds {
		h, err := s.Call(t.Context(), driver.Call{URL: base + "/stream",
			Params: map[string]any{"progress": "download", "timeout": 1e4}})
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		for range 1 + i%5 { // cancel after a varying number of progress events
			until(t, s, h, "progress")
		}
		c, err := s.Cancel(t.Context(), h)
		if err != nil || c.Returned != true {
			t.Fatalf("round %d: cancel = %+v, %v; want true", i, c, err)
		}
		// A request made after the cancel: its ended follows every delivery
		// that could have raced with the cancel.
		q, err := s.Call(t.Context(), driver.Call{URL: base + "/quick"})
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		for _, ev := range until(t, s, q, "ended") {
			if ev.Handle == h && ev.Seq > c.AfterSeq {
				t.Fatalf("round %d: %s event seq %d after the cancel at seq %d (C1)", i, ev.Fields["phase"], ev.Seq, c.AfterSeq)
			}
		}
	}
}

// TestCancelInListener: the driver's listener cancels at began and reports
// it right after began; nothing else of the handle follows.
func TestCancelInListener(t *testing.T) {
	t.Parallel()
	s, base := setup(t, mockserver.Scenario{Routes: []mockserver.Route{{Path: "/slow",
		Response: mockserver.Response{Body: mockserver.Body{Generate: &mockserver.Generate{Size: 4096}},
			Trickle: &mockserver.Trickle{Chunks: 4, Total: mockserver.Duration(4e9)}}}}})
	h, err := s.Call(t.Context(), driver.Call{URL: base + "/slow", Params: map[string]any{"progress": "download"},
		CancelInListener: driver.PhaseBegan})
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	began := until(t, s, h, "began")
	next := <-s.Events()
	if next.Kind != driver.KindCancel || next.Cancel == nil || next.Cancel.Returned != true ||
		next.Cancel.AfterSeq != began[len(began)-1].Seq || next.Handle != h {
		t.Fatalf("after began got %+v, want the in-listener cancel report", next)
	}
	if rest := closeDrain(t, s); len(rest) != 0 {
		t.Errorf("events after the in-listener cancel: %+v", rest)
	}
}

func TestOpenNeedsEveryFolder(t *testing.T) {
	t.Parallel()
	_, err := New().Open(t.Context(), driver.Config{Dirs: map[string]string{driver.DocumentsDirectory: t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "no folder") {
		t.Errorf("Open = %v, want a missing-folder error", err)
	}
}
