-- corpus/fixedtime: network_luasocket at real time whatever the harness
-- asks (its timeouts and progress interval fixed), for netconform's own
-- tests (drivers/lua/corpus_test.go). It says so in CAPABILITIES, so the
-- harness runs it at time scale 1 instead of judging it against scaled
-- server delays.

local base = require("network_luasocket")

local M = {}

M.NAME = "corpus:fixedtime"

M.CAPABILITIES = { timeScale = false }

function M.new(opts)
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.timeScale = 1
  return base.new(o)
end

return M
