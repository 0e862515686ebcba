-- remote: netconform's driver protocol v1 over HTTP long-poll
-- (docs/driver-protocol.md, "HTTP transport") for a Solar2D app, using the
-- engine's own network.request for the control channel and ncproto for the
-- messages. The case calls run on the same engine: closing a session cancels
-- the handles it issued, never the control requests.
--
--   local app = require("remote").new({ base = "http://192.168.1.20:8787/netconform/v1/TOKEN",
--     network = network, system = system, decode = json.decode,
--     after = function(ms, fn) timer.performWithDelay(ms, fn) end })
--   app:start()
--
-- opts: base (the control URL `netconform run` printed, with the run's
-- pairing token as its last segment: the harness refuses requests without
-- it, with a Host header it does not know, or without the NDJSON
-- Content-Type, which every request here sends, the poll's GET too), network, system, decode, null (the decoder's
-- null), after(ms, fn) (a timer), name (hello's name), now (a wall clock in
-- seconds, or nil: the harness stamps events), status(text) (shows progress;
-- default print), once (stop after the harness says bye instead of saying
-- hello again), pollWait (seconds, default 20), files (an ncfiles object
-- over the app's own folders: the files capability, with which the harness
-- places the given files there and reads them back through the protocol;
-- the folders are emptied when the app says hello), sessions (how many
-- sessions at once, default 1) and sessionFiles(id) (with files: returns
-- the ncfiles object over a session's own subfolders, its name prefix and
-- a function removing them; each session's files then live apart, so
-- several sessions run at once).

local proto = require("ncproto")

local M = {}

local App = {}
App.__index = App

local NDJSON = { ["Content-Type"] = "application/x-ndjson" }

-- REFUSED names the statuses with which the harness refuses to pair.
local REFUSED = {
  [403] = "the harness refused this app's pairing token (set settings.url to the URL this run printed)",
  [415] = "the harness refused the request's Content-Type",
  [421] = "the harness refused the host in settings.url (use the URL this run printed)",
}

-- new returns an app; call start to connect.
function M.new(opts)
  assert(opts.base and opts.network and opts.system and opts.decode and opts.after, "remote.new: missing option")
  local app = setmetatable({ o = opts, out = {}, sending = false, peer = nil, done = false, gen = 0 }, App)
  app.status = opts.status or function(text) io.write("netconform: ", text, "\n") end
  app.driver = proto.new({
    name = opts.name or "solar2d",
    write = function(line) app:queue(line) end,
    decode = opts.decode,
    null = opts.null,
    now = opts.now,
    capabilities = { timeScale = false, cancelInListener = true, files = opts.files ~= nil },
    sessions = opts.sessions,
    open = function(_, id)
      local rt = { network = opts.network, system = opts.system, files = opts.files }
      if opts.files and opts.sessionFiles then
        rt.files, rt.prefix, rt.cleanup = opts.sessionFiles(id)
      elseif opts.files then
        opts.files:clear() -- what the last session left
      end
      return rt
    end,
  })
  return app
end

-- queue adds a line for the harness and starts a send if none is running.
function App:queue(line)
  if self.collect then
    self.collect[#self.collect + 1] = line
    return
  end
  self.out[#self.out + 1] = line
  self:flush()
end

-- log sends a line to the harness's logs (print output, for example).
function App:log(text)
  if self.peer then self.driver:log(text) end
end

-- request makes a control request; a failed one is retried after a pause.
function App:request(path, method, body, timeout, onok)
  local gen = self.gen
  local params = { timeout = timeout or 30, headers = NDJSON } -- every control request, GET too
  if body then params.body = body end
  self.o.network.request(self.o.base .. path, method, function(event)
    if event.phase ~= "ended" or gen ~= self.gen then return end
    if event.isError and self.o.once and self.welcomedOnce and tostring(event.response):lower():find("refused") then
      -- The harness's listener is gone: the run ended without this device
      -- collecting its bye (it was busy when the harness stopped waiting).
      self.status("the harness is gone (" .. tostring(event.response) .. ")")
      self:restart(0)
    elseif event.isError then
      self.status("control channel error: " .. tostring(event.response) .. "; retrying")
      self.o.after(1000, function() if gen == self.gen then self:request(path, method, body, timeout, onok) end end)
    elseif event.status == 404 then
      self.status("the harness dropped this device; saying hello again")
      self:restart(1000)
    elseif REFUSED[event.status] then
      -- The harness will not pair with this URL: say why (its body names
      -- what to fix) and try again slowly, for a run started again with
      -- the same --token.
      self.status(REFUSED[event.status] .. ": " .. tostring(event.response):sub(1, 200) .. "; retrying in 5 s")
      self.o.after(5000, function() if gen == self.gen then self:request(path, method, body, timeout, onok) end end)
    elseif event.status >= 300 then
      self.status("control channel status " .. event.status .. "; retrying")
      self.o.after(1000, function() if gen == self.gen then self:request(path, method, body, timeout, onok) end end)
    else
      onok(type(event.response) == "string" and event.response or "")
    end
  end, params)
end

-- lines calls fn for each non-empty line of text.
local function lines(text, fn)
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    line = line:gsub("\r$", "")
    if line ~= "" then fn(line) end
  end
end

-- start says hello and, once welcomed, polls.
function App:start()
  self.gen = self.gen + 1
  self.peer, self.out, self.sending = nil, {}, false
  self.collect = {}
  if self.o.files and self.o.sessionFiles then self.o.files:clear() end -- what an earlier run left
  self.driver:hello()
  local hello = table.concat(self.collect, "\n") .. "\n"
  self.collect = nil
  self.status("connecting to " .. self.o.base)
  self:request("/hello", "POST", hello, 30, function(text)
    lines(text, function(line)
      local ok, msg = pcall(self.o.decode, line)
      if ok and type(msg) == "table" and msg.type == "welcome" and msg.peer then
        self.peer = msg.peer
        self.driver:handle(line)
      elseif ok and type(msg) == "table" and msg.type == "bye" then
        self.status("harness said bye: " .. tostring(msg.reason))
      end
    end)
    if self.peer then
      self.status("connected to the harness") -- not the peer id: it is a secret like the token
      self:poll()
    else
      self:restart(2000)
    end
  end)
end

-- restart abandons the connection (and any session) and says hello later.
function App:restart(ms)
  self.gen = self.gen + 1
  self.driver:closeAll()
  self.peer = nil
  if self.o.once and self.welcomedOnce then
    self.done = true
    self.status("done")
    return
  end
  local gen = self.gen
  self.o.after(ms, function() if gen == self.gen then self:start() end end)
end

-- poll fetches the harness's messages, handles them and polls again.
function App:poll()
  local wait = self.o.pollWait or 20
  self:request("/poll?peer=" .. self.peer .. "&wait=" .. wait, "GET", nil, wait + 15, function(text)
    local bye = false
    lines(text, function(line)
      if bye then return end
      local ok, res = pcall(self.driver.handle, self.driver, line)
      if not ok then
        self.status("bad message from the harness: " .. tostring(res))
      elseif res == "bye" then
        bye = true
      end
    end)
    self.welcomedOnce = true
    if bye then
      self.status("the harness is done")
      self:restart(2000)
    else
      self:poll()
    end
  end)
end

-- flush posts the waiting lines, one batch at a time, in order.
function App:flush()
  if self.sending or not self.peer or #self.out == 0 then return end
  local batch = table.concat(self.out, "\n") .. "\n"
  self.out = {}
  self.sending = true
  self:request("/send?peer=" .. self.peer, "POST", batch, 30, function()
    self.sending = false
    self:flush()
  end)
end

return M
