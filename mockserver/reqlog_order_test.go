package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestRequestLogLineBeforeJournalShowsDone checks the request log's promise:
// once Journal shows a request done, its log line is written. A poller reads
// the journal while requests finish and, for every done record it sees,
// looks for the record's line in what was written by then.
func TestRequestLogLineBeforeJournalShowsDone(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var buf bytes.Buffer
	s := newServer(t, WithRequestLog(lockedWriter{&mu, &buf}))
	base := install(t, s, "order", Route{Path: "/x", Response: Response{Body: Body{Text: "ok"}}})
	const requests = 400
	c := newClient(t, s, false)
	stop, quit := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(stop)
		for i := range requests {
			select {
			case <-quit:
				return
			default:
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, fmt.Sprintf("%s/x?i=%d", base, i), nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			_ = resp.Body.Close()
		}
	})
	defer wg.Wait()
	defer close(quit)
	seen := map[string]bool{}
	const maxPolls = 1 << 22 // bounded: far more than 400 requests take
	for range maxPolls {
		select {
		case <-stop:
			return
		default:
		}
		recs := s.Journal("order")
		mu.Lock()
		logged := buf.String()
		mu.Unlock()
		for _, r := range recs {
			if r.Done.IsZero() || seen[r.Query] {
				continue
			}
			seen[r.Query] = true
			// The line names the full path only; the journal's Seq
			// orders the lines, so count the done records instead.
			if n := strings.Count(logged, "\n"); n < len(seen) {
				t.Errorf("journal shows %d requests done (the last %s), the log has %d lines", len(seen), r.Query, n)
				return
			}
		}
	}
	t.Error("the requests did not end")
}
