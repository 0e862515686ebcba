package impl

import (
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "secret body")
	}))
	t.Cleanup(srv.Close)
	trusted := x509.NewCertPool()
	trusted.AddCert(srv.Certificate())

	t.Run("trusted (S1)", func(t *testing.T) {
		e := newEngine(t, WithRootCAs(trusted))
		if ev := last(t, do(t, e, srv.URL, "GET", nil)); ev.IsError || ev.Status != 200 || ev.Response.Text != "secret body" {
			t.Errorf("ended %+v", ev)
		}
	})
	t.Run("untrusted (S2)", func(t *testing.T) {
		e := newEngine(t, WithRootCAs(x509.NewCertPool()))
		ev := last(t, do(t, e, srv.URL, "GET", &Params{Progress: ProgressDownload}))
		if !ev.IsError || ev.Status != -1 || ev.Response.Text == "" || ev.Response.Text == "secret body" || ev.ResponseHeaders != nil {
			t.Errorf("ended %+v, want isError and no body", ev)
		}
	})
	t.Run("roots added to a given transport", func(t *testing.T) {
		e := newEngine(t, WithTransport(&http.Transport{}), WithRootCAs(trusted))
		if ev := last(t, do(t, e, srv.URL, "GET", nil)); ev.IsError {
			t.Errorf("ended %+v", ev)
		}
	})
}
