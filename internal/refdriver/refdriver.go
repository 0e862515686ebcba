// Package refdriver is the in-process driver of the reference implementation
// (package impl): it implements driver.Driver by opening one impl.Engine per
// session. Only composition roots (cmd/netconform, specs) import it, so the
// harness itself never reaches impl.
package refdriver

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/impl"
)

// Name is the name the reference driver reports.
const Name = "reference"

// Driver runs the reference implementation in process. The zero value is
// ready to use and safe for concurrent use.
type Driver struct{}

// New returns the reference driver.
func New() *Driver { return &Driver{} }

// Name returns "reference".
func (*Driver) Name() string { return Name }

// Open starts an impl.Engine on cfg's folders, trusting cfg's CA bundle
// (CAPEM, else CAFile), at cfg's time scale.
func (*Driver) Open(_ context.Context, cfg driver.Config) (driver.Session, error) {
	logs := &logLines{}
	opts := []impl.Option{impl.WithLogger(slog.New(logs.handler())), impl.WithTimeScale(cfg.TimeScale)}
	for _, name := range driver.BaseDirs() {
		p, ok := cfg.Dirs[name]
		if !ok {
			return nil, fmt.Errorf("open reference session: no folder for %s", name)
		}
		opts = append(opts, impl.WithDirectory(impl.BaseDir(name), p))
	}
	pool, err := caPool(cfg)
	if err != nil {
		return nil, fmt.Errorf("open reference session: %w", err)
	}
	if pool != nil {
		opts = append(opts, impl.WithRootCAs(pool))
	}
	e, err := impl.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("open reference session: %w", err)
	}
	return newSession(e, logs), nil
}

// caPool builds the trusted roots from CAPEM, else CAFile; nil when neither
// is given (the engine then uses the system roots).
func caPool(cfg driver.Config) (*x509.CertPool, error) {
	pem := []byte(cfg.CAPEM)
	if len(pem) == 0 && cfg.CAFile != "" {
		b, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pem = b
	}
	if len(pem) == 0 {
		return nil, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no certificate in the CA bundle")
	}
	return pool, nil
}
