package main

import (
	"errors"
	"fmt"
	"net"
)

// loopbackHost is where the mock server binds when nothing says otherwise.
const loopbackHost = "127.0.0.1"

// lanProbe is a routable address run "connects" a UDP socket to, without
// sending anything, so that the kernel picks the interface of the default
// route: its address is the one a device on the LAN reaches this host at.
const lanProbe = "192.0.2.1:9" // TEST-NET-1, discard port

// allInterfaces reports whether host means every interface of this host.
func allInterfaces(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}

// hostOnly returns the host of "host" or "host:port".
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// serverHosts is where the mock server binds and the host its URLs carry.
type serverHosts struct {
	bind      string // --server-host, else the remote --listen host, else 127.0.0.1
	advertise string // "" means the bind host
	detected  string // the LAN address lanAddr found, "" when none was needed
}

// resolveHosts decides where the mock server binds and which host its URLs
// (and, for a remote run, the control URL) carry, so that a device can use
// every URL it is given. The mock server binds to --server-host, else for a
// remote run to --listen's host, else to 127.0.0.1. When that is all
// interfaces (0.0.0.0, ::), URLs never show 127.0.0.1 or [::] to a device:
// they carry --advertise's host, else the LAN address lanAddr finds, which
// then also becomes the control URL's host (d.advertise) when --listen is on
// all interfaces. A local driver (inproc, exec) gets 127.0.0.1.
func resolveHosts(serverHost string, d *driverSpec, lanAddr func() (string, error)) (serverHosts, error) {
	h := serverHosts{bind: serverHost}
	remote := d.name == driverRemote
	if h.bind == "" {
		h.bind = loopbackHost
		if remote && d.listen != "" {
			h.bind = hostOnly(d.listen)
		}
	}
	listenAll := remote && d.listen != "" && allInterfaces(hostOnly(d.listen))
	if !allInterfaces(h.bind) && !listenAll {
		return h, nil
	}
	if !remote {
		h.advertise = loopbackHost
		return h, nil
	}
	adv := hostOnly(d.advertise)
	if adv == "" {
		lan, err := lanAddr()
		if err != nil {
			return h, usageErrorf("listening on all interfaces: give --advertise HOST, the address devices reach "+
				"this host at (%v)", err)
		}
		adv, h.detected = lan, lan
		if listenAll {
			d.advertise = lan
		}
	}
	if allInterfaces(h.bind) {
		h.advertise = adv
	}
	return h, nil
}

// lanAddr returns this host's address on the interface of its default
// route, else its first global unicast IPv4 address.
func lanAddr() (string, error) {
	if c, err := net.Dial("udp", lanProbe); err == nil {
		ip := c.LocalAddr().(*net.UDPAddr).IP
		_ = c.Close()
		if !ip.IsLoopback() && !ip.IsUnspecified() {
			return ip.String(), nil
		}
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", fmt.Errorf("list interface addresses: %w", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() {
			return n.IP.String(), nil
		}
	}
	return "", errors.New("no LAN address found")
}
