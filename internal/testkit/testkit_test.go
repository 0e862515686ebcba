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

func TestGolden(t *testing.T) {
	path := t.TempDir() + "/g.golden"
	Golden(t, path, []byte("a\nb\n"), true, "./x")
	Golden(t, path, []byte("a\nb\n"), false, "./x")
	if d := FirstDiff("a\nb\n", "a\nc\n"); d != "line 2:\nwant: b\ngot:  c" {
		t.Errorf("FirstDiff = %q", d)
	}
	if d := FirstDiff("a", "a"); d != "(no line differs)" {
		t.Errorf("FirstDiff of equal texts = %q", d)
	}
}
