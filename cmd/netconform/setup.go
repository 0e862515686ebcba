package main

import (
	"context"
	"fmt"
	"io"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/expect"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/mockserver"
)

// runEnv is what a run needs, set up from its command line: the loaded and
// picked cases, the expectations, and the driver, mock server and the
// fleet of runners (one per implementation the driver reaches), which close
// lets go.
type runEnv struct {
	st     *suite
	picked []*casefile.Case
	ex     *expect.Set
	drv    driver.Driver
	srv    *mockserver.Server
	fleet  *runner.Fleet
}

// setUp loads what cfg names and starts the driver, the mock server and the
// runners, waiting for the devices when the driver has them. Warnings go to
// stderr, the device banner to stdout. On error, what was started is closed.
func (rc runCmd) setUp(ctx context.Context, cfg *runConfig, stdout, stderr io.Writer) (*runEnv, error) {
	env := &runEnv{}
	var err error
	if env.ex, err = expect.LoadSet(cfg.expect); err != nil {
		return nil, err
	}
	// Loading is bounded (strictyaml's limits) and not cut short here: an
	// interrupt before the first case still gives reports, each case
	// skipped (run's policy); check stops its loading on one.
	if env.st, err = cfg.sel.load(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	if env.picked = cfg.sel.pick(env.st); len(env.picked) == 0 {
		return nil, fmt.Errorf("no case matches the selection (%d loaded)", len(env.st.cases))
	}
	if cfg.failed != nil {
		if env.picked, err = cfg.failed.restrict(env.picked, stderr); err != nil {
			return nil, err
		}
	}
	for _, u := range env.ex.Unknown(caseIDs(env.st.cases)) {
		fmt.Fprintf(stderr, "netconform run: warning: expectation for unknown case %s\n", u)
	}
	cfg.drv.notices = stderr // the remote driver's notices: devices connecting, gone, waited for
	if err := rc.start(ctx, cfg, env, stdout); err != nil {
		env.close(stderr)
		return nil, err
	}
	return env, nil
}

// start starts env's driver, mock server and runners.
func (rc runCmd) start(ctx context.Context, cfg *runConfig, env *runEnv, stdout io.Writer) error {
	find := rc.lanAddr
	if find == nil {
		find = lanAddr
	}
	hosts, err := resolveHosts(cfg.serverHost, &cfg.drv, find)
	if err != nil {
		return err
	}
	caOpts, err := cfg.ca.options()
	if err != nil {
		return err
	}
	mk, ok := rc.drivers[cfg.drv.name]
	if !ok {
		return fmt.Errorf("unknown driver %q", cfg.drv.name)
	}
	if env.drv, err = mk(cfg.drv); err != nil {
		return err
	}
	opts := append([]mockserver.Option{mockserver.WithHost(hosts.bind), mockserver.WithAdvertise(hosts.advertise)},
		caOpts...)
	if env.srv, err = mockserver.New(opts...); err != nil {
		return fmt.Errorf("start mock server (CA: %s): %w", cfg.ca.describe(), err)
	}
	if err := prepare(ctx, env.drv, cfg.drv, stdout, deviceBanner(env.srv, hosts, cfg.ca)); err != nil {
		return err
	}
	env.fleet, err = runner.NewFleet(runner.Params{Driver: env.drv, Fixture: env.srv, TimeScale: cfg.scale,
		Parallel: cfg.parallel, Strict: cfg.strict, Levels: env.st.levelOf})
	return err
}

// close closes the mock server, then the driver, reporting a driver's
// failure to close on stderr.
func (env *runEnv) close(stderr io.Writer) {
	if env.srv != nil {
		_ = env.srv.Close()
	}
	if env.drv != nil {
		if err := closeDriver(env.drv); err != nil {
			fmt.Fprintf(stderr, "netconform run: %v\n", err)
		}
	}
}

// caseIDs returns the ids of cs, in order.
func caseIDs(cs []*casefile.Case) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
