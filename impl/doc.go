// Package impl is netconform's reference implementation of Solar2D's
// networking API: network.request, network.upload, network.download,
// network.cancel and the networkRequest event. It follows the profile in
// docs/profile.md exactly (rules E, F, R, T, D, C, U, B and S), over real
// sockets, and is the yardstick every conformance case is first proven on.
//
// # Engine
//
// An [Engine] is one runtime, what a Solar2D app has once: a sandbox that
// maps the base directories ([DocumentsDirectory], [TemporaryDirectory],
// [CachesDirectory], [ResourceDirectory]) to real folders, the trusted root
// CAs, a time scale and a logger. Build it with [New] and [Option] values and
// Close it when done:
//
//	e, err := impl.New(impl.WithSandbox(dir), impl.WithTimeScale(0.05))
//	if err != nil { ... }
//	defer e.Close()
//
// With a time scale of 0.05 every duration of the profile is 20 times
// shorter: the 30 s default timeout takes 1.5 s, the 1 s progress interval 50 ms.
//
// # Calls and events
//
// [Engine.Request], [Engine.Upload] and [Engine.Download] mirror the Lua
// calls argument for argument. Each returns a [*Handle] (the requestId), or
// nil and an error when the call is refused; a refused call is logged and
// never sends an event (B1). [Params] is the params table; [ParamsFromTable]
// decodes and validates one given as decoded JSON, as a Lua binding would.
//
// The [Listener] receives [Event] values: without progress only the ended
// event, with Params.Progress "download" began (after the headers), progress
// (at most one per scaled second) and ended, with "upload" began (before the
// body is sent), progress and ended. All listeners of an engine run on one
// goroutine, one at a time, in order, like Solar2D's main thread; the
// progress rate limit is applied there, when the listener is called.
// [Engine.Cancel] stops a request: no event of it is delivered afterwards.
// [Engine.Do] runs a function on that goroutine between two listener calls,
// so code on other goroutines can cancel at an exact point of the stream.
//
// Event.IsError reports transport and local file failures only: a 404 is an
// ended event with Status 404, IsError false and the body in Response.Text.
//
// # Response files
//
// With Params.Response (or Download), a 2xx body is streamed to a temporary
// file in the destination folder and renamed over the destination only when
// it is complete, so the old file survives errors, truncation, timeouts and
// cancellation, and no temporary file is left behind. Error statuses give the
// body as a string and leave the file alone.
//
// # Timeouts
//
// Params.Timeout (default 30 s, scaled) bounds connecting and each wait for
// data, not the whole transfer: a slow but steady download completes.
package impl
