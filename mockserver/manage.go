package mockserver

// This file holds the route changes after Install (the admin API's
// library side, see admin.go): adding, replacing and removing routes, and
// restarting their call counters.

import (
	"fmt"
	"slices"
)

// InstalledRoute is a route as a namespace serves it, with the number of
// requests it matched since it was installed or its counter restarted.
type InstalledRoute struct {
	Route
	// Calls counts the requests the route matched: the next one plays
	// response Calls+1 (Response first, then Then's, the last repeating).
	Calls int `json:"calls"`
}

// Routes returns copies of the routes namespace ns serves, in match order,
// with their call counts; nil when no scenario is installed there.
func (s *Server) Routes(ns string) []InstalledRoute {
	s.mu.Lock()
	sp := s.spaces[ns]
	s.mu.Unlock()
	if sp == nil {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.routes == nil {
		return nil
	}
	out := make([]InstalledRoute, len(sp.routes))
	for i, rt := range sp.routes {
		out[i] = InstalledRoute{Route: rt.Route.clone(), Calls: rt.calls}
	}
	return out
}

// AddRoutes appends routes after those namespace ns serves (installing a
// scenario of them if none is), with the namespace's time scale and
// templates (those of its last Install, or the server's). It returns an
// error if ns or a route is invalid (field names as in a scenario of just
// these routes: routes[0] is the first added), or ErrClosed.
func (s *Server) AddRoutes(ns string, routes ...Route) error {
	return s.changeRoutes(ns, "add routes to", Scenario{Routes: routes}, func(sp *space, set *nsSettings) {
		sp.routes = append(slices.Clip(sp.routes), buildRoutes(routes, len(sp.routes), set)...)
	})
}

// SetRoutes replaces the routes of namespace ns by sc's, restarting the
// call counters, and keeps the namespace's time scale and templates (those
// of its last Install, or the server's), where Install sets them anew. The
// journal is kept. Errors are Install's.
func (s *Server) SetRoutes(ns string, sc Scenario) error {
	return s.changeRoutes(ns, "set routes of", sc, func(sp *space, set *nsSettings) {
		sp.routes = buildRoutes(sc.Routes, 0, set)
	})
}

// RemoveRoute removes route i (0 for the first) of namespace ns; the routes
// after it move up one place (their Record.Route with them) and keep their
// call counts. It returns an error if there is no route i.
func (s *Server) RemoveRoute(ns string, i int) error {
	sp, err := s.lockSpace(ns)
	if err != nil {
		return fmt.Errorf("remove route %d of %q: %w", i, ns, err)
	}
	defer sp.mu.Unlock()
	if i < 0 || i >= len(sp.routes) {
		return fmt.Errorf("remove route %d of %q: no such route (the namespace has %d)", i, ns, len(sp.routes))
	}
	routes := make([]*routeState, 0, len(sp.routes)-1)
	for j, rt := range sp.routes {
		if j == i {
			continue
		}
		moved := *rt // a new state: an exchange in progress keeps reading the old one
		moved.index = len(routes)
		routes = append(routes, &moved)
	}
	sp.routes = routes
	sp.notifyLocked()
	return nil
}

// ResetCalls restarts the call counter of every route of namespace ns, so
// that sequences (Then) start again from Response and redirect chains count
// afresh. Routes and journal are kept.
func (s *Server) ResetCalls(ns string) error {
	sp, err := s.lockSpace(ns)
	if err != nil {
		return fmt.Errorf("reset calls of %q: %w", ns, err)
	}
	defer sp.mu.Unlock()
	for _, rt := range sp.routes {
		rt.calls = 0
	}
	return nil
}

// changeRoutes validates ns and sc, then applies change to the locked
// space with the namespace's settings.
func (s *Server) changeRoutes(ns, what string, sc Scenario, change func(*space, *nsSettings)) error {
	if err := validNamespace(ns); err != nil {
		return fmt.Errorf("%s %q: %w", what, ns, err)
	}
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("%s %q: %w", what, ns, err)
	}
	sp, err := s.lockSpace(ns)
	if err != nil {
		return fmt.Errorf("%s %q: %w", what, ns, err)
	}
	defer sp.mu.Unlock()
	if sp.settings == nil {
		sp.settings = &nsSettings{scale: s.cfg.timeScale, expand: s.templater(ns, nil)}
	}
	change(sp, sp.settings)
	sp.notifyLocked()
	return nil
}

// clone returns a copy of r that shares nothing with it.
func (r Route) clone() Route {
	r.Response = r.Response.clone()
	r.Then = slices.Clone(r.Then)
	for i := range r.Then {
		r.Then[i] = r.Then[i].clone()
	}
	if p := r.Request.SlowRead; p != nil {
		r.Request.SlowRead = new(*p)
	}
	return r
}

// clone returns a copy of r that shares nothing with it.
func (r Response) clone() Response {
	r.Headers = slices.Clone(r.Headers)
	if g := r.Body.Generate; g != nil {
		r.Body.Generate = new(*g)
	}
	if t := r.Trickle; t != nil {
		r.Trickle = new(*t)
	}
	if f := r.Fault; f != nil {
		r.Fault = new(*f)
	}
	if rd := r.Redirect; rd != nil {
		r.Redirect = new(*rd)
	}
	return r
}
