package mockserver

import (
	"fmt"
	"syscall"
)

// Sizes of the narrow listener's connections: the receive buffer the
// server's side of each connection starts with (and so the window it
// advertises, and its scale) and the segment size it announces, which the
// client's kernel sizes its send buffer by (about twice its congestion
// window in segments). Together they keep what a client's writes can get
// ahead of the server's reads to some hundred KiB, against several MiB on
// loopback by default.
const (
	narrowRecvBuf = 32 << 10
	narrowMSS     = 1200
)

// narrowControl sets the narrow listener's socket options before it
// listens: accepted connections inherit them.
func narrowControl(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		if serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, narrowRecvBuf); serr != nil {
			serr = fmt.Errorf("set SO_RCVBUF: %w", serr)
			return
		}
		if serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, narrowMSS); serr != nil {
			serr = fmt.Errorf("set TCP_MAXSEG: %w", serr)
		}
	})
	if err != nil {
		return fmt.Errorf("narrow listener: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("narrow listener: %w", serr)
	}
	return nil
}
