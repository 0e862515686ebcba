package execdriver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver/proto"
)

// proc is one driver subprocess and the protocol conn over its stdio.
type proc struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc // interrupts the process, then kills it after WaitDelay
	stdin  *os.File           // our end of its stdin
	stdout *os.File           // our end of its stdout
	lr     *proto.LineReader
	wait   time.Duration

	wmu    sync.Mutex    // serialises writes to stdin
	exited chan struct{} // closed when Wait returned
	werr   error         // Wait's result, set before exited closes

	stderr *lineSink
	peer   *proto.Peer // set once after the handshake
}

// startProc starts args as a subprocess speaking the protocol on its stdio.
// base is the lifetime of every process of the driver.
func startProc(base context.Context, o Options) (*proc, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start driver: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		_, _ = inR.Close(), inW.Close()
		return nil, fmt.Errorf("start driver: %w", err)
	}
	ctx, cancel := context.WithCancel(base)
	cmd := exec.CommandContext(ctx, o.Args[0], o.Args[1:]...)
	inOwnGroup(cmd)
	cmd.Cancel = func() error { return interruptGroup(cmd) }
	cmd.WaitDelay = o.WaitDelay
	cmd.Dir = o.Dir
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Stdin, cmd.Stdout = inR, outW
	p := &proc{cmd: cmd, cancel: cancel, stdin: inW, stdout: outR, lr: proto.NewLineReader(outR, o.MaxLine),
		wait: o.WaitDelay, exited: make(chan struct{}), stderr: &lineSink{}}
	cmd.Stderr = p.stderr
	err = cmd.Start()
	_, _ = inR.Close(), outW.Close() // the child has its own copies
	if err != nil {
		cancel()
		_, _ = inW.Close(), outR.Close()
		return nil, fmt.Errorf("start driver %s: %w", o.Args[0], err)
	}
	go func() {
		p.werr = cmd.Wait()
		killGroup(cmd.Process.Pid) // what the driver started outlives it no longer
		close(p.exited)
	}()
	return p, nil
}

// pid returns the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// ReadLine reads the next stdout line. At the end of stdout it waits
// briefly for the exit status, so the error says how the driver ended.
func (p *proc) ReadLine() ([]byte, error) {
	line, err := p.lr.ReadLine()
	if err == nil || !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, fmt.Errorf("read driver stdout: %w", err)
		}
		return line, nil
	}
	t := time.NewTimer(p.wait + time.Second)
	defer t.Stop()
	select {
	case <-p.exited:
		if p.werr != nil {
			return nil, fmt.Errorf("driver exited: %w%s", p.werr, p.stderr.tail())
		}
		return nil, fmt.Errorf("driver exited with status 0%s", p.stderr.tail())
	case <-t.C:
		return nil, errors.New("driver closed its stdout")
	}
}

// WriteLine writes one line to stdin, giving up at ctx's deadline.
func (p *proc) WriteLine(ctx context.Context, line []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if d, ok := ctx.Deadline(); ok {
		_ = p.stdin.SetWriteDeadline(d)
	} else {
		_ = p.stdin.SetWriteDeadline(time.Time{})
	}
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write driver stdin: %w", err)
	}
	return nil
}

// Close closes our ends of the pipes, which unblocks ReadLine.
func (p *proc) Close() error {
	return errors.Join(p.stdin.Close(), p.stdout.Close())
}

// stop ends the process: with graceful set, it first closes stdin (after
// bye) and gives it WaitDelay to exit; then it interrupts it and, after
// WaitDelay more, kills it. It returns once the process was reaped.
func (p *proc) stop(graceful bool) {
	if graceful {
		p.wmu.Lock()
		_ = p.stdin.Close()
		p.wmu.Unlock()
		t := time.NewTimer(p.wait)
		select {
		case <-p.exited:
		case <-t.C:
		}
		t.Stop()
	}
	p.stderr.stopping() // what it writes from now on, the harness caused
	p.cancel()
	<-p.exited
	_ = p.Close()
}

// lineSink splits a subprocess's stderr into lines for the session logs,
// each bounded; before the peer exists it keeps the last few.
type lineSink struct {
	mu    sync.Mutex // guards below
	buf   []byte
	peer  *proto.Peer
	early []string
	last  []string // the last lines, for exit messages
	stop  bool     // the harness is stopping the process
}

// stopping marks the lines written from now on as caused by the harness
// stopping the process (an "interrupted!" stack trace), not by the
// implementation.
func (s *lineSink) stopping() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop = true
}

// maxStderrLine bounds a stderr line; the rest of it is dropped.
const maxStderrLine = 4 << 10

// attach sends later lines, and the ones kept so far, to peer.
func (s *lineSink) attach(peer *proto.Peer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peer = peer
	for _, l := range s.early {
		peer.AddLog(l)
	}
	s.early = nil
}

// Write splits p into lines.
func (s *lineSink) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			room := maxStderrLine - len(s.buf)
			s.buf = append(s.buf, b[:max(0, min(room, len(b)))]...)
			break
		}
		room := maxStderrLine - len(s.buf)
		s.buf = append(s.buf, b[:max(0, min(room, i))]...)
		s.emit(string(bytes.TrimSuffix(s.buf, []byte("\r"))))
		s.buf = s.buf[:0]
		b = b[i+1:]
	}
	return n, nil
}

// emit passes one line on; s.mu is held.
func (s *lineSink) emit(line string) {
	if s.stop {
		line = "stderr (after the harness stopped the driver): " + line
	} else {
		line = "stderr: " + line
	}
	if len(s.last) == 3 {
		s.last = s.last[1:]
	}
	s.last = append(s.last, line)
	if s.peer != nil {
		s.peer.AddLog(line)
	} else if len(s.early) < 200 {
		s.early = append(s.early, line)
	}
}

// tail returns the last stderr lines for an exit message.
func (s *lineSink) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.last) == 0 {
		return ""
	}
	var b bytes.Buffer
	b.WriteString(" (last ")
	for i, l := range s.last {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(l)
	}
	b.WriteString(")")
	return b.String()
}
