package refdriver_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/mockserver"
)

// remoteSameVerdicts runs cs through the HTTP long-poll control channel,
// with Go clients playing devices that run the reference, and compares the
// verdicts with want. Half the devices keep their files themselves (the
// files capability), the others work in the harness's folders, so cases
// run both ways in one run.
func remoteSameVerdicts(t *testing.T, srv *mockserver.Server, cs []*casefile.Case, want map[string]result.CaseResult) {
	d, err := remote.New(remote.Options{PollWait: 2 * time.Second, DeviceClock: true})
	if err != nil {
		t.Fatalf("new remote driver: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	devErrs := make(chan error, runner.DefaultParallel)
	for i := range runner.DefaultParallel {
		wg.Go(func() {
			devErrs <- remote.RunDevice(ctx, client, d.URL(), refdriver.New(),
				proto.ServeOptions{Name: "go-device", Capabilities: refdriver.Capabilities(), Files: i%2 == 0})
		})
	}
	got := runAll(t, srv, d, runner.Params{}, cs)
	if err := d.Close(); err != nil {
		t.Errorf("close remote driver: %v", err)
	}
	wg.Wait() // devices end at bye
	cancel()
	tr.CloseIdleConnections()
	close(devErrs)
	for err := range devErrs {
		if err != nil {
			t.Errorf("device: %v", err)
		}
	}
	compare(t, "remote", want, got)
	t.Logf("verdicts: inproc %v, remote %v", tally(want), tally(got))
	if d.Name() != "go-device" {
		t.Errorf("Name() = %q, want the device's hello name", d.Name())
	}
}
