-- ncfiles: a session's sandbox folders kept on the driver's side, for the
-- files capability of netconform's driver protocol (docs/driver-protocol.md,
-- "Files on the driver's side"): place a given file, list every file with
-- its size, SHA-256 and first bytes, and empty the folders between
-- sessions. It only uses io, os.remove and the LuaFileSystem calls dir,
-- attributes and mkdir, which Solar2D has built in; drivers/solar2d/ holds
-- a byte-identical copy.
--
--   local files = require("ncfiles").new({
--     root = function(name) return system.pathForFile("", system[name]) end,
--     lfs = require("lfs"),
--     sha256 = function(data, path) return crypto.digest(crypto.sha256, data) end,
--     keep = { ResourceDirectory = true },
--   })
--
-- opts: root(name) returns the folder of a base directory name, or nil
-- when the platform has none; lfs; sha256(data, path) returns the
-- lower-case hex SHA-256 of a file's content (path is where it was read
-- from); keep names the base directories clear must not empty (an app's
-- own ResourceDirectory): only the files placed there are removed; scan,
-- optional, returns every entry under the roots as path -> "file" or
-- "directory" at once, for hosts where each lfs.dir costs a process.

local M = {}

M.DIRS = { "DocumentsDirectory", "TemporaryDirectory", "CachesDirectory", "ResourceDirectory" }

local Files = {}
Files.__index = Files

-- new returns the folders of one driver; see above for opts.
function M.new(opts)
  assert(type(opts.root) == "function" and opts.lfs and type(opts.sha256) == "function", "ncfiles.new: missing option")
  return setmetatable({ o = opts, lfs = opts.lfs, placed = {} }, Files)
end

-- validName reports whether name is a relative "/"-separated path without
-- empty, "." or ".." parts (as Go's fs.ValidPath, and never ".").
function M.validName(name)
  if type(name) ~= "string" or name == "" or name:find("[%z\\]") then return false end
  for part in (name .. "/"):gmatch("([^/]*)/") do
    if part == "" or part == "." or part == ".." then return false end
  end
  return true
end

-- base returns the folder of a known base directory name, or nil and why.
function Files:base(dir)
  local known = false
  for _, n in ipairs(M.DIRS) do known = known or n == dir end
  if not known then return nil, "unknown base directory " .. tostring(dir) end
  local root = self.o.root(dir)
  if type(root) ~= "string" or root == "" then return nil, dir .. " has no folder on this platform" end
  return (root:gsub("/+$", ""))
end

-- mkdirs creates the parent folders of name under root.
function Files:mkdirs(root, name)
  local path = root
  for part in name:gmatch("([^/]+)/") do
    path = path .. "/" .. part
    if self.lfs.attributes(path, "mode") ~= "directory" then
      local ok, err = self.lfs.mkdir(path)
      if not ok then return nil, "create folder " .. path .. ": " .. tostring(err) end
    end
  end
  return true
end

-- place writes a file (replacing one of that name), creating its folders.
-- It returns true, or nil and the reason.
function Files:place(dir, name, content)
  if not M.validName(name) then return nil, "file name " .. string.format("%q", tostring(name)) .. " is not a relative path" end
  local root, err = self:base(dir)
  if not root then return nil, err end
  local ok, merr = self:mkdirs(root, name)
  if not ok then return nil, merr end
  local path = root .. "/" .. name
  local f, oerr = io.open(path, "wb")
  if not f then return nil, "cannot write " .. dir .. "/" .. name .. ": " .. tostring(oerr) end
  local okw, werr = f:write(content or "")
  f:close()
  if not okw then return nil, "cannot write " .. dir .. "/" .. name .. ": " .. tostring(werr) end
  self.placed[#self.placed + 1] = path
  return true
end

-- scanned returns dir and attributes (mode only) over a scan's entries.
local function scanned(entries)
  local kids = {}
  for path in pairs(entries) do
    local parent, name = path:match("^(.*)/([^/]+)$")
    if parent then
      kids[parent] = kids[parent] or {}
      table.insert(kids[parent], name)
    end
  end
  return {
    dir = function(p)
      local i, list = 0, kids[p] or {}
      return function()
        i = i + 1
        return list[i]
      end
    end,
    attributes = function(p) return entries[p] end,
  }
end

-- walk calls fn(rel, path) for every file under folder, at any depth, with
-- fsys's dir and attributes.
function Files:walk(fsys, folder, rel, fn)
  local names = {}
  for n in fsys.dir(folder) do
    if n ~= "." and n ~= ".." then names[#names + 1] = n end
  end
  table.sort(names)
  for _, n in ipairs(names) do
    local path, r = folder .. "/" .. n, rel and (rel .. "/" .. n) or n
    local mode = fsys.attributes(path, "mode")
    if mode == "directory" then
      self:walk(fsys, path, r, fn)
    elseif mode == "file" then
      fn(r, path)
    end
  end
end

-- list returns every file of the folders, by base directory then name, as
-- files reply entries {dir, name, size, sha256, head} with at most head
-- leading bytes each; a folder the platform lacks is skipped. It returns
-- nil and the reason when a file cannot be read.
function Files:list(head)
  local out, bad = {}, nil
  local dirs = { unpack(M.DIRS) }
  table.sort(dirs)
  local fsys = self.o.scan and scanned(self.o.scan()) or self.lfs
  for _, dir in ipairs(dirs) do
    local root = self:base(dir)
    if root and self.lfs.attributes(root, "mode") == "directory" then
      self:walk(fsys, root, nil, function(rel, path)
        if bad then return end
        local f, err = io.open(path, "rb")
        if not f then bad = "cannot read " .. dir .. "/" .. rel .. ": " .. tostring(err); return end
        local data = f:read("*a") or ""
        f:close()
        local e = { dir = dir, name = rel, size = #data, sha256 = self.o.sha256(data, path) }
        if head > 0 and #data > 0 then e.head = data:sub(1, head) end
        out[#out + 1] = e
      end)
    end
  end
  if bad then return nil, bad end
  return out
end

-- removeTree removes a folder and everything in it; it returns true, or
-- nil and the first failure.
function Files:removeTree(path)
  local first
  if self.lfs.attributes(path, "mode") == "directory" then
    self:empty(path)
  end
  local ok, err = os.remove(path)
  if not ok and self.lfs.attributes(path, "mode") then first = err end
  if first then return nil, first end
  return true
end

-- empty removes everything inside a folder.
function Files:empty(folder)
  local names = {}
  for n in self.lfs.dir(folder) do
    if n ~= "." and n ~= ".." then names[#names + 1] = n end
  end
  for _, n in ipairs(names) do self:removeTree(folder .. "/" .. n) end
end

-- clear empties every base directory but the kept ones, from which it
-- removes only the files it placed, so the next session starts afresh.
function Files:clear()
  for _, dir in ipairs(M.DIRS) do
    local root = self:base(dir)
    if root and not (self.o.keep or {})[dir] and self.lfs.attributes(root, "mode") == "directory" then
      self:empty(root)
    end
  end
  for _, path in ipairs(self.placed) do os.remove(path) end
  self.placed = {}
end

return M
