-- corpus/blocking: a network.request that never returns (it waits up to
-- two minutes, the whole Lua process with it), for netconform's own tests
-- (drivers/lua/corpus_test.go): the harness must blame the call, end the
-- process and give the next case a fresh one.

local socket = require("socket")
local base = require("network_luasocket")

local M = {}

M.NAME = "corpus:blocking"

M.CAPABILITIES = { sessions = 1 }

function M.new(opts)
  local inst = base.new(opts)
  inst.network = {
    request = function()
      socket.sleep(120)
      return nil
    end,
    cancel = inst.network.cancel,
  }
  return inst
end

return M
