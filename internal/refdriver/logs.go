package refdriver

import (
	"log/slog"
	"strings"
	"sync"
)

// logLines keeps an engine's log output, one line per record.
type logLines struct {
	mu  sync.Mutex // guards buf
	buf []string
}

// add appends a line.
func (l *logLines) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, line)
}

// lines returns a copy of the lines.
func (l *logLines) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.buf...)
}

// handler returns a slog handler writing "level=ERROR msg=... k=v" lines
// without timestamps into l.
func (l *logLines) handler() slog.Handler {
	return slog.NewTextHandler(lineWriter{l}, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
}

// lineWriter adds each written record (the text handler writes one line per
// call) to the log.
type lineWriter struct{ l *logLines }

func (w lineWriter) Write(p []byte) (int, error) {
	w.l.add(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
