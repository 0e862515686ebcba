-- netconform device driver for Solar2D: runs the harness's conformance
-- cases with the engine's real network.* API, driven over the HTTP
-- long-poll control channel of docs/driver-protocol.md. See
-- docs/validate-solar2d.md for the step-by-step guide.
--
-- Set the harness's control URL in settings.lua. Under plain Lua (CI), the
-- host drivers/lua/solar2d_host.lua provides network, system, timer and json
-- from the LuaSocket implementation and runs this same file.

local settings = require("settings")
local json = require("json")
local remote = require("remote")

local statusText
if display and display.newText then
  statusText = display.newText({
    text = "netconform", x = display.contentCenterX, y = display.contentCenterY,
    width = display.contentWidth - 20, fontSize = 14, align = "left",
  })
end

local function status(text)
  if statusText then statusText.text = "netconform\n" .. text end
  io.write("netconform: ", text, "\n")
end

local platform = "device"
if system.getInfo then
  platform = tostring(system.getInfo("platform") or system.getInfo("platformName") or platform)
end

-- The files capability: the cases' files live in the app's own folders
-- (system.pathForFile), placed and read back with the engine's io and lfs
-- and hashed with its crypto library. Each session empties
-- DocumentsDirectory, TemporaryDirectory and CachesDirectory: run the
-- netconform app as an app of its own.
local files
local okl, lfs = pcall(require, "lfs")
local okc, crypto = pcall(require, "crypto")
if okl and okc and type(crypto) == "table" and crypto.digest and crypto.sha256 then
  files = require("ncfiles").new({
    root = function(name) return system.pathForFile("", system[name]) end,
    lfs = lfs,
    sha256 = function(data) return string.lower(crypto.digest(crypto.sha256, data)) end,
    keep = { ResourceDirectory = true }, -- the app's own files: only what was placed goes
  })
end

-- Each session keeps its files in a subfolder nc-<session> of each base
-- directory, so settings.sessions sessions run at once; a base directory
-- where the app cannot create one (ResourceDirectory on a device) has no
-- folder for the session, and placing a file there fails with the reason.
local function sessionFiles(id)
  local sub = "nc-" .. tostring(id):gsub("[^%w_-]", "_")
  local made = {}
  local function folder(name)
    local base = system.pathForFile("", system[name])
    if type(base) ~= "string" or base == "" then return nil end
    return (base:gsub("/+$", "")) .. "/" .. sub
  end
  local ncfiles = require("ncfiles")
  local all = {}
  for _, name in ipairs(ncfiles.DIRS) do all[#all + 1] = folder(name) end
  -- A host whose lfs costs a process per call (the plain-Lua host's
  -- emulation) offers mkdirs, scan and removeTree over several folders
  -- at once; the engine's lfs has none of them.
  if lfs.mkdirs then lfs.mkdirs(all) end
  local f = ncfiles.new({
    root = function(name)
      local p = folder(name)
      if p and not made[name] and lfs.attributes(p, "mode") ~= "directory" and not lfs.mkdir(p) then return nil end
      made[name] = true
      return p
    end,
    lfs = lfs,
    sha256 = function(data) return string.lower(crypto.digest(crypto.sha256, data)) end,
    scan = lfs.scan and function() return lfs.scan(unpack(all)) end,
  })
  return f, sub .. "/", function()
    if lfs.removeTree then return lfs.removeTree(unpack(all)) end
    for _, p in ipairs(all) do
      if lfs.attributes(p, "mode") == "directory" then f:removeTree(p) end
    end
  end
end

local app = remote.new({
  base = settings.url,
  network = network,
  system = system,
  decode = function(s) return json.decode(s) end,
  null = json.null,
  after = function(ms, fn) timer.performWithDelay(ms, fn) end,
  name = settings.name or ("solar2d:" .. platform),
  status = status,
  once = settings.once,
  pollWait = settings.pollWait,
  files = files,
  sessionFiles = files and sessionFiles,
  sessions = settings.sessions or 16,
})

-- print also goes to the harness, so call-time errors the engine prints
-- (rule B1) end up in the case's logs and in rejection messages.
local rawPrint = print
print = function(...)
  rawPrint(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  app:log(table.concat(parts, "\t"))
end

netconformApp = app -- for the plain-Lua host's loop
app:start()
