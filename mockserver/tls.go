package mockserver

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// wrongHostName is the only name in the wrong-host certificate.
const wrongHostName = "wrong.invalid"

// authority is the CA that signs the server's certificates: made at start
// (ECDSA P-256, valid for a week), or given with WithCA.
type authority struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
}

// certSet holds the certificates of the TLS listeners.
type certSet struct {
	main, untrusted, expired, wrongHost tls.Certificate
}

// authority returns the CA given with WithCA, else a new one.
func (c *config) authority(t time.Time) (*authority, error) {
	if c.caCertPEM == nil && c.caKeyPEM == nil {
		return newAuthority(t)
	}
	ca, err := parseAuthority(c.caCertPEM, c.caKeyPEM, t)
	if err != nil {
		return nil, fmt.Errorf("load CA: %w", err)
	}
	return ca, nil
}

func newAuthority(t time.Time) (*authority, error) {
	key, der, err := createCA(t, t.Add(7*24*time.Hour), "netconform mockserver CA")
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &authority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// createCA makes a self-signed CA certificate (DER) valid from an hour
// before t until notAfter, and its ECDSA P-256 key. It can sign end-entity
// certificates only (path length 0).
func createCA(t, notAfter time.Time, name string) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"netconform"}, CommonName: name},
		NotBefore:             t.Add(-time.Hour),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create CA certificate: %w", err)
	}
	return key, der, nil
}

// GenerateCA makes a new CA for WithCA, valid from an hour ago for validFor:
// an ECDSA P-256 certificate that can sign server certificates (and no
// intermediate CA), and its private key (PKCS #8). Both are PEM-encoded.
// Install the certificate in a device's trust store once, keep the key
// private, and pass both to WithCA on every run.
func GenerateCA(validFor time.Duration) (certPEM, keyPEM []byte, err error) {
	if validFor <= 0 {
		return nil, nil, fmt.Errorf("generate CA: validity %s is not positive", validFor)
	}
	t := time.Now()
	key, der, err := createCA(t, t.Add(validFor), "netconform mockserver CA "+t.UTC().Format("2006-01-02 15:04:05"))
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA: %w", err)
	}
	k, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}), nil
}

// parseAuthority checks a CA given as PEM: the first certificate must be a
// CA allowed to sign certificates and valid at t, and the key (PKCS #8, EC
// or PKCS #1) must be its private key.
func parseAuthority(certPEM, keyPEM []byte, t time.Time) (*authority, error) {
	block := firstBlock(certPEM, func(typ string) bool { return typ == "CERTIFICATE" })
	if block == nil {
		return nil, errors.New("certificate: no CERTIFICATE block in the PEM data")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	name := cert.Subject.CommonName
	switch {
	case !cert.BasicConstraintsValid || !cert.IsCA:
		return nil, fmt.Errorf("certificate %q is not a CA (its basic constraints do not say CA:TRUE)", name)
	case cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0:
		return nil, fmt.Errorf("certificate %q may not sign certificates (no keyCertSign key usage)", name)
	case t.After(cert.NotAfter):
		return nil, fmt.Errorf("certificate %q expired on %s", name, cert.NotAfter.UTC().Format(time.RFC3339))
	case t.Before(cert.NotBefore):
		return nil, fmt.Errorf("certificate %q is not valid before %s", name, cert.NotBefore.UTC().Format(time.RFC3339))
	}
	kb := firstBlock(keyPEM, func(typ string) bool { return strings.HasSuffix(typ, "PRIVATE KEY") })
	if kb == nil {
		return nil, errors.New("key: no PRIVATE KEY block in the PEM data")
	}
	key, err := parseKey(kb)
	if err != nil {
		return nil, fmt.Errorf("parse key: %w", err)
	}
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("key does not match certificate %q", name)
	}
	return &authority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}, nil
}

// firstBlock returns the first PEM block of data whose type matches, or nil.
func firstBlock(data []byte, match func(typ string) bool) *pem.Block {
	for range bytes.Count(data, []byte("-----BEGIN")) {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil
		}
		if match(b.Type) {
			return b
		}
	}
	return nil
}

// parseKey decodes a PKCS #8, EC or PKCS #1 private key block.
func parseKey(b *pem.Block) (crypto.Signer, error) {
	var key any
	var err error
	switch b.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	default:
		return nil, fmt.Errorf("unsupported key type %q (want PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)", b.Type)
	}
	if err != nil {
		return nil, err
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%T cannot sign", key)
	}
	return s, nil
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

// newCertSet issues the four listener certificates. hosts (the bind host and
// the advertised one) are added to the names of the valid ones, except
// all-interfaces addresses and names already there.
func newCertSet(ca *authority, hosts []string, t time.Time) (certSet, error) {
	names := []string{"127.0.0.1", "::1", "localhost"}
	for _, h := range hosts {
		if h != "" && h != "0.0.0.0" && h != "::" && !slices.Contains(names, h) {
			names = append(names, h)
		}
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

// tlsConfig returns the TLS configuration of a listener serving cert: a
// clone of the TLS field, or TLS 1.2 and up.
func (s *Server) tlsConfig(cert tls.Certificate) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		c = s.TLS.Clone()
	}
	c.Certificates = []tls.Certificate{cert}
	return c
}

// mustCA returns the CA, panicking before Start (a programmer error).
func (s *Server) mustCA(what string) *authority {
	if s.ca == nil {
		panic("mockserver: " + what + " called before Start")
	}
	return s.ca
}

// Certificate returns the server's CA certificate: the one a client must
// trust to reach the HTTPS listener (pool.AddCert(srv.Certificate())), which
// also issued the expired and wrong-host certificates. The caller must not
// modify it. It panics before Start.
func (s *Server) Certificate() *x509.Certificate { return s.mustCA("Certificate").cert }

// Client returns an HTTP client whose transport trusts the server's CA (and
// nothing else), uses no proxy and offers HTTP/2; it follows redirects as
// http.Client does. Close closes its idle connections. It panics before
// Start.
func (s *Server) Client() *http.Client {
	s.mustCA("Client")
	return s.client
}

// CACertPEM returns the PEM of the server's CA certificate (a copy). It
// panics before Start.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.mustCA("CACertPEM").certPEM...) }

// CACertPool returns a new pool holding only the server's CA certificate: a
// client using it as RootCAs trusts the HTTPS listener and the expired and
// wrong-host certificates' issuer, but not the untrusted one. It panics
// before Start.
func (s *Server) CACertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.mustCA("CACertPool").cert)
	return p
}

// CAFile returns the path of a PEM file holding the CA certificate; the file
// exists from Start until Close.
func (s *Server) CAFile() string { return s.caFile }
