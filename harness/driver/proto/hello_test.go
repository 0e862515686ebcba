package proto

import (
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// TestHelloTimeoutApart: the hello wait is bounded by HelloTimeout, not by
// OpTimeout, so a driver that starts slowly is not taken for a hung one.
func TestHelloTimeoutApart(t *testing.T) {
	t.Parallel()
	t.Run("slow start within HelloTimeout", func(t *testing.T) {
		t.Parallel()
		conn, drvIn, drvOut := newPipeConn()
		done := make(chan struct{})
		go func() { // the driver: a slow start, then it reads until the end
			defer close(done)
			time.Sleep(300 * time.Millisecond) // a start slower than OpTimeout
			hello, _ := Encode(Hello("slow", driver.Capabilities{}))
			if _, err := drvOut.Write(append(hello, '\n')); err != nil {
				return
			}
			for range 10 { // welcome, bye: bounded
				if _, err := drvIn.ReadLine(); err != nil {
					return
				}
			}
		}()
		p, err := Handshake(t.Context(), conn, PeerOptions{OpTimeout: 50 * time.Millisecond})
		if err != nil {
			t.Fatalf("handshake = %v, want the slow hello accepted (the default hello timeout is %s)", err, DefaultHelloTimeout)
		}
		_ = drvOut.Close()
		_ = p.Close(t.Context())
		<-done
	})
	t.Run("no hello within HelloTimeout", func(t *testing.T) {
		t.Parallel()
		conn, _, drvOut := newPipeConn()
		defer drvOut.Close()
		start := time.Now()
		_, err := Handshake(t.Context(), conn, PeerOptions{OpTimeout: time.Minute, HelloTimeout: 100 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), "no hello within 100ms") {
			t.Fatalf("handshake = %v, want no hello within 100ms", err)
		}
		if el := time.Since(start); el < 100*time.Millisecond {
			t.Errorf("gave up after %s, want >= 100ms", el)
		}
	})
}
