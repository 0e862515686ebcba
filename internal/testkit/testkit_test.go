package testkit

import (
	"net/http"
	"testing"
)

func TestHelpers(t *testing.T) {
	if n := len(Cases(t)); n == 0 {
		t.Error("no embedded cases")
	}
	if Catalog(t).Len() == 0 {
		t.Error("empty catalogue")
	}
	srv := Server(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(srv.URLs().HTTP + "/__netconform/ca.pem")
	if err != nil {
		t.Fatalf("get the CA from the server: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ca.pem: status %d", resp.StatusCode)
	}
}
