package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/netconform/netconform/harness/driver/proto"
)

// ndjson is the content type of control channel bodies.
const ndjson = "application/x-ndjson"

// handleHello negotiates a device's hello and registers it.
func (d *Driver) handleHello(w http.ResponseWriter, r *http.Request) {
	lr := proto.NewLineReader(http.MaxBytesReader(w, r.Body, proto.MaxLine+2), proto.MaxLine)
	line, err := lr.ReadLine()
	if err != nil {
		http.Error(w, "read hello: "+err.Error(), http.StatusBadRequest)
		return
	}
	hello, err := proto.Decode(line)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	v, err := proto.Negotiate(hello)
	if err != nil {
		writeLines(w, proto.Message{Type: proto.TypeBye, Reason: err.Error()})
		return
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		writeLines(w, proto.Message{Type: proto.TypeBye, Reason: "harness shutting down"})
		return
	}
	c := newConn()
	d.n++
	dev := &device{id: randomID(), num: d.n, from: remoteHost(r), c: c}
	dev.peer = proto.NewPeer(c, hello, v, proto.PeerOptions{OpTimeout: d.o.OpTimeout, StampReceipt: !d.o.DeviceClock})
	d.devices[dev.id] = dev
	if d.hello == "" {
		d.hello = hello.Name
	}
	for range dev.peer.MaxSessions() {
		d.idle = append(d.idle, dev)
	}
	d.wakeLocked()
	d.mu.Unlock()
	d.notify(fmt.Sprintf("%s connected (%s at once)", dev.label(), plural(dev.peer.MaxSessions(), "session")))
	writeLines(w, proto.Message{Type: proto.TypeWelcome, Version: v, Peer: dev.id})
}

// writeLines writes messages as an NDJSON body.
func writeLines(w http.ResponseWriter, msgs ...proto.Message) {
	var b bytes.Buffer
	for _, m := range msgs {
		line, err := proto.Encode(m)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	w.Header().Set("Content-Type", ndjson)
	_, _ = w.Write(b.Bytes())
}

// lookup finds the device of a request's peer parameter: the welcome's
// peer, 128 random bits, so that no one who did not get the welcome can
// poll or send as the device.
func (d *Driver) lookup(r *http.Request) *device {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.devices[r.URL.Query().Get("peer")]
}

// handlePoll returns the lines waiting for a device, waiting for some.
func (d *Driver) handlePoll(w http.ResponseWriter, r *http.Request) {
	dev := d.lookup(r)
	if dev == nil {
		http.Error(w, "unknown peer: say hello again", http.StatusNotFound)
		return
	}
	wait := d.o.PollWait
	if s := r.URL.Query().Get("wait"); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 {
			wait = min(wait, time.Duration(secs*float64(time.Second)))
		}
	}
	ctx, stop := context.WithCancel(r.Context())
	defer stop()
	go func() {
		select {
		case <-d.done:
			stop()
		case <-ctx.Done():
		}
	}()
	lines, ok := dev.c.poll(ctx, wait)
	if !ok {
		http.Error(w, "connection closed: say hello again", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", ndjson)
	for _, l := range lines {
		_, _ = w.Write(append(l, '\n'))
	}
}

// handleSend hands the posted lines to the device's peer, in order.
func (d *Driver) handleSend(w http.ResponseWriter, r *http.Request) {
	dev := d.lookup(r)
	if dev == nil {
		http.Error(w, "unknown peer: say hello again", http.StatusNotFound)
		return
	}
	lr := proto.NewLineReader(r.Body, proto.MaxLine)
	for {
		line, err := lr.ReadLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			dev.peer.Fail(&proto.Error{Msg: dev.label() + ": " + err.Error()})
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := dev.c.deliver(r.Context(), bytes.Clone(line)); err != nil {
			http.Error(w, "connection closed: "+err.Error(), http.StatusNotFound)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
