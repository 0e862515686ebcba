package mockserver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netconform/netconform/internal/strictyaml"
)

// routeState is an installed route with its call counter (guarded by the
// space's mu).
type routeState struct {
	Route
	index int
	hops  int         // redirect chain length: the route also matches path/1 .. path/(hops-1)
	prep  []*prepared // Response, then each of Then, made ready to serve
	ns    *nsSettings // what the Install that installed the route set; shared by its routes
	calls int
}

// nsSettings is what one Install set for a namespace besides its routes.
type nsSettings struct {
	scale  float64             // multiplies every Duration of the scenario
	expand func(string) string // expands the namespace's templates; safe for concurrent use
}

// Install serves sc under namespace ns: its routes are matched against the
// request path after [NamespacePath](ns) on every listener. ns is one path
// segment of [A-Za-z0-9._~-]+, or "" for the unprefixed root (requests whose
// path is under no namespace). The options set the namespace's time scale
// (default the server's, see [InstallTimeScale]) and add templates (see
// [InstallTemplates]). Installing again replaces the routes, the time scale
// and the templates, and restarts the call counters; the journal is kept.
// Install may be called before Start. It returns an error if ns or sc is
// invalid (see [Scenario.Validate]), or ErrClosed.
func (s *Server) Install(ns string, sc Scenario, opts ...InstallOption) error {
	if err := validNamespace(ns); err != nil {
		return fmt.Errorf("install %q: %w", ns, err)
	}
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("install %q: %w", ns, err)
	}
	nc := nsConfig{timeScale: s.cfg.timeScale}
	for _, o := range opts {
		o(&nc)
	}
	set := &nsSettings{scale: nc.timeScale, expand: s.templater(ns, nc.templates)}
	routes := buildRoutes(sc.Routes, 0, set)
	sp, err := s.lockSpace(ns)
	if err != nil {
		return err
	}
	sp.routes, sp.settings = routes, set
	sp.notifyLocked()
	sp.mu.Unlock()
	return nil
}

// buildRoutes makes routes ready to serve with the namespace settings set,
// numbering them from first.
func buildRoutes(in []Route, first int, set *nsSettings) []*routeState {
	routes := make([]*routeState, len(in))
	for i, r := range in {
		r.Method = strings.ToUpper(r.Method)
		r.Then = slices.Clone(r.Then)
		hops := 1
		for _, resp := range append([]Response{r.Response}, r.Then...) {
			if resp.Redirect != nil {
				hops = max(hops, resp.Redirect.Hops)
			}
		}
		prep := []*prepared{prepare(&r.Response)}
		for j := range r.Then {
			prep = append(prep, prepare(&r.Then[j]))
		}
		routes[i] = &routeState{Route: r, index: first + i, hops: hops, prep: prep, ns: set}
	}
	return routes
}

// match is the outcome of routing one request.
type match struct {
	route *routeState
	call  int
	hop   int // index in the redirect chain: 0 for the route's own path
	resp  Response
	prep  *prepared // resp made ready to serve
}

// matchLocked finds the route for method and path (relative to the
// namespace), counts the call, picks the response and notes route and call in
// rec. ok is false when none matches. sp.mu must be held; the caller wakes
// waiters.
func (sp *space) matchLocked(method, path string, rec *Record) (m match, ok bool) {
	for _, rt := range sp.routes {
		if rt.Method != "" && rt.Method != method {
			continue
		}
		hop, ok := rt.pathHop(path)
		if !ok {
			continue
		}
		rt.calls++
		resp, prep := rt.Response, rt.prep[0]
		if rt.calls > 1 && len(rt.Then) > 0 {
			k := min(rt.calls-2, len(rt.Then)-1)
			resp, prep = rt.Then[k], rt.prep[k+1]
		}
		rec.Route, rec.Call = rt.index, rt.calls
		return match{route: rt, call: rt.calls, hop: hop, resp: resp, prep: prep}, true
	}
	return match{}, false
}

// pathHop reports whether path is the route's path (hop 0) or one of its
// redirect chain paths path/k (hop k).
func (rt *routeState) pathHop(path string) (int, bool) {
	if path == rt.Path {
		return 0, true
	}
	if rt.hops <= 1 {
		return 0, false
	}
	base := strings.TrimSuffix(rt.Path, "/") + "/"
	rest, found := strings.CutPrefix(path, base)
	if !found {
		return 0, false
	}
	k, err := strconv.Atoi(rest)
	if err != nil || k < 1 || k >= rt.hops || strconv.Itoa(k) != rest {
		return 0, false
	}
	return k, true
}

// nearMiss explains, for a request that matched nothing, which routes came
// closest and why they did not match.
func (sp *space) nearMiss(method, path string) string {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var b strings.Builder
	ns := sp.ns
	fmt.Fprintf(&b, "netconform mockserver: no route matches %s %s in namespace %q\n", method, path, ns)
	if sp.routes == nil {
		fmt.Fprintf(&b, "no scenario is installed in namespace %q\n", ns)
		return b.String()
	}
	if len(sp.routes) == 0 {
		b.WriteString("the installed scenario has no routes\n")
		return b.String()
	}
	type miss struct {
		rt     *routeState
		score  int
		reason []string
	}
	misses := make([]miss, 0, len(sp.routes))
	for _, rt := range sp.routes {
		m := miss{rt: rt}
		if rt.Method != "" && rt.Method != method {
			m.score += 2
			m.reason = append(m.reason, fmt.Sprintf("method %s is not %s", method, rt.Method))
		}
		if _, ok := rt.pathHop(path); !ok {
			m.score += strictyaml.EditDistance(path, rt.Path)
			m.reason = append(m.reason, fmt.Sprintf("path %q is not %q", path, rt.Path))
		}
		misses = append(misses, m)
	}
	slices.SortStableFunc(misses, func(a, b miss) int { return a.score - b.score })
	b.WriteString("closest routes:\n")
	for _, m := range misses[:min(3, len(misses))] {
		meth := m.rt.Method
		if meth == "" {
			meth = "*"
		}
		fmt.Fprintf(&b, "  routes[%d] %s %s: %s\n", m.rt.index, meth, m.rt.Path, strings.Join(m.reason, "; "))
	}
	return b.String()
}

// splitNamespace splits a request path into namespace and the path relative
// to it: "/c/ns/a/b" gives ("ns", "/a/b"), "/c/ns" gives ("ns", "/"); any
// other path belongs to the root namespace "".
func splitNamespace(p string) (ns, rel string) {
	rest, ok := strings.CutPrefix(p, nsRoot)
	if !ok {
		return "", p
	}
	seg, _, found := strings.Cut(rest, "/")
	if validNamespace(seg) != nil || seg == "" {
		return "", p
	}
	if !found {
		return seg, "/"
	}
	return seg, rest[len(seg):] // the tail with its leading "/", without allocating
}

// relativeRef returns a relative reference that resolves to the absolute
// path to from the absolute path from (RFC 3986 §5.2): "p/1" from /c/ns/p to
// /c/ns/p/1, "../p" from /c/ns/p/2 to /c/ns/p.
func relativeRef(from, to string) string {
	fromSegs := strings.Split(strings.TrimPrefix(from, "/"), "/")
	dir := fromSegs[:len(fromSegs)-1]
	toSegs := strings.Split(strings.TrimPrefix(to, "/"), "/")
	common := 0
	for common < len(dir) && common < len(toSegs)-1 && dir[common] == toSegs[common] {
		common++
	}
	ref := strings.Repeat("../", len(dir)-common) + strings.Join(toSegs[common:], "/")
	if first, _, _ := strings.Cut(ref, "/"); ref == "" || strings.Contains(first, ":") {
		ref = "./" + ref
	}
	return ref
}
