package mockserver

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// lineLog writes the per-request log lines (WithRequestLog) from a goroutine
// of its own, in batches. A Write is a system call that costs about as much
// as serving a small response, so handlers only queue their line: the
// writer goroutine lets lines gather for batchDelay after the first, then
// hands them all to one Write. Journal and Await call sync first, which
// writes at once, so a line is written once the journal shows its request
// done, as when handlers wrote it themselves. A writer slower than the
// requests (a stalled pipe) makes handlers wait once maxPending bytes are
// queued (holding their namespace's lock: its Journal would wait for the
// sync anyway).
type lineLog struct {
	w      io.Writer
	wake   chan struct{} // capacity 1: lines are queued
	urgent chan struct{} // capacity 1: sync waits, write now
	stop   chan struct{} // closed by close
	done   chan struct{} // closed when the writer goroutine ends

	mu      sync.Mutex // guards the fields below
	cond    sync.Cond  // broadcast (L is &mu) when a write ends
	pending []byte     // lines queued, not yet written
	spare   []byte     // the last written batch's buffer, for reuse
	queued  uint64     // lines queued since the start
	written uint64     // lines written since the start
	stopped bool       // the writer goroutine is ending: write directly
}

const (
	// batchDelay is how long lines gather before they are written: a
	// human reading the log does not notice it, and under load it turns
	// a Write per request into one per a few hundred.
	batchDelay = 2 * time.Millisecond
	// batchBytes is how many queued bytes are written without waiting
	// for batchDelay to end.
	batchBytes = 64 << 10
	// maxPending is how many queued bytes make handlers wait for the writer.
	maxPending = 1 << 20
	// maxSpare bounds the buffer kept for reuse between writes.
	maxSpare = 256 << 10
)

// newLineLog starts the writer goroutine; close stops it.
func newLineLog(w io.Writer) *lineLog {
	l := &lineLog{w: w, wake: make(chan struct{}, 1), urgent: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{})}
	l.cond.L = &l.mu
	go l.run()
	return l
}

// write queues line for the writer goroutine.
func (l *lineLog) write(line []byte) {
	l.writeWith(func(b []byte) []byte { return append(b, line...) })
}

// writeWith queues the line appendLine appends (formatted straight into the
// queue, under the lock) for the writer goroutine.
func (l *lineLog) writeWith(appendLine func([]byte) []byte) {
	l.mu.Lock()
	for len(l.pending) >= maxPending && !l.stopped {
		l.cond.Wait()
	}
	if l.stopped { // only after close, which no handler outlives
		l.mu.Unlock()
		_, _ = l.w.Write(appendLine(nil))
		return
	}
	l.pending = appendLine(l.pending)
	l.queued++
	full := len(l.pending) >= batchBytes
	l.mu.Unlock()
	kick(l.wake)
	if full {
		kick(l.urgent)
	}
}

// kick sends on a channel of capacity 1 unless a send is already pending.
func kick(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// run writes queued lines until stopped, then what is left.
func (l *lineLog) run() {
	defer close(l.done)
	t := time.NewTimer(batchDelay)
	defer t.Stop()
	for {
		select {
		case <-l.wake:
			t.Reset(batchDelay)
			select {
			case <-t.C:
			case <-l.urgent:
			case <-l.stop:
			}
			l.flush()
		case <-l.urgent:
			l.flush()
		case <-l.stop:
			l.mu.Lock()
			l.stopped = true
			l.mu.Unlock()
			l.flush()
			return
		}
	}
}

// flush writes the queued lines, in as many Writes as it takes for the
// queue to be empty after one.
func (l *lineLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.pending) > 0 {
		b, n := l.pending, l.queued
		l.pending, l.spare = l.spare[:0], nil
		l.mu.Unlock()
		_, _ = l.w.Write(b)
		l.mu.Lock()
		l.written = n
		if cap(b) <= maxSpare {
			l.spare = b
		}
		l.cond.Broadcast()
	}
}

// sync returns once every line queued before the call is written.
func (l *lineLog) sync() {
	l.mu.Lock()
	defer l.mu.Unlock()
	target := l.queued
	if l.written < target {
		kick(l.urgent)
	}
	for l.written < target {
		l.cond.Wait()
	}
}

// close writes what is queued and stops the writer goroutine. Lines
// written afterwards go straight to the writer. close is called once.
func (l *lineLog) close() {
	close(l.stop)
	<-l.done
}

// syncLog makes sure every request log line queued so far is written.
func (s *Server) syncLog() {
	if s.reqLog != nil {
		s.reqLog.sync()
	}
}

// logRequest queues the one-line request log entry for a finished record:
//
//	15:04:05.000 http GET /c/ns/path 200 bytes=14 in=0 dur=1.2ms [unmatched] [fault=reset] [client-closed] [error="..."]
func (s *Server) logRequest(rec *Record) {
	if s.reqLog == nil {
		return
	}
	s.reqLog.writeWith(func(b []byte) []byte { return appendLogLine(b, rec) })
}

// appendLogLine appends rec's log line to b.
func appendLogLine(b []byte, rec *Record) []byte {
	b = appendClock(b, rec.Received)
	b = append(b, ' ')
	b = append(b, rec.Listener...)
	b = append(b, ' ')
	b = append(b, rec.Method...)
	b = append(b, ' ')
	b = append(b, rec.FullPath...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(rec.Status), 10)
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, rec.BytesSent, 10)
	b = append(b, " in="...)
	b = strconv.AppendInt(b, rec.RequestBytes, 10)
	b = append(b, " dur="...)
	b = append(b, rec.Done.Sub(rec.Received).Round(time.Microsecond).String()...)
	if rec.Route < 0 {
		b = append(b, " unmatched"...)
	}
	if rec.Fault != "" {
		b = append(b, " fault="...)
		b = append(b, rec.Fault...)
	}
	if !rec.ClientClosed.IsZero() {
		b = append(b, " client-closed"...)
	}
	if rec.Error != "" {
		b = append(b, " error="...)
		b = strconv.AppendQuote(b, rec.Error)
	}
	return append(b, '\n')
}

// appendClock appends t as "15:04:05.000" (local time), as AppendFormat
// would, in a third of its time.
func appendClock(b []byte, t time.Time) []byte {
	h, m, sec := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}
