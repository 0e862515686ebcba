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
// a length-prefixed byte string, in the order of packEntry; times are Unix
// nanoseconds plus one (0 is the zero time). unpackRecord reads a string (a
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
	hn := headersSize(e.hdr, e.host)
	n := 128 + hn + len(r.RequestHead) + len(r.Namespace) + len(r.FullPath) + len(r.Path) +
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
	p.uint(uint64(hn))
	p.b = appendHeaders(p.b, e.hdr, e.host)
	p.int(int64(r.Route))
	p.int(int64(r.Call))
	p.int(int64(r.Status))
	p.int(r.BytesSent)
	p.int(r.RequestBytes)
	p.bytes(r.RequestHead)
	for _, t := range [...]time.Time{r.Received, r.HeadersSent, r.FaultAt, r.ClientClosed, r.Done} {
		p.time(t)
	}
	if e.summed {
		p.b = append(p.b, e.sums[0][:]...)
		p.b = append(p.b, e.sums[1][:]...)
	}
	p.uint(uint64(len(r.Events)))
	for _, ev := range r.Events {
		p.time(ev.At)
		p.str(ev.Kind)
		p.int(ev.Bytes)
		p.str(ev.Detail)
	}
	return p.b
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
	for _, t := range [...]*time.Time{&r.Received, &r.HeadersSent, &r.FaultAt, &r.ClientClosed, &r.Done} {
		*t = u.time()
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
		ev := Event{At: u.time(), Kind: u.str(), Bytes: u.int(), Detail: u.str()}
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
