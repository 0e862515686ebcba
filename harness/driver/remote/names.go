package remote

import (
	"context"
	"slices"
	"strconv"

	"github.com/netconform/netconform/harness/driver"
)

// anyName makes open take a device whatever its name. No device is named
// so: a hello without a name counts as unnamedDevice.
const anyName = ""

// unnamedDevice is the implementation name of a device whose hello names
// none.
const unnamedDevice = "remote"

// implName is the implementation a device belongs to: its hello's name.
func (dev *device) implName() string {
	if n := dev.peer.Name(); n != "" {
		return n
	}
	return unnamedDevice
}

// deviceNoun is what open waits for, in its error: "device" or
// `device named "x"`.
func deviceNoun(name string) string {
	if name == anyName {
		return "device"
	}
	return "device named " + strconv.Quote(name)
}

// takeIdleLocked takes a free session place on a healthy device named name
// (anyName: any), the one with the most free places (so sessions spread
// over the devices), dropping broken devices from the idle list, or
// returns nil; d.mu is held. d.idle holds a device once per free place.
func (d *Driver) takeIdleLocked(name string) *device {
	d.idle = slices.DeleteFunc(d.idle, func(x *device) bool { return x.peer.Err() != nil })
	free := map[*device]int{}
	var best *device
	for _, x := range d.idle {
		if name != anyName && x.implName() != name {
			continue
		}
		free[x]++
		if best == nil || free[x] > free[best] {
			best = x
		}
	}
	if best == nil {
		return nil
	}
	i := slices.Index(d.idle, best)
	d.idle = slices.Delete(d.idle, i, i+1)
	return best
}

// sessionsNamed sums the sessions at once of the connected devices named
// name (anyName: all).
func (d *Driver) sessionsNamed(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, dev := range d.devices {
		if name == anyName || dev.implName() == name {
			n += dev.peer.MaxSessions()
		}
	}
	return n
}

// Sessions returns how many sessions the connected devices run at once in
// all: each device's capabilities.sessions (one by default), summed.
func (d *Driver) Sessions() int { return d.sessionsNamed(anyName) }

// Implementations returns a driver for each implementation among the
// connected devices, sorted by name: the devices that said one name in
// their hello form a pool, and the driver of that name opens its sessions
// on any free device of the pool (as many sessions at once on a device as
// its hello's capabilities.sessions, one by default). A
// device that connects later joins its name's pool; a later name is not in
// the list already returned. With Options.Name set every device is one
// implementation and the list is d alone; with no device connected it is
// empty.
func (d *Driver) Implementations() []driver.Driver {
	if d.o.Name != "" {
		return []driver.Driver{d}
	}
	var out []driver.Driver
	for _, name := range d.names() {
		out = append(out, &pool{d: d, name: name})
	}
	return out
}

// names returns the implementation names of the connected devices, sorted.
func (d *Driver) names() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	for _, dev := range d.devices {
		if n := dev.implName(); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// devicesNamed counts the connected devices named name.
func (d *Driver) devicesNamed(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.countLocked(name)
}

// pool is one implementation of a Driver: its devices of one name.
type pool struct {
	d    *Driver
	name string
}

// Name returns the devices' name.
func (p *pool) Name() string { return p.name }

// Open waits (bounded by ctx) for a free device of the pool and opens a
// session on it.
func (p *pool) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	return p.d.open(ctx, cfg, p.name)
}

// Devices returns how many devices of the pool are connected.
func (p *pool) Devices() int { return p.d.devicesNamed(p.name) }

// Sessions returns how many sessions the pool's devices run at once.
func (p *pool) Sessions() int { return p.d.sessionsNamed(p.name) }
