package runner

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/mockserver"
)

// scaleCase is a case whose server waits 2 s (API time) before its headers,
// at the smallest time scale minScale.
func scaleCase(id, minScale string) string {
	return `
id: ` + id + `
title: the server's delay runs at the case's scale
requirements: [E2]
minScale: ` + minScale + `
server:
  routes:
    - {path: /d, delayHeaders: 2s, body: ok}
call: {url: "{{http}}/d"}
expect:
  trace: ended
`
}

// TestCasesShareTheServerAtTheirOwnScale runs two cases at once over one
// real mock server (at its default scale 1), one at scale 0.02 and one at
// 0.5: the server's journal must show each case's 2 s delay scaled by that
// case's own scale, as a lower bound, and the fast one well under the slow
// one's (a generous band), so the runner's Install carried each case's scale.
func TestCasesShareTheServerAtTheirOwnScale(t *testing.T) {
	t.Parallel()
	srv, err := mockserver.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		s.Go(func(stop <-chan struct{}) {
			ctx, cancel := stopContext(stop)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Errorf("GET %s: %v", c.URL, err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			s.emit(h, ended(h, c, resp.StatusCode, string(body)))
		})
		return nil
	}}
	r := newRunner(t, d, srv) // scale 0.01: each case runs at its minScale
	run := r.Run(t.Context(), []*casefile.Case{
		loadCase(t, scaleCase("t.fast", "0.02")),
		loadCase(t, scaleCase("t.slow", "0.5")),
	})
	tests := []struct {
		min, max time.Duration
	}{
		{40 * time.Millisecond, 500 * time.Millisecond}, // t.fast: 2s * 0.02, well under t.slow's 1s
		{time.Second, 0}, // t.slow: 2s * 0.5
	}
	for i, tc := range tests {
		res := run.Cases[i]
		if len(res.Journal) != 1 {
			t.Fatalf("%s: %d requests journaled (verdict %s: %s), want 1", res.ID, len(res.Journal), res.Verdict, res.Reason)
		}
		rec := res.Journal[0]
		hs, ok := rec.Event(mockserver.EventHeadersSent)
		if !ok {
			t.Fatalf("%s: no headers sent: %+v", res.ID, rec.Events)
		}
		delay := hs.At.Sub(rec.Received)
		if delay < tc.min || (tc.max > 0 && delay > tc.max) {
			t.Errorf("%s (scale %g): server delay %v, want >= %v (and < %v when set)", res.ID, res.TimeScale, delay, tc.min, tc.max)
		}
	}
}
