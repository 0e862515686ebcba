-- corpus/raising: a deliberately non-conformant network.* for netconform's
-- own tests (drivers/lua/corpus_test.go): network_luasocket behind a
-- wrapper that checks its arguments by raising Lua errors (Solar2D returns
-- nil and logs, rule B1), and that has no network.upload at all. It
-- declares no CAPABILITIES, so the upload cases run and find the function
-- missing.

local base = require("network_luasocket")

local M = {}

M.NAME = "corpus:raising"

local kinds = { text = true, binary = true }
local progress = { upload = true, download = true }

local function check(params)
  if params == nil then return end
  if type(params) ~= "table" then error("network: params must be a table", 3) end
  if params.headers ~= nil and type(params.headers) ~= "table" then error("network: headers must be a table", 3) end
  if params.bodyType ~= nil and not kinds[params.bodyType] then error("network: bad bodyType", 3) end
  if params.progress ~= nil and not progress[params.progress] then error("network: bad progress", 3) end
  if params.timeout ~= nil and type(params.timeout) ~= "number" then error("network: timeout must be a number", 3) end
end

function M.new(opts)
  local inst = base.new(opts)
  local inner = inst.network
  local network = {}
  function network.request(url, method, listener, params)
    check(params)
    return inner.request(url, method, listener, params)
  end
  network.download = inner.download
  network.cancel = inner.cancel
  inst.network = network
  return inst
end

return M
