package mockserver

import (
	"bufio"
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// garbage is the fixed, deterministic non-HTTP payload of FaultGarbage.
const garbage = "\x00\xffNETCONFORM-GARBAGE \x7f\x01\x02 this is not HTTP \xfe\xfd\r\n\x00\x00\r\n\r\n"

// malformedChunk is written where a chunk-size line is expected: "zz" is not
// hexadecimal, so every HTTP/1.1 client must reject it.
const malformedChunk = "zz;netconform-malformed-chunk\r\nnot a chunk\r\n"

// faultWriteTimeout bounds writes on a hijacked connection.
const faultWriteTimeout = 5 * time.Second

// fault fires f now: it records the fault, then breaks the connection as the
// kind says. Over HTTP/2 (no hijacking) it aborts the stream instead.
func (x *exchange) fault(f *Fault, detail string) {
	if detail == "" {
		detail = faultPoint(f)
	}
	sent := x.sent
	x.note(Event{Kind: EventFault, Bytes: sent, Detail: f.Kind + " " + detail}, func(r *Record) {
		r.Fault = f.Kind
		r.FaultAt = r.Events[len(r.Events)-1].At
	})
	conn, brw, err := x.ctl().Hijack()
	if err != nil {
		// HTTP/2: abort the stream (RST_STREAM); net/http recovers this panic
		// quietly, and finish still runs from its defer.
		panic(http.ErrAbortHandler)
	}
	if !x.s.track(conn) {
		_ = conn.Close()
		return
	}
	defer x.s.untrack(conn)
	_ = conn.SetWriteDeadline(time.Now().Add(faultWriteTimeout))
	switch f.Kind {
	case FaultReset:
		reset(conn)
		return
	case FaultMalformedChunk:
		x.raw(brw, malformedChunk)
	case FaultGarbage:
		x.raw(brw, garbage)
	}
	_ = conn.Close()
}

// raw writes s on the hijacked connection (inside TLS when the connection is
// TLS) and counts it as sent.
func (x *exchange) raw(brw *bufio.ReadWriter, s string) {
	n, err := brw.WriteString(s)
	if err == nil {
		err = brw.Flush()
	}
	x.sentHash.Write([]byte(s[:n]))
	x.sent += int64(n)
	if err != nil {
		x.closedByClient("write after hijack: " + err.Error())
	}
}

// reset aborts the TCP connection under c (under the TLS session, if any)
// with an RST: SO_LINGER 0, then close.
func reset(c net.Conn) {
	nc := c
	if tc, ok := c.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	if tcp, ok := nc.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = nc.Close()
}

// location returns the Location of hop `hop` of route rt's redirect.
func (x *exchange) location(rt *routeState, hop int, rd *Redirect) string {
	n := max(1, rd.Hops)
	next := hop + 1
	if next >= n {
		if !rd.Loop {
			return x.expand(rd.To)
		}
		next = 0
	}
	base := NamespacePath(x.ns)
	target := base + rt.Path
	if next > 0 {
		target = base + trimSlash(rt.Path) + "/" + itoa(int64(next))
	}
	switch rd.HopStyle {
	case HopRelative:
		return relativeRef(x.r.URL.Path, target)
	case HopAbsolute:
		scheme := "http"
		if x.r.TLS != nil {
			scheme = "https"
		}
		return scheme + "://" + x.r.Host + target
	case HopHTTP:
		return x.s.urls.HTTP + target
	case HopHTTPS:
		return x.s.urls.HTTPS + target
	}
	return target
}

func trimSlash(p string) string {
	for len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	if p == "/" {
		return ""
	}
	return p
}
