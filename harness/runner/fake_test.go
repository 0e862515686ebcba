package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/mockserver"
)

// fakeFixture is an in-memory Fixture: no sockets. Tests add journal
// records with record.
type fakeFixture struct {
	mu        sync.Mutex
	changed   chan struct{}
	scenarios map[string]mockserver.Scenario
	installed []string
	journal   map[string][]mockserver.Record
}

func newFakeFixture() *fakeFixture {
	return &fakeFixture{changed: make(chan struct{}), scenarios: map[string]mockserver.Scenario{},
		journal: map[string][]mockserver.Record{}}
}

func (f *fakeFixture) URLs() mockserver.URLs {
	return mockserver.URLs{HTTP: "http://fake.test", HTTPS: "https://fake.test", Untrusted: "https://untrusted.test",
		Expired: "https://expired.test", WrongHost: "https://wrong.test"}
}
func (f *fakeFixture) CACertPEM() []byte { return []byte("fake pem") }
func (f *fakeFixture) CAFile() string    { return "/nonexistent/ca.pem" }

func (f *fakeFixture) Install(ns string, sc mockserver.Scenario, _ ...mockserver.InstallOption) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scenarios[ns] = sc
	f.installed = append(f.installed, ns)
	return nil
}

// namespace returns the namespace installed last.
func (f *fakeFixture) namespace() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.installed[len(f.installed)-1]
}

func (f *fakeFixture) Remove(ns string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.scenarios, ns)
}

func (f *fakeFixture) Journal(ns string) []mockserver.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]mockserver.Record(nil), f.journal[ns]...)
}

// record appends a finished request to ns's journal.
func (f *fakeFixture) record(ns string, r mockserver.Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.journal[ns] = append(f.journal[ns], r)
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeFixture) Await(ctx context.Context, ns string, cond func([]mockserver.Record) bool) error {
	for {
		f.mu.Lock()
		ok, ch := cond(append([]mockserver.Record(nil), f.journal[ns]...)), f.changed
		f.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// fakeDriver runs a script per call instead of an implementation.
type fakeDriver struct {
	caps    driver.Capabilities
	openErr error
	// onCall runs synchronously in Call; it may emit events or start a
	// goroutine with s.Go. A non-nil error is returned from Call.
	onCall func(s *fakeSession, h string, c driver.Call) error
	// onCancel, if set, runs after a cancel was recorded.
	onCancel func(s *fakeSession, h string)
	closeErr error

	mu     sync.Mutex
	cfgs   []driver.Config
	closed int // sessions closed (each counted once)
	opens  int // calls of Open, failed ones too
}

// unclosed returns how many sessions were opened and not closed.
func (d *fakeDriver) unclosed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.cfgs) - d.closed
}

func (d *fakeDriver) Name() string { return "fake" }

func (d *fakeDriver) Open(_ context.Context, cfg driver.Config) (driver.Session, error) {
	d.mu.Lock()
	d.opens++
	openErr := d.openErr
	d.mu.Unlock()
	if openErr != nil {
		return nil, openErr
	}
	d.mu.Lock()
	d.cfgs = append(d.cfgs, cfg)
	d.mu.Unlock()
	caps := d.caps
	if caps.Fns == nil {
		caps = driver.Capabilities{TimeScale: true, Fns: []string{"request", "upload", "download"},
			BaseDirs: driver.BaseDirs(), CancelInListener: true}
	}
	return &fakeSession{d: d, cfg: cfg, caps: caps, events: make(chan driver.Event, 1024),
		cancelled: map[string]bool{}, stop: make(chan struct{})}, nil
}

// fakeSession delivers events through a buffered channel.
type fakeSession struct {
	d    *fakeDriver
	cfg  driver.Config
	caps driver.Capabilities

	mu        sync.Mutex
	seq       int64
	n         int
	cancelled map[string]bool
	closed    bool
	events    chan driver.Event
	stop      chan struct{} // closed by Close
	wg        sync.WaitGroup
}

func (s *fakeSession) Capabilities() driver.Capabilities { return s.caps }

func (s *fakeSession) Call(ctx context.Context, c driver.Call) (string, error) {
	s.mu.Lock()
	s.n++
	h := "h" + strconv.Itoa(s.n)
	s.mu.Unlock()
	if s.d.onCall != nil {
		if err := s.d.onCall(s, h, c); err != nil {
			return "", err
		}
	}
	return h, nil
}

// emit delivers an event for handle h unless the session is closed; it
// ignores cancellation, so scripts decide whether to honour it.
func (s *fakeSession) emit(h string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.seq++
	s.events <- driver.Event{Seq: s.seq, Kind: driver.KindEvent, Handle: h, Time: time.Now(), Fields: fields}
}

// Go runs f on a goroutine that Close waits for; f should return when stop
// is closed.
func (s *fakeSession) Go(f func(stop <-chan struct{})) {
	s.wg.Go(func() { f(s.stop) })
}

func (s *fakeSession) Cancel(_ context.Context, h string) (driver.Cancelled, error) {
	s.mu.Lock()
	known := h != "" && h[0] == 'h'
	s.cancelled[h] = true
	after := s.seq
	s.mu.Unlock()
	if s.d.onCancel != nil {
		s.d.onCancel(s, h)
	}
	var ret any
	if known {
		ret = true
	}
	return driver.Cancelled{Returned: ret, AfterSeq: after}, nil
}

func (s *fakeSession) Events() <-chan driver.Event { return s.events }
func (s *fakeSession) Logs() []string              { return []string{"fake: log line"} }

func (s *fakeSession) Close(context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	s.mu.Unlock()
	s.d.mu.Lock()
	s.d.closed++
	s.d.mu.Unlock()
	s.wg.Wait()
	close(s.events)
	return s.d.closeErr
}

// ended returns the fields of a plain ended event for call c with handle h.
func ended(h string, c driver.Call, status int, response string) map[string]any {
	return map[string]any{"name": "networkRequest", "phase": "ended", "isError": false, "status": int64(status),
		"response": response, "responseType": "text", "bytesTransferred": int64(len(response)),
		"bytesEstimated": int64(len(response)), "url": c.URL, "requestId": h}
}

// phase returns the fields of a began or progress event.
func phase(h string, c driver.Call, ph string, n int64) map[string]any {
	return map[string]any{"name": "networkRequest", "phase": ph, "isError": false, "status": int64(200),
		"bytesTransferred": n, "bytesEstimated": int64(-1), "url": c.URL, "requestId": h}
}

// stopContext returns a context cancelled when stop is closed (or cancel is
// called), for a script that does real I/O inside fakeSession.Go.
func stopContext(stop <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// readGiven reads a sandbox file through the session's config.
func (s *fakeSession) readGiven(dir, name string) (string, error) {
	base, ok := s.cfg.Dirs[dir]
	if !ok {
		return "", fmt.Errorf("no folder for %s", dir)
	}
	b, err := os.ReadFile(filepath.Join(base, name))
	if err != nil {
		return "", errors.New("read given file: " + err.Error())
	}
	return string(b), nil
}
