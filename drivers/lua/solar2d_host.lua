-- solar2d_host: runs the Solar2D device driver (drivers/solar2d/main.lua)
-- under plain Lua 5.1, with the engine's globals (network, system, timer,
-- json) provided by the LuaSocket implementation, so CI tests the app's
-- protocol logic against the real remote driver.
--
--   lua5.1 drivers/lua/solar2d_host.lua CONTROL_URL [DOCS_DIR [SESSIONS]]
--
-- CONTROL_URL is the one `netconform run --driver remote` prints, with the
-- run's pairing token as its last segment
-- (http://127.0.0.1:8787/netconform/v1/TOKEN).
--
-- SESSIONS (else the environment variable NC_SESSIONS, else 16) is how many
-- sessions the app runs at once (settings.sessions). NC_CA_FILE names a PEM
-- file of CA certificates the engine trusts for https instead of the
-- system's, as a device trusts a CA installed on it (`netconform ca DIR`,
-- then DIR/ca.pem here and --ca-cert/--ca-key to the run).
--
-- The app says hello, runs the sessions the harness sends and exits after
-- the harness says bye (settings.once). Session folders are the app's own
-- (DOCS_DIR/<name>, default the current directory), as on a device: the
-- app reads and writes them with io, lfs (LuaFileSystem, or nc_lfs's
-- emulation) and crypto.digest (nc_sha256), which the host provides as the
-- engine does, and announces the files capability.

local here = (arg and arg[0] or ""):match("^(.*)[/\\][^/\\]*$") or "."
package.path = here .. "/?.lua;" .. here .. "/../solar2d/?.lua;" .. package.path

local url = arg and arg[1]
if not url then
  io.stderr:write("usage: lua5.1 solar2d_host.lua CONTROL_URL [DOCS_DIR [SESSIONS]]\n")
  os.exit(2)
end
if url:match("/netconform/v1/?$") then
  io.stderr:write("solar2d_host: ", url, " has no pairing token: give the control URL netconform run printed",
    " (it ends in /netconform/v1/TOKEN)\n")
  os.exit(2)
end
local root = (arg[2] or ".")

local cjson = require("cjson")
local nl = require("network_luasocket")
local sched = require("nc_sched")

local lfs = require("nc_lfs")
local sha = require("nc_sha256")
local dirs = {}
for _, n in ipairs(nl.DIRS) do
  dirs[n] = root .. "/" .. n
  if lfs.attributes(dirs[n], "mode") ~= "directory" then assert(lfs.mkdir(dirs[n])) end
end
local caFile = os.getenv("NC_CA_FILE")
if caFile == "" then caFile = nil end
local inst = nl.new({ dirs = dirs, caFile = caFile, log = function(line) io.stderr:write(line, "\n") end })

-- the engine's globals
network, system = inst.network, inst.system
function system.getInfo(key)
  if key == "platform" or key == "platformName" then return "luasocket-host" end
  return nil
end
timer = {
  -- performWithDelay runs fn after ms milliseconds, from the frame loop.
  performWithDelay = function(ms, fn)
    inst.sched:spawn(function()
      sched.wait(nil, "t", inst.sched:now() + ms / 1000)
      fn()
    end, function(err) io.stderr:write("timer: ", tostring(err), "\n") end)
  end,
}
package.preload["lfs"] = function() return lfs end
package.preload["crypto"] = function()
  -- Solar2D's crypto library, as far as the app uses it.
  return {
    sha256 = "sha256",
    digest = function(alg, data, raw)
      assert(alg == "sha256" and not raw, "crypto emulation: only hex sha256")
      return sha.digest(data)
    end,
  }
end
package.preload["json"] = function()
  local c = cjson.new()
  return { decode = c.decode, encode = c.encode, null = c.null }
end
package.preload["settings"] = function()
  return { url = url, once = true, pollWait = 5, name = "solar2d:luasocket-host",
    sessions = tonumber(arg[3] or os.getenv("NC_SESSIONS") or "") or 16 }
end

dofile(here .. "/../solar2d/main.lua")

-- the frame loop
local app = netconformApp
while not app.done do
  inst.step(0.02)
end
os.exit(0)
