package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/refdriver"
)

// The driver names --driver accepts.
const (
	driverInproc = "inproc" // the reference implementation, in this process
	driverExec   = "exec"   // a subprocess speaking the driver protocol on stdio (args after --)
	driverRemote = "remote" // an implementation reached over HTTP long-poll (--remote URL)
)

// defaultTimeScale is the time scale of a driver when --time-scale is not
// given: the reference scales its clock, so it runs at 0.05 (the 30 s
// default timeout takes 1.5 s); other implementations may not, so they run
// at 1.
func defaultTimeScale(name string) float64 {
	if name == driverInproc {
		return 0.05
	}
	return 1
}

// driverSpec is how to reach the implementation under test.
type driverSpec struct {
	name   string   // inproc, exec or remote
	argv   []string // exec: the command and its arguments (after --)
	remote string   // remote: the endpoint URL
}

// errUsage marks an error that is the user's to fix in the command line; the
// command exits with 2.
var errUsage = errors.New("usage")

// usageErrorf returns an error wrapping errUsage.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// validate checks that the spec is complete for its driver.
func (d driverSpec) validate() error {
	switch d.name {
	case driverInproc:
		if len(d.argv) > 0 {
			return usageErrorf("arguments after -- are for --driver exec only")
		}
	case driverExec:
		if len(d.argv) == 0 {
			return usageErrorf("--driver exec needs the driver command after --, e.g. -- lua drivers/lua/driver.lua")
		}
	case driverRemote:
		if d.remote == "" {
			return usageErrorf("--driver remote needs --remote URL")
		}
	default:
		return usageErrorf("unknown driver %q (want %s)", d.name, joinNames(driverNames()))
	}
	return nil
}

// driverNames lists the --driver values.
func driverNames() []string { return []string{driverInproc, driverExec, driverRemote} }

// driverFactory builds the driver of a spec.
type driverFactory func(d driverSpec) (driver.Driver, error)

// defaultDrivers returns the drivers this build has. exec and remote are
// listed but not built in yet (issue 6): choosing them is a usage error
// that says so.
func defaultDrivers() map[string]driverFactory {
	notYet := func(d driverSpec) (driver.Driver, error) {
		return nil, usageErrorf("driver %s not available yet (out-of-process drivers come with issue 6); use --driver inproc", d.name)
	}
	return map[string]driverFactory{
		driverInproc: func(driverSpec) (driver.Driver, error) { return refdriver.New(), nil },
		driverExec:   notYet,
		driverRemote: notYet,
	}
}

// joinNames renders names as "a, b or c".
func joinNames(names []string) string {
	names = slices.Clone(names)
	if len(names) < 2 {
		return fmt.Sprint(names)
	}
	last := names[len(names)-1]
	out := ""
	for i, n := range names[:len(names)-1] {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out + " or " + last
}
