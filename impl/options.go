package impl

import (
	"crypto/x509"
	"log/slog"
	"net/http"
)

// Option configures an Engine in New.
type Option func(*config)

// config collects the options before New builds the engine.
type config struct {
	root      string
	dirs      map[BaseDir]string
	roots     *x509.CertPool
	scale     float64
	logger    *slog.Logger
	transport *http.Transport
}

// WithSandbox maps the base directories to root/Documents, root/Temporary,
// root/Caches and root/Resource, creating them when missing. Without it (and
// without WithDirectory for every directory), New creates a private temporary
// root that Close removes.
func WithSandbox(root string) Option {
	return func(c *config) { c.root = root }
}

// WithDirectory maps one base directory to path, overriding WithSandbox for it.
func WithDirectory(dir BaseDir, path string) Option {
	return func(c *config) {
		if c.dirs == nil {
			c.dirs = make(map[BaseDir]string)
		}
		c.dirs[dir] = path
	}
}

// WithRootCAs sets the certificate authorities HTTPS servers are verified
// against (S1, S2). Without it the system roots are used.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) { c.roots = pool }
}

// WithTimeScale multiplies every duration of the profile (timeouts, the 1 s
// progress interval) by scale. The default is 1; values <= 0 are ignored.
func WithTimeScale(scale float64) Option {
	return func(c *config) {
		if scale > 0 {
			c.scale = scale
		}
	}
}

// WithLogger sets the logger that receives call-time errors ("network: ...")
// and warnings. The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithTransport sets the transport the engine clones and uses. The clone gets
// the engine's root CAs when its TLS config has none. Without it the engine
// builds its own HTTP/1.1 transport without keep-alives or compression; it
// never uses http.DefaultTransport.
func WithTransport(t *http.Transport) Option {
	return func(c *config) { c.transport = t }
}
