package mutants

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// Variant is one deliberately broken version of an implementation, made by
// wrapping its driver. Variants come from [All]; the zero Variant wraps
// nothing and behaves as the implementation itself.
type Variant struct {
	// Name identifies the variant, e.g. "ended-twice".
	Name string
	// Doc says in one line what the variant gets wrong.
	Doc string
	// Requirements are the profile rules the variant breaks, e.g. ["F2"].
	Requirements []string
	// InfoClause reports that the variant breaks only an info clause of
	// its rules (what the platforms disagree on): the cases at level info
	// record it, as for a variant of info rules, and no case may fail.
	InfoClause bool

	h hooks
}

// hooks are a variant's alterations; nil hooks leave things as they are.
type hooks struct {
	// in alters a call on the way in. c is a deep copy the hook may change;
	// it runs before the wrapped session's Call.
	in func(e *env, c *driver.Call)
	// out alters one listener event (KindEvent) of a call on the way out and
	// returns what to deliver instead, in order: nothing drops it, several
	// add events. Seq numbers are reassigned afterwards. It runs on the
	// session's single pump goroutine, so st needs no lock.
	out func(e *env, st *stream, ev driver.Event) []driver.Event
	// keepDelivering makes network.cancel a no-op that answers true: the
	// call goes on and its events keep coming (C1).
	keepDelivering bool
	// close runs when the session is closed, before the wrapped session's
	// Close.
	close func(e *env)
	// cancel, if set, runs first in network.cancel; true answers the cancel
	// (true, after the events delivered so far) without passing it on.
	cancel func(e *env, st *stream) bool
	// afterCancel, if set, runs once a cancel passed on returned.
	afterCancel func(e *env, st *stream)
}

// stream is what a variant sees of one call while its events pass.
type stream struct {
	// call is the call as made (after the in hook).
	call driver.Call
	// phases counts the events of each phase seen from the implementation.
	phases map[string]int
	// held is an event a variant holds back to deliver later.
	held *driver.Event
	// fakeCancelAt is the phase at which a keepDelivering variant reports an
	// in-listener cancel it did not make; fakeCancelled once reported.
	fakeCancelAt  string
	fakeCancelled bool
	// started is when the call was made.
	started time.Time
	// committed and cancelled are commit-ignores-cancel's: the call's ended
	// arrived (its file is put in place), and a cancel came once the whole
	// body was sent; guarded by the env's mu (the pump and Cancel use them).
	committed, cancelled bool
}

// Wrap returns d as broken by v. The wrapped driver is safe for concurrent
// use when d is; its name is d's name plus "+" and the variant's name.
func (v Variant) Wrap(d driver.Driver) driver.Driver {
	return &wrapped{inner: d, v: v}
}

// wrapped is a driver.Driver broken by a variant.
type wrapped struct {
	inner driver.Driver
	v     Variant
}

// Name returns the inner driver's name plus "+" and the variant's name.
func (w *wrapped) Name() string { return w.inner.Name() + "+" + w.v.Name }

// Open opens a session of the inner driver and wraps it.
func (w *wrapped) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	s, err := w.inner.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", w.v.Name, err)
	}
	scale := cfg.TimeScale
	if scale <= 0 || !s.Capabilities().TimeScale {
		scale = 1
	}
	return newSession(s, w.v, &env{dirs: cfg.Dirs, baseURLs: cfg.BaseURLs, scale: scale}), nil
}

// All returns every variant, sorted by name. Each call returns fresh values.
func All() []Variant {
	var out []Variant
	out = append(out, eventVariants()...)
	out = append(out, callVariants()...)
	out = append(out, fileVariants()...)
	out = append(out, edgeVariants()...)
	out = append(out, folderVariant())
	slices.SortFunc(out, func(a, b Variant) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ControlName is the name of the [Control] variant.
const ControlName = "control"

// Control returns the variant that alters nothing: the wrapper alone, which
// renumbers events and maps cancels. [Run] runs it as a control; no case may
// catch it.
func Control() Variant {
	return Variant{Name: ControlName, Doc: "the wrapper alone: nothing is altered"}
}

// Lookup returns the variant called name.
func Lookup(name string) (Variant, bool) {
	for _, v := range All() {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// env is what hooks know of the session: its sandbox folders and the mock
// server's base URLs, as the session's Config gave them.
type env struct {
	dirs     map[string]string
	baseURLs map[string]string
	// scale is the session's time scale (1 when none was asked).
	scale float64
	// receiving holds, per folder, the handles of the file calls whose body
	// is arriving (temp-file-per-folder); only out hooks use it, on the
	// session's pump goroutine.
	receiving map[string]map[string]bool
	// atClose are files an out hook made that the close hook removes
	// (temp-kept-until-close); out hooks add to it on the pump goroutine,
	// the close hook reads it once the pump has stopped delivering.
	mu      sync.Mutex
	atClose []string
	// late counts the files commit-ignores-cancel is still putting in place.
	late sync.WaitGroup
	// inject delivers an event after those delivered so far (see
	// session.inject); set by the session.
	inject func(driver.Event)
}
