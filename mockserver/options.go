package mockserver

import (
	"io"
	"log/slog"
	"maps"
	"net"
	"time"
)

// DefaultHost is the host the listeners bind to by default.
const DefaultHost = "127.0.0.1"

// Option configures a Server in New or NewUnstarted.
type Option func(*config)

type config struct {
	host           string
	httpAddr       string
	timeScale      float64
	logger         *slog.Logger
	requestLog     io.Writer
	journalCap     int
	journalNSBytes int64
	journalTotal   int64
	admin          bool
	advertise      string
	caCertPEM      []byte
	caKeyPEM       []byte
	stuckAfter     time.Duration // how long Close waits before it logs the connections still open
}

// stuckAfter is how long Close waits for the server's connections before it
// logs those still open, as net/http/httptest does.
const stuckAfter = 5 * time.Second

// WithHost sets the host every listener binds to (default DefaultHost); each
// listener gets a free port.
func WithHost(host string) Option { return func(c *config) { c.host = host } }

// WithHTTPAddr sets the address of the plain HTTP listener ("host:port");
// the other listeners bind to the same host on free ports.
func WithHTTPAddr(addr string) Option { return func(c *config) { c.httpAddr = addr } }

// WithTimeScale multiplies every Duration of every scenario by scale (default
// 1; 0.05 makes 2s last 100ms), unless its Install sets another with
// [InstallTimeScale]. Values <= 0 are ignored.
func WithTimeScale(scale float64) Option { return func(c *config) { c.timeScale = scale } }

// WithLogger sets the logger for server-side problems (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRequestLog writes one line per finished request to w (default: none).
func WithRequestLog(w io.Writer) Option { return func(c *config) { c.requestLog = w } }

// WithJournalLimit caps the records kept per namespace (default
// DefaultJournalLimit); past it the oldest records are dropped and counted
// ([JournalStats].Dropped). n <= 0 means no cap.
func WithJournalLimit(n int) Option { return func(c *config) { c.journalCap = n } }

// WithJournalBytes sets the journal's byte budgets: what the records of one
// namespace may hold (default DefaultJournalNamespaceBytes) and what the
// records of all namespaces together may hold (default
// DefaultJournalTotalBytes). A record costs about the memory it holds: its
// request headers, the first [RequestHeadLimit] bytes of its request body,
// its timeline and its fixed fields.
//
// Past a namespace's budget its oldest records are dropped, always keeping
// its newest. Past the total budget the namespaces holding the most are cut
// down to one level, oldest records first, until 7/8 of the budget is held,
// so one namespace's flood does not push out the small journals of the
// others. Dropped records are counted ([JournalStats].Dropped, and the
// Netconform-Dropped header of GET /__netconform/journal). A value <= 0
// means no budget.
func WithJournalBytes(perNamespace, total int64) Option {
	return func(c *config) { c.journalNSBytes, c.journalTotal = perNamespace, total }
}

// The journal's default limits. A conformance case's own traffic holds a
// few hundred KiB at most (request bodies are kept up to [RequestHeadLimit],
// timelines up to 1,024 body events), so the defaults leave every case its
// whole journal while bounding what a flood of requests can make the server
// hold.
const (
	// DefaultJournalLimit is the default number of records kept per
	// namespace.
	DefaultJournalLimit = 10000
	// DefaultJournalNamespaceBytes is the default byte budget of one
	// namespace's records (16 MiB).
	DefaultJournalNamespaceBytes = 16 << 20
	// DefaultJournalTotalBytes is the default byte budget of all
	// namespaces' records together (64 MiB).
	DefaultJournalTotalBytes = 64 << 20
)

// WithAdmin turns on the admin API under /__netconform/ (default off): adding,
// replacing and removing routes, restarting call counters and clearing
// journals over HTTP, as the methods of [Server] do (see admin.go's list of
// endpoints). Anyone who reaches a listener can then change what the server
// serves, so turn it on only on a trusted network. Reading the journal and
// the CA is always on.
func WithAdmin(on bool) Option { return func(c *config) { c.admin = on } }

// WithAdvertise sets the host put in the listeners' URLs instead of the bind
// host, and adds it to the names of the CA-signed certificates. Use it when
// the server binds to all interfaces (WithHost("0.0.0.0")) and clients reach
// it at another address, such as the host's LAN address for a phone. Default:
// the URLs show the listeners' addresses.
func WithAdvertise(host string) Option { return func(c *config) { c.advertise = host } }

// WithCA makes the server sign its certificates with the CA given as PEM (the
// certificate, and its private key in PKCS #8, EC or PKCS #1 form) instead of
// one made afresh at start, so that a device trusts it once for every run.
// New fails with a clear error when the certificate is not a CA allowed to
// sign certificates, is not valid now, or the key is not its key. GenerateCA
// makes a pair.
func WithCA(certPEM, keyPEM []byte) Option {
	return func(c *config) {
		c.caCertPEM = append([]byte{}, certPEM...)
		c.caKeyPEM = append([]byte{}, keyPEM...)
	}
}

// urlAddr is the host:port put in the URL of a listener at addr: the
// advertised host with addr's port, else addr.
func (c *config) urlAddr(addr net.Addr) string {
	if c.advertise == "" {
		return addr.String()
	}
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return net.JoinHostPort(c.advertise, port)
}

// InstallOption configures one namespace in [Server.Install].
type InstallOption func(*nsConfig)

type nsConfig struct {
	timeScale float64
	templates Templates
}

// InstallTimeScale multiplies every Duration of the installed scenario by
// scale instead of the server's time scale ([WithTimeScale]), so that cases
// at different scales share one server. Values <= 0 are ignored.
func InstallTimeScale(scale float64) InstallOption {
	return func(c *nsConfig) {
		if scale > 0 {
			c.timeScale = scale
		}
	}
}

// InstallTemplates adds templates to the namespace's own ([URLs.Templates])
// for values only the installer knows, such as the base URL of a port that
// refuses connections. A name the server defines keeps the server's value.
// Calls add up; a later value of a name replaces an earlier one.
func InstallTemplates(t Templates) InstallOption {
	return func(c *nsConfig) {
		if c.templates == nil {
			c.templates = Templates{}
		}
		maps.Copy(c.templates, t)
	}
}
