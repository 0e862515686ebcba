package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// Several is implemented by a driver that reaches more than one
// implementation at once, such as the remote driver with devices that say
// different names connected. Implementations returns a driver per
// implementation, each named after it, no two alike; an empty list means
// the driver is one implementation.
type Several interface {
	Implementations() []driver.Driver
}

// Implementations returns the implementations drv reaches: the list of a
// [Several] driver when it has any, else drv alone.
func Implementations(drv driver.Driver) []driver.Driver {
	if s, ok := drv.(Several); ok {
		if impls := s.Implementations(); len(impls) > 0 {
			return impls
		}
	}
	return []driver.Driver{drv}
}

// Fleet runs cases on every implementation a driver reaches, with a
// [Runner] of its own for each: every case runs on every implementation,
// the implementations at the same time, each Params.Parallel runs at once
// over its own sessions (so the devices of one name share that name's
// cases, and never run another's). The implementations are the ones
// [Implementations] lists when the fleet is made. It is safe for
// concurrent use.
type Fleet struct {
	runners []*Runner
}

// NewFleet validates p and returns a Fleet with a Runner, configured by p,
// for each implementation p.Driver reaches.
func NewFleet(p Params) (*Fleet, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("new fleet: %w", err)
	}
	f := &Fleet{}
	seen := map[string]bool{}
	for _, d := range Implementations(p.Driver) {
		if seen[d.Name()] {
			return nil, fmt.Errorf("new fleet: two implementations are named %q", d.Name())
		}
		seen[d.Name()] = true
		q := p
		q.Driver = d
		r, err := New(q)
		if err != nil {
			return nil, fmt.Errorf("new fleet: %s: %w", d.Name(), err)
		}
		f.runners = append(f.runners, r)
	}
	return f, nil
}

// Capacity is implemented by a driver that knows how many sessions it can
// hold open at once: the remote driver, as the sum of its connected
// devices' sessions (capabilities.sessions, one by default). A Runner with
// Params.Parallel 0 runs that many cases at once.
type Capacity interface {
	Sessions() int
}

// Parallel returns how many cases r runs at once.
func (r *Runner) Parallel() int { return r.p.Parallel }

// Runners returns the fleet's runners, one per implementation, in the order
// of [Implementations].
func (f *Fleet) Runners() []*Runner { return f.runners }

// Driver returns the driver of the implementation r runs (Params.Driver).
func (r *Runner) Driver() driver.Driver { return r.p.Driver }

// Implementation returns the name of the implementation r runs.
func (r *Runner) Implementation() string { return r.p.Driver.Name() }

// Share is one implementation's part of a fleet run.
type Share struct {
	// Implementation names the implementation.
	Implementation string
	// Started and Duration bound its runs.
	Started  time.Time
	Duration time.Duration
	// Runs holds each case's runs in pass order, indexed like the cases, as
	// [Runner.Repeat] returns them.
	Runs [][]result.CaseResult
}

// Repeat runs every case n times on every implementation, each as
// [Runner.Repeat] does and all at once, and returns each implementation's
// share in the fleet's order. hooks, if not nil, gives the [Hooks] of an
// implementation's runs by its name. When ctx ends, the runs not started
// yet are skipped.
func (f *Fleet) Repeat(ctx context.Context, cases []*casefile.Case, n int, hooks func(impl string) Hooks) []Share {
	return f.RepeatEach(ctx, func(string) []*casefile.Case { return cases }, n, hooks)
}

// RepeatEach is [Fleet.Repeat] with each implementation's own cases:
// casesFor gives them by the implementation's name (none: that
// implementation runs nothing, and its share has no runs). It is how a
// re-run runs on each implementation only the cases that failed there.
func (f *Fleet) RepeatEach(ctx context.Context, casesFor func(impl string) []*casefile.Case, n int,
	hooks func(impl string) Hooks) []Share {
	out := make([]Share, len(f.runners))
	var wg sync.WaitGroup
	for i, r := range f.runners {
		var h Hooks
		if hooks != nil {
			h = hooks(r.Implementation())
		}
		cases := casesFor(r.Implementation())
		wg.Go(func() {
			s := Share{Implementation: r.Implementation(), Started: time.Now()}
			s.Runs = r.Repeat(ctx, cases, n, h)
			s.Duration = time.Since(s.Started)
			out[i] = s
		})
	}
	wg.Wait()
	return out
}
