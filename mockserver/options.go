package mockserver

import (
	"io"
	"log/slog"
)

// DefaultHost is the host the listeners bind to by default.
const DefaultHost = "127.0.0.1"

// Option configures a Server in New.
type Option func(*config)

type config struct {
	host       string
	httpAddr   string
	timeScale  float64
	logger     *slog.Logger
	requestLog io.Writer
	journalCap int
}

// WithHost sets the host every listener binds to (default DefaultHost); each
// listener gets a free port.
func WithHost(host string) Option { return func(c *config) { c.host = host } }

// WithHTTPAddr sets the address of the plain HTTP listener ("host:port");
// the other listeners bind to the same host on free ports.
func WithHTTPAddr(addr string) Option { return func(c *config) { c.httpAddr = addr } }

// WithTimeScale multiplies every Duration of every scenario by scale (default
// 1; 0.05 makes 2s last 100ms). Values <= 0 are ignored.
func WithTimeScale(scale float64) Option { return func(c *config) { c.timeScale = scale } }

// WithLogger sets the logger for server-side problems (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRequestLog writes one line per finished request to w (default: none).
func WithRequestLog(w io.Writer) Option { return func(c *config) { c.requestLog = w } }

// WithJournalLimit caps the records kept per namespace (default
// DefaultJournalLimit); past it the oldest records are dropped.
func WithJournalLimit(n int) Option { return func(c *config) { c.journalCap = n } }

// DefaultJournalLimit is the default number of records kept per namespace.
const DefaultJournalLimit = 10000
