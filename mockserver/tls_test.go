package mockserver

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// poolOf returns a pool holding only the certificates of pemBytes.
func poolOf(t *testing.T, pemBytes []byte) *x509.CertPool {
	t.Helper()
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %q", pemBytes)
	}
	return p
}

// trustingClient returns a client whose only root is the CA of caPEM.
func trustingClient(t *testing.T, caPEM []byte) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, caPEM)}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestWithCASignsTheTrustedListener(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM, err := GenerateCA(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Two servers in a row with the same CA: a client that trusts it once
	// reaches both.
	for range 2 {
		s := newServer(t, WithCA(certPEM, keyPEM))
		if got := s.CACertPEM(); !bytes.Equal(got, certPEM) {
			t.Fatalf("CACertPEM is not the given CA:\n%s", got)
		}
		c := trustingClient(t, certPEM)
		resp, body := get(t, c, s.URLs().HTTPS+"/__netconform/ca.pem")
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, certPEM) {
			t.Errorf("GET ca.pem over HTTPS: status %d, body %q", resp.StatusCode, body)
		}
		if err := resp.TLS.PeerCertificates[0].CheckSignatureFrom(poolCA(t, certPEM)); err != nil {
			t.Errorf("leaf not signed by the given CA: %v", err)
		}
	}
	// Without WithCA the server makes its own CA, which this client does
	// not trust.
	other := newServer(t)
	if _, err := trustingClient(t, certPEM).Get(other.URLs().HTTPS + "/__netconform/ca.pem"); err == nil {
		t.Error("a server with its own CA was trusted by a client of the given CA")
	}
}

func poolCA(t *testing.T, certPEM []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(certPEM)
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// makeCert returns a PEM certificate and PEM PKCS #8 key made from tmpl,
// self-signed.
func makeCert(t *testing.T, tmpl *x509.Certificate) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial()
	tmpl.Subject = pkix.Name{CommonName: "test"}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	k, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k})
}

func TestWithCARejectsBadInput(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM, err := GenerateCA(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := GenerateCA(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	leafPEM, leafKey := makeCert(t, &x509.Certificate{NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature})
	noSignPEM, noSignKey := makeCert(t, &x509.Certificate{NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature})
	expiredPEM, expiredKey := makeCert(t, &x509.Certificate{NotBefore: now.Add(-48 * time.Hour),
		NotAfter: now.Add(-24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign})
	ecKey := func() []byte { // the same key as keyPEM in SEC 1 form, which is accepted
		b, _ := pem.Decode(keyPEM)
		k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey))
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	}()
	tests := []struct {
		name      string
		cert, key []byte
		want      string // "" means accepted
	}{
		{"generated pair", certPEM, keyPEM, ""},
		{"EC key form", certPEM, ecKey, ""},
		{"key and certificate in one file", append(append([]byte{}, keyPEM...), certPEM...),
			append(append([]byte{}, certPEM...), keyPEM...), ""},
		{"not PEM", []byte("hello"), keyPEM, "load CA: certificate: no CERTIFICATE block"},
		{"empty", nil, nil, "no CERTIFICATE block"},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("xx")}), keyPEM,
			"load CA: parse certificate:"},
		{"key missing", certPEM, []byte("-----BEGIN NOTHING-----\n-----END NOTHING-----\n"),
			"load CA: key: no PRIVATE KEY block"},
		{"garbage key", certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("xx")}),
			"load CA: parse key:"},
		{"another CA's key", certPEM, otherKey, "load CA: key does not match certificate"},
		{"leaf certificate", leafPEM, leafKey, `certificate "test" is not a CA`},
		{"CA without certSign", noSignPEM, noSignKey, `certificate "test" may not sign certificates`},
		{"expired CA", expiredPEM, expiredKey, `certificate "test" expired on`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(WithCA(tc.cert, tc.key))
			if s != nil {
				defer s.Close()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("New: %v, want a server", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("New: error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestGenerateCA(t *testing.T) {
	t.Parallel()
	certPEM, keyPEM, err := GenerateCA(48 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ca := poolCA(t, certPEM)
	if !ca.IsCA || ca.KeyUsage&x509.KeyUsageCertSign == 0 || !ca.MaxPathLenZero {
		t.Errorf("CA flags: IsCA %v, usage %v, MaxPathLenZero %v", ca.IsCA, ca.KeyUsage, ca.MaxPathLenZero)
	}
	if left := time.Until(ca.NotAfter); left < 47*time.Hour || left > 49*time.Hour {
		t.Errorf("NotAfter in %s, want about 48h", left)
	}
	if !bytes.Contains(keyPEM, []byte("BEGIN PRIVATE KEY")) {
		t.Errorf("key is not PKCS #8 PEM: %q", keyPEM)
	}
	if _, _, err := GenerateCA(0); err == nil {
		t.Error("GenerateCA(0) did not fail")
	}
}

func TestWithAdvertiseSetsURLsAndCertificateNames(t *testing.T) {
	t.Parallel()
	const lan = "192.0.2.7" // TEST-NET-1: never dialled, only named
	s := newServer(t, WithHost("127.0.0.1"), WithAdvertise(lan))
	plain := newServer(t, WithHost("127.0.0.1"))
	u := s.URLs()
	for name, raw := range map[string]string{"http": u.HTTP, "https": u.HTTPS, "expired": u.Expired} {
		pu, err := url.Parse(raw)
		if err != nil || pu.Hostname() != lan || pu.Port() == "" {
			t.Errorf("%s URL %q, want host %s with the listener's port", name, raw, lan)
		}
	}
	// The HTTPS listener (reached over loopback at its real port) serves a
	// certificate valid for the advertised address; without the option it
	// is not.
	leafOf := func(s *Server) *x509.Certificate {
		pu, err := url.Parse(s.URLs().HTTPS)
		if err != nil {
			t.Fatal(err)
		}
		d := tls.Dialer{Config: &tls.Config{RootCAs: s.CACertPool(), ServerName: "127.0.0.1"}}
		c, err := d.DialContext(t.Context(), "tcp", net.JoinHostPort("127.0.0.1", pu.Port()))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.(*tls.Conn).ConnectionState().PeerCertificates[0]
	}
	if err := leafOf(s).VerifyHostname(lan); err != nil {
		t.Errorf("certificate not valid for the advertised host: %v", err)
	}
	if err := leafOf(plain).VerifyHostname(lan); err == nil {
		t.Error("certificate without WithAdvertise is valid for 192.0.2.7: the test proves nothing")
	}
	// A client can use the advertised name when it resolves to the host:
	// localhost reaches the loopback listener.
	local := newServer(t, WithHost("127.0.0.1"), WithAdvertise("localhost"))
	if !strings.HasPrefix(local.URLs().HTTPS, "https://localhost:") {
		t.Fatalf("HTTPS URL %q", local.URLs().HTTPS)
	}
	resp, body := get(t, trustingClient(t, local.CACertPEM()), local.URLs().HTTPS+"/__netconform/ca.pem")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, local.CACertPEM()) {
		t.Errorf("GET advertised URL: status %d", resp.StatusCode)
	}
}
