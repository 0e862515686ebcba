package mockserver

import (
	"errors"
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
	e      entry   // the journal's live record (space.records points at it until finish packs it)
	rec    *Record // &e.rec
	w      http.ResponseWriter
	r      *http.Request
	rc     *http.ResponseController // nil until ctl makes it
	ns     string
	rel    string
	expand func(string) string // the matched route's namespace templates
	scale  float64             // the matched route's namespace time scale

	sentHash       *hasher // kept (reset) with the pooled exchange
	sent           int64
	reqHash        *hasher // nil until the first request body byte; from s.hashes
	reqBytes       int64
	reqHead        []byte
	status         int  // the status passed to WriteHeader
	pendingHeaders bool // WriteHeader called, headers not yet flushed
	clientGone     bool
	chunkEvents    int // bodyChunk and requestRead events in rec (guarded by the space's lock)
}

// emptySHA256 is the hex SHA-256 of no bytes.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// exchange serves one request on the named listener, in namespace ns of
// space sp, at path rel relative to it.
func (s *Server) exchange(listener string, sp *space, ns, rel string, w http.ResponseWriter, r *http.Request) {
	t := now()
	x := s.getExchange()
	defer s.putExchange(x) // after finish
	x.s, x.sp, x.w, x.r, x.ns, x.rel = s, sp, w, r, ns, rel
	x.e.init(Record{
		Seq: s.seq.Add(1), Namespace: ns, Listener: listener, Method: r.Method, Path: rel,
		FullPath: r.URL.Path, Query: r.URL.RawQuery, Proto: r.Proto, TLS: r.TLS != nil,
		RemoteAddr: r.RemoteAddr, Route: -1, Received: t,
	}, r.Header, r.Host, Event{At: t, Kind: EventReceived})
	x.rec = &x.e.rec
	defer x.finish()
	m, ok := sp.add(&x.e, r.Method, rel)
	s.trimJournals()
	if !ok {
		x.notFound()
		return
	}
	x.expand, x.scale = m.route.ns.expand, m.route.ns.scale
	x.play(m)
}

// ctl returns the exchange's ResponseController, made on first use (most
// exchanges never flush or hijack).
func (x *exchange) ctl() *http.ResponseController {
	if x.rc == nil {
		x.rc = http.NewResponseController(x.w)
	}
	return x.rc
}

// note records ev (if ev.Kind is set, stamped now when ev.At is zero) and
// applies fn to the record, under the space's lock.
func (x *exchange) note(ev Event, fn func(*Record)) time.Time {
	if ev.Kind == "" {
		x.sp.event(x.rec, &x.chunkEvents, fn)
		return time.Time{}
	}
	if ev.At.IsZero() {
		ev.At = now()
	}
	x.sp.event(x.rec, &x.chunkEvents, fn, ev)
	return ev.At
}

// finish records the end of the exchange; it runs deferred, also while a
// handler aborts with http.ErrAbortHandler.
func (x *exchange) finish() {
	x.sentHash.Sum(x.sentHash.sum[:0])
	if x.reqHash != nil {
		x.reqHash.Sum(x.reqHash.sum[:0])
	}
	fn := func(r *Record) {
		r.Done = r.Events[len(r.Events)-1].At
		if r.Status == 0 {
			r.Status = x.status // sent by net/http when the handler returns
		}
		r.BytesSent = x.sent
		r.RequestBytes, r.RequestHead = x.reqBytes, x.reqHead
		x.e.sums[0] = x.sentHash.sum
		if x.reqHash != nil {
			x.e.sums[1], x.e.reqBody = x.reqHash.sum, true
		}
		x.e.summed = true
		// Queue the log line under the lock that makes Done visible:
		// a Journal or Await that sees the record done then finds its
		// line queued, and syncs it (see Server.Journal).
		x.s.logRequest(r)
	}
	done := Event{At: now(), Kind: EventDone, Bytes: x.sent}
	x.sp.eventQuiet(x.rec, &x.chunkEvents, fn, done)
	// The record is final: nothing writes it any more, so it is read
	// outside the lock. Pack it, swap it in and wake waiters.
	x.sp.store(&x.e, packEntry(&x.e))
	x.s.trimJournals()
	x.s.putHash(x.reqHash)
	x.reqHash = nil
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

// wait pauses for d scaled by the namespace's time scale; it returns false
// if the client went away or the server is closing meanwhile.
func (x *exchange) wait(d Duration) bool { return x.waitFor(x.scaled(d)) }

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

// scaled multiplies a scenario duration by the namespace's time scale.
func (x *exchange) scaled(d Duration) time.Duration {
	return time.Duration(float64(d) * x.scale)
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
		pace = x.scaled(p.Every)
	}
	buf := x.s.getBuf(size)
	defer x.s.putBuf(buf)
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
			if x.reqHash == nil {
				x.reqHash = x.s.getHash()
			}
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
// headersSent the first time, stamped before the flush (see write).
func (x *exchange) flush() error {
	t := now()
	err := x.ctl().Flush()
	x.headersHandedOver(t)
	if err != nil {
		x.closedByClient("flush: " + err.Error())
	}
	return err
}

// headersHandedOver records headersSent at t if the headers are pending.
func (x *exchange) headersHandedOver(t time.Time) {
	if x.pendingHeaders {
		x.pendingHeaders = false
		x.note(Event{At: t, Kind: EventHeadersSent, Detail: statusText(x.status)}, x.noteStatus)
	}
}

// noteStatus sets the record's status and headersSent time (the last event).
func (x *exchange) noteStatus(r *Record) {
	r.Status = x.status
	r.HeadersSent = r.Events[len(r.Events)-1].At
}

// write sends body bytes, flushes them unless told not to, and records a
// bodyChunk event (after headersSent, with the same time, when the headers
// went out with them). Unflushed bytes stay in net/http's buffer and leave
// in one write as the handler returns; the events then record when they were
// handed over (see play).
//
// The events are stamped before the write, not when it returns: a large
// write returns only once the client has read most of it, long after it saw
// the first bytes. So headersSent and bodyChunk times are lower bounds of
// when the client can see those bytes (a client's "began" is never before
// headersSent), and the gap between two chunks is at least the pause.
func (x *exchange) write(p []byte, flush bool) error {
	t := now()
	n, err := x.w.Write(p)
	x.sentHash.Write(p[:n])
	x.sent += int64(n)
	wrote := err == nil
	switch {
	case !wrote:
		x.closedByClient("write: " + err.Error())
	case flush:
		if err = x.ctl().Flush(); err != nil {
			x.closedByClient("flush: " + err.Error())
		}
	}
	chunk := Event{At: t, Kind: EventBodyChunk, Bytes: x.sent}
	if x.pendingHeaders && wrote {
		x.pendingHeaders = false
		x.sp.event(x.rec, &x.chunkEvents, x.noteSent, Event{At: t, Kind: EventHeadersSent, Detail: statusText(x.status)}, chunk)
	} else {
		x.sp.event(x.rec, &x.chunkEvents, x.noteSent, chunk)
	}
	return err
}

// noteSent sets the record's status, headersSent time (if not yet set) and
// bytes sent.
func (x *exchange) noteSent(r *Record) {
	r.Status = x.status
	if r.HeadersSent.IsZero() {
		r.HeadersSent = r.Events[len(r.Events)-1].At
	}
	r.BytesSent = x.sent
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
	_ = x.write([]byte(msg), true)
}

// writeHeader sends the status (buffered until the next flush, which
// records it with headersSent).
func (x *exchange) writeHeader(status int) {
	x.status = status
	x.w.WriteHeader(status)
	x.pendingHeaders = true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// statusText is itoa for a status code, without allocating for the common
// ones.
func statusText(code int) string {
	switch code {
	case http.StatusOK:
		return "200"
	case http.StatusNoContent:
		return "204"
	case http.StatusNotFound:
		return "404"
	}
	return itoa(int64(code))
}
