-- corpus/missing: network_luasocket with network.request and
-- network.cancel only, for netconform's own tests
-- (drivers/lua/corpus_test.go). It declares so in CAPABILITIES, and that
-- cancelling inside a listener is not supported, so the harness skips the
-- cases it cannot run, with the reason, instead of failing them.

local base = require("network_luasocket")

local M = {}

M.NAME = "corpus:missing"

M.CAPABILITIES = { fns = { "request" }, cancelInListener = false }

function M.new(opts)
  local inst = base.new(opts)
  inst.network = { request = inst.network.request, cancel = inst.network.cancel }
  return inst
end

return M
