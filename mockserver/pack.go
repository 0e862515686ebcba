package mockserver

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"
)

// Finished records are kept packed. A Record holds some twenty pointers
// (strings, times with their location, the events and their strings), and
// the garbage collector marks every one of them in every cycle, for every
// record the journal keeps (up to DefaultJournalLimit per namespace): under
// load that marking was most of the mock server's overhead over a bare
// net/http handler. Once an exchange is done its record never changes, so
// finish packs it into one pointer-free byte slice, which the collector
// marks without looking inside, and Journal rebuilds the Record when it is
// read.
//
// The format is a sequence of fields, each an unsigned or zig-zag varint, or
// a length-prefixed byte string, in the order of packEntry; Received is in
// Unix nanoseconds plus one (0 is the zero time), the other times relative
// to it (see since), event kinds one byte. unpackRecord reads a string (a
// copy of the packed bytes): the Record's string fields share its memory,
// and RequestHead gets its own copy.

// errBadPack is returned by unpackRecord for input packEntry did not write.
var errBadPack = errors.New("mockserver: malformed packed record")

// packer appends packed fields to a byte slice.
type packer struct{ b []byte }

func (p *packer) uint(v uint64) { p.b = binary.AppendUvarint(p.b, v) }
func (p *packer) int(v int64)   { p.b = binary.AppendVarint(p.b, v) }
func (p *packer) str(s string)  { p.uint(uint64(len(s))); p.b = append(p.b, s...) }
func (p *packer) bytes(s []byte) {
	p.uint(uint64(len(s)))
	p.b = append(p.b, s...)
}

func (p *packer) time(t time.Time) {
	if t.IsZero() {
		p.uint(0)
		return
	}
	p.uint(uint64(t.UnixNano()) + 1)
}

// Record flag bits of the packed form.
const (
	packTLS     = 1 << iota // Record.TLS
	packSummed              // the SHA-256 sums follow
	packReqBody             // the request had body bytes
)

// packEntry returns e's record in its packed form. e must be done: nothing
// may change it any more (it is read without the space's lock).
func packEntry(e *entry) []byte {
	r := &e.rec
	n := 128 + 64 + len(r.RequestHead) + len(r.Namespace) + len(r.FullPath) + len(r.Path) +
		len(r.Query) + len(r.RemoteAddr) + len(r.Error) + len(r.Events)*24
	if e.summed {
		n += 2 * sha256.Size
	}
	p := packer{b: make([]byte, 0, n)}
	var flags uint64
	if r.TLS {
		flags |= packTLS
	}
	if e.summed {
		flags |= packSummed
	}
	if e.reqBody {
		flags |= packReqBody
	}
	p.uint(flags)
	p.int(r.Seq)
	for _, s := range [...]string{r.Namespace, r.Listener, r.Method, r.Path, r.FullPath, r.Query, r.Proto,
		r.RemoteAddr, r.Fault, r.BodySHA256, r.RequestSHA256, r.Error} {
		p.str(s)
	}
	// The header block's length goes before it in a fixed-width uvarint
	// (one pass over the map instead of two; binary.Uvarint reads it).
	at := len(p.b)
	p.b = append(p.b, 0x80, 0x80, 0)
	p.b = appendHeaders(p.b, e.hdr, e.host)
	if hn := len(p.b) - at - 3; hn < 1<<21 {
		p.b[at], p.b[at+1], p.b[at+2] = byte(hn)|0x80, byte(hn>>7)|0x80, byte(hn>>14)
	} else { // beyond any request net/http accepts: keep it exact anyway
		block := append([]byte(nil), p.b[at+3:]...)
		p.b = append(binary.AppendUvarint(p.b[:at], uint64(hn)), block...)
	}
	p.int(int64(r.Route))
	p.int(int64(r.Call))
	p.int(int64(r.Status))
	p.int(r.BytesSent)
	p.int(r.RequestBytes)
	p.bytes(r.RequestHead)
	p.time(r.Received)
	for _, t := range [...]time.Time{r.HeadersSent, r.FaultAt, r.ClientClosed, r.Done} {
		p.since(t, r.Received)
	}
	if e.summed {
		p.b = append(p.b, e.sums[0][:]...)
		p.b = append(p.b, e.sums[1][:]...)
	}
	p.uint(uint64(len(r.Events)))
	for _, ev := range r.Events {
		p.since(ev.At, r.Received)
		p.kind(ev.Kind)
		p.int(ev.Bytes)
		p.str(ev.Detail)
	}
	return p.b
}

// since packs t relative to base (a few bytes instead of nine): 0 for the
// zero time, else the zig-zag nanoseconds from base plus one. Against a
// zero base it packs t whole.
func (p *packer) since(t, base time.Time) {
	if base.IsZero() {
		p.time(t)
		return
	}
	if t.IsZero() {
		p.uint(0)
		return
	}
	d := int64(t.Sub(base))
	p.uint(uint64(d<<1^d>>63) + 1)
}

// eventKindCode is the one-byte code of a known Event kind (0 for others, which
// are packed as a string after it); eventKindName reverses it.
func eventKindCode(k string) byte {
	switch k {
	case EventReceived:
		return 1
	case EventRequestRead:
		return 2
	case EventHeadersSent:
		return 3
	case EventBodyChunk:
		return 4
	case EventFault:
		return 5
	case EventClientClosed:
		return 6
	case EventDone:
		return 7
	}
	return 0
}

func eventKindName(c byte) (string, bool) {
	for _, k := range [...]string{EventReceived, EventRequestRead, EventHeadersSent, EventBodyChunk, EventFault,
		EventClientClosed, EventDone} {
		if eventKindCode(k) == c {
			return k, true
		}
	}
	return "", false
}

func (p *packer) kind(k string) {
	c := eventKindCode(k)
	p.b = append(p.b, c)
	if c == 0 {
		p.str(k)
	}
}

// unpacker reads packed fields from a string; the first error sticks.
type unpacker struct {
	s   string
	err error
}

func (u *unpacker) uint() uint64 {
	if u.err != nil {
		return 0
	}
	v, k := binary.Uvarint([]byte(u.s[:min(len(u.s), binary.MaxVarintLen64)]))
	if k <= 0 {
		u.err = errBadPack
		return 0
	}
	u.s = u.s[k:]
	return v
}

func (u *unpacker) int() int64 {
	if u.err != nil {
		return 0
	}
	v, k := binary.Varint([]byte(u.s[:min(len(u.s), binary.MaxVarintLen64)]))
	if k <= 0 {
		u.err = errBadPack
		return 0
	}
	u.s = u.s[k:]
	return v
}

// str returns the next string, sharing the packed string's memory.
func (u *unpacker) str() string {
	n := u.uint()
	if u.err != nil {
		return ""
	}
	if n > uint64(len(u.s)) {
		u.err = errBadPack
		return ""
	}
	s := u.s[:n]
	u.s = u.s[n:]
	return s
}

func (u *unpacker) time() time.Time {
	v := u.uint()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(v-1))
}

// since reverses packer.since.
func (u *unpacker) since(base time.Time) time.Time {
	if base.IsZero() {
		return u.time()
	}
	v := u.uint()
	if v == 0 {
		return time.Time{}
	}
	v--
	return base.Add(time.Duration(int64(v>>1) ^ -int64(v&1)))
}

// kind reverses packer.kind.
func (u *unpacker) kind() string {
	if u.err != nil {
		return ""
	}
	if len(u.s) == 0 {
		u.err = errBadPack
		return ""
	}
	c := u.s[0]
	u.s = u.s[1:]
	if c == 0 {
		return u.str()
	}
	k, ok := eventKindName(c)
	if !ok {
		u.err = errBadPack
	}
	return k
}

func (u *unpacker) raw(dst []byte) {
	if u.err != nil {
		return
	}
	if len(u.s) < len(dst) {
		u.err = errBadPack
		return
	}
	copy(dst, u.s)
	u.s = u.s[len(dst):]
}

// unpackRecord rebuilds the Record of a packed entry, as entry.record would
// return it: headers, hex sums and all.
func unpackRecord(s string) (Record, error) {
	u := unpacker{s: s}
	var r Record
	flags := u.uint()
	r.TLS = flags&packTLS != 0
	r.Seq = u.int()
	for _, f := range [...]*string{&r.Namespace, &r.Listener, &r.Method, &r.Path, &r.FullPath, &r.Query, &r.Proto,
		&r.RemoteAddr, &r.Fault, &r.BodySHA256, &r.RequestSHA256, &r.Error} {
		*f = u.str()
	}
	hdr := u.str()
	r.Route = int(u.int())
	r.Call = int(u.int())
	r.Status = int(u.int())
	r.BytesSent = u.int()
	r.RequestBytes = u.int()
	if head := u.str(); head != "" {
		r.RequestHead = []byte(head)
	}
	r.Received = u.time()
	for _, t := range [...]*time.Time{&r.HeadersSent, &r.FaultAt, &r.ClientClosed, &r.Done} {
		*t = u.since(r.Received)
	}
	if flags&packSummed != 0 {
		var sums entry
		u.raw(sums.sums[0][:])
		u.raw(sums.sums[1][:])
		sums.summed, sums.reqBody = true, flags&packReqBody != 0
		sums.setSums(&r)
	}
	n := u.uint()
	if u.err == nil && n > uint64(len(u.s)) { // every event takes at least one byte
		u.err = errBadPack
	}
	if u.err != nil {
		return Record{}, u.err
	}
	r.Events = make([]Event, 0, n)
	for range n {
		ev := Event{At: u.since(r.Received), Kind: u.kind(), Bytes: u.int(), Detail: u.str()}
		r.Events = append(r.Events, ev)
	}
	if u.err != nil {
		return Record{}, u.err
	}
	if u.s != "" {
		return Record{}, errBadPack
	}
	r.Headers = unpackHeaders(hdr)
	return r, nil
}
