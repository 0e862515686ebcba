-- Unit tests of the files capability's Lua side (loaded by test_unit.lua):
-- nc_sha256, nc_lfs, ncfiles over a temporary folder, ncproto's place and
-- files requests and the Solar2D app's announcement of the capability.

return function(test, eq, decode, cjson)
  local proto = require("ncproto")
  local ncfiles = require("ncfiles")
  local sha = require("nc_sha256")
  local lfs = require("nc_lfs")

  -- tempFolder returns a fresh empty folder and a function removing it.
  local function tempFolder()
    local p = os.tmpname()
    os.remove(p)
    assert(lfs.mkdir(p))
    return p, function() ncfiles.new({ root = function() end, lfs = lfs, sha256 = sha.hex }):removeTree(p) end
  end

  local function write(path, data)
    local f = assert(io.open(path, "wb"))
    f:write(data)
    f:close()
  end

  test("nc_sha256 matches FIPS 180-4 vectors and the system's tool at block boundaries", function()
    eq(sha.pure(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty")
    eq(sha.pure("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc")
    eq(sha.pure("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits")
    local dir, done = tempFolder()
    for _, n in ipairs({ 1, 55, 56, 63, 64, 65, 119, 120, 1000 }) do
      local data = string.rep("\255\0x", n):sub(1, n)
      write(dir .. "/f", data)
      eq(sha.hex(data, dir .. "/f"), sha.pure(data), "length " .. n)
    end
    eq(sha.digest(string.rep("y", 70000)), sha.pure(string.rep("y", 70000)), "digest of large data")
    done()
  end)

  test("nc_lfs tells files from folders, lists names and makes folders", function()
    local dir, done = tempFolder()
    write(dir .. "/a.txt", "hello")
    assert(lfs.mkdir(dir .. "/sub"))
    eq(lfs.attributes(dir .. "/a.txt", "mode"), "file", "file")
    eq(lfs.attributes(dir .. "/a.txt", "size"), 5, "size")
    eq(lfs.attributes(dir .. "/sub", "mode"), "directory", "folder")
    eq(lfs.attributes(dir .. "/none"), nil, "missing")
    local names = {}
    for n in lfs.dir(dir) do names[#names + 1] = n end
    table.sort(names)
    eq(table.concat(names, ","), ".,..,a.txt,sub", "names")
    eq((lfs.mkdir(dir .. "/sub")), nil, "mkdir of an existing folder fails")
    done()
  end)

  test("ncfiles: valid names are relative /-paths without . or ..", function()
    for _, n in ipairs({ "a", "a/b.bin", ".hidden", "a..b" }) do eq(ncfiles.validName(n), true, n) end
    for _, n in ipairs({ "", ".", "..", "../x", "a/../b", "/etc/passwd", "a//b", "a/", "a\\b", "a\0b" }) do
      eq(ncfiles.validName(n), false, n)
    end
  end)

  test("ncfiles places, lists every file with hash and head, and clears", function()
    local top, done = tempFolder()
    local dirs = {}
    for _, n in ipairs(ncfiles.DIRS) do
      dirs[n] = top .. "/" .. n
      assert(lfs.mkdir(dirs[n]))
    end
    write(dirs.ResourceDirectory .. "/app.lua", "-- the app's own")
    local fs = ncfiles.new({ root = function(n) return dirs[n] end, lfs = lfs, sha256 = sha.hex,
      keep = { ResourceDirectory = true } })
    assert(fs:place("CachesDirectory", "sub/deep/b.bin", "\0\255\1"))
    assert(fs:place("DocumentsDirectory", "a.txt", "hello world"))
    assert(fs:place("ResourceDirectory", "decoy.txt", "decoy"))
    eq((fs:place("DocumentsDirectory", "../x", "x")), nil, "escape refused")
    eq((fs:place("HomeDirectory", "x", "x")), nil, "unknown base directory refused")
    write(dirs.TemporaryDirectory .. "/.out.part", "") -- a leftover temporary file
    local list = assert(fs:list(4))
    local got = {}
    for _, e in ipairs(list) do got[#got + 1] = e.dir .. "/" .. e.name end
    eq(table.concat(got, ","), "CachesDirectory/sub/deep/b.bin,DocumentsDirectory/a.txt,"
      .. "ResourceDirectory/app.lua,ResourceDirectory/decoy.txt,TemporaryDirectory/.out.part", "every file, sorted")
    eq(list[1].size, 3, "size")
    eq(list[1].head, "\0\255\1", "short head")
    eq(list[1].sha256, sha.pure("\0\255\1"), "hash")
    eq(list[2].head, "hell", "head bounded")
    eq(list[5].head, nil, "no head for an empty file")
    if lfs.scan then -- the emulation's one-command listing gives the same
      local fast = ncfiles.new({ root = function(n) return dirs[n] end, lfs = lfs, sha256 = sha.hex,
        scan = function() return lfs.scan(top) end })
      local again = assert(fast:list(4))
      eq(#again, #list, "scan: as many files")
      for i, e in ipairs(again) do eq(e.dir .. "/" .. e.name .. " " .. e.sha256, list[i].dir .. "/" .. list[i].name
        .. " " .. list[i].sha256, "scan: entry " .. i) end
    end
    fs:clear()
    list = assert(fs:list(4))
    eq(#list, 1, "only the app's own file is left")
    eq(list[1].name, "app.lua", "kept")
    done()
  end)

  -- filesDriver returns a driver whose sessions have files (an ncfiles
  -- object over fresh folders) and the lines it wrote.
  local function filesDriver(withFiles)
    local out, top, done = {}, tempFolder()
    local dirs = {}
    for _, n in ipairs(ncfiles.DIRS) do
      dirs[n] = top .. "/" .. n
      assert(lfs.mkdir(dirs[n]))
    end
    local fs = ncfiles.new({ root = function(n) return dirs[n] end, lfs = lfs, sha256 = sha.hex })
    local d = proto.new({
      name = "files", decode = decode, null = cjson.null, capabilities = { files = withFiles },
      write = function(line) out[#out + 1] = decode(line); out.line = line end,
      open = function() return { network = { cancel = function() end }, system = {}, files = withFiles and fs or nil } end,
    })
    return d, out, dirs, done
  end

  test("ncproto serves place and files, and clears the files at close", function()
    local d, out, dirs, done = filesDriver(true)
    d:hello()
    eq(out[1].capabilities.files, true, "hello announces files")
    d:handle('{"type":"open","id":1,"session":"s1","config":{}}')
    d:handle('{"type":"place","id":2,"session":"s1","file":{"dir":"DocumentsDirectory","name":"in/a.bin","content":{"$bytes":"AP8="}}}')
    eq(out[#out].ok, true, "place ok")
    d:handle('{"type":"place","id":3,"session":"s1","file":{"dir":"DocumentsDirectory","name":"../a","content":"x"}}')
    eq(type(out[#out].error), "string", "place outside refused")
    d:handle('{"type":"files","id":4,"session":"s1","head":2}')
    local r = out[#out]
    eq(#r.files, 1, "one file")
    eq(r.files[1].name, "in/a.bin", "name")
    eq(r.files[1].size, 2, "size")
    eq(r.files[1].head["$bytes"], "AP8=", "binary head as $bytes")
    d:handle('{"type":"close","id":5,"session":"s1"}')
    eq(lfs.attributes(dirs.DocumentsDirectory .. "/in/a.bin"), nil, "cleared at close")
    d:handle('{"type":"open","id":6,"session":"s2","config":{}}')
    d:handle('{"type":"files","id":7,"session":"s2","head":64}')
    eq(out.line, '{"files":[],"id":7,"type":"reply"}', "an empty listing is []")
    done()
  end)

  test("ncproto without files: no capability, place and files answer an error", function()
    local d, out, _, done = filesDriver(false)
    d:hello()
    eq(out[1].capabilities.files, nil, "no files capability")
    d:handle('{"type":"open","id":1,"session":"s1","config":{}}')
    d:handle('{"type":"files","id":2,"session":"s1","head":64}')
    eq(out[#out].id, 2, "answered")
    eq(tostring(out[#out].error):find("no files capability", 1, true) ~= nil, true, "with the reason")
    done()
  end)

  test("the Solar2D app announces files when given an ncfiles object and clears it at open", function()
    local remote = require("remote")
    local reqs, cleared = {}, 0
    local files = { clear = function() cleared = cleared + 1 end }
    local net = { request = function(url, method, listener, params)
      reqs[#reqs + 1] = { url = url, listener = listener, params = params }
      return {}
    end, cancel = function() return true end }
    local app = remote.new({ base = "http://h/nc", network = net, system = {}, decode = decode, null = cjson.null,
      after = function() end, status = function() end, files = files })
    app:start()
    eq(decode(reqs[1].params.body:match("^[^\n]+")).capabilities.files, true, "hello announces files")
    reqs[1].listener({ phase = "ended", isError = false, status = 200, response = '{"type":"welcome","version":1,"peer":"p1"}' })
    reqs[2].listener({ phase = "ended", isError = false, status = 200, response = '{"type":"open","id":1,"session":"s","config":{}}\n' })
    eq(cleared, 1, "cleared at open")
    eq(app.driver.sessions.s.rt.files, files, "the session's files")
  end)

  test("the Solar2D app with sessionFiles: sessions at once, each its own files, prefix and cleanup", function()
    local remote = require("remote")
    local reqs, cleared, made, removed = {}, 0, {}, {}
    local files = { clear = function() cleared = cleared + 1 end }
    local net = { request = function(url, method, listener, params)
      reqs[#reqs + 1] = { url = url, listener = listener, params = params }
      return {}
    end, cancel = function() return true end }
    local app = remote.new({ base = "http://h/nc", network = net, system = {}, decode = decode, null = cjson.null,
      after = function() end, status = function() end, files = files, sessions = 2,
      sessionFiles = function(id)
        local f = { clear = function() end }
        made[id] = f
        return f, "nc-" .. id .. "/", function() removed[#removed + 1] = id end
      end })
    app:start()
    local hello = decode(reqs[1].params.body:match("^[^\n]+"))
    eq(hello.capabilities.sessions, 2, "hello says 2 sessions")
    eq(cleared, 1, "the app's folders are cleared once, at hello")
    reqs[1].listener({ phase = "ended", isError = false, status = 200, response = '{"type":"welcome","version":1,"peer":"p1"}' })
    reqs[2].listener({ phase = "ended", isError = false, status = 200, response =
      '{"type":"open","id":1,"session":"a","config":{}}\n{"type":"open","id":2,"session":"b","config":{}}\n' })
    eq(cleared, 1, "not cleared at open: other sessions' files are there")
    eq(app.driver.sessions.a.rt.files, made.a, "a's own files")
    eq(app.driver.sessions.b.rt.prefix, "nc-b/", "b's prefix")
    app.driver:handle('{"type":"close","id":3,"session":"a"}')
    eq(table.concat(removed, ","), "a", "closing a removes a's folders only")
    eq(app.driver.sessions.b ~= nil, true, "b stays open")
  end)
end
