package proto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/netconform/netconform/harness/driver"
)

// ServeOptions describes the implementation [Serve] offers.
type ServeOptions struct {
	// Name is the name sent in hello.
	Name string
	// Capabilities are sent in hello.
	Capabilities driver.Capabilities
	// MaxLine bounds the lines read (0 means MaxLine).
	MaxLine int
	// Files serves the files capability (announced in hello): each session
	// gets fresh folders of its own in FilesDir ("" means os.TempDir), which
	// its driver.Config.Dirs then name whatever the harness sent, the
	// harness places and lists files through place and files requests, and
	// Serve removes the folders when the session closes. So a driver whose
	// file system the harness cannot read (another machine, a container)
	// is judged on its files all the same.
	Files    bool
	FilesDir string
	// Sessions is how many sessions Serve runs at once (announced in hello;
	// 0 means one at a time). d must then allow that many open sessions.
	Sessions int
}

// Serve is the driver end of the protocol: it says hello on w, then serves
// the harness's requests read from r with sessions of d, one at a time or
// up to opts.Sessions at once, keeping the protocol's ordering (a call's reply before its events, a
// cancel's reply after the events it follows). It returns nil after bye or
// at the end of r, an error when r or w fail or the harness breaks the
// protocol. When ctx ends it closes the open sessions and returns; a Read
// blocked on r is the caller's to unblock (by closing r).
func Serve(ctx context.Context, r io.Reader, w io.Writer, d driver.Driver, opts ServeOptions) error {
	srv := &server{d: d, w: w, opts: opts, served: make(map[string]*served)}
	caps := opts.Capabilities
	caps.Files = opts.Files
	caps.Sessions = 0
	if opts.Sessions > 1 {
		caps.Sessions = opts.Sessions
	}
	if err := srv.write(Hello(opts.Name, caps)); err != nil {
		return err
	}
	lines := make(chan lineResult)
	stop := make(chan struct{})
	defer close(stop)
	go readLines(NewLineReader(r, opts.MaxLine), lines, stop)
	defer srv.closeAll(context.WithoutCancel(ctx))
	welcomed := false
	for {
		var lr lineResult
		select {
		case lr = <-lines:
		case <-ctx.Done():
			return fmt.Errorf("serve: %w", context.Cause(ctx))
		}
		if lr.err == io.EOF {
			return nil
		}
		if lr.err != nil {
			return fmt.Errorf("serve: read: %w", lineError(lr.err))
		}
		m := lr.m
		switch {
		case m.Type == TypeBye:
			return nil
		case !welcomed && (m.Type != TypeWelcome || m.Version != Version):
			return violation("want welcome to version %d, got %s version %d", Version, m.Type, m.Version)
		case !welcomed:
			welcomed = true
			continue
		}
		if err := srv.handle(ctx, m); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
}

// lineResult is one decoded line or the reading error.
type lineResult struct {
	m   Message
	err error
}

// readLines decodes lines into out until an error or stop.
func readLines(lr *LineReader, out chan<- lineResult, stop <-chan struct{}) {
	for {
		line, err := lr.ReadLine()
		var res lineResult
		if err != nil {
			res.err = err
		} else {
			res.m, res.err = Decode(line)
		}
		select {
		case out <- res:
		case <-stop:
			return
		}
		if res.err != nil {
			return
		}
	}
}

// server is Serve's state.
type server struct {
	d      driver.Driver
	opts   ServeOptions
	wmu    sync.Mutex // serialises writes
	w      io.Writer
	served map[string]*served // the open sessions by id; only the Serve loop touches it
}

// served is one session being served.
type served struct {
	id       string
	s        driver.Session
	folders  *driver.Folders // the session's own (ServeOptions.Files), or nil
	logsSent int
	fwdDone  chan struct{}

	mu        sync.Mutex // guards below; cond waits on it
	cond      *sync.Cond
	announced map[string]bool // handles whose call reply was written
	written   int64           // seq of the last event written
	closing   bool
	fwdExited bool
	writeErr  error
}

// write encodes and writes one message.
func (srv *server) write(m Message) error {
	line, err := Encode(m)
	if err != nil {
		return err
	}
	srv.wmu.Lock()
	defer srv.wmu.Unlock()
	if _, err := srv.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", m.Type, err)
	}
	return nil
}

// reply writes a reply to request m.
func (srv *server) reply(m Message, r Message) error {
	r.Type, r.ID = TypeReply, m.ID
	return srv.write(r)
}

// handle serves one request.
func (srv *server) handle(ctx context.Context, m Message) error {
	if m.Type == TypeOpen {
		return srv.open(ctx, m)
	}
	switch m.Type {
	case TypeCall, TypeCancel, TypeClose, TypePlace, TypeFiles:
	default:
		return violation("unexpected %s message from the harness", m.Type)
	}
	sv := srv.served[m.Session]
	if sv == nil {
		return srv.reply(m, Message{Error: "no open session " + quote(m.Session)})
	}
	switch m.Type {
	case TypeCall:
		return srv.call(ctx, sv, m)
	case TypePlace:
		return srv.place(sv, m)
	case TypeFiles:
		return srv.files(sv, m)
	case TypeCancel:
		c, err := sv.s.Cancel(ctx, m.Handle)
		if err != nil {
			return srv.reply(m, Message{Error: err.Error()})
		}
		sv.waitWritten(c.AfterSeq)
		if err := srv.sendLogs(sv); err != nil {
			return err
		}
		return srv.reply(m, Message{Cancelled: &c})
	}
	err := srv.closeSession(ctx, sv)
	if err != nil {
		return srv.reply(m, Message{Error: err.Error()})
	}
	return srv.reply(m, Message{OK: true})
}

// open starts a session and its event forwarder.
func (srv *server) open(ctx context.Context, m Message) error {
	if n := max(srv.opts.Sessions, 1); len(srv.served) >= n {
		return srv.reply(m, Message{Error: fmt.Sprintf("%d sessions are still open, as many as this driver serves at once", n)})
	}
	if m.Config == nil || m.Session == "" {
		return srv.reply(m, Message{Error: "open needs a session and a config"})
	}
	if srv.served[m.Session] != nil {
		return srv.reply(m, Message{Error: "session " + quote(m.Session) + " is already open"})
	}
	cfg := *m.Config
	var folders *driver.Folders
	if srv.opts.Files {
		var err error
		if folders, err = driver.NewFolders(srv.opts.FilesDir, "netconform-session-"); err != nil {
			return srv.reply(m, Message{Error: err.Error()})
		}
		cfg.Dirs = folders.Dirs
	}
	s, err := srv.d.Open(ctx, cfg)
	if err != nil {
		if folders != nil {
			_ = folders.Remove()
		}
		return srv.reply(m, Message{Error: err.Error()})
	}
	sv := &served{id: m.Session, s: s, folders: folders, fwdDone: make(chan struct{}), announced: make(map[string]bool)}
	sv.cond = sync.NewCond(&sv.mu)
	srv.served[sv.id] = sv
	go srv.forward(sv)
	return srv.reply(m, Message{OK: true})
}

// call makes a call; its reply is written before any of its events.
func (srv *server) call(ctx context.Context, sv *served, m Message) error {
	if m.Call == nil {
		return srv.reply(m, Message{Error: "call without arguments"})
	}
	h, err := sv.s.Call(ctx, *m.Call)
	if lerr := srv.sendLogs(sv); lerr != nil {
		return lerr
	}
	var rej *driver.RejectedError
	switch {
	case errors.As(err, &rej):
		return srv.reply(m, Message{Rejected: rej})
	case err != nil:
		return srv.reply(m, Message{Error: err.Error()})
	case h == "":
		return srv.reply(m, Message{Error: "the implementation returned an empty handle"})
	}
	if err := srv.reply(m, Message{Handle: h}); err != nil {
		return err
	}
	sv.mu.Lock()
	sv.announced[h] = true
	sv.cond.Broadcast()
	sv.mu.Unlock()
	return nil
}

// closeAll closes every open session.
func (srv *server) closeAll(ctx context.Context) {
	for _, sv := range srv.served {
		_ = srv.closeSession(ctx, sv)
	}
}

// closeSession closes an open session, waits until its last event was
// written and sends its last log lines.
func (srv *server) closeSession(ctx context.Context, sv *served) error {
	delete(srv.served, sv.id)
	sv.mu.Lock()
	sv.closing = true
	sv.cond.Broadcast()
	sv.mu.Unlock()
	err := sv.s.Close(ctx)
	<-sv.fwdDone
	if lerr := srv.sendLogs(sv); lerr != nil && err == nil {
		err = lerr
	}
	sv.mu.Lock()
	if sv.writeErr != nil && err == nil {
		err = sv.writeErr
	}
	sv.mu.Unlock()
	if sv.folders != nil {
		if rerr := sv.folders.Remove(); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// forward writes the session's events in order, each once its handle was
// announced (or the session is closing).
func (srv *server) forward(sv *served) {
	defer close(sv.fwdDone)
	defer func() {
		sv.mu.Lock()
		sv.fwdExited = true
		sv.cond.Broadcast()
		sv.mu.Unlock()
	}()
	for ev := range sv.s.Events() {
		sv.mu.Lock()
		for !sv.announced[ev.Handle] && !sv.closing {
			sv.cond.Wait()
		}
		failed := sv.writeErr != nil
		sv.mu.Unlock()
		var err error
		if !failed {
			err = srv.write(eventMessage(sv.id, ev))
		}
		sv.mu.Lock()
		if err != nil {
			sv.writeErr = err
		}
		sv.written = ev.Seq
		sv.cond.Broadcast()
		sv.mu.Unlock()
	}
}

// waitWritten waits until the event seq was written (or the forwarder ended).
func (sv *served) waitWritten(seq int64) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for sv.written < seq && !sv.fwdExited {
		sv.cond.Wait()
	}
}

// sendLogs writes the session's new log lines.
func (srv *server) sendLogs(sv *served) error {
	logs := sv.s.Logs()
	for _, l := range logs[min(sv.logsSent, len(logs)):] {
		if err := srv.write(Message{Type: TypeLog, Session: sv.id, Line: l}); err != nil {
			return err
		}
	}
	sv.logsSent = len(logs)
	return nil
}
