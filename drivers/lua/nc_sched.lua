-- nc_sched: a single-threaded scheduler of coroutines waiting on LuaSocket
-- and LuaSec sockets, for network_luasocket.lua.
--
-- A task is a coroutine. Inside it, wait(sock, "r" or "w", deadline) yields
-- until the socket is ready (returns true) or the deadline passed (returns
-- false); pause() yields until the next step. step() runs one round: one
-- socket.select over every waiting socket (plus the caller's extra readers,
-- such as stdin) and resumes the tasks that can go on. Nothing here calls
-- listeners: errors raised by a task go to its onerror callback, which runs
-- outside the coroutine.
--
-- Lua 5.1 cannot yield across pcall, so task code reports failures by
-- raising and lets coroutine.resume catch them.

local socket = require("socket")

local M = {}

local Sched = {}
Sched.__index = Sched

-- new returns a scheduler reading time from clock (default socket.gettime).
function M.new(clock)
  return setmetatable({ tasks = {}, order = {}, n = 0, clock = clock or socket.gettime }, Sched)
end

-- now returns the scheduler's clock reading.
function Sched:now()
  return self.clock()
end

-- spawn starts fn(task) as a task on the next step; onerror(err) is called
-- (outside the coroutine) if it raises. It returns the task.
function Sched:spawn(fn, onerror)
  self.n = self.n + 1
  local task = { id = self.n, onerror = onerror }
  task.co = coroutine.create(function() return fn(task) end)
  self.tasks[task] = true
  self.order[#self.order + 1] = task
  return task
end

-- kill forgets a task: it is never resumed again.
function Sched:kill(task)
  if task then self.tasks[task] = nil end
end

-- busy reports whether any task is alive.
function Sched:busy()
  return next(self.tasks) ~= nil
end

-- wait yields the running task until sock is ready for mode ("r" or "w")
-- or deadline (a clock reading) passed; it returns true when ready.
function M.wait(sock, mode, deadline)
  return coroutine.yield(sock, mode, deadline)
end

-- pause yields the running task until the next step.
function M.pause()
  return coroutine.yield(nil, nil, nil)
end

-- resume runs a task until it yields again or ends.
function Sched:resume(task, arg)
  local ok, sock, mode, deadline = coroutine.resume(task.co, arg)
  if not ok then
    self.tasks[task] = nil
    if task.onerror then task.onerror(sock) end
    return
  end
  if coroutine.status(task.co) == "dead" then
    self.tasks[task] = nil
    return
  end
  task.sock, task.mode, task.deadline = sock, mode, deadline
end

-- live returns the tasks still alive, in spawn order (and compacts order).
function Sched:live()
  local out = {}
  for _, t in ipairs(self.order) do
    if self.tasks[t] then out[#out + 1] = t end
  end
  self.order = out
  local copy = {}
  for i, t in ipairs(out) do copy[i] = t end
  return copy
end

-- step waits at most maxwait seconds (less when a deadline is due, none
-- when a task is runnable or hurry is set) for a socket or one of extra
-- (objects with getfd, read side) to be ready, and resumes the tasks that can
-- go on. It returns the set of ready extra objects.
function Sched:step(maxwait, extra, hurry)
  local now = self.clock()
  local timeout = maxwait or 0
  if hurry then timeout = 0 end
  local reads, writes = {}, {}
  local tasks = self:live()
  for _, t in ipairs(tasks) do
    if t.sock == nil and t.mode == nil then
      timeout = 0
    else
      if t.sock ~= nil then
        if t.mode == "w" then writes[#writes + 1] = t.sock else reads[#reads + 1] = t.sock end
      end
      if t.deadline then
        local left = t.deadline - now
        if left < timeout then timeout = left > 0 and left or 0 end
      end
    end
  end
  local readyExtra = {}
  for _, x in ipairs(extra or {}) do reads[#reads + 1] = x end
  local r, w = {}, {}
  if #reads > 0 or #writes > 0 then
    local rr, ww = socket.select(reads, writes, timeout)
    r, w = rr or {}, ww or {}
  elseif timeout > 0 then
    socket.sleep(timeout)
  end
  for _, x in ipairs(extra or {}) do
    if r[x] then readyExtra[x] = true end
  end
  now = self.clock()
  for _, t in ipairs(tasks) do
    if self.tasks[t] then
      if t.sock == nil and t.mode == nil then
        self:resume(t, true)
      elseif t.sock ~= nil and (r[t.sock] or w[t.sock]) then
        self:resume(t, true)
      elseif t.deadline and now >= t.deadline then
        self:resume(t, false)
      end
    end
  end
  return readyExtra
end

return M
