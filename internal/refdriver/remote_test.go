package refdriver_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
)

// TestRemoteSameVerdicts: the whole suite through the HTTP long-poll
// control channel, with Go clients playing devices that run the reference,
// gives the in-process verdicts.
func TestRemoteSameVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("full suite")
	}
	cs := loadCases(t)
	srv := newServer(t)
	want := runAll(t, srv, refdriver.New(), runner.Params{}, cs)

	d, err := remote.New(remote.Options{PollWait: 2 * time.Second})
	if err != nil {
		t.Fatalf("new remote driver: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	devErrs := make(chan error, runner.DefaultParallel)
	for range runner.DefaultParallel {
		wg.Go(func() {
			devErrs <- remote.RunDevice(ctx, client, d.URL(), refdriver.New(),
				proto.ServeOptions{Name: "go-device", Capabilities: refdriver.Capabilities()})
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
