// Package casefile defines the YAML conformance case format and its strict
// loader. It parses and validates; it never runs anything (the runner does)
// and never judges anything (the oracle does).
//
// # Files and ids
//
// Cases live in cases/<area>/<name>.yaml, where area is the first segment of
// the case id (events, files, request, timeouts, redirects, cancel,
// convenience, input, tls, concurrency, ...). A file holds one case (a
// mapping), a YAML list of cases, or a mapping with one key `cases:` holding
// that list (a small family). Start each file with the schema modeline so
// editors complete and check keys:
//
//	# yaml-language-server: $schema=../schema.json
//
// A case id is dotted, lower-case, area first: "files.error-404-keeps-file",
// "redirects.no-follow.302" (pattern [IDPattern]); ids are unique across all
// files. Requirement ids are the rule numbers of the profile (E1 ... S2,
// pattern [ReqPattern]); the catalogue check that they exist is elsewhere.
//
// Unknown keys and wrong types are errors that lead with the position and suggest
// a fix:
//
//	cases/example/typo.yaml:27:5: expect.ended.statsu: unknown event field "statsu" (did you mean "status"?)
//
// So are syntax errors, at the unclosed bracket or quote, the tab or the
// misplaced key:
//
//	cases/example/typo.yaml:3:15: did not find expected ',' or ']' (this bracket is never closed)
//
// A case file has at most 1 MiB and 100,000 nodes with its aliases
// expanded (an alias bomb is refused before it is walked), and loading
// stops when its context is done ([LoadContext], [LoadFSContext]).
//
// The decoding, the limits, the position errors and the suggestions are
// package internal/strictyaml's, the project's one strict YAML decoder;
// this package adds the case format's rules on top (decode.go).
//
// # A complete example
//
// A file cases/files/error-body-keeps-file.yaml, with comments (the case
// cases/example/error-body-keeps-file.yaml is the same under another id):
//
//	# yaml-language-server: $schema=../schema.json
//	id: files.error-body-keeps-file
//	title: a 404 with params.response gives its body as a string and leaves the old file as it was
//	requirements: [F2, E8]          # the first is the default attribution of every check
//	given:
//	  files:
//	    - {dir: DocumentsDirectory, name: out.bin, text: "old contents"}
//	server:                         # mockserver.Scenario, as-is; paths are relative to the case's namespace
//	  routes:
//	    - path: /missing
//	      status: 404
//	      headers: {Content-Type: text/plain}
//	      body: "no such thing"
//	call:                           # fn: request (default) | upload | download
//	  url: "{{http}}/missing"
//	  method: GET                   # absent: nil is passed (implementation default, R1)
//	  params:                       # the Lua params table
//	    progress: download
//	    response: {filename: out.bin, baseDirectory: DocumentsDirectory}
//	expect:
//	  trace: began progress* ended  # the call's whole phase sequence
//	  began:
//	    status: 404                 # a bare value means equals
//	    bytesEstimated: 13
//	  ended:
//	    isError: false
//	    status: 404
//	    response: "no such thing"
//	    bytesTransferred: {served: size}
//	  files:
//	    - {dir: DocumentsDirectory, name: out.bin, unchanged: true}
//	  journal:
//	    requests:
//	      - {method: GET, path: /missing, status: 404}
//
// Its failure against an implementation that writes the 404's body to the
// file, as `netconform run -v` prints it: the verdict line ends in the
// headline, which names only what the case file says (position, check, call,
// rule, level), so it is the same from run to run; the details below it hold
// what this run saw (want and got per mismatch, then the event trace, the
// server journal and the logs):
//
//	FAIL  files.error-body-keeps-file (26ms): cases/files/error-body-keeps-file.yaml:28:15: ended.response [main] (F2 must), and 1 more
//	      cases/files/error-body-keeps-file.yaml:28:15: ended.response [main] (F2 must)
//	        want: "no such thing"
//	        got:  {baseDirectory:"DocumentsDirectory" filename:"out.bin" ...}
//	      cases/files/error-body-keeps-file.yaml:31:7: files[0] DocumentsDirectory/out.bin (F2 must)
//	        want: unchanged (12 bytes, sha256 f726aa6fad8d…, starting "old contents")
//	        got:  13 bytes, sha256 37b32e79cab6…, starting "no such thing"
//	      trace:
//	          0     1.2ms main     began bytesEstimated=13 bytesTransferred=0 isError=false ...
//	        ...
//	      journal:
//	        #1 http GET /missing status=404 sent=13 reqBytes=0 done=+1ms
//
// Every check is graded at the level of the requirement it is attributed to
// (the first of requirements unless a calls entry says req), so a check of
// another rule, such as responseHeaders (E10, a should), belongs in a case
// of that rule rather than in a must case like this one.
//
// # Top-level keys
//
//	id, title, requirements   required
//	level                     must | should | info: overrides the level of the case's own checks
//	labels                    extra Ginkgo labels (area:<area> and req:<id> are derived)
//	given.files[]             {dir, name, text | base64 | size (+ seed) | link}: created before the first call;
//	                          link: BaseDir[/path] makes a symbolic link to that folder or file of the
//	                          sandbox (a driver that keeps its files itself skips such a case);
//	                          dir is a base directory constant name, default DocumentsDirectory;
//	                          size+seed gives the same bytes as the server's body {generate: {size, seed}};
//	                          templates (below) work in text; name stays inside dir (no "..", not
//	                          absolute), base64 must decode: the loader checks what the runner places
//	server                    routes in mockserver's model (see package mockserver); templates (below)
//	                          work in redirect targets, header values and text bodies; a body file
//	                          ({file: data.bin}) resolves in the case file's folder and must stay
//	                          inside it, unless Options.AllowOutside (--allow-outside-files)
//	call | calls[]            one call, or several with ids
//	actions[]                 a script run in order while the calls are in flight
//	expect                    what the oracle checks (below)
//	minScale                  smallest time scale the case may run at (e.g. 1 when it cannot be scaled)
//	budget                    deadline in API time (scaled); default the runner's; the runner adds
//	                          a wall-time grace and 2 s per MiB of given files (their placing)
//	settle                    how long to keep listening after all calls finished; default the runner's
//	alone                     true: run with no other case of the implementation in flight (a timing
//	                          bound that a device serving other sessions at once could miss)
//
// Durations are Go duration strings ("150ms", "2s") in API time, multiplied
// by the case's time scale: the mock server scales the server block's (the
// runner installs each case at its own scale), the runner its waits and
// deadlines (actions, budget, settle).
//
// # Templates
//
// One set of {{name}} templates is valid in every templated place of a case:
// a call's url, params (every string in it) and filename; the server block's
// redirect targets (to), header values and text bodies; and the text of
// given files. A name not listed here is left as written.
//
//	{{http}}       the case namespace's base URL on the plain HTTP listener: http://127.0.0.1:41234/c/<ns>
//	{{https}}      the same on the trusted HTTPS listener (its CA is the driver's CAFile)
//	{{untrusted}}  the same on the HTTPS listener with a self-signed certificate
//	{{expired}}    the same on the HTTPS listener with an expired CA-signed certificate
//	{{wronghost}}  the same on the HTTPS listener whose certificate is for wrong.invalid only
//	{{narrow}}     the same on a plain HTTP listener with a small receive window and segment size,
//	               so that a client's writes keep pace with the server's reads (a slowly read upload, T2)
//	{{refused}}    the same path on a loopback port that refuses connections
//	{{ns}}         the namespace path alone, /c/<ns>, for path-absolute references ("{{ns}}/final")
//	{{i}}          the instance number of a repeated call (1 ... N; 1 without repeat) in that call's
//	               url, params and filename; 0 in the server block and given files, which belong
//	               to no instance
//
// The mock server owns the namespace layout and the first seven names
// (mockserver.NamespacePath, mockserver.URLs.Templates); the runner adds
// refused and i.
//
// # Calls
//
//	id              name used by actions and expect.calls; "main" for a single call:
//	fn              request | upload | download
//	url             templated (see Templates), usually "{{http}}/path" or "{{https}}/path"
//	method          the method argument; absent passes nil
//	params          the Lua params table; any shape, so B1 cases can pass wrong types on purpose.
//	                Numbers become Lua numbers (float64); base directories are constant names;
//	                templates are expanded in every string
//	filename, baseDirectory, contentType
//	                upload/download positional arguments (absent: nil); filename is templated
//	listener        none: pass a nil listener (B2)
//	repeat          make N identical calls at once (instances <id>#1 ... <id>#N)
//	after           start once the named call has finished (ended, cancelled or rejected)
//
// # Actions
//
// Each step waits for its trigger, then acts:
//
//	actions:
//	  - {cancel: main, at: began}                   # cancel once began was delivered
//	  - {cancel: main, at: progress, inListener: true}  # from inside the listener at the first progress (C4)
//	  - {cancel: main, at: received}                # once the server journaled the request (before headers)
//	  - {cancel: main, at: sent}                    # once the server finished the exchange (whole response sent)
//	  - {cancel: main, after: 200ms}                # 200 ms (API time) after the previous step
//	  - {at: ended, call: other}                    # a pure wait
//
// at is began | progress (the first) | ended | received | sent; after alone counts
// from the previous step (or the start), with at it counts from that moment.
//
// # Expectations
//
// Built-in invariants are checked for every call unless listed in
// expect.skipInvariants (see [Invariants] for names and requirements): name and
// phase valid (E1), exactly one ended unless cancelled, rejected or without a
// listener, and nothing after it (E2/E3/E4), began/progress only when progress
// was asked (E2), began at most once and first (E3/E4), bytesTransferred never
// decreasing (E7), nothing after cancel (C1), requestId equal to the call's
// handle (E13), url equal to the URL passed (E12), no temporary files left in
// the sandbox, nor one that only the session's close removed (F4, also off
// with noTempFiles: false). Each invariant is graded by its own
// requirement's level. In a case that names F5, the file journal must show
// each destination replaced by a rename only: never removed, never written
// in place (local sandboxes; the driver's own folders have no journal).
//
// Per call (top level of expect: every call; expect.calls.<id>: that call or
// instance):
//
//	rejected: true       nil handle and no event (B1, F7, F9)
//	trace                phase grammar: began, progress, ended, postfix * + ? {n} {n,} {n,m},
//	                     | alternation, parentheses; matched against the whole sequence
//	began, progress, ended, each
//	                     predicates on that event's fields (progress and each: every such event):
//	                     name, phase, isError, status, response, responseType, responseHeaders,
//	                     bytesTransferred, bytesEstimated, url, requestId
//	cancelReturned       predicate on network.cancel's return value ({absent: true} for nil)
//	req                  attribute these checks to one requirement
//
// Predicates: a bare scalar means equals; a mapping holds operators that must
// all hold: equals, oneOf, matches (Go regexp), present (true/false), absent,
// gte, lte, contains (substring; or for a map, key → predicate, header names
// case-insensitive), served (size: the response bytes the server wrote; body:
// same SHA-256 as the body the server wrote). A response written to a file is
// the map {filename, baseDirectory[, fullPath]}.
//
// Files after the run (expect.files[]): {dir, name} and one of content (text),
// base64, sha256, absent: true, unchanged: true (as before the first call),
// sameAsServed: true (the last 2xx response body the server wrote, optionally
// of servedPath), unchangedOrServed: true (as before, or a 2xx body the server
// wrote; and not changed after a network.cancel returned); size may be added;
// req attributes it.
//
// Journal (expect.journal): count; requests[] matched one to one in arrival
// order, each with method, path (without the namespace), query, headers
// (name → predicate), bodyText, bodySize, bodySha256, status, clientClosed,
// tls; clientClosed at the block level means "some request was closed by the
// client" (true) or "none was" (false).
//
// Timing (expect.timing[]), lower bounds only, API time:
//
//	timing:
//	  - {from: server.lastBody, to: ended, atLeast: 1s, req: T1}
//	  - {each: progress, atLeast: 1s, req: E6}
//
// Moments: began, progress (first), lastProgress, ended of the call (call:,
// default the first), and server.received, server.headers, server.firstBody,
// server.lastBody, server.done, server.clientClosed of that call's last
// journaled request.
package casefile
