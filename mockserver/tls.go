package mockserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// wrongHostName is the only name in the wrong-host certificate.
const wrongHostName = "wrong.invalid"

// authority is the server's own CA, made at start (ECDSA P-256).
type authority struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// certSet holds the certificates of the TLS listeners.
type certSet struct {
	main, untrusted, expired, wrongHost tls.Certificate
}

func newAuthority(t time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"netconform"}, CommonName: "netconform mockserver CA"},
		NotBefore:             t.Add(-time.Hour),
		NotAfter:              t.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &authority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// leaf issues a server certificate for names (IPs or DNS names), signed by
// the CA, or self-signed when the authority is nil.
func leaf(ca *authority, names []string, notBefore, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"netconform"}, CommonName: names[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := tmpl, any(key)
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create certificate for %v: %w", names, err)
	}
	c := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	c.Leaf, err = x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	return c, nil
}

// newCertSet issues the four listener certificates. host is added to the
// names of the valid ones when it is not already there.
func newCertSet(ca *authority, host string, t time.Time) (certSet, error) {
	names := []string{"127.0.0.1", "::1", "localhost"}
	if host != "" && host != "127.0.0.1" && host != "::1" && host != "localhost" && host != "0.0.0.0" && host != "::" {
		names = append(names, host)
	}
	var cs certSet
	var err error
	valid := t.Add(-time.Hour)
	until := t.Add(7 * 24 * time.Hour)
	if cs.main, err = leaf(ca, names, valid, until); err != nil {
		return cs, err
	}
	if cs.untrusted, err = leaf(nil, names, valid, until); err != nil {
		return cs, err
	}
	if cs.expired, err = leaf(ca, names, t.Add(-48*time.Hour), t.Add(-24*time.Hour)); err != nil {
		return cs, err
	}
	if cs.wrongHost, err = leaf(ca, []string{wrongHostName}, valid, until); err != nil {
		return cs, err
	}
	return cs, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil { // crypto/rand does not fail on supported platforms
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// writeCAFile writes the CA PEM to a new temporary directory and returns the
// directory and the file path.
func writeCAFile(pemBytes []byte) (dir, file string, err error) {
	dir, err = os.MkdirTemp("", "netconform-ca-*")
	if err != nil {
		return "", "", fmt.Errorf("create CA directory: %w", err)
	}
	file = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, pemBytes, 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return "", "", fmt.Errorf("write CA file: %w", err)
	}
	return dir, file, nil
}

// CACertPEM returns the PEM of the server's CA certificate (a copy).
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.certPEM...) }

// CACertPool returns a new pool holding only the server's CA certificate: a
// client using it as RootCAs trusts the HTTPS listener and the expired and
// wrong-host certificates' issuer, but not the untrusted one.
func (s *Server) CACertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.ca.cert)
	return p
}

// CAFile returns the path of a PEM file holding the CA certificate; the file
// exists until Close.
func (s *Server) CAFile() string { return s.caFile }
