package runner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

// portFixture is a fake fixture whose HTTP server is at base, as a mock
// server on a random loopback port would be.
type portFixture struct {
	*fakeFixture
	base string
}

func (f portFixture) URLs() mockserver.URLs {
	u := f.fakeFixture.URLs()
	u.HTTP = f.base
	return u
}

// TestHeadlineStableAcrossRuns: the same failure in two runs, against
// servers on different ports and with sandboxes in different temporary
// folders, has the same headline and Reason; the details keep what each run
// saw (its URL and sandbox path).
func TestHeadlineStableAcrossRuns(t *testing.T) {
	t.Parallel()
	// The implementation answers with its sandbox folder (and the URL it was
	// given in the event's url): what a real failure shows in Got.
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, ended(h, c, 200, filepath.Base(filepath.Dir(s.cfg.Dirs[driver.DocumentsDirectory]))))
		return nil
	}}
	var res [2]result.CaseResult
	for i, base := range []string{"http://127.0.0.1:41001", "http://127.0.0.1:52002"} {
		r := newRunner(t, d, portFixture{newFakeFixture(), base}) // a temporary folder of its own
		res[i] = r.Case(t.Context(), loadCase(t, okCase))
		if res[i].Verdict != result.Fail {
			t.Fatalf("run %d: verdict %s (%s), want fail", i+1, res[i].Verdict, res[i].Reason)
		}
	}
	h := res[0].Headline()
	if h == "" || h != res[1].Headline() {
		t.Errorf("headlines differ:\n%q\n%q", h, res[1].Headline())
	}
	if res[0].Reason != res[1].Reason {
		t.Errorf("reasons differ:\n%q\n%q", res[0].Reason, res[1].Reason)
	}
	for _, s := range []string{h, res[0].Reason} {
		if strings.Contains(s, "41001") || strings.Contains(s, "netconform-t.ok") {
			t.Errorf("%q names the run's port or sandbox", s)
		}
	}
	d0, d1 := res[0].Details("", result.DetailParts{}), res[1].Details("", result.DetailParts{})
	if !strings.Contains(d0, "127.0.0.1:41001/c/") || !strings.Contains(d1, "127.0.0.1:52002/c/") ||
		!strings.Contains(d0, "netconform-t.ok-") {
		t.Errorf("the details lose what the run saw:\n%s\n%s", d0, d1)
	}
}
