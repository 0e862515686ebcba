package mockserver

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"time"
)

// exchange is one request being served; its fields belong to the handler
// goroutine, and the record is changed only through note (under the space's
// lock).
type exchange struct {
	s      *Server
	sp     *space
	rec    *Record
	w      http.ResponseWriter
	r      *http.Request
	rc     *http.ResponseController
	ns     string
	rel    string
	expand func(string) string

	sentHash       hash.Hash
	sent           int64
	reqHash        hash.Hash
	reqBytes       int64
	reqHead        []byte
	status         int  // the status passed to WriteHeader
	pendingHeaders bool // WriteHeader called, headers not yet flushed
	clientGone     bool
}

// exchange serves one request on the named listener.
func (s *Server) exchange(listener string, w http.ResponseWriter, r *http.Request) {
	ns, rel := splitNamespace(r.URL.Path)
	sp := s.space(ns)
	if sp == nil {
		http.Error(w, "server closing", http.StatusServiceUnavailable)
		return
	}
	hdr := r.Header.Clone()
	if r.Host != "" {
		hdr.Set("Host", r.Host)
	}
	t := now()
	rec := &Record{
		Seq: s.seq.Add(1), Namespace: ns, Listener: listener, Method: r.Method, Path: rel,
		FullPath: r.URL.Path, Query: r.URL.RawQuery, Proto: r.Proto, TLS: r.TLS != nil,
		RemoteAddr: r.RemoteAddr, Headers: hdr, Route: -1, Received: t,
		Events: []Event{{At: t, Kind: EventReceived}},
	}
	sp.add(rec)
	x := &exchange{
		s: s, sp: sp, rec: rec, w: w, r: r, rc: http.NewResponseController(w), ns: ns, rel: rel,
		expand: s.templater(ns), sentHash: sha256.New(), reqHash: sha256.New(),
	}
	defer x.finish()
	m, ok := sp.match(r.Method, rel)
	if !ok {
		x.notFound()
		return
	}
	x.note(Event{}, func(r *Record) { r.Route, r.Call = m.route.index, m.call })
	x.play(m)
}

// note records an event (if ev.Kind is set, stamped now when ev.At is zero)
// and applies fn to the record, under the space's lock.
func (x *exchange) note(ev Event, fn func(*Record)) time.Time {
	if ev.Kind != "" && ev.At.IsZero() {
		ev.At = now()
	}
	x.sp.event(x.rec, ev, fn)
	return ev.At
}

// finish records the end of the exchange; it runs deferred, also while a
// handler aborts with http.ErrAbortHandler.
func (x *exchange) finish() {
	sent := hex.EncodeToString(x.sentHash.Sum(nil))
	req := hex.EncodeToString(x.reqHash.Sum(nil))
	var snap Record
	x.sp.eventQuiet(x.rec, Event{At: now(), Kind: EventDone, Bytes: x.sent}, func(r *Record) {
		r.Done = r.Events[len(r.Events)-1].At
		r.BytesSent, r.BodySHA256 = x.sent, sent
		r.RequestBytes, r.RequestSHA256, r.RequestHead = x.reqBytes, req, x.reqHead
		snap = r.clone()
	})
	// Log outside the lock (a slow log must not stall the namespace), but
	// before waking waiters, so the line exists once Await sees done.
	x.s.logRequest(&snap)
	x.sp.notify()
}

// closedByClient records, once, that the client went away mid-exchange. It
// records nothing when the server itself is closing.
func (x *exchange) closedByClient(detail string) {
	if x.clientGone {
		return
	}
	x.clientGone = true
	select {
	case <-x.s.done:
		return
	default:
	}
	x.note(Event{Kind: EventClientClosed, Detail: detail}, func(r *Record) {
		r.ClientClosed = r.Events[len(r.Events)-1].At
	})
}

// wait pauses for d scaled by the time scale; it returns false if the client
// went away or the server is closing meanwhile.
func (x *exchange) wait(d Duration) bool { return x.waitFor(x.s.scale(d)) }

// waitFor pauses for dd (already scaled); see wait.
func (x *exchange) waitFor(dd time.Duration) bool {
	if dd <= 0 {
		return true
	}
	t := time.NewTimer(dd)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-x.r.Context().Done():
		x.closedByClient("connection closed during a delay")
		return false
	case <-x.s.done:
		return false
	}
}

// scale multiplies a scenario duration by the server's time scale.
func (s *Server) scale(d Duration) time.Duration {
	return time.Duration(float64(d) * s.cfg.timeScale)
}

// readBody streams the request body through the hash (keeping its head),
// paced by ctl.SlowRead, and resets the connection after ctl.ResetAfter
// bytes. It returns false when the exchange must stop.
func (x *exchange) readBody(ctl RequestControl) bool {
	body := x.r.Body
	if body == nil || body == http.NoBody {
		return true
	}
	size, pace := 32<<10, time.Duration(0)
	if p := ctl.SlowRead; p != nil {
		size = p.Bytes
		pace = x.s.scale(p.Every)
	}
	buf := make([]byte, size)
	const maxReads = 1 << 40 // bounded: far beyond any body
	for range maxReads {
		want := len(buf)
		if ctl.ResetAfter > 0 {
			want = int(min(int64(want), ctl.ResetAfter-x.reqBytes))
		}
		if pace > 0 && x.reqBytes > 0 && !x.waitFor(pace) {
			return false
		}
		n, err := fill(body, buf[:want], pace > 0)
		if n > 0 {
			x.reqHash.Write(buf[:n])
			if keep := RequestHeadLimit - len(x.reqHead); keep > 0 {
				x.reqHead = append(x.reqHead, buf[:min(n, keep)]...)
			}
			x.reqBytes += int64(n)
			total := x.reqBytes
			x.note(Event{Kind: EventRequestRead, Bytes: total}, func(r *Record) { r.RequestBytes = total })
		}
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			x.closedByClient("read request body: " + err.Error())
			return false
		}
		if ctl.ResetAfter > 0 && x.reqBytes >= ctl.ResetAfter {
			x.fault(&Fault{Kind: FaultReset}, "after request byte "+itoa(x.reqBytes))
			return false
		}
	}
	return true
}

// fill reads into buf: once when whole is false, or until buf is full when
// true. Only io.EOF means the body ended normally.
func fill(r io.Reader, buf []byte, whole bool) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil || !whole {
			return n, err
		}
	}
	return n, nil
}

// flush pushes buffered response bytes to the connection and records
// headersSent the first time.
func (x *exchange) flush() error {
	err := x.rc.Flush()
	if x.pendingHeaders {
		x.pendingHeaders = false
		x.note(Event{Kind: EventHeadersSent, Detail: itoa(int64(x.status))}, func(r *Record) {
			r.HeadersSent = r.Events[len(r.Events)-1].At
		})
	}
	if err != nil {
		x.closedByClient("flush: " + err.Error())
	}
	return err
}

// write sends body bytes, flushes them and records a bodyChunk event.
func (x *exchange) write(p []byte) error {
	n, err := x.w.Write(p)
	x.sentHash.Write(p[:n])
	x.sent += int64(n)
	if err == nil {
		err = x.flush()
	} else {
		x.closedByClient("write: " + err.Error())
	}
	total := x.sent
	x.note(Event{Kind: EventBodyChunk, Bytes: total}, func(r *Record) { r.BytesSent = total })
	return err
}

// notFound answers an unmatched request with a 404 explaining the near
// misses, after reading its body.
func (x *exchange) notFound() {
	if !x.readBody(RequestControl{}) {
		return
	}
	msg := x.sp.nearMiss(x.r.Method, x.rel)
	h := x.w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", itoa(int64(len(msg))))
	x.writeHeader(http.StatusNotFound)
	if x.r.Method == http.MethodHead {
		_ = x.flush()
		return
	}
	_ = x.write([]byte(msg))
}

// writeHeader sends the status (buffered until the next flush).
func (x *exchange) writeHeader(status int) {
	x.status = status
	x.note(Event{}, func(r *Record) { r.Status = status })
	x.w.WriteHeader(status)
	x.pendingHeaders = true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
