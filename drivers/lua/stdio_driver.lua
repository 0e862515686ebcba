-- stdio_driver: netconform's driver protocol v1 on stdin/stdout for Lua 5.1
-- hosts (docs/driver-protocol.md).
--
--   netconform run --driver exec -- lua5.1 drivers/lua/stdio_driver.lua network_luasocket
--   netconform run --driver exec -- lua5.1 drivers/lua/stdio_driver.lua --files network_luasocket
--   netconform run --driver exec -- lua5.1 drivers/lua/stdio_driver.lua --sessions=4 network_luasocket
--
-- The argument names the implementation module (default network_luasocket),
-- looked up next to this file first. With --files (or --files=DIR) the
-- driver keeps each session's folders itself, in a folder of its own in
-- DIR (default the system's temporary folder), and announces the files
-- capability: the harness places and reads the files through the protocol
-- (ncfiles.lua), as it must for a host whose file system it cannot read.
-- Without it the sessions work in the harness's folders (config.dirs).
-- With --sessions=N (N > 1) the driver serves N sessions at once over the
-- one connection (hello says sessions: N), so the harness runs N cases at
-- once in the one process. The module must provide new(opts) -> {network,
-- system, step(maxwait, extraReaders), close()} (see network_luasocket.lua),
-- where opts has dirs, caFile, timeScale and log; with sessions, also
-- opts.sched, a scheduler shared by the sessions' instances, and
-- inst.deliver() and inst.pending(). Each protocol session gets a fresh
-- instance; its network and system are also set as the globals `network`
-- and `system` (the last session opened's), so Solar2D game code can run
-- unchanged. print() goes to the harness as log lines (stdout is
-- the protocol channel). JSON: lua-cjson, else dkjson.
--
-- A module declares what it supports in an optional CAPABILITIES table,
-- sent in the hello so that the harness skips the cases it cannot run
-- (with the reason) instead of failing them:
--   fns               the functions it has (default request, upload and
--                     download)
--   timeScale         false when it ignores opts.timeScale (fixed
--                     timeouts): the harness then runs it at scale 1
--   cancelInListener  false when network.cancel may not be called from
--                     inside a listener
--   sessions          how many instances may run at once in one process
--                     (default: as many as --sessions asks); 1 for a
--                     module with global state or blocking calls
--   files             false when it cannot work in folders of the
--                     driver's own (--files is then refused)
--
-- The loop waits on stdin and the instance's sockets in one socket.select,
-- so reading the harness never blocks the network coroutines. stdin is read
-- through a LuaSocket serial object on fd 0 (read(2) in 8 KiB blocks, and
-- select sees its buffer), else unbuffered through io.stdin, so select
-- never misses a line hidden in a stdio buffer; the latter costs a system
-- call per byte, seconds for a placed file of a few MiB.

local here = (arg and arg[0] or ""):match("^(.*)[/\\][^/\\]*$") or "."
package.path = here .. "/?.lua;" .. package.path

local socket = require("socket")
local proto = require("ncproto")

local function jsonDecoder()
  local ok, cjson = pcall(require, "cjson")
  if ok then
    local c = cjson.new and cjson.new() or cjson
    if c.decode_max_depth then c.decode_max_depth(1000) end
    return c.decode, c.null
  end
  local okd, dk = pcall(require, "dkjson")
  if okd then
    return function(s)
      local v, _, err = dk.decode(s, 1, nil)
      if err then error(err) end
      return v
    end, nil
  end
  return nil
end

local decode, null = jsonDecoder()
if not decode then
  io.stderr:write("stdio_driver: needs lua-cjson or dkjson\n")
  os.exit(2)
end

local modname, filesDir, sessions
local args = arg or {}
local i = 1
while args[i] do
  local a = args[i]
  if a == "--files" then filesDir = true
  elseif a:sub(1, 8) == "--files=" then filesDir = a:sub(9)
  elseif a == "--sessions" then i = i + 1; sessions = args[i] or ""
  elseif a:sub(1, 11) == "--sessions=" then sessions = a:sub(12)
  else modname = modname or a end
  i = i + 1
end
if sessions then
  local n = tonumber(sessions)
  if not n or n < 1 or n ~= math.floor(n) then
    io.stderr:write("stdio_driver: --sessions wants a whole number of at least 1, not " .. tostring(sessions) .. "\n")
    os.exit(2)
  end
  sessions = n
end
sessions = sessions or 1
modname = modname or "network_luasocket"
local okm, impl = pcall(require, modname)
if not okm or type(impl) ~= "table" or type(impl.new) ~= "function" then
  io.stderr:write("stdio_driver: cannot load implementation module " .. modname .. ": " .. tostring(impl) .. "\n")
  os.exit(2)
end

-- The module's declared capabilities (CAPABILITIES, above).
local declared = impl.CAPABILITIES
if declared ~= nil and type(declared) ~= "table" then
  io.stderr:write("stdio_driver: " .. modname .. ".CAPABILITIES is a " .. type(declared) .. ", not a table\n")
  os.exit(2)
end
declared = declared or {}
if filesDir and declared.files == false then
  io.stderr:write("stdio_driver: " .. modname .. " says it cannot keep its files in folders of the driver's own (CAPABILITIES.files = false): run it without --files\n")
  os.exit(2)
end
if type(declared.sessions) == "number" and declared.sessions >= 1 and sessions > declared.sessions then
  io.stderr:write("stdio_driver: " .. modname .. " runs at most " .. declared.sessions ..
    " session(s) at once (CAPABILITIES.sessions); serving " .. declared.sessions .. ", not " .. sessions .. "\n")
  sessions = declared.sessions
end

local out = io.stdout
local function write(line)
  out:write(line, "\n")
  out:flush()
end

local driver
local open = {} -- instance -> true while its session is open
local shared = sessions > 1 and require("nc_sched").new(socket.gettime) or nil
local capabilities = {
  fns = declared.fns, timeScale = declared.timeScale, cancelInListener = declared.cancelInListener,
  baseDirs = declared.baseDirs, files = filesDir and true or nil,
}

-- The driver's own folders (--files): root/<session>/<base directory>.
local files = filesDir and require("ncfiles")
local lfs, sha = files and require("nc_lfs"), files and require("nc_sha256")
local root
if files then
  local name = os.tmpname() -- a fresh name (the file it creates goes)
  os.remove(name)
  if filesDir ~= true then name = filesDir:gsub("/+$", "") .. "/" .. name:match("([^/\\]+)$") end
  local ok, err = lfs.mkdir(name)
  if not ok then
    io.stderr:write("stdio_driver: cannot create the sandbox folder " .. name .. ": " .. tostring(err) .. "\n")
    os.exit(2)
  end
  root = name
end

-- removeTree removes a folder tree, with one command when lfs is emulated.
local function removeTree(f, path)
  if not lfs.attributes(path) then return end
  if lfs.removeTree then lfs.removeTree(path) else f:removeTree(path) end
end

-- sessionFiles creates a session's folders and returns them and the ncfiles
-- object over them.
local function sessionFiles(id)
  local top = root .. "/" .. tostring(id):gsub("[^%w_-]", "_")
  local dirs, paths = {}, {}
  for i, n in ipairs(files.DIRS) do
    dirs[n] = top .. "/" .. n
    paths[i] = dirs[n]
  end
  local f = files.new({ root = function(n) return dirs[n] end, lfs = lfs, sha256 = sha.hex,
    scan = lfs.scan and function() return lfs.scan(top) end })
  removeTree(f, top)
  if lfs.mkdirs then
    lfs.mkdirs(paths)
  else
    lfs.mkdir(top)
    for _, p in ipairs(paths) do lfs.mkdir(p) end
  end
  for _, p in ipairs(paths) do
    if lfs.attributes(p, "mode") ~= "directory" then return nil, nil, "cannot create the session folder " .. p end
  end
  return dirs, f, top
end

-- print goes to the harness as a log line of the current session.
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  driver:log(table.concat(parts, "\t"))
end

driver = proto.new({
  name = impl.NAME or ("lua:" .. modname),
  write = write,
  decode = decode,
  null = null,
  now = socket.gettime,
  capabilities = capabilities,
  sessions = sessions,
  open = function(cfg, id)
    local dirs, fs, top = cfg.dirs, nil, nil
    if files then
      dirs, fs, top = sessionFiles(id)
      if not dirs then return nil, fs end
    end
    local ok, inst = pcall(impl.new, {
      dirs = dirs, caFile = cfg.caFile, timeScale = cfg.timeScale,
      log = function(line) driver:log(line, id) end,
      sched = shared,
    })
    if not ok then
      if top then fs:removeTree(top) end
      return nil, "cannot start " .. modname .. ": " .. tostring(inst)
    end
    open[inst] = true
    _G.network, _G.system = inst.network, inst.system
    return {
      network = inst.network,
      system = inst.system,
      files = fs,
      close = function()
        inst.close()
        open[inst] = nil
        if top then removeTree(fs, top) end -- the session's folders go with it
      end,
    }
  end,
})

-- stdinReader returns the object socket.select waits on and a function
-- returning the next line (nil at the end of stdin).
local function stdinReader()
  local okser, serial = pcall(require, "socket.serial")
  local oko, s = false, nil
  if okser and type(serial) == "function" then oko, s = pcall(serial, "/dev/null") end
  if oko and s and s.setfd then
    s:setfd(0) -- the /dev/null descriptor stays open, unused
    return s, function()
      local line = s:receive("*l")
      return line
    end
  end
  io.stdin:setvbuf("no")
  return { getfd = function() return 0 end, dirty = function() return false end },
    function() return io.stdin:read("*l") end
end

local stdin, readLine = stdinReader()
local readers = { stdin }

-- step runs one round of every open session's event loop, waiting at most
-- maxwait seconds for their sockets or stdin, and returns the ready readers.
local function step(maxwait)
  local inst = next(open)
  if not inst then
    return socket.select(readers, nil, 1) or {}
  elseif not shared then
    return inst.step(maxwait, readers)
  end
  local hurry = false
  for s in pairs(open) do
    s.deliver()
    hurry = hurry or s.pending()
  end
  local ready = shared:step(maxwait, readers, hurry)
  for s in pairs(open) do s.deliver() end
  return ready
end

driver:hello()
local status = 0
local okloop, err = pcall(function()
  while true do
    local ready = step(0.05)
    if ready[stdin] then
      local line = readLine()
      if line == nil then break end -- end of stdin: the harness is done
      local ok, res = pcall(driver.handle, driver, line)
      if not ok then
        if tostring(res):find("interrupted!", 1, true) then error(res, 0) end
        io.stderr:write("stdio_driver: " .. tostring(res) .. "\n")
        status = 3
        break
      end
      if res == "bye" then break end
    end
  end
end)
if not okloop then
  -- The harness interrupts a driver it gives up on (SIGINT, which Lua
  -- turns into an "interrupted!" error wherever the code was): that ends
  -- the driver quietly. Any other error is the driver's and is reported.
  if tostring(err):find("interrupted!", 1, true) then os.exit(130) end
  io.stderr:write("stdio_driver: " .. tostring(err) .. "\n")
  status = 3
end
for inst in pairs(open) do inst.close() end
if root then removeTree(files.new({ root = function() end, lfs = lfs, sha256 = sha.hex }), root) end
os.exit(status)
