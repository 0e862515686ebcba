package mockserver

// This file holds the journal's live entries and the packing of request
// headers (see pack.go for whole records).

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"slices"
)

// entry is a record as the journal keeps it while its exchange runs: the
// Record without its Headers map, which Journal builds from the request's
// own header map (net/http and the handler never change it once the handler
// runs), and room for the first events. finish packs it (see pack.go).
type entry struct {
	rec    Record      // rec.Headers is nil, and so are the SHA-256 fields until done (see sums)
	hdr    http.Header // the request's header map; read only
	host   string      // the request's Host, journaled as the Host header
	events [initialEvents]Event
	// sums, once done, holds the SHA-256 of the response body and of the
	// request body (hex-encoded only when a Journal asks).
	sums    [2][sha256.Size]byte
	summed  bool  // sums is set
	reqBody bool  // the request had body bytes (else its hash is emptySHA256)
	pos     int64 // the entry's position in its space's journal (see space.records)
}

// initialEvents is the initial capacity of a record's timeline: received,
// headersSent, one bodyChunk and done.
const initialEvents = 4

// init sets e up for rec, the request headers h and host, with ev as its
// first event.
func (e *entry) init(rec Record, h http.Header, host string, ev Event) {
	e.rec, e.hdr, e.host = rec, h, host
	e.events[0] = ev
	e.rec.Events = e.events[:1]
}

// newEntry returns an entry set up by init.
func newEntry(rec Record, h http.Header, host string, ev Event) *entry {
	e := &entry{}
	e.init(rec, h, host, ev)
	return e
}

// requestHeaders returns a copy of h with Host set to host when not empty,
// and without names that have no value: what the journal records.
func requestHeaders(h http.Header, host string) http.Header {
	out := make(http.Header, len(h)+1)
	for k, vv := range h {
		if len(vv) > 0 && (k != "Host" || host == "") {
			out[k] = slices.Clone(vv)
		}
	}
	if host != "" {
		out["Host"] = []string{host}
	}
	return out
}

// appendHeaders appends h, with Host set to host when not empty, as
// length-prefixed (uvarint) names and values, name first.
func appendHeaders(b []byte, h http.Header, host string) []byte {
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for k, vv := range h {
		if k == "Host" && host != "" {
			continue
		}
		for _, v := range vv {
			put(k)
			put(v)
		}
	}
	if host != "" {
		put("Host")
		put(host)
	}
	return b
}

// packHeaders packs h and host as appendHeaders does, into a string.
func packHeaders(h http.Header, host string) string {
	return string(appendHeaders(nil, h, host))
}

// unpackHeaders reverses packHeaders; the values share p's memory.
func unpackHeaders(p string) http.Header {
	h := http.Header{}
	next := func() (string, bool) {
		n, k := binary.Uvarint([]byte(p[:min(len(p), binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(p)-k) < n {
			return "", false
		}
		s := p[k : k+int(n)]
		p = p[k+int(n):]
		return s, true
	}
	for len(p) > 0 {
		name, ok1 := next()
		value, ok2 := next()
		if !ok1 || !ok2 {
			break // cannot happen for packHeaders output
		}
		h[name] = append(h[name], value)
	}
	return h
}

// record returns a deep copy of the entry's record, with its Headers.
func (e *entry) record() Record {
	c := e.rec.clone()
	e.setSums(&c)
	c.Headers = requestHeaders(e.hdr, e.host)
	return c
}

// setSums sets r's SHA-256 fields from the entry's sums, once summed.
func (e *entry) setSums(r *Record) {
	if e.summed {
		r.BodySHA256, r.RequestSHA256 = hex.EncodeToString(e.sums[0][:]), emptySHA256
		if e.reqBody {
			r.RequestSHA256 = hex.EncodeToString(e.sums[1][:])
		}
	}
}
