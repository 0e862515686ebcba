package main

import (
	"io"
	"testing"

	"github.com/netconform/netconform/harness/runner"
)

// TestRunDefaultsPerDriver: without --parallel and --time-scale, run takes
// the runner's defaults for the way it reaches the implementation (README:
// the reference runs 20 at once at scale 0.05), and the flags override them.
func TestRunDefaultsPerDriver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		parallel int
		scale    float64
	}{
		{nil, 20, 0.05},
		{[]string{"--driver", "exec", "--", "lua5.1", "x.lua"}, runner.DefaultParallel, runner.DefaultTimeScale},
		{[]string{"--driver", "remote"}, 0, runner.DefaultTimeScale}, // the devices' sessions
		{[]string{"--parallel", "3", "--time-scale", "0.5"}, 3, 0.5},
	}
	for _, tc := range tests {
		cfg, help, err := parseRun(tc.args, io.Discard)
		if err != nil || help {
			t.Fatalf("parseRun(%q): help %v, %v", tc.args, help, err)
		}
		if cfg.parallel != tc.parallel || cfg.scale != tc.scale {
			t.Errorf("parseRun(%q): parallel %d, time scale %g; want %d, %g", tc.args, cfg.parallel, cfg.scale,
				tc.parallel, tc.scale)
		}
	}
}
