package specs_test

import (
	"context"
	"regexp"
	"sync"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
)

// prefetch runs the selected cases ahead of their specs, a few at a time, so
// that a serial `go test ./specs/` overlaps the cases' waiting (a case is
// mostly timers and sockets). Each spec then waits for its own case's result
// and judges it. A spec whose case was not prefetched (a nil prefetch, under
// ginkgo -p, or a filter this file reads differently) runs it itself.
type prefetch struct {
	run    *runner.Runner
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex // guards done
	done   map[*casefile.Case]chan result.CaseResult
}

// prefetchParallel is how many cases run at once ahead of their specs (the
// runner's Params.Parallel).
const prefetchParallel = 6

// startPrefetch starts running cs through the runner's scheduler
// ([runner.Runner.Repeat], Params.Parallel at a time); each result is handed
// to its spec as it ends.
func startPrefetch(run *runner.Runner, cs []*casefile.Case) *prefetch {
	ctx, cancel := context.WithCancel(context.Background())
	p := &prefetch{run: run, cancel: cancel, done: make(map[*casefile.Case]chan result.CaseResult)}
	byID := make(map[string]chan result.CaseResult, len(cs))
	for _, c := range cs {
		byID[c.ID] = make(chan result.CaseResult, 1)
		p.done[c] = byID[c.ID]
	}
	p.wg.Go(func() {
		run.Repeat(ctx, cs, 1, runner.Hooks{Done: func(res result.CaseResult, _ int) { byID[res.ID] <- res }})
	})
	return p
}

// stop abandons the cases not started and waits for the running ones.
func (p *prefetch) stop() {
	p.cancel()
	p.wg.Wait()
}

// result returns c's result: the prefetched one, or runs c now.
func (p *prefetch) result(ctx context.Context, c *casefile.Case) result.CaseResult {
	if p != nil {
		// A result is handed out once; a spec run again (flake attempts)
		// runs its case afresh.
		p.mu.Lock()
		ch, ok := p.done[c]
		delete(p.done, c)
		p.mu.Unlock()
		if ok {
			select {
			case res := <-ch:
				return res
			case <-ctx.Done():
				return result.CaseResult{ID: c.ID, Verdict: result.Error, Reason: "interrupted while waiting for the case"}
			}
		}
	}
	return env.run.Case(ctx, c)
}

// regexpMatch reports whether the regular expression re matches s.
func regexpMatch(re, s string) (bool, error) {
	return regexp.MatchString(re, s)
}
