package runner

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// Hooks are told about each run of a case as it starts and as it ends (rep
// is the pass, from 0). Either may be nil. They are called from several
// goroutines at once.
type Hooks struct {
	Started func(id string, rep int)
	Done    func(res result.CaseResult, rep int)
}

// Repeat runs every case n times (n below 1 counts as 1), Params.Parallel
// runs at once, pass after pass (every case once, then every case again), and
// returns each case's runs in pass order, indexed like cases. Within a pass
// the cases that declare the longest budget start first. A case marked
// alone runs with no other in flight: it waits for the running ones, and
// none starts until it ended. When ctx ends (an interrupt), the runs not
// started yet are skipped as [result.InterruptedQueued] and the runs under
// way end as [result.InterruptedRunning] (see [Runner.Case]).
func (r *Runner) Repeat(ctx context.Context, cases []*casefile.Case, n int, h Hooks) [][]result.CaseResult {
	return schedule(ctx, cases, max(n, 1), r.p.Parallel, r.Case, h)
}

// schedule is Repeat with the case runner and the bound given: it runs every
// case of cs repeat times through run, parallel at once.
func schedule(ctx context.Context, cs []*casefile.Case, repeat, parallel int,
	run func(context.Context, *casefile.Case) result.CaseResult, h Hooks) [][]result.CaseResult {
	out := make([][]result.CaseResult, len(cs))
	for i := range out {
		out[i] = make([]result.CaseResult, repeat)
	}
	sem := make(chan struct{}, max(parallel, 1))
	var gate sync.RWMutex // alone cases hold it for writing, the others for reading
	var wg sync.WaitGroup
	order := longestFirst(cs)
	for rep := range repeat {
		for _, i := range order {
			c := cs[i]
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				out[i][rep] = notStarted(ctx, c)
				continue
			}
			wg.Go(func() {
				defer func() { <-sem }()
				if c.Alone {
					gate.Lock()
					defer gate.Unlock()
				} else {
					gate.RLock()
					defer gate.RUnlock()
				}
				if h.Started != nil {
					h.Started(c.ID, rep)
				}
				res := run(ctx, c)
				out[i][rep] = res
				if h.Done != nil {
					h.Done(res, rep)
				}
			})
		}
	}
	wg.Wait()
	return out
}

// longestFirst returns the indexes of cs with the alone cases first (each
// waits for every case in flight, so they cost least before any other has
// started), then the cases that declare the longest budget (in their given
// order otherwise), so the slow timeout cases do not start last and leave
// the run waiting on them alone.
func longestFirst(cs []*casefile.Case) []int {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if cs[a].Alone != cs[b].Alone {
			if cs[a].Alone {
				return -1
			}
			return 1
		}
		return cmp.Compare(cs[b].Budget, cs[a].Budget)
	})
	return order
}
