package remote

import (
	"net"
	"testing"
)

// TestHostPolicy: which Host headers name a listener.
func TestHostPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		listen, advertised string
		allow, refuse      []string
	}{
		{
			listen: "0.0.0.0:8787", advertised: "192.168.1.20:8787",
			allow:  []string{"192.168.1.20:8787", "10.0.0.5:8787", "[fe80::1]:8787", "localhost:8787"},
			refuse: []string{"evil.example:8787", "192.168.1.20:9999", "192.168.1.20", "rebind.192.168.1.20.nip.io:8787"},
		},
		{
			listen: "127.0.0.1:4000", advertised: "127.0.0.1:4000",
			allow:  []string{"127.0.0.1:4000", "localhost:4000", "LocalHost:4000"},
			refuse: []string{"10.0.0.5:4000", "attacker.test:4000", "127.0.0.1", ""},
		},
		{
			listen: "0.0.0.0:8787", advertised: "lab-mac.local:8787",
			allow:  []string{"lab-mac.local:8787", "LAB-MAC.local:8787"},
			refuse: []string{"lab-mac.evil:8787"},
		},
		{
			listen: "[::]:80", advertised: "[2001:db8::1]:80",
			allow:  []string{"[2001:db8::1]", "[2001:db8::1]:80", "192.0.2.4"},
			refuse: []string{"example.com", "[2001:db8::1]:81"},
		},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		p := newHostPolicy(addr, tc.advertised)
		for _, h := range tc.allow {
			if !p.allows(h) {
				t.Errorf("listen %s advertised %s: Host %q refused", tc.listen, tc.advertised, h)
			}
		}
		for _, h := range tc.refuse {
			if p.allows(h) {
				t.Errorf("listen %s advertised %s: Host %q allowed", tc.listen, tc.advertised, h)
			}
		}
	}
}
