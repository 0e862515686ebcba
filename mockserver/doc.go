// Package mockserver is a configurable mock HTTP/HTTPS server for conformance
// tests of HTTP clients: it misbehaves precisely (delays, trickled bodies,
// lying lengths, resets and malformed data at exact byte offsets, redirect
// chains, slow request reading) and reports exactly what it did in a
// per-namespace journal with timestamps.
//
// One [Server] serves many cases at once: each case installs a [Scenario]
// under its own namespace with [Server.Install], and its routes are served
// under [NamespacePath](ns) ("/c/<ns>/...") on every listener. The API in
// brief:
//
//	srv, err := mockserver.New(mockserver.WithTimeScale(0.05))
//	defer srv.Close()
//	err = srv.Install("redirect.302", scn)        // routes under /c/redirect.302/
//	u := srv.URLs().HTTPS + mockserver.NamespacePath("redirect.302") + "/file"
//	resp, err := srv.Client().Get(u)              // trusts the server's CA (srv.Certificate())
//	err = srv.Await(ctx, "redirect.302", mockserver.HasEvent(mockserver.EventDone))
//	recs := srv.Journal("redirect.302")
//
// As with net/http/httptest, [NewUnstarted] returns a server to configure
// before [Server.Start] (its TLS field, scenarios installed before the first
// connection); Start panics when called twice. [Server.Close] logs each
// connection it is still waiting for after 5 s.
//
// Each namespace has its own time scale and templates: Install takes
// [InstallTimeScale] (default the server's [WithTimeScale]), so cases at
// different scales share one server, and [InstallTemplates] for values only
// the installer knows. The template vocabulary ({{http}}, {{https}},
// {{untrusted}}, {{expired}}, {{wronghost}}, {{ns}}) is [URLs.Templates];
// it expands in redirect targets, header values and text bodies.
//
// Record times are wall-clock. headersSent and bodyChunk are stamped as the
// write that sends those bytes starts, and a fault as it fires, so they are
// lower bounds of when a client can see them; Done is stamped as the
// handler finishes (a small unflushed body leaves just after it, see
// [EventHeadersSent]). With [WithRequestLog], a request's log line is written
// by the time Journal or Await shows it done.
//
// Out-of-process clients use GET /__netconform/journal?case=<ns> (JSON list of
// [Record], streamed; filters and paging as [JournalQuery]) and GET
// /__netconform/ca.pem. With [WithAdmin] they also add, replace and remove
// routes, restart call counters and clear journals over HTTP, as
// [Server.AddRoutes], [Server.SetRoutes], [Server.RemoveRoute],
// [Server.ResetCalls] and [Server.ResetJournal] do (docs/mock-server.md in
// the repository lists the endpoints and their safety rules).
//
// The journal is bounded: [WithJournalLimit] records and [WithJournalBytes]
// bytes per namespace, and bytes in all; past them the oldest records are
// dropped and counted ([JournalStats]).
//
// Scenarios decode from YAML with [DecodeScenario] (a case file's `server:`
// block) or [ParseConfig] (a whole file), with strict file:line:col errors
// ([PosError]), and from JSON with encoding/json. The strict decoding itself
// (unknown keys, types, positions, did-you-mean) is package
// internal/strictyaml's; this package holds the route model and its own
// YAML forms (codec.go).
//
// Of netconform, mockserver imports only internal/strictyaml.
package mockserver
