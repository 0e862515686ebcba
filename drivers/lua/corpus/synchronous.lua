-- corpus/synchronous: a deliberately non-conformant network.request, for
-- netconform's own tests (drivers/lua/corpus_test.go). It is written the
-- way small "Corona-esque" libraries for running Corona code on a server
-- are: synchronous, on LuaSocket's socket.http and LuaSec's ssl.https.
--
--   * the listener is called inside network.request, which returns nil;
--   * one ended event of {phase, isError, status, response, headers}: no
--     name, url or requestId, the headers under `headers`;
--   * a transport failure gives the error text as status;
--   * certificates are not verified and redirects are not followed;
--   * no upload, download or cancel; the method must be one of five.
--
-- It declares no CAPABILITIES, as such libraries do not.

local socket = require("socket")
local http = require("socket.http")
local ltn12 = require("ltn12")
local okssl, https = pcall(require, "ssl.https")

local M = {}

M.NAME = "corpus:synchronous"

local DIRS = { "DocumentsDirectory", "TemporaryDirectory", "CachesDirectory", "ResourceDirectory" }

local methods = { GET = true, POST = true, HEAD = true, PUT = true, DELETE = true }

function M.new(opts)
  local network, system = {}, {}
  local dirs = {}
  for _, n in ipairs(DIRS) do
    local c = newproxy and newproxy(true) or {}
    system[n] = c
    dirs[c] = opts.dirs and opts.dirs[n]
  end
  function system.pathForFile(name, base)
    return (dirs[base or system.DocumentsDirectory] or ".") .. "/" .. name
  end

  function network.request(url, method, listener, params)
    method = method or "GET"
    assert(methods[method], "unsupported method " .. tostring(method))
    params = params or {}
    local chunks = {}
    local req = {
      url = url, method = method, headers = params.headers, redirect = false,
      sink = ltn12.sink.table(chunks),
    }
    if type(params.body) == "string" then
      req.source = ltn12.source.string(params.body)
      req.headers = req.headers or {}
      req.headers["content-length"] = tostring(#params.body)
    end
    local lib = http
    if url:sub(1, 8) == "https://" then
      lib = okssl and https or http
      req.verify, req.protocol = "none", "any"
    end
    http.TIMEOUT = tonumber(params.timeout) or 30
    local ok, status, headers = lib.request(req)
    local event = { phase = "ended" }
    if ok then
      event.isError, event.status, event.response, event.headers = false, status, table.concat(chunks), headers
    else
      event.isError, event.status, event.response = true, tostring(status), ""
    end
    if listener then listener(event) end
    return nil
  end

  return {
    network = network,
    system = system,
    step = function(maxwait, readers) return socket.select(readers, nil, maxwait) or {} end,
    close = function() end,
  }
end

return M
