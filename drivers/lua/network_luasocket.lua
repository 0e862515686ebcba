-- network_luasocket: Solar2D's network.* API (request, upload, download,
-- cancel and the networkRequest event) for plain Lua 5.1 hosts, on LuaSocket
-- and LuaSec, following netconform's profile (docs/profile.md).
--
--   local nl = require("network_luasocket")
--   local inst = nl.new({ dirs = { DocumentsDirectory = "/tmp/docs", ... },
--                         caFile = "ca.pem", timeScale = 1, log = print })
--   local network, system = inst.network, inst.system
--   network.request(url, "GET", function(event) ... end)
--   while inst.busy() do inst.step(0.05) end   -- the host's frame loop
--
-- Requests run as coroutines on one thread; listeners run only inside
-- inst.step, one at a time, never inside network.request (as on Solar2D's
-- main thread). Durations (the 30 s default timeout, the 1 s progress
-- interval) are multiplied by timeScale. Timeouts are idle timeouts (T2).
-- Response files are written to a temporary file next to the destination
-- and renamed over it on success (F3-F5).

local socket = require("socket")
local Sched = require("nc_sched")
local charset = require("nc_charset")
local http = require("nc_http")

local M = {}

-- NAME is the implementation's name in netconform reports.
M.NAME = "lua:luasocket"

-- DIRS are the base directory constant names.
M.DIRS = { "DocumentsDirectory", "TemporaryDirectory", "CachesDirectory", "ResourceDirectory" }

local DEFAULT_TIMEOUT = 30
local PROGRESS_INTERVAL = 1
local MAX_DELIVERIES = 10000 -- per step, so a listener that keeps posting cannot starve the sockets

local function isToken(s)
  return type(s) == "string" and s ~= "" and not s:find("[^%w!#%$%%&'%*%+%-%.%^_`|~]")
end

-- numText prints a header value number as the reference does (R2): a whole
-- number with all its digits and no exponent (-0 as 0), any other number in
-- the shortest form that reads back as the same number (0.1, not 0.10000000000000001).
local function numText(n)
  if n == math.floor(n) then
    if math.abs(n) < 1e15 then return string.format("%d", n) end
    return string.format("%.0f", n)
  end
  for digits = 14, 16 do
    local s = string.format("%." .. digits .. "g", n)
    if tonumber(s) == n then return s end
  end
  return string.format("%.17g", n)
end

-- safeJoin joins a base folder and a relative file name that must stay in it (F9).
local function safeJoin(root, name)
  if type(name) ~= "string" or name == "" then return nil, "filename must be a non-empty string" end
  if name:sub(1, 1) == "/" or name:find("\\", 1, true) or name:find("%z") then
    return nil, "filename " .. string.format("%q", name) .. " escapes its base directory"
  end
  local depth = 0
  for seg in name:gmatch("[^/]+") do
    if seg == ".." then
      depth = depth - 1
      if depth < 0 then return nil, "filename " .. string.format("%q", name) .. " escapes its base directory" end
    elseif seg ~= "." then
      depth = depth + 1
    end
  end
  return root .. "/" .. name
end

local function copy(t)
  local o = {}
  for k, v in pairs(t or {}) do o[k] = v end
  return o
end

-- constant returns a fresh base directory constant named name: a userdata
-- as on Solar2D (Lua 5.1's newproxy), so that code testing
-- type(baseDir) == "userdata" reads its arguments as it would there; a
-- table where newproxy is missing (Lua 5.2 and later).
function M.constant(name)
  if newproxy then
    local u = newproxy(true)
    getmetatable(u).__tostring = function() return name end
    return u
  end
  return setmetatable({}, { __tostring = function() return name end })
end

-- new returns an instance: {network, system, step, busy, close}. opts:
-- dirs (base directory name -> folder; default ./<name>), caFile (PEM to
-- trust for https; default the system's), timeScale (default 1), log
-- (function(line), default print), clock (default socket.gettime), sched
-- (an nc_sched scheduler to share with other instances, so one host loop
-- waits on all their sockets at once: it steps the scheduler itself, with
-- inst.deliver before and after and no wait while inst.pending(); default
-- one of the instance's own, which inst.step steps).
function M.new(opts)
  opts = opts or {}
  local clock = opts.clock or socket.gettime
  local logf = opts.log or print
  local scale = tonumber(opts.timeScale)
  if not scale or scale <= 0 then scale = 1 end
  local interval = PROGRESS_INTERVAL * scale
  local sched = opts.sched or Sched.new(clock)
  local inst = { sched = sched, closed = false }
  local network, system = {}, {}
  inst.network, inst.system = network, system

  local consts, names, dirs = {}, {}, {}
  for _, n in ipairs(M.DIRS) do
    local c = M.constant("system." .. n)
    system[n] = c
    consts[n], names[c] = c, n
    dirs[c] = (opts.dirs and opts.dirs[n]) or ("./" .. n)
  end
  local t0 = clock()
  function system.getTimer() return (clock() - t0) * 1000 end

  -- system.pathForFile(filename [, baseDirectory]) returns the file's path;
  -- filename nil or "" gives the folder itself.
  function system.pathForFile(filename, base)
    local root = dirs[base or system.DocumentsDirectory]
    if not root then return nil end
    if filename == nil or filename == "" then return root end
    return (safeJoin(root, filename))
  end

  local queue = {}  -- {req, event} waiting for delivery, in order
  local live = {}   -- req -> true while its task may run
  local issued = setmetatable({}, { __mode = "k" }) -- handle -> req
  local nreq = 0

  local function log(line) pcall(logf, line) end

  -- abort stops a request's I/O and removes its temporary file.
  local function abort(req)
    live[req] = nil
    sched:kill(req.task)
    local x = req.x
    http.close(x)
    if x.tmpf then pcall(x.tmpf.close, x.tmpf); x.tmpf = nil end
    if x.tmp then os.remove(x.tmp); x.tmp = nil end
    if x.bodyFile then pcall(x.bodyFile.close, x.bodyFile); x.bodyFile = nil end
  end

  -- post queues an event of req with the common fields.
  local function post(req, phase, f)
    if req.cancelled or inst.closed or req.listener == nil or req.finished then return end
    local x = req.x
    local ev = { name = "networkRequest", phase = phase, isError = f.isError or false, url = req.url,
      requestId = req.handle, status = f.status or -1, bytesEstimated = f.bytesEstimated or -1,
      bytesTransferred = f.bytesTransferred or 0, responseHeaders = f.responseHeaders,
      response = f.response, responseType = f.responseType }
    if phase == "ended" then
      req.finished = true
      if req.progress == "upload" then
        ev.bytesTransferred, ev.bytesEstimated = x.up, x.bodySize or 0
      else
        ev.bytesTransferred = x.down
      end
      if ev.response == "file" then
        ev.response = { filename = req.respFile.filename, baseDirectory = req.respFile.base, fullPath = req.respFile.path }
      end
    end
    queue[#queue + 1] = { req = req, ev = ev }
  end

  -- tick queues a progress event when one is due (E6).
  local function tick(req, dir)
    if req.progress ~= dir or req.progPending or req.listener == nil then return end
    local now = clock()
    if req.lastProg and now - req.lastProg < interval then return end
    local x = req.x
    req.progPending = true
    if dir == "upload" then
      post(req, "progress", { status = -1, bytesEstimated = x.bodySize, bytesTransferred = x.up })
    else
      post(req, "progress", { status = x.status, responseHeaders = copy(x.respHeaders), bytesEstimated = x.estimated,
        bytesTransferred = x.down })
    end
  end

  -- fail reports a failed transfer as an isError ended event (E8, E9).
  local function fail(req, err)
    local x = req.x
    abort(req)
    if req.cancelled or inst.closed then return end
    local msg
    if type(err) == "table" and err.msg then
      msg = err.msg
    else
      msg = "internal error: " .. tostring(err)
      log("ERROR: network_luasocket: " .. msg)
    end
    post(req, "ended", { isError = true, status = x.status or -1, responseHeaders = x.respHeaders,
      bytesEstimated = x.estimated or -1, response = req.method .. " " .. req.url .. ": " .. msg, responseType = "text" })
  end

  -- start runs a prepared request and returns its handle.
  local function start(req)
    nreq = nreq + 1
    local h = setmetatable({}, { __tostring = function() return "network request #" .. nreq end })
    req.handle = h
    issued[h] = req
    local x = req.x
    x.clock, x.caFile, x.tmpTag = clock, opts.caFile, string.format("%d%06d", nreq, math.random(0, 999999))
    x.began = function(f) post(req, "began", f) end
    x.ended = function(f) post(req, "ended", f) end
    x.tick = function(dir) tick(req, dir) end
    live[req] = true
    req.task = sched:spawn(function()
      if x.body and x.body.path then
        local f, err = io.open(x.body.path, "rb")
        if not f then http.fail("local", "open body file: " .. tostring(err)) end
        x.bodySize = f:seek("end")
        f:close()
      elseif x.body then
        x.bodySize = #x.body.data
      end
      http.run(x)
      http.close(x)
      live[req] = nil
    end, function(err) fail(req, err) end)
    return h
  end

  -- fileRef validates a {filename, baseDirectory} table.
  local function fileRef(v, what)
    if type(v) ~= "table" then return nil, what .. ": want a file table, got " .. type(v) end
    if type(v.filename) ~= "string" then return nil, what .. ".filename must be a string, got " .. type(v.filename) end
    local base = v.baseDirectory
    if base ~= nil and not names[base] then return nil, what .. ".baseDirectory: unknown base directory " .. tostring(base) end
    base = base or system.DocumentsDirectory
    local path, err = safeJoin(dirs[base], v.filename)
    if not path then return nil, what .. ": " .. err end
    return { filename = v.filename, base = base, path = path }
  end

  -- prepare validates a call (B1, F7, F9, R1-R6) and returns the request.
  local function prepare(fn, url, method, defMethod, listener, p)
    if not http.parse(url) then return nil, "url must be http or https with a host, got " .. tostring(url) end
    if method == nil or method == "" then method = defMethod end
    if type(method) ~= "string" then return nil, "method must be a string, got " .. type(method) end
    method = method:upper()
    if not isToken(method) then return nil, "method " .. string.format("%q", method) .. " is not a token" end
    local lt = type(listener)
    if listener ~= nil and lt ~= "function" and not (lt == "table" and type(listener.networkRequest) == "function") then
      return nil, "listener must be a function or a table listener, got " .. lt
    end
    if p ~= nil and type(p) ~= "table" then return nil, "params must be a table, got " .. type(p) end
    p = p or {}
    local req = { fn = fn, url = url, method = method, listener = listener }
    local x = { url = url, method = method, headers = {}, up = 0, down = 0 }
    req.x = x
    if p.bodyType ~= nil and p.bodyType ~= "text" and p.bodyType ~= "binary" then
      return nil, "params.bodyType must be \"text\" or \"binary\", got " .. tostring(p.bodyType)
    end
    local prog = p.progress
    if prog ~= nil and type(prog) ~= "boolean" and prog ~= "upload" and prog ~= "download" then
      return nil, "params.progress must be \"upload\" or \"download\", got " .. tostring(prog)
    end
    if prog == true then return nil, "params.progress must be \"upload\" or \"download\", got true" end
    if prog == false then prog = nil end
    req.progress, x.progress = prog, prog
    if p.timeout ~= nil and type(p.timeout) ~= "number" then
      return nil, "params.timeout must be a number, got " .. type(p.timeout)
    end
    local secs = p.timeout
    if not secs or not (secs > 0) or secs == math.huge then secs = DEFAULT_TIMEOUT end
    x.idle = secs * scale
    if p.handleRedirects ~= nil and type(p.handleRedirects) ~= "boolean" then
      return nil, "params.handleRedirects must be a boolean, got " .. type(p.handleRedirects)
    end
    x.follow = p.handleRedirects ~= false
    if p.response ~= nil then
      local ref, err = fileRef(p.response, "params.response")
      if not ref then return nil, err end
      if ref.base == system.ResourceDirectory then return nil, "params.response cannot be written to ResourceDirectory" end
      req.respFile, x.respFile = ref, ref
    end
    local body = p.body
    if body ~= nil and type(body) ~= "string" and type(body) ~= "table" then
      return nil, "params.body must be a string or a file table, got " .. type(body)
    end
    if body ~= nil and method ~= "GET" and method ~= "HEAD" and method ~= "DELETE" then
      if type(body) == "table" then
        local ref, err = fileRef(body, "params.body")
        if not ref then return nil, err end
        x.body = { path = ref.path }
      else
        x.body = { data = body }
      end
    end
    if p.headers ~= nil and type(p.headers) ~= "table" then
      return nil, "params.headers must be a table, got " .. type(p.headers)
    end
    local ct
    for k, v in pairs(p.headers or {}) do
      local tv = type(v)
      local text = (tv == "string" and v) or (tv == "number" and numText(v)) or (tv == "boolean" and tostring(v)) or nil
      if not isToken(k) or (text and text:find("[\r\n%z]")) then
        return nil, "params.headers: bad header " .. string.format("%q", tostring(k))
      end
      local lk = k:lower()
      if text == nil or lk == "content-length" then -- skipped, computed (R2)
      elseif lk == "host" then x.host = text
      elseif lk == "content-type" then ct = text
      else x.headers[#x.headers + 1] = { k, text } end
    end
    if x.body and x.body.path then
      if not ct then return nil, "a file body needs a Content-Type" end
    elseif x.body and p.bodyType == "binary" then
      ct = ct or "application/octet-stream"
    elseif x.body then
      if not ct then ct = "text/plain; charset=UTF-8"
      elseif not ct:lower():find("charset=", 1, true) then ct = ct .. "; charset=UTF-8"
      else
        local data, cerr = charset.encode(x.body.data, ct) -- the declared charset (R4)
        if not data then return nil, "params.headers: Content-Type: " .. cerr end
        x.body.data = data
      end
    end
    if ct then x.headers[#x.headers + 1] = { "Content-Type", ct } end
    table.sort(x.headers, function(a, b) return a[1] < b[1] end)
    return req
  end

  -- call validates and starts a call, or logs why it refused it.
  local function call(fn, url, method, defMethod, listener, p)
    if inst.closed then
      log("ERROR: network." .. fn .. ": the network instance is closed")
      return nil
    end
    local req, err = prepare(fn, url, method, defMethod, listener, p)
    if not req then
      log("ERROR: network." .. fn .. " " .. tostring(url) .. ": " .. err)
      return nil
    end
    return start(req)
  end

  function network.request(url, method, listener, params)
    return call("request", url, method, "GET", listener, params)
  end

  -- convenience arguments: params is optional before filename (U1, U2).
  local function shift(params, filename, base, contentType)
    if params ~= nil and type(params) ~= "table" and type(filename) ~= "string" then
      return nil, params, filename, base
    end
    return params, filename, base, contentType
  end

  -- withProgress returns a copy of params with progress true turned into dir.
  local function withProgress(params, dir)
    local q = copy(params)
    if q.progress == true or q.progress == "upload" or q.progress == "download" then q.progress = dir
    elseif q.progress == false then q.progress = nil end
    return q
  end

  function network.upload(url, method, listener, params, filename, base, contentType)
    params, filename, base, contentType = shift(params, filename, base, contentType)
    if params ~= nil and type(params) ~= "table" then
      return call("upload", url, method, "POST", listener, params)
    end
    local q = withProgress(params, "upload")
    q.body = { filename = filename, baseDirectory = base }
    if contentType ~= nil then
      local h = {}
      for k, v in pairs(q.headers or {}) do
        if type(k) ~= "string" or k:lower() ~= "content-type" then h[k] = v end
      end
      h["Content-Type"] = contentType
      q.headers = h
    end
    return call("upload", url, method, "POST", listener, q)
  end

  function network.download(url, method, listener, params, filename, base)
    params, filename, base = shift(params, filename, base)
    if params ~= nil and type(params) ~= "table" then
      return call("download", url, method, "GET", listener, params)
    end
    local q = withProgress(params, "download")
    if base == system.ResourceDirectory then
      log("WARNING: network.download: cannot save to ResourceDirectory, saving to DocumentsDirectory instead")
      base = system.DocumentsDirectory
    end
    q.response = { filename = filename, baseDirectory = base }
    return call("download", url, method, "GET", listener, q)
  end

  -- network.cancel returns true for any handle it issued (C3) and stops
  -- its events, also those already queued (C1).
  function network.cancel(h)
    local req = issued[h]
    if not req then return nil end
    req.cancelled = true
    if live[req] then abort(req) end
    return true
  end

  -- deliver calls the listeners of queued events, in order.
  local function deliver()
    for _ = 1, MAX_DELIVERIES do
      local item = table.remove(queue, 1)
      if not item then return end
      local req, ev = item.req, item.ev
      local ok = not req.cancelled and not inst.closed
      if ok and ev.phase == "progress" then
        req.progPending = false
        ok = not req.lastProg or clock() - req.lastProg >= interval
      end
      if ok then
        local l = req.listener
        local okl, err
        if type(l) == "function" then okl, err = pcall(l, ev) else okl, err = pcall(l.networkRequest, l, ev) end
        if not okl then log("ERROR: listener: " .. tostring(err)) end
        if ev.phase == "progress" then req.lastProg = clock() end
      end
    end
  end

  -- step runs one round of the event loop: listeners, then at most maxwait
  -- seconds of socket waiting (extra: more readers to watch, e.g. stdin),
  -- then listeners again. It returns the set of ready extra readers.
  function inst.step(maxwait, extra)
    deliver()
    local ready = sched:step(maxwait, extra, #queue > 0)
    deliver()
    return ready
  end

  -- deliver calls the listeners of the events due; pending reports
  -- whether events wait for delivery (for a host stepping a shared sched).
  inst.deliver = deliver
  function inst.pending() return #queue > 0 end

  -- busy reports whether requests or events are pending.
  function inst.busy()
    return sched:busy() or #queue > 0
  end

  -- close abandons every request (no further event) and refuses new calls.
  function inst.close()
    inst.closed = true
    for req in pairs(live) do abort(req) end
    queue = {}
  end

  -- dirName returns a base directory constant's name (or nil).
  function inst.dirName(c) return names[c] end

  return inst
end

return M
