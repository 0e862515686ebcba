-- ncproto: the driver side of netconform's driver protocol v1
-- (docs/driver-protocol.md), independent of how lines travel.
--
-- It maps protocol messages onto a Solar2D-style network.* API and turns
-- listener calls into event messages. The host supplies the transport
-- (write one line), a JSON decoder, the runtime of each session (network,
-- system and a close function) and optionally a wall clock. The same file
-- runs under plain Lua 5.1 (drivers/lua/stdio_driver.lua) and inside a
-- Solar2D app (drivers/solar2d/, which holds byte-identical copies of this
-- file, ncjson.lua and ncfiles.lua).

local json = require("ncjson")
local files = require("ncfiles")

local M = {}

-- The value mapping (encode, unbytes, null, array_mt, is_utf8, base64) is
-- ncjson's, re-exported.
for k, v in pairs(json) do M[k] = v end

M.VERSION = 1

-- DIRS are the base directory constant names, in the protocol's order.
M.DIRS = { "DocumentsDirectory", "TemporaryDirectory", "CachesDirectory", "ResourceDirectory" }

local format, floor = string.format, math.floor

-- rfc3339 formats seconds since the epoch as UTC with microseconds.
function M.rfc3339(t)
  local s = floor(t)
  local us = floor((t - s) * 1e6 + 0.5)
  if us >= 1000000 then s, us = s + 1, 0 end
  return os.date("!%Y-%m-%dT%H:%M:%S", s) .. format(".%06dZ", us)
end

local Driver = {}
Driver.__index = Driver

-- new returns a driver. host fields:
--   write(line)       writes one message line (no newline); required
--   decode(text)      decodes JSON text; required
--   null              the decoder's null value (cjson.null), or nil
--   open(config, id)  returns the session runtime {network, system, close,
--                     files, prefix, cleanup} or nil and a message;
--                     required. Without close, closing the session cancels
--                     every handle it issued (a shared engine, as on
--                     Solar2D). files (ncfiles.lua) serves place and files
--                     requests (the files capability); closing the session
--                     clears it, or calls cleanup instead when given
--                     (which removes the session's folders). prefix (say
--                     "nc-s3/") puts the session's files in a subfolder of
--                     each base directory of a shared engine: every valid
--                     relative file name the case gives is prefixed on the
--                     way in and stripped from response.filename on the way
--                     out, so the case sees its own names; other names (an
--                     absolute one, one with "..") pass unchanged
--   now()             seconds since the epoch with a fraction, or nil
--   name              the implementation's name for hello
--   capabilities      hello's capabilities (defaults: everything, timeScale;
--                     files only when set: the sessions' runtimes have files)
--   sessions          how many sessions may be open at once (default 1);
--                     hello says it when more than one. A log line is
--                     written with the session whose request or listener
--                     is running, else with the only open session's
function M.new(host)
  assert(type(host.write) == "function", "host.write is required")
  assert(type(host.decode) == "function", "host.decode is required")
  assert(type(host.open) == "function", "host.open is required")
  local d = setmetatable({ host = host, nreq = 0, sessions = {}, nopen = 0 }, Driver)
  return d
end

-- send writes one message.
function Driver:send(msg)
  self.host.write(M.encode(msg))
end

-- hello writes the hello message.
function Driver:hello()
  local caps = self.host.capabilities or {}
  local function arr(t) return setmetatable(t, M.array_mt) end
  self:send({
    type = "hello",
    versions = arr({ M.VERSION }),
    name = self.host.name or "lua",
    capabilities = {
      timeScale = caps.timeScale ~= false,
      fns = arr(caps.fns or { "request", "upload", "download" }),
      baseDirs = arr(caps.baseDirs or M.DIRS),
      cancelInListener = caps.cancelInListener ~= false,
      files = caps.files == true or nil,
      sessions = (self.host.sessions or 1) > 1 and self.host.sessions or nil,
    },
  })
end

-- only returns the only open session, or nil.
function Driver:only()
  if self.nopen ~= 1 then return nil end
  for _, s in pairs(self.sessions) do return s end
end

-- log writes a log message (split on newlines) for session id when given
-- (none when it is closed), else for the current session: the one whose
-- request or listener runs, else the only open one.
function Driver:log(text, id)
  local s
  if id ~= nil then s = self.sessions[id] else s = self.current or self:only() end
  for line in (tostring(text) .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    if s then s.lastLog = line end
    self:send({ type = "log", session = s and not s.closed and s.id or nil, line = line })
  end
end

-- reply answers request id with the fields of res.
function Driver:reply(id, res)
  res.type, res.id = "reply", id
  self:send(res)
end

-- handle processes one line from the harness. It returns "bye" when the
-- connection ends, nil otherwise; a bad line raises an error.
function Driver:handle(line)
  line = line:gsub("\r$", "")
  if line == "" then return nil end
  local ok, msg = pcall(self.host.decode, line)
  if not ok or type(msg) ~= "table" then
    error("driver protocol: line is not a JSON object: " .. tostring(msg))
  end
  local t = msg.type
  if t == "welcome" then
    self.version = msg.version
    return nil
  elseif t == "bye" then
    self:closeAll()
    return "bye"
  end
  local h = Driver["on_" .. tostring(t)]
  if not h then
    self:log("driver: ignoring message of unknown type " .. tostring(t))
    return nil
  end
  self.current = msg.session and self.sessions[msg.session] or nil
  local okh, err = pcall(h, self, msg)
  self.current = nil
  if not okh and msg.id ~= nil then
    self:reply(msg.id, { error = "driver: " .. tostring(err) })
  elseif not okh then
    self:log("driver: " .. tostring(err))
  end
  return nil
end

-- session returns the open session a message names, or raises.
function Driver:sessionOf(msg)
  local s = msg.session and self.sessions[msg.session]
  if not s then
    error("no open session " .. tostring(msg.session))
  end
  return s
end

function Driver:on_open(msg)
  local max = self.host.sessions or 1
  if self.nopen >= max then error(max .. " sessions are open, as many as this driver serves at once") end
  if self.sessions[msg.session] then error("session " .. tostring(msg.session) .. " is already open") end
  local cfg = M.unbytes(msg.config or {}, self.host.null) or {}
  local rt, err = self.host.open(cfg, msg.session)
  if not rt then
    self:reply(msg.id, { error = tostring(err or "cannot open session") })
    return
  end
  local consts = {}
  for _, name in ipairs(M.DIRS) do
    local c = rt.system and rt.system[name]
    if c ~= nil then consts[c] = name end
  end
  self.sessions[msg.session] = { id = msg.session, rt = rt, seq = 0, n = 0, tokens = {}, handles = {}, consts = consts,
    closed = false }
  self.nopen = self.nopen + 1
  self:reply(msg.id, { ok = true })
end

-- toLua converts a JSON params value to Lua: $bytes become strings,
-- baseDirectory names become the runtime's constants.
local function toLua(v, system, key)
  if type(v) == "table" then
    local out = {}
    for k, x in pairs(v) do out[k] = toLua(x, system, k) end
    return out
  end
  if key == "baseDirectory" and type(v) == "string" and system and system[v] ~= nil then
    for _, name in ipairs(M.DIRS) do
      if name == v then return system[v] end
    end
  end
  return v
end

-- fieldsOf converts a listener's event table to JSON fields.
local function fieldsOf(s, v, depth)
  if depth > 16 then return tostring(v) end
  local name = s.consts[v]
  if name then return name end
  local t = type(v)
  if t == "table" then
    local out = {}
    for k, x in pairs(v) do
      if type(k) == "string" or type(k) == "number" then
        if k == "requestId" and depth == 0 then
          out.requestId = s.tokens[x] or ("unknown handle " .. tostring(x))
        else
          local fx = fieldsOf(s, x, depth + 1)
          if fx ~= nil then out[tostring(k)] = fx end
        end
      end
    end
    return out
  elseif t == "string" or t == "number" or t == "boolean" then
    return v
  elseif t == "function" or t == "thread" then
    return nil
  end
  return tostring(v)
end

-- emit writes an event message, or keeps it while a network.* call runs
-- (the listener was called inside the call, rule E16): such events are
-- marked inCall and written after the call's reply, in order. raw is the
-- event's requestId, mapped to its token at that time if the call returned
-- the handle it names.
function Driver:emit(s, msg, raw)
  if self.inCall then
    msg.inCall = true
    local b = self.buffered
    b[#b + 1] = { s = s, msg = msg, raw = raw }
    return
  end
  self:send(msg)
end

-- flush writes the events kept during a call.
function Driver:flush()
  local b = self.buffered or {}
  self.buffered = nil
  for _, e in ipairs(b) do
    local f = e.msg.fields
    if f and e.raw ~= nil and e.s.tokens[e.raw] then f.requestId = e.s.tokens[e.raw] end
    if not e.s.closed then self:send(e.msg) end
  end
end

-- listener returns the listener of one call of session s; call.tok is the
-- token of the call's handle (assigned before the call, so that events the
-- listener gets inside the call carry it too).
function Driver:listener(s, call, cancelAt)
  local cancelled = false
  return function(event)
    if s.closed or self.sessions[s.id] ~= s then return end
    local outer = self.current
    self.current = s
    s.seq = s.seq + 1
    if self.inCall == call then call.heard = true end
    local now = self.host.now and self.host.now()
    local fields = fieldsOf(s, event, 0)
    local r, pre = fields.response, s.rt.prefix
    if pre and type(r) == "table" and type(r.filename) == "string" and r.filename:sub(1, #pre) == pre then
      r.filename = r.filename:sub(#pre + 1)
    end
    self:emit(s, {
      type = "event", session = s.id, seq = s.seq, kind = "event",
      handle = call.tok or s.tokens[event.requestId] or "",
      time = now and M.rfc3339(now) or nil,
      fields = fields,
    }, type(event) == "table" and event.requestId or nil)
    if cancelAt and not cancelled and event.phase == cancelAt then
      cancelled = true
      local after = s.seq
      local ok, ret = pcall(s.rt.network.cancel, event.requestId)
      if not ok then
        self:log("network.cancel raised: " .. tostring(ret))
        ret = nil
      end
      s.seq = s.seq + 1
      self:emit(s, {
        type = "event", session = s.id, seq = s.seq, kind = "cancel",
        handle = call.tok or "", time = now and M.rfc3339(self.host.now()) or nil,
        cancel = { returned = (ret == nil) and M.null or ret, afterSeq = after },
      })
    end
    self.current = outer
  end
end

-- prefixed puts a valid relative file name in the session's subfolder
-- (runtime prefix); any other value passes unchanged.
local function prefixed(s, name)
  local pre = s.rt.prefix
  if pre and files.validName(name) then return pre .. name end
  return name
end

function Driver:on_call(msg)
  local s = self:sessionOf(msg)
  local c = M.unbytes(msg.call or {}, self.host.null) or {}
  local net, sys = s.rt.network, s.rt.system
  local fn = c.fn or "request"
  if fn ~= "request" and fn ~= "upload" and fn ~= "download" then
    self:reply(msg.id, { error = "unknown function " .. format("%q", tostring(fn)) })
    return
  end
  s.n = s.n + 1
  local call = { tok = "h" .. s.n }
  local listener = nil
  if not c.noListener then listener = self:listener(s, call, c.cancelInListener) end
  local params = c.params
  if params ~= nil then params = toLua(params, sys) end
  if type(params) == "table" then
    for _, k in ipairs({ "response", "body" }) do
      local t = params[k]
      if type(t) == "table" and t.filename ~= nil then t.filename = prefixed(s, t.filename) end
    end
  end
  c.filename = prefixed(s, c.filename)
  local bd = c.baseDirectory
  if type(bd) == "string" and sys and sys[bd] ~= nil then bd = sys[bd] end
  s.lastLog = nil
  local ok, h
  -- Listener calls inside the call are kept and written after its reply.
  self.inCall, self.buffered = call, {}
  local missing = type(net[fn]) ~= "function"
  if missing then
    ok, h = false, "network." .. fn .. " is " .. type(net[fn]) .. ", not a function"
  elseif fn == "request" then
    ok, h = pcall(net.request, c.url, c.method, listener, params)
  elseif params ~= nil then
    ok, h = pcall(net[fn], c.url, c.method, listener, params, c.filename, bd, c.contentType)
  else
    ok, h = pcall(net[fn], c.url, c.method, listener, c.filename, bd, c.contentType)
  end
  self.inCall = nil
  local tok = call.tok
  local heard = call.heard and tok or nil -- the token of the in-call events
  if not ok then
    self:reply(msg.id, { rejected = { message = tostring(h), raised = true, missing = missing or nil, handle = heard } })
  elseif h == nil then
    self:reply(msg.id, { rejected = { message = s.lastLog or ("network." .. fn .. " returned nil"), handle = heard } })
  else
    s.tokens[h] = tok
    s.handles[tok] = h
    self:reply(msg.id, { handle = tok })
  end
  self:flush()
end

-- filesOf returns the session's files (the files capability), or raises.
local function filesOf(s)
  if not s.rt.files then error("this driver keeps no files of its own (no files capability)") end
  return s.rt.files
end

function Driver:on_place(msg)
  local files = filesOf(self:sessionOf(msg))
  local f = M.unbytes(msg.file or {}, self.host.null) or {}
  local ok, err = files:place(f.dir, f.name, f.content or "")
  if not ok then
    self:reply(msg.id, { error = tostring(err) })
    return
  end
  self:reply(msg.id, { ok = true })
end

function Driver:on_files(msg)
  local files = filesOf(self:sessionOf(msg))
  local list, err = files:list(tonumber(msg.head) or 0)
  if not list then
    self:reply(msg.id, { error = tostring(err) })
    return
  end
  self:reply(msg.id, { files = setmetatable(list, M.array_mt) })
end

function Driver:on_cancel(msg)
  local s = self:sessionOf(msg)
  local h = s.handles[msg.handle]
  if h == nil then h = msg.handle end -- a value network.cancel never issued (C3)
  local ok, ret = pcall(s.rt.network.cancel, h)
  if not ok then
    self:log("network.cancel raised: " .. tostring(ret))
    ret = nil
  end
  self:reply(msg.id, { cancelled = { returned = (ret == nil) and M.null or ret, afterSeq = s.seq } })
end

-- closeAll closes every open session.
function Driver:closeAll()
  for _, s in pairs(self.sessions) do self:closeSession(s) end
end

-- closeSession abandons a session's requests: no event is written after it.
function Driver:closeSession(s)
  if not s or self.sessions[s.id] ~= s then return end
  s.closed = true
  self.sessions[s.id] = nil
  self.nopen = self.nopen - 1
  local ok, err
  if s.rt.close then
    ok, err = pcall(s.rt.close)
  else -- a shared engine (Solar2D): cancel what the session started
    ok = true
    for _, h in pairs(s.handles) do
      local okc, errc = pcall(s.rt.network.cancel, h)
      if not okc then ok, err = false, errc end
    end
  end
  if not ok then self:log("driver: closing the session failed: " .. tostring(err)) end
  if s.rt.cleanup then -- removes the session's folders, files and all
    local okc, errc = pcall(s.rt.cleanup)
    if not okc then self:log("driver: removing the session's folders failed: " .. tostring(errc)) end
  elseif s.rt.files then
    local okf, errf = pcall(s.rt.files.clear, s.rt.files)
    if not okf then self:log("driver: clearing the session's files failed: " .. tostring(errf)) end
  end
end

function Driver:on_close(msg)
  self:closeSession(self:sessionOf(msg))
  self:reply(msg.id, { ok = true })
end

return M
