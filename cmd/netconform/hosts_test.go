package main

import (
	"errors"
	"strings"
	"testing"
)

func TestResolveHosts(t *testing.T) {
	t.Parallel()
	const lan = "192.0.2.9" // what the fake LAN lookup finds
	tests := []struct {
		name          string
		driver        string
		listen        string
		advertise     string
		serverHost    string
		lanErr        bool
		wantBind      string
		wantAdvertise string // the mock server's URL host ("" = the bind host)
		wantControl   string // the control URL's advertised host afterwards
		wantErr       string
	}{
		{name: "inproc default", driver: driverInproc, wantBind: "127.0.0.1"},
		{name: "exec on all interfaces stays local", driver: driverExec, serverHost: "0.0.0.0",
			wantBind: "0.0.0.0", wantAdvertise: "127.0.0.1"},
		{name: "remote default listen", driver: driverRemote, wantBind: "127.0.0.1"},
		{name: "remote follows a LAN listen address", driver: driverRemote, listen: "192.0.2.5:8787",
			wantBind: "192.0.2.5"},
		{name: "remote on all interfaces with advertise", driver: driverRemote, listen: "0.0.0.0:8787",
			advertise: "192.0.2.7", wantBind: "0.0.0.0", wantAdvertise: "192.0.2.7", wantControl: "192.0.2.7"},
		{name: "advertise host:port gives the host", driver: driverRemote, listen: ":8787",
			advertise: "192.0.2.7:9000", wantBind: "", wantAdvertise: "192.0.2.7", wantControl: "192.0.2.7:9000"},
		{name: "remote on all interfaces finds the LAN address", driver: driverRemote, listen: "[::]:8787",
			wantBind: "::", wantAdvertise: lan, wantControl: lan},
		{name: "explicit server host wins", driver: driverRemote, listen: "0.0.0.0:8787", advertise: "192.0.2.7",
			serverHost: "192.0.2.5", wantBind: "192.0.2.5", wantControl: "192.0.2.7"},
		{name: "loopback listen, mock server on all interfaces", driver: driverRemote, listen: "127.0.0.1:0",
			serverHost: "0.0.0.0", wantBind: "0.0.0.0", wantAdvertise: lan},
		{name: "no LAN address and no advertise", driver: driverRemote, listen: "0.0.0.0:8787", lanErr: true,
			wantErr: "give --advertise HOST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := driverSpec{name: tc.driver, listen: tc.listen, advertise: tc.advertise}
			find := func() (string, error) {
				if tc.lanErr {
					return "", errors.New("network is unreachable")
				}
				return lan, nil
			}
			h, err := resolveHosts(tc.serverHost, &d, find)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, errUsage) {
					t.Fatalf("err %v, want a usage error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.bind != tc.wantBind || h.advertise != tc.wantAdvertise || d.advertise != tc.wantControl {
				t.Errorf("bind %q, URL host %q, control host %q; want %q, %q, %q", h.bind, h.advertise, d.advertise,
					tc.wantBind, tc.wantAdvertise, tc.wantControl)
			}
			if h.advertise == "127.0.0.1" && tc.driver == driverRemote {
				t.Errorf("a remote run on all interfaces advertises 127.0.0.1")
			}
		})
	}
}
