-- Unit tests of the Lua drivers (plain asserts): the JSON mapping of
-- ncproto, the protocol loop over a fake network, network_luasocket's
-- call-time checks and the Solar2D app's remote loop over a fake engine;
-- test_files.lua adds the files capability's (ncfiles, nc_sha256, nc_lfs).
--
--   lua5.1 drivers/lua/test_unit.lua      (make lua-test)

local here = (arg and arg[0] or ""):match("^(.*)[/\\][^/\\]*$") or "."
package.path = here .. "/?.lua;" .. here .. "/../solar2d/?.lua;" .. package.path

local cjson = require("cjson")
local proto = require("ncproto")

local tests, failed = {}, 0
local function test(name, fn) tests[#tests + 1] = { name = name, fn = fn } end

local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end

local function decode(line) return cjson.decode(line) end

-- JSON mapping -------------------------------------------------------------

test("utf8 validation follows Go", function()
  eq(proto.is_utf8("plain ascii"), true, "ascii")
  eq(proto.is_utf8("h\195\169llo \226\130\172 \240\159\152\128"), true, "é € emoji")
  eq(proto.is_utf8("\255"), false, "0xff")
  eq(proto.is_utf8("\192\175"), false, "overlong /")
  eq(proto.is_utf8("\237\160\128"), false, "surrogate")
  eq(proto.is_utf8("\226\130"), false, "truncated")
  eq(proto.is_utf8("\244\144\128\128"), false, "above U+10FFFF")
end)

test("base64 round trips and matches RFC 4648 vectors", function()
  local vectors = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==", fooba = "Zm9vYmE=", foobar = "Zm9vYmFy" }
  for plain, coded in pairs(vectors) do
    eq(proto.b64encode_lua(plain), coded, "encode " .. plain)
    eq(proto.b64decode_lua(coded), plain, "decode " .. coded)
    eq(proto.b64encode(plain), coded, "mime encode " .. plain)
    eq(proto.b64decode(coded), plain, "mime decode " .. coded)
  end
  local all = {}
  for i = 0, 255 do all[#all + 1] = string.char(i) end
  all = table.concat(all)
  eq(proto.b64decode_lua(proto.b64encode_lua(all)), all, "all bytes")
  eq(proto.b64decode_lua("Zm9v!"), nil, "bad input")
end)

test("encode writes objects, arrays, null, numbers and $bytes", function()
  eq(proto.encode({}), "{}", "empty table")
  eq(proto.encode(setmetatable({}, proto.array_mt)), "[]", "marked array")
  eq(proto.encode({ 1, 2, 3 }), "[1,2,3]", "array")
  eq(proto.encode({ b = 2.5, a = proto.null }), '{"a":null,"b":2.5}', "sorted keys, null, fraction")
  eq(proto.encode(200), "200", "integer")
  eq(proto.encode("a\"b\\c\n\1"), '"a\\"b\\\\c\\n\\u0001"', "escapes")
  eq(proto.encode("\0\1\2\3\255"), '{"$bytes":"AAECA/8="}', "binary string")
  local back = decode(proto.encode({ s = "h\195\169", n = -1, t = true }))
  eq(back.s, "h\195\169", "utf8 kept")
  eq(back.n, -1, "negative")
  eq(back.t, true, "bool")
end)

test("unbytes decodes $bytes at any depth and drops nulls", function()
  local v = proto.unbytes(decode('{"body":{"$bytes":"AAECA/8="},"h":{"x":{"$bytes":"aGk="}},"m":null,"keep":{"$bytes":"aGk=","other":1}}'), cjson.null)
  eq(v.body, "\0\1\2\3\255", "body")
  eq(v.h.x, "hi", "nested")
  eq(v.m, nil, "null dropped")
  eq(type(v.keep), "table", "two keys stay a table")
end)

test("the Solar2D app's ncproto.lua, ncjson.lua and ncfiles.lua are copies of drivers/lua's", function()
  local function read(p)
    local f = assert(io.open(p, "rb"))
    local s = f:read("*a")
    f:close()
    return s
  end
  for _, name in ipairs({ "ncproto.lua", "ncjson.lua", "ncfiles.lua" }) do
    if read(here .. "/" .. name) ~= read(here .. "/../solar2d/" .. name) then
      error("drivers/solar2d/" .. name .. " differs: cp drivers/lua/" .. name .. " drivers/solar2d/")
    end
  end
end)

-- The protocol loop over a fake network ----------------------------------

-- fakeRuntime is a network whose listeners the test calls by hand.
local function fakeRuntime(logs)
  local rt = { calls = {}, cancelled = {}, closed = false }
  local sys = {}
  for _, n in ipairs(proto.DIRS) do sys[n] = setmetatable({}, { __tostring = function() return n end }) end
  rt.system = sys
  local function call(fn, ...)
    local args = { ... }
    if fn == "request" and type(args[4]) == "table" and args[4].timeout == "bad" then
      logs("ERROR: network.request: params.timeout must be a number")
      return nil
    end
    local h = setmetatable({}, { __tostring = function() return "handle" end })
    rt.calls[#rt.calls + 1] = { fn = fn, args = args, handle = h }
    return h
  end
  rt.network = {
    request = function(...) return call("request", ...) end,
    upload = function(...) return call("upload", ...) end,
    download = function(...) return call("download", ...) end,
    cancel = function(h)
      for _, c in ipairs(rt.calls) do
        if c.handle == h then rt.cancelled[h] = true; return true end
      end
      return nil
    end,
  }
  rt.close = function() rt.closed = true end
  return rt
end

local function newDriver()
  local out, rt = {}, nil
  local d
  d = proto.new({
    name = "fake", decode = decode, null = cjson.null, now = function() return 1700000000.25 end,
    write = function(line) out[#out + 1] = decode(line) end,
    open = function(cfg)
      rt = fakeRuntime(function(l) d:log(l) end)
      rt.cfg = cfg
      return rt
    end,
  })
  return d, out, function() return rt end
end

local function last(out) return out[#out] end

test("hello, open, call, events, cancel, close and bye", function()
  local d, out, runtime = newDriver()
  d:hello()
  eq(out[1].type, "hello", "hello")
  eq(out[1].versions[1], 1, "version")
  eq(out[1].capabilities.cancelInListener, true, "cancelInListener")
  eq(d:handle('{"type":"welcome","version":1}'), nil, "welcome")
  d:handle('{"type":"open","id":1,"session":"s1","config":{"dirs":{"DocumentsDirectory":"/d"},"timeScale":0.05}}')
  eq(last(out).ok, true, "open ok")
  local rt = runtime()
  eq(rt.cfg.timeScale, 0.05, "config passed")

  d:handle('{"type":"call","id":2,"session":"s1","call":{"fn":"request","url":"http://x/","method":"POST",'
    .. '"params":{"body":{"$bytes":"AP8="},"response":{"filename":"o.bin","baseDirectory":"CachesDirectory"},"headers":{}}}}')
  eq(last(out).handle, "h1", "handle token")
  local c = rt.calls[1]
  eq(c.args[1], "http://x/", "url")
  eq(c.args[2], "POST", "method")
  eq(c.args[4].body, "\0\255", "binary body")
  eq(c.args[4].response.baseDirectory, rt.system.CachesDirectory, "base directory constant")

  -- a listener call becomes an event line with the handle's token
  c.args[3]({ name = "networkRequest", phase = "ended", isError = false, status = 200, requestId = c.handle,
    response = { filename = "o.bin", baseDirectory = rt.system.CachesDirectory, fullPath = "/c/o.bin" },
    responseHeaders = {}, bytesTransferred = 2, bytesEstimated = 2 })
  local ev = last(out)
  eq(ev.type, "event", "event")
  eq(ev.seq, 1, "seq")
  eq(ev.handle, "h1", "event handle")
  eq(ev.time, "2023-11-14T22:13:20.250000Z", "time")
  eq(ev.fields.requestId, "h1", "requestId token")
  eq(ev.fields.response.baseDirectory, "CachesDirectory", "file table base name")
  eq(type(ev.fields.responseHeaders), "table", "empty headers object")

  d:handle('{"type":"cancel","id":3,"session":"s1","handle":"h1"}')
  eq(last(out).cancelled.returned, true, "cancel returned")
  eq(last(out).cancelled.afterSeq, 1, "afterSeq")
  d:handle('{"type":"cancel","id":4,"session":"s1","handle":""}')
  eq(last(out).cancelled.returned, cjson.null, "unknown handle returns nil")

  d:handle('{"type":"call","id":5,"session":"s1","call":{"url":"http://x/","params":{"timeout":"bad"}}}')
  eq(out[#out - 1].type, "log", "rejection logged")
  eq(last(out).rejected.message, "ERROR: network.request: params.timeout must be a number", "rejection message")

  d:handle('{"type":"call","id":6,"session":"s1","call":{"fn":"fetch","url":"http://x/"}}')
  eq(last(out).error, 'unknown function "fetch"', "unknown fn")

  d:handle('{"type":"close","id":7,"session":"s1"}')
  eq(last(out).ok, true, "close ok")
  eq(rt.closed, true, "runtime closed")
  local n = #out
  c.args[3]({ name = "networkRequest", phase = "ended", requestId = c.handle })
  eq(#out, n, "no event after close")
  d:handle('{"type":"call","id":8,"session":"s1","call":{"url":"http://x/"}}')
  eq(last(out).error ~= nil, true, "call on a closed session errors")
  eq(d:handle('{"type":"bye"}'), "bye", "bye")
end)

test("a listener called inside the call: events after the reply, inCall, the token in the rejection (E16)", function()
  local d, out = newDriver()
  d:handle('{"type":"welcome","version":1}')
  local seen
  d.host.open = function()
    local rt = fakeRuntime(function(l) d:log(l) end)
    rt.network.request = function(url, method, listener)
      listener({ name = "networkRequest", phase = "ended", isError = false, status = 200 })
      return nil -- a synchronous implementation: the listener ran, no handle
    end
    rt.network.upload = function() error("boom") end
    seen = rt
    return rt
  end
  d:handle('{"type":"open","id":1,"session":"s1","config":{}}')
  local n = #out
  d:handle('{"type":"call","id":2,"session":"s1","call":{"url":"http://x/"}}')
  eq(#out, n + 2, "a reply and one event")
  local reply, ev = out[n + 1], out[n + 2]
  eq(reply.type, "reply", "the reply comes first")
  eq(reply.rejected.handle, "h1", "the rejection names the events' token")
  eq(ev.type, "event", "then the event")
  eq(ev.handle, "h1", "event token")
  eq(ev.inCall, true, "marked inCall")
  eq(ev.seq, 1, "seq")
  d:handle('{"type":"call","id":3,"session":"s1","call":{"fn":"upload","url":"http://x/","filename":"a"}}')
  eq(last(out).rejected.raised, true, "a raise is told from a nil return")
  eq(last(out).rejected.handle, nil, "no listener call, no token")
  eq(tostring(last(out).rejected.message):find("boom", 1, true) ~= nil, true, "the raised error leads")
  seen.network.download = nil
  d:handle('{"type":"call","id":4,"session":"s1","call":{"fn":"download","url":"http://x/","filename":"a"}}')
  eq(last(out).rejected.missing, true, "a missing function")
  eq(last(out).rejected.message, "network.download is nil, not a function", "what is missing")
end)

test("network_luasocket's base directory constants are userdata, as on Solar2D", function()
  local nl = require("network_luasocket")
  local inst = nl.new({ dirs = { DocumentsDirectory = "/tmp" } })
  for _, n in ipairs(nl.DIRS) do eq(type(inst.system[n]), "userdata", n) end
  eq(tostring(inst.system.CachesDirectory), "system.CachesDirectory", "name")
  inst.close()
end)

test("upload and download pass positional arguments, params omitted", function()
  local d, out, runtime = newDriver()
  d:handle('{"type":"open","id":1,"session":"s","config":{}}')
  d:handle('{"type":"call","id":2,"session":"s","call":{"fn":"upload","url":"http://x/","filename":"f.txt","baseDirectory":"TemporaryDirectory","contentType":"text/plain"}}')
  local c = runtime().calls[1]
  eq(c.fn, "upload", "fn")
  eq(c.args[4], "f.txt", "filename in the params slot")
  eq(c.args[5], runtime().system.TemporaryDirectory, "base directory")
  eq(c.args[6], "text/plain", "content type")
  d:handle('{"type":"call","id":3,"session":"s","call":{"fn":"download","url":"http://x/","params":{"progress":true},"filename":"g"}}')
  c = runtime().calls[2]
  eq(c.args[4].progress, true, "params")
  eq(c.args[5], "g", "filename after params")
  d:handle('{"type":"call","id":4,"session":"s","call":{"url":"http://x/","noListener":true}}')
  eq(runtime().calls[3].args[3], nil, "nil listener")
  eq(last(out).handle, "h3", "handle")
end)

test("cancel in listener reports a cancel event after the event", function()
  local d, out, runtime = newDriver()
  d:handle('{"type":"open","id":1,"session":"s","config":{}}')
  d:handle('{"type":"call","id":2,"session":"s","call":{"url":"http://x/","params":{"progress":"download"},"cancelInListener":"began"}}')
  local c = runtime().calls[1]
  c.args[3]({ name = "networkRequest", phase = "began", requestId = c.handle })
  local ev = last(out)
  eq(ev.kind, "cancel", "cancel event")
  eq(ev.seq, 2, "next seq")
  eq(ev.cancel.afterSeq, 1, "afterSeq")
  eq(ev.cancel.returned, true, "returned")
  eq(runtime().cancelled[c.handle], true, "network.cancel called")
  c.args[3]({ name = "networkRequest", phase = "began", requestId = c.handle })
  eq(last(out).kind, "event", "only the first began cancels")
end)

test("two sessions at once: own events, own logs, a third refused, one closes alone", function()
  local out, rts = {}, {}
  local d
  d = proto.new({
    name = "fake", decode = decode, null = cjson.null, sessions = 2,
    write = function(line) out[#out + 1] = decode(line) end,
    open = function(_, id)
      rts[id] = fakeRuntime(function(l) d:log(l) end)
      if id == "b" then rts[id].prefix = "nc-b/" end
      return rts[id]
    end,
  })
  d:hello()
  eq(out[1].capabilities.sessions, 2, "hello says 2")
  d:handle('{"type":"open","id":1,"session":"a","config":{}}')
  d:handle('{"type":"open","id":2,"session":"b","config":{}}')
  eq(last(out).ok, true, "second open ok")
  d:handle('{"type":"open","id":3,"session":"c","config":{}}')
  eq(type(last(out).error), "string", "a third open is refused")
  d:handle('{"type":"call","id":4,"session":"a","call":{"url":"http://x/a"}}')
  eq(last(out).handle, "h1", "a's h1")
  d:handle('{"type":"call","id":5,"session":"b","call":{"fn":"download","url":"http://x/b","params":{"response":'
    .. '{"filename":"out.bin"}},"filename":"../up.bin"}}')
  eq(last(out).handle, "h1", "b's own h1")
  local cb = rts.b.calls[1]
  eq(cb.args[4].response.filename, "nc-b/out.bin", "a valid name goes to b's subfolder")
  eq(cb.args[5], "../up.bin", "an escaping name passes unchanged")
  d:handle('{"type":"call","id":6,"session":"b","call":{"url":"http://x/","params":{"timeout":"bad"}}}')
  eq(out[#out - 1].session, "b", "a log printed during b's call is b's")
  eq(last(out).rejected.message, "ERROR: network.request: params.timeout must be a number", "b's rejection")
  cb.args[3]({ name = "networkRequest", phase = "ended", requestId = cb.handle,
    response = { filename = "nc-b/out.bin", baseDirectory = rts.b.system.DocumentsDirectory } })
  eq(last(out).session, "b", "b's event")
  eq(last(out).fields.response.filename, "out.bin", "the case's name comes back")
  d:log("whose?")
  eq(last(out).session, nil, "a line outside any request has no session with two open")
  d:handle('{"type":"close","id":7,"session":"a"}')
  eq(rts.a.closed, true, "a closed")
  eq(rts.b.closed, false, "b still open")
  d:log("b's now")
  eq(last(out).session, "b", "with one open, a line is its")
  local ca = rts.a.calls[1]
  local n = #out
  ca.args[3]({ name = "networkRequest", phase = "ended", requestId = ca.handle })
  eq(#out, n, "nothing of a after its close")
  d:handle('{"type":"bye"}')
  eq(rts.b.closed, true, "bye closes every session")
end)

test("a bad line is an error; unknown types are logged", function()
  local d, out = newDriver()
  eq(pcall(d.handle, d, "not json"), false, "garbage raises")
  d:handle('{"type":"mystery"}')
  eq(last(out).type, "log", "unknown type logged")
  d:handle('{"type":"cancel","id":9,"session":"nope","handle":"h1"}')
  eq(last(out).id, 9, "reply to a request of an unknown session")
  eq(type(last(out).error), "string", "with an error")
end)

-- network_luasocket call-time checks (no network needed) -----------------

test("network_luasocket refuses bad calls with nil and a log line", function()
  local nl = require("network_luasocket")
  local logs = {}
  local inst = nl.new({ dirs = { DocumentsDirectory = "/tmp/d" }, log = function(l) logs[#logs + 1] = l end })
  local net, sys = inst.network, inst.system
  local l = function() end
  local bad = {
    { "ftp://x/", "GET", l },
    { "http://exa mple.com/", "GET", l },
    { "http://127.0.0.1/%zz", "GET", l },
    { "http://x/", "GET", l, { headers = "x" } },
    { "http://x/", "GET", l, { bodyType = "json" } },
    { "http://x/", "GET", l, { progress = true } },
    { "http://x/", "GET", l, { timeout = "1" } },
    { "http://x/", "GET", l, { handleRedirects = "no" } },
    { "http://x/", "GET", l, { response = { filename = "../x" } } },
    { "http://x/", "GET", l, { response = { filename = "x", baseDirectory = sys.ResourceDirectory } } },
    { "http://x/", "POST", l, { body = { filename = "up.bin" } } }, -- a file body needs a Content-Type
    { "http://x/", "BAD METHOD", l },
  }
  for i, args in ipairs(bad) do
    local n = #logs
    eq(net.request(unpack(args, 1, 4)), nil, "bad call " .. i)
    eq(#logs, n + 1, "logged " .. i)
  end
  eq(inst.busy(), false, "nothing started")
  eq(net.cancel("nope"), nil, "cancel of an unknown value")
  eq(sys.pathForFile("a.txt"), "/tmp/d/a.txt", "pathForFile default base")
  eq(sys.pathForFile("../a.txt"), nil, "pathForFile refuses escapes")
  local h = net.request("http://127.0.0.1:9/", "GET", l, { timeout = 0.01 })
  eq(h ~= nil, true, "good call returns a handle")
  eq(net.cancel(h), true, "cancel returns true")
  eq(net.cancel(h), true, "and again")
  inst.close()
  eq(net.request("http://127.0.0.1:9/", "GET", l), nil, "closed instance refuses")
end)

test("nc_http redirects: 303 to GET, 301/302 change only POST, 307/308 keep all (D3)", function()
  local http = require("nc_http")
  local rows = {
    -- status, method, follow, next method, body kept
    { 303, "POST", true, "GET", false }, { 303, "PUT", true, "GET", false }, { 303, "HEAD", true, "HEAD", false },
    { 301, "POST", true, "GET", false }, { 302, "POST", true, "GET", false },
    { 301, "PUT", true, "PUT", true }, { 302, "PATCH", true, "PATCH", true }, { 302, "GET", true, "GET", true },
    { 307, "POST", true, "POST", true }, { 308, "PUT", true, "PUT", true },
    { 300, "GET", false }, { 304, "GET", false }, { 200, "GET", false },
  }
  for _, r in ipairs(rows) do
    local what = r[1] .. " " .. r[2]
    local follow, m, keep = http.redirect(r[1], r[2])
    eq(follow, r[3], what .. " follow")
    if r[3] then
      eq(m, r[4], what .. " method")
      eq(keep, r[5], what .. " body kept")
    end
  end
  local left = http.withoutBodyHeaders({ { "Accept", "*/*" }, { "content-type", "text/plain" },
    { "Content-Encoding", "gzip" }, { "Content-Language", "en" }, { "Content-Location", "/x" }, { "X-Y", "1" } })
  eq(#left, 2, "body headers dropped")
  eq(left[1][1] .. "," .. left[2][1], "Accept,X-Y", "others kept in order")
end)

-- The Solar2D app's remote loop over a fake engine -----------------------

test("remote loop: hello, poll, replies in ordered batches, bye", function()
  local remote = require("remote")
  local reqs, timers = {}, {}
  local engine = fakeRuntime(function() end)
  local net = engine.network
  local caseRequest = net.request
  net.request = function(url, method, listener, params)
    if url:find("^http://h/nc") then
      reqs[#reqs + 1] = { url = url, method = method, listener = listener, params = params }
      return {}
    end
    return caseRequest(url, method, listener, params)
  end
  local app = remote.new({ base = "http://h/nc", network = net, system = engine.system, decode = decode,
    null = cjson.null, after = function(ms, fn) timers[#timers + 1] = fn end, status = function() end, once = true })
  local function respond(i, status, body)
    reqs[i].listener({ name = "networkRequest", phase = "ended", isError = false, status = status, response = body })
  end
  app:start()
  eq(reqs[1].url, "http://h/nc/hello", "hello first")
  eq(decode(reqs[1].params.body:match("^[^\n]+")).type, "hello", "hello line")
  respond(1, 200, '{"type":"welcome","version":1,"peer":"p1"}\n')
  eq(reqs[2].url, "http://h/nc/poll?peer=p1&wait=20", "poll")
  eq(reqs[2].params.headers["Content-Type"], "application/x-ndjson", "the poll's GET says NDJSON too (pairing)")
  eq(reqs[2].params.body, nil, "a poll has no body")
  respond(2, 200, '{"type":"open","id":1,"session":"s","config":{}}\n{"type":"call","id":2,"session":"s","call":{"url":"http://case/"}}\n')
  eq(reqs[3].url, "http://h/nc/send?peer=p1", "send")
  eq(reqs[4].url, "http://h/nc/poll?peer=p1&wait=20", "polls again")
  local first = reqs[3].params.body
  eq(decode(first:match("^[^\n]+")).ok, true, "first batch: open reply")
  -- while a send runs, new lines wait for the next batch
  local c = engine.calls[1]
  c.args[3]({ name = "networkRequest", phase = "ended", requestId = c.handle })
  eq(#reqs, 4, "no second send while one runs")
  respond(3, 204, "")
  eq(reqs[5].url, "http://h/nc/send?peer=p1", "second send")
  local lines = {}
  for l in reqs[5].params.body:gmatch("[^\n]+") do lines[#lines + 1] = decode(l) end
  eq(lines[1].handle, "h1", "call reply waited for the first batch")
  eq(lines[2].type, "event", "event after the reply")
  eq(lines[2].handle, "h1", "event handle")
  respond(5, 204, "")
  respond(4, 200, '{"type":"close","id":3,"session":"s"}\n{"type":"bye"}\n')
  eq(app.done, true, "done after bye (once)")
end)

test("remote loop: a failed control request is retried, 404 says hello again", function()
  local remote = require("remote")
  local reqs, timers = {}, {}
  local net = { request = function(url, method, listener, params)
    reqs[#reqs + 1] = { url = url, listener = listener }
    return {}
  end, cancel = function() return true end }
  local app = remote.new({ base = "http://h/nc", network = net, system = {}, decode = decode,
    after = function(ms, fn) timers[#timers + 1] = fn end, status = function() end })
  app:start()
  reqs[1].listener({ phase = "ended", isError = true, status = -1, response = "refused" })
  eq(#timers, 1, "retry scheduled")
  timers[1]()
  eq(reqs[2].url, "http://h/nc/hello", "hello retried")
  reqs[2].listener({ phase = "ended", isError = false, status = 200, response = '{"type":"welcome","version":1,"peer":"p9"}' })
  reqs[3].listener({ phase = "ended", isError = false, status = 404, response = "unknown peer" })
  eq(#timers, 2, "restart scheduled")
  timers[2]()
  eq(reqs[4].url, "http://h/nc/hello", "hello again after 404")
end)

test("remote loop: a refused pairing (403, 421, 415) says why and retries slowly", function()
  local remote = require("remote")
  local reqs, timers, said = {}, {}, {}
  local net = { request = function(url, method, listener, params)
    reqs[#reqs + 1] = { url = url, listener = listener, params = params }
    return {}
  end, cancel = function() return true end }
  local app = remote.new({ base = "http://h/nc/v1/tok", network = net, system = {}, decode = decode,
    after = function(ms, fn) timers[#timers + 1] = { ms = ms, fn = fn } end,
    status = function(text) said[#said + 1] = text end })
  app:start()
  eq(reqs[1].url, "http://h/nc/v1/tok/hello", "hello under the URL with its token")
  eq(reqs[1].params.headers["Content-Type"], "application/x-ndjson", "hello says NDJSON")
  for i, st in ipairs({ 403, 421, 415 }) do
    reqs[i].listener({ phase = "ended", isError = false, status = st, response = "netconform: wrong pairing token" })
    eq(timers[i].ms, 5000, st .. ": retried after 5 s")
    local last = said[#said]
    eq(last:find("refused", 1, true) ~= nil, true, st .. " says refused: " .. last)
    eq(last:find("wrong pairing token", 1, true) ~= nil, true, st .. " shows the harness's reason")
    timers[i].fn()
    eq(reqs[i + 1].url, "http://h/nc/v1/tok/hello", st .. ": the same hello again")
  end
  eq(app.peer, nil, "not paired")
end)

test("remote loop: with once, a refused poll after the run began ends the app (the harness is gone)", function()
  local remote = require("remote")
  local reqs, timers = {}, {}
  local net = { request = function(url, method, listener, params)
    reqs[#reqs + 1] = { url = url, listener = listener }
    return {}
  end, cancel = function() return true end }
  local app = remote.new({ base = "http://h/nc", network = net, system = {}, decode = decode,
    after = function(ms, fn) timers[#timers + 1] = fn end, status = function() end, once = true })
  app:start()
  reqs[1].listener({ phase = "ended", isError = true, status = -1, response = "connection refused" })
  eq(app.done, false, "before the welcome a refused hello is retried")
  timers[1]()
  reqs[2].listener({ phase = "ended", isError = false, status = 200, response = '{"type":"welcome","version":1,"peer":"p1"}' })
  reqs[3].listener({ phase = "ended", isError = false, status = 200, response = "" })
  eq(reqs[4].url, "http://h/nc/poll?peer=p1&wait=20", "polls again")
  reqs[4].listener({ phase = "ended", isError = true, status = -1, response = "GET http://h/nc/poll: connection refused" })
  eq(app.done, true, "done: the harness left without a bye this device could read")
end)

test("nc_charset encodes a text body in the declared charset, ? for what it lacks (R4)", function()
  local cs = require("nc_charset")
  eq(cs.encode("caf\195\169", "text/plain; charset=ISO-8859-1"), "caf\233", "latin1")
  eq(cs.encode("5 \226\130\172", 'text/plain; charset="windows-1252"'), "5 \128", "euro in cp1252")
  eq(cs.encode("a\226\130\172b\255c", "text/plain; charset=latin1"), "a?b?c", "euro and a bad byte")
  eq(cs.encode("caf\195\169", "text/plain; charset=UTF-8"), "caf\195\169", "utf-8 unchanged")
  eq(cs.encode("\195\169", "text/plain; Charset=US-ASCII"), "?", "ascii")
  eq(cs.encode("x", "text/plain"), "x", "no charset")
  local data, err = cs.encode("x", "text/plain; charset=x-no-such")
  eq(data, nil, "unknown charset refused")
  eq(err ~= nil and err:find("x-no-such", 1, true) ~= nil, true, "the message names it")
end)

test("nc_http keeps the cookies a 3xx sets for later hops to the same host (D6)", function()
  local http = require("nc_http")
  local jar = {}
  eq(http.cookieFor(jar, "h"), nil, "empty jar")
  http.keepCookies(jar, "h", { "a=1; Path=/", "b = 2", "novalue", "a=3; HttpOnly" })
  http.keepCookies(jar, "other", { "c=4" })
  eq(http.cookieFor(jar, "h"), "a=3; b=2", "replaced by name, in order, attributes dropped")
  eq(http.cookieFor(jar, "other"), "c=4", "per host")
end)

-- The files capability's tests live in their own file.
test("nc_net sendall waits for the socket to be writable when a send would block (T2)", function()
  -- A slow reader fills the send buffer: LuaSocket's non-blocking send then
  -- answers "timeout" with what it sent. The wait must be for writing: one
  -- for reading would see nothing until the idle timeout, while the server
  -- keeps reading.
  local net = require("nc_net")
  local sends = 0
  local sock = {
    send = function(_, data, i)
      sends = sends + 1
      if sends == 1 then return nil, "timeout", i + 2 end -- 3 bytes went, the buffer is full
      return #data
    end,
  }
  local x = { sock = sock, idle = 1, clock = function() return 0 end }
  local sent = 0
  local co = coroutine.create(function() net.sendall(x, "abcdefgh", function(n) sent = sent + n end) end)
  local ok, ysock, mode = coroutine.resume(co)
  eq(ok, true, "resume")
  eq(ysock, sock, "waits on the socket")
  eq(mode, "w", "waits for")
  ok = coroutine.resume(co, true)
  eq(ok and coroutine.status(co), "dead", "sendall finished")
  eq(sent, 8, "bytes reported sent")
end)

dofile(here .. "/test_files.lua")(test, eq, decode, cjson)

for _, t in ipairs(tests) do
  local ok, err = pcall(t.fn)
  if ok then
    io.write("ok   ", t.name, "\n")
  else
    failed = failed + 1
    io.write("FAIL ", t.name, ": ", tostring(err), "\n")
  end
end
io.write(string.format("%d tests, %d failed\n", #tests, failed))
os.exit(failed == 0 and 0 or 1)
