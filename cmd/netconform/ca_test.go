package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCACommandWritesAPairServeReuses(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ca")
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"ca", "--days", "2", dir}, &out, &errb); code != 0 {
		t.Fatalf("ca: exit %d, stderr %s", code, errb.String())
	}
	certPath, keyPath := filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	if !strings.Contains(out.String(), "--ca-cert "+certPath+" --ca-key "+keyPath) {
		t.Errorf("ca output does not say how to use the pair:\n%s", out.String())
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode())
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	// A second run never overwrites the pair.
	errb.Reset()
	if code := run(t.Context(), []string{"ca", dir}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "already exists") {
		t.Fatalf("ca over an existing pair: exit %d, stderr %s", code, errb.String())
	}
	if again, _ := os.ReadFile(certPath); !bytes.Equal(again, certPEM) {
		t.Fatal("the existing CA was overwritten")
	}

	// serve signs with it: a client trusting only ca.pem connects.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	var serr bytes.Buffer
	go func() {
		code <- run(ctx, []string{"serve", "--ca-cert", certPath, "--ca-key", keyPath, "--advertise", "localhost"}, pw,
			&serr)
		_ = pw.Close()
	}()
	banner := readBanner(t, bufio.NewScanner(pr))
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	if !strings.HasPrefix(banner["https"], "https://localhost:") {
		t.Errorf("https URL %q does not carry the --advertise host", banner["https"])
	}
	if banner["caURL"] != banner["http"]+"/__netconform/ca.pem" {
		t.Errorf("caURL %q", banner["caURL"])
	}
	if got := getBody(t, &http.Client{Transport: tr}, banner["https"]+"/__netconform/ca.pem"); !bytes.Equal(got, certPEM) {
		t.Errorf("serve's HTTPS listener serves another CA:\n%s", got)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("serve: exit %d, stderr %s", c, serr.String())
	}
}

func TestCAFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := writeFile(t, filepath.Join(dir, "junk.pem"), "not a certificate\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ca without dir", []string{"ca"}, 2, "want one argument"},
		{"ca zero days", []string{"ca", "--days", "0", dir}, 2, "--days must be at least 1"},
		{"run cert without key", []string{"run", "--ca-cert", notPEM}, 2, "--ca-cert and --ca-key go together"},
		{"run missing file", []string{"run", "--ca-cert", "/nonexistent/ca.pem", "--ca-key", notPEM}, 2,
			"read --ca-cert"},
		{"run bad PEM", []string{"run", "--ca-cert", notPEM, "--ca-key", notPEM, "--id", "probe.ok", "--cases",
			probeDir(t)}, 2, "load CA: certificate: no CERTIFICATE block"},
		{"serve key without cert", []string{"serve", "--ca-key", notPEM}, 2, "--ca-cert and --ca-key go together"},
		{"serve bad PEM", []string{"serve", "--ca-cert", notPEM, "--ca-key", notPEM}, 2,
			"start mock server (CA: " + notPEM + "): load CA: certificate: no CERTIFICATE block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := tc.args
			if tc.args[0] == "run" {
				args = append(args, "--out", t.TempDir())
			}
			if code := run(t.Context(), args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, tc.code, tc.want, errb.String())
			}
		})
	}
}

func TestCountsOfOneAreSingular(t *testing.T) {
	t.Parallel()
	cases := probeDir(t)
	tests := []struct {
		name string
		args []string
		want string
		not  string
	}{
		{"run", []string{"run", "--cases", cases, "--id", "probe.ok", "--out", ""}, "netconform: 1 case against",
			"1 cases"},
		{"list", []string{"list", "--cases", cases, "--id", "probe.ok"}, "(1 case)", "1 cases"},
		{"check", []string{"check", "--cases", cases}, "ok: 2 cases in 1 file,", "1 files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run(t.Context(), tc.args, &out, &errb)
			if code != 0 || !strings.Contains(out.String(), tc.want) || strings.Contains(out.String(), tc.not) {
				t.Fatalf("exit %d, want %q without %q in:\n%s%s", code, tc.want, tc.not, out.String(), errb.String())
			}
		})
	}
}
