-- nc_lfs: LuaFileSystem (dir, attributes, mkdir, rmdir) for plain Lua 5.1
-- hosts: the installed lfs module when there is one, else a small
-- emulation of the calls ncfiles.lua uses, over io.open, os.remove and
-- the POSIX shell (ls, mkdir). drivers/lua/solar2d_host.lua gives it to the
-- Solar2D app as require("lfs"), as the engine has it built in.
--
--   local lfs = require("nc_lfs")

local ok, real = pcall(require, "lfs")
if ok and type(real) == "table" then return real end

local M = { emulated = true }

local function quote(p) return "'" .. p:gsub("'", "'\\''") .. "'" end

-- attributes(path [, name]) returns {mode, size} (mode "file" or
-- "directory"), or that one field; nil and a message when path is missing.
function M.attributes(path, name)
  local f, err = io.open(path, "rb")
  if not f then return nil, "cannot obtain information from file '" .. path .. "': " .. tostring(err) end
  local _, rerr = f:read(1)
  local a
  if rerr then
    a = { mode = "directory", size = 0 }
  else
    a = { mode = "file", size = f:seek("end") }
  end
  f:close()
  if name then return a[name] end
  return a
end

-- dir(path) iterates over the names in a folder, "." and ".." included.
function M.dir(path)
  local names = {}
  local pipe = io.popen("ls -a1 -- " .. quote(path) .. " 2>/dev/null")
  if pipe then
    for line in pipe:lines() do names[#names + 1] = line end
    pipe:close()
  end
  local i = 0
  return function()
    i = i + 1
    return names[i]
  end
end

-- mkdir(path) creates a folder; true, or nil and a message.
function M.mkdir(path)
  if M.attributes(path) then return nil, "File exists" end
  local r = os.execute("mkdir -- " .. quote(path) .. " 2>/dev/null")
  if (r == 0 or r == true) and M.attributes(path, "mode") == "directory" then return true end
  return nil, "cannot create " .. path
end

-- rmdir(path) removes an empty folder.
function M.rmdir(path)
  return os.remove(path)
end

-- Beyond LuaFileSystem, for the emulation's sake (each shell command costs
-- a process, tens of milliseconds on a loaded machine):

-- mkdirs(paths) creates folders and their parents with one command.
function M.mkdirs(paths)
  local q = {}
  for i, p in ipairs(paths) do q[i] = quote(p) end
  local r = os.execute("mkdir -p -- " .. table.concat(q, " ") .. " 2>/dev/null")
  return r == 0 or r == true
end

-- quoteAll quotes every argument for one command line.
local function quoteAll(...)
  local q = {}
  for i = 1, select("#", ...) do q[i] = quote((select(i, ...))) end
  return table.concat(q, " ")
end

-- removeTree(path, ...) removes folders and everything in them with one
-- command.
function M.removeTree(...)
  local r = os.execute("rm -rf -- " .. quoteAll(...) .. " 2>/dev/null")
  return r == 0 or r == true
end

-- scan(root, ...) returns every entry under the roots, path -> "file" or
-- "directory", from one recursive listing (ncfiles' opts.scan); a root
-- that does not exist has none.
function M.scan(...)
  local out, cur = {}, nil
  local pipe = io.popen("ls -a1pR -- " .. quoteAll(...) .. " 2>/dev/null")
  if not pipe then return out end
  for line in pipe:lines() do
    if line == "" then
      cur = nil
    elseif not cur and line:sub(-1) == ":" then
      cur = line:sub(1, -2):gsub("/+$", "")
    elseif cur and line ~= "./" and line ~= "../" then
      if line:sub(-1) == "/" then
        out[cur .. "/" .. line:sub(1, -2)] = "directory"
      else
        out[cur .. "/" .. line] = "file"
      end
    end
  end
  pipe:close()
  return out
end

return M
