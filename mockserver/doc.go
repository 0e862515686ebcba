// Package mockserver is a configurable mock HTTP/HTTPS server for conformance
// tests of HTTP clients: it misbehaves precisely (delays, trickled bodies,
// lying lengths, resets and malformed data at exact byte offsets, redirect
// chains, slow request reading) and reports exactly what it did in a
// per-namespace journal with timestamps.
//
// One [Server] serves many cases at once: each case installs a [Scenario]
// under its own namespace with [Server.Install], and its routes are served
// under /c/<ns>/... on every listener. The API in brief:
//
//	srv, err := mockserver.New(mockserver.WithTimeScale(0.05))
//	defer srv.Close()
//	err = srv.Install("redirect.302", scn)        // routes under /c/redirect.302/
//	u := srv.URLs().HTTPS + "/c/redirect.302/file" // the client trusts srv.CACertPool()
//	err = srv.Await(ctx, "redirect.302", mockserver.HasEvent(mockserver.EventDone))
//	recs := srv.Journal("redirect.302")
//
// Record times are wall-clock. headersSent and bodyChunk are stamped as the
// write that sends those bytes starts, and a fault as it fires, so they are
// lower bounds of when a client can see them; Done is stamped as the
// handler finishes (a small unflushed body leaves just after it, see
// [EventHeadersSent]). With [WithRequestLog], a request's log line is written
// by the time Journal or Await shows it done.
//
// Out-of-process clients use GET /__netconform/journal?case=<ns> (JSON list of
// [Record]) and GET /__netconform/ca.pem.
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
