package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/netconform/netconform/mockserver"
)

// The files `netconform ca DIR` writes.
const (
	caCertFile = "ca.pem"
	caKeyFile  = "ca-key.pem"
)

// caUsage is the help of `netconform ca`.
const caUsage = `usage: netconform ca [--days 3650] DIR

Writes a new CA for the mock server to DIR/ca.pem (the certificate, to
install once in the trust store of the devices under test) and
DIR/ca-key.pem (its private key, readable by you only). Pass both to
run or serve with --ca-cert and --ca-key: every run then signs its
certificates with this CA, so the devices keep trusting it. Existing files
are never overwritten. Anyone with the key can impersonate any site to a
device that trusts the CA: keep it private, and remove the CA from the
devices when you are done.

flags:`

// runCA implements `netconform ca DIR`.
func runCA(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("ca", flag.ContinueOnError)
	fset.SetOutput(stderr)
	days := fset.Int("days", 3650, "the CA is valid for `N` days")
	fset.Usage = func() {
		fmt.Fprintln(stderr, caUsage)
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fset.NArg() != 1:
		fmt.Fprintln(stderr, "netconform ca: want one argument, the directory to write the CA to")
		return 2
	case *days < 1:
		fmt.Fprintf(stderr, "netconform ca: --days must be at least 1, got %d\n", *days)
		return 2
	}
	dir := fset.Arg(0)
	certPath, keyPath, err := writeCA(dir, time.Duration(*days)*24*time.Hour)
	if err != nil {
		fmt.Fprintf(stderr, "netconform ca: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %s (the CA certificate: install it on the devices)\n", certPath)
	fmt.Fprintf(stdout, "wrote %s (its private key: keep it private)\n", keyPath)
	fmt.Fprintf(stdout, "use: netconform run --ca-cert %s --ca-key %s ...\n", certPath, keyPath)
	return 0
}

// writeCA generates a CA valid for validFor and writes it to dir, which it
// creates if needed; it fails without writing anything if either file
// exists.
func writeCA(dir string, validFor time.Duration) (certPath, keyPath string, err error) {
	certPath, keyPath = filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	for _, p := range []string{certPath, keyPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", "", fmt.Errorf("%s already exists: remove it or choose another directory", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("check %s: %w", p, err)
		}
	}
	certPEM, keyPEM, err := mockserver.GenerateCA(validFor)
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("create CA directory: %w", err)
	}
	if err := writeNew(keyPath, keyPEM, 0o600); err != nil {
		return "", "", err
	}
	if err := writeNew(certPath, certPEM, 0o644); err != nil {
		_ = os.Remove(keyPath)
		return "", "", err
	}
	return certPath, keyPath, nil
}

// writeNew writes data to a file that must not exist yet.
func writeNew(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// caFlags are the --ca-cert and --ca-key flags of run and serve.
type caFlags struct {
	cert, key string
}

func (c *caFlags) register(fset *flag.FlagSet) {
	fset.StringVar(&c.cert, "ca-cert", "", "sign the mock server's certificates with the CA certificate in PEM `file`\n"+
		"(from 'netconform ca DIR'; needs --ca-key), which devices can trust once (default: a new CA each run)")
	fset.StringVar(&c.key, "ca-key", "", "the private key (PEM `file`) of --ca-cert")
}

// validate checks that the flags come together.
func (c caFlags) validate() error {
	if (c.cert == "") != (c.key == "") {
		return usageErrorf("--ca-cert and --ca-key go together")
	}
	return nil
}

// options reads the files and returns the mock server option that uses the
// CA, or none when the flags are not set. A bad CA is reported by
// mockserver.New.
func (c caFlags) options() ([]mockserver.Option, error) {
	if c.cert == "" {
		return nil, nil
	}
	certPEM, err := os.ReadFile(c.cert)
	if err != nil {
		return nil, fmt.Errorf("read --ca-cert: %w", err)
	}
	keyPEM, err := os.ReadFile(c.key)
	if err != nil {
		return nil, fmt.Errorf("read --ca-key: %w", err)
	}
	return []mockserver.Option{mockserver.WithCA(certPEM, keyPEM)}, nil
}

// describe names the CA in start-up errors and banners.
func (c caFlags) describe() string {
	if c.cert == "" {
		return "a new CA made for this run"
	}
	return c.cert
}
