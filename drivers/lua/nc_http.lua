-- nc_http: one HTTP/1.1 exchange (with redirects and TLS) run as a
-- nc_sched task, for network_luasocket.lua.
--
-- run(x) is the task body. x is the transfer: url, method, headers (list of
-- {name, value}), host (Host override or nil), body (nil, {data=string} or
-- {path=string}), progress ("upload", "download" or nil), respFile (nil or
-- {path, ...}), idle (seconds), follow (bool), caFile, clock, and the
-- callbacks began(fields), tick(direction) (bytes moved; the owner rate limits
-- progress) and ended(fields). Failures are raised as {kind, msg} tables
-- (kind "transport", "timeout" or "local"); the owner turns them into an
-- isError ended event. x.sock, x.tmp and the counters x.up, x.down, x.status,
-- x.respHeaders and x.estimated are left on x for the owner to clean up.

-- The socket layer (URL parsing, TLS, non-blocking I/O) is nc_net.lua.

local surl = require("socket.url")
local net = require("nc_net")

local M = {}

local CHUNK = 16384
local MAX_REDIRECTS = 10

local fail, connect, sendall, recvline, recvsome = net.fail, net.connect, net.sendall, net.recvline, net.recvsome
M.fail = fail
M.parse = net.parse


-- requestHead builds the request line and header block.
-- cookie, if not nil, is the cookies a redirect set for this hop (D6): it is
-- added to the caller's Cookie header, or sent as one.
local function requestHead(x, u, method, body, first, cookie)
  local lines = { method .. " " .. u.target .. " HTTP/1.1" }
  local host = (first and x.host) or u.hostHeader
  lines[#lines + 1] = "Host: " .. host
  lines[#lines + 1] = "User-Agent: netconform-luasocket/1"
  for _, h in ipairs(x.headers) do
    local v = h[2]
    if cookie and h[1]:lower() == "cookie" then v, cookie = v .. "; " .. cookie, nil end
    lines[#lines + 1] = h[1] .. ": " .. v
  end
  if cookie then lines[#lines + 1] = "Cookie: " .. cookie end
  if body then
    lines[#lines + 1] = "Content-Length: " .. string.format("%d", x.bodySize)
  elseif method == "POST" or method == "PUT" or method == "PATCH" then
    lines[#lines + 1] = "Content-Length: 0"
  end
  lines[#lines + 1] = "Connection: close"
  return table.concat(lines, "\r\n") .. "\r\n\r\n"
end

-- sendBody streams the request body, counting upload progress.
local function sendBody(x, body)
  local counted = x.up == 0 -- a body re-sent after a 307 is not counted twice
  local function onsent(n)
    if counted then
      x.up = x.up + n
      x.tick("upload")
    end
  end
  if body.data then
    local data = body.data
    for i = 1, #data, CHUNK do
      sendall(x, data:sub(i, i + CHUNK - 1), onsent)
    end
    return
  end
  local f, err = io.open(body.path, "rb")
  if not f then fail("local", "open body file: " .. tostring(err)) end
  x.bodyFile = f
  while true do
    local chunk = f:read(CHUNK)
    if not chunk then break end
    sendall(x, chunk, onsent)
  end
  f:close()
  x.bodyFile = nil
end

-- readHead reads the status line and headers, skipping 1xx responses.
local function readHead(x)
  while true do
    local line = recvline(x)
    if not line then fail("transport", "connection closed before the response headers") end
    local code = line:match("^HTTP/%d%.%d (%d%d%d)")
    if not code then fail("transport", "malformed status line") end
    local headers, lower, order, setCookies = {}, {}, {}, {}
    for _ = 1, 1000 do
      local h = recvline(x)
      if not h then fail("transport", "connection closed in the response headers") end
      if h == "" then break end
      local name, value = h:match("^([^:%s]+):%s*(.-)%s*$")
      if name then
        local l = name:lower()
        if l == "set-cookie" then setCookies[#setCookies + 1] = value end
        if order[l] then
          headers[order[l]] = headers[order[l]] .. ", " .. value
        else
          order[l] = name
          headers[name] = value
        end
        lower[l] = headers[order[l]]
      end
    end
    code = tonumber(code)
    if code >= 200 or code == 101 then return code, headers, lower, setCookies end
  end
end

-- bodyChunks returns an iterator over the response body's chunks and the
-- estimated size (Content-Length, or -1).
local function bodyChunks(x, status, lower, method)
  if method == "HEAD" or status == 204 or status == 304 then
    return function() return nil end, (status == 204 or status == 304) and 0 or (tonumber(lower["content-length"]) or -1)
  end
  local te = (lower["transfer-encoding"] or ""):lower()
  if te:find("chunked") then
    local left, done = 0, false
    return function()
      if done then return nil end
      if left == 0 then
        local line = recvline(x)
        local size = line and tonumber(line:match("^%s*(%x+)"), 16)
        if not size then fail("transport", "malformed chunked encoding") end
        if size == 0 then
          for _ = 1, 1000 do
            local tr = recvline(x)
            if tr == nil or tr == "" then break end
          end
          done = true
          return nil
        end
        left = size
      end
      local data = recvsome(x, math.min(left, CHUNK))
      if not data then fail("transport", "unexpected end of chunked body") end
      left = left - #data
      if left == 0 then
        local crlf = recvline(x)
        if crlf ~= "" then fail("transport", "malformed chunked encoding") end
      end
      return data
    end, -1
  end
  local cl = tonumber(lower["content-length"] or "")
  if cl then
    local left = cl
    return function()
      if left <= 0 then return nil end
      local data = recvsome(x, math.min(left, CHUNK))
      if not data then fail("transport", string.format("unexpected end of body: %d of %d bytes", cl - left, cl)) end
      left = left - #data
      return data
    end, cl
  end
  return function() return recvsome(x, CHUNK) end, -1
end

-- mkdirs creates a folder and its parents (with LuaFileSystem when
-- installed, else mkdir -p); it reports whether it ran.
function M.mkdirs(dir)
  if not dir or dir == "" then return false end
  local okl, lfs = pcall(require, "lfs")
  if okl then
    local path = dir:sub(1, 1) == "/" and "" or "."
    for seg in dir:gmatch("[^/]+") do
      path = path .. "/" .. seg
      lfs.mkdir(path)
    end
    return true
  end
  return os.execute("mkdir -p -- '" .. dir:gsub("'", "'\\''") .. "'") ~= nil
end

-- respType classifies an in-memory body by its Content-Type (E11).
function M.respType(ct)
  ct = (ct or ""):lower()
  if ct:find("charset=", 1, true) then return "text" end
  local mt = ct:match("^%s*([^;%s]+)") or ""
  if mt:find("^text/") or mt == "application/json" or mt:find("%+json$") or mt == "application/xml"
      or mt:find("%+xml$") or mt == "application/x-www-form-urlencoded" then
    return "text"
  end
  return "binary"
end

local function copy(t)
  local o = {}
  for k, v in pairs(t) do o[k] = v end
  return o
end

-- finish reads the response body to memory or the response file and
-- reports ended.
local function finish(x, status, headers, lower, method)
  local chunks, est = bodyChunks(x, status, lower, method)
  x.status, x.respHeaders, x.estimated = status, headers, est
  if x.progress == "download" then
    x.began({ status = status, responseHeaders = copy(headers), bytesEstimated = est, bytesTransferred = 0 })
  end
  local ended = { status = status, responseHeaders = headers, bytesEstimated = est }
  if x.respFile and status >= 200 and status < 300 then
    local dest = x.respFile.path
    local tmp = dest:gsub("([^/]*)$", function(base) return "." .. base .. "." .. x.tmpTag .. ".part" end)
    local f, err = io.open(tmp, "wb")
    if not f and M.mkdirs(tmp:match("^(.*)/[^/]*$")) then f, err = io.open(tmp, "wb") end
    if not f then fail("local", "create temporary file: " .. tostring(err)) end
    x.tmp, x.tmpf = tmp, f
    while true do -- no generic for: Lua 5.1 cannot yield inside its iterator
      local data = chunks()
      if not data then break end
      local ok, werr = f:write(data)
      if not ok then fail("local", "write: " .. tostring(werr)) end
      x.down = x.down + #data
      x.tick("download")
    end
    f:close()
    x.tmpf = nil
    local ok, rerr = os.rename(tmp, dest)
    if not ok then fail("local", "save " .. dest .. ": " .. tostring(rerr)) end
    x.tmp = nil
    ended.response = "file"
    ended.responseType = "binary"
  else
    local buf = {}
    while true do
      local data = chunks()
      if not data then break end
      buf[#buf + 1] = data
      x.down = x.down + #data
      x.tick("download")
    end
    ended.response = table.concat(buf)
    ended.responseType = M.respType(lower["content-type"])
  end
  x.ended(ended)
end

-- redirect reports whether status is followed and how (RFC 9110 section
-- 15.4, profile rule D3): the next method and whether the body is sent
-- again. 303 continues as GET (HEAD stays HEAD) without a body; 301 and 302
-- turn only a POST into a GET without a body and keep any other method with
-- its body (sections 15.4.2-3); 307 and 308 keep the method and the body.
function M.redirect(status, method)
  if status == 303 then
    return true, method == "HEAD" and "HEAD" or "GET", false
  elseif status == 301 or status == 302 then
    if method == "POST" then return true, "GET", false end
    return true, method, true
  elseif status == 307 or status == 308 then
    return true, method, true
  end
  return false
end

-- BODY_HEADERS are the headers that describe the request body: they go
-- when a redirect drops the body (the Fetch standard's list, as net/http).
local BODY_HEADERS = { ["content-type"] = true, ["content-encoding"] = true, ["content-language"] = true,
  ["content-location"] = true }

-- withoutBodyHeaders returns headers (a list of {name, value}) without
-- BODY_HEADERS.
function M.withoutBodyHeaders(headers)
  local out = {}
  for _, h in ipairs(headers) do
    if not BODY_HEADERS[h[1]:lower()] then out[#out + 1] = h end
  end
  return out
end

-- keepCookies stores in jar the cookies of a 3xx's Set-Cookie values for
-- host, replacing a cookie of the same name (D6). Attributes are ignored:
-- a cookie goes to every later hop to the same host.
function M.keepCookies(jar, host, setCookies)
  for _, sc in ipairs(setCookies) do
    local name, value = sc:match("^%s*([^=;%s]+)%s*=%s*([^;]-)%s*;")
    if not name then name, value = sc:match("^%s*([^=;%s]+)%s*=%s*([^;]-)%s*$") end
    if name then
      local found = false
      for _, c in ipairs(jar) do
        if c.host == host and c.name == name then c.value, found = value, true end
      end
      if not found then jar[#jar + 1] = { host = host, name = name, value = value } end
    end
  end
end

-- cookieFor returns the Cookie header value of jar's cookies for host, or nil.
function M.cookieFor(jar, host)
  local out = {}
  for _, c in ipairs(jar) do
    if c.host == host then out[#out + 1] = c.name .. "=" .. c.value end
  end
  if #out == 0 then return nil end
  return table.concat(out, "; ")
end

-- close closes the transfer's socket (safe to call twice).
function M.close(x)
  if x.sock then pcall(x.sock.close, x.sock) end
  x.sock = nil
end

-- run is the task body of one request.
function M.run(x)
  x.up, x.down = x.up or 0, x.down or 0
  local cur, method, body = x.url, x.method, x.body
  if x.progress == "upload" then
    x.began({ status = -1, bytesEstimated = x.bodySize or 0, bytesTransferred = 0 })
  end
  local jar = {} -- cookies set by this request's redirects (D6)
  for hop = 0, MAX_REDIRECTS + 1 do
    local u = M.parse(cur)
    if not u then fail("transport", "bad redirect location " .. tostring(cur)) end
    x.eof = false
    connect(x, u)
    sendall(x, requestHead(x, u, method, body, hop == 0, M.cookieFor(jar, u.host)))
    if body then sendBody(x, body) end
    local status, headers, lower, setCookies = readHead(x)
    local follow, nextMethod, keepBody = false, method, true
    if x.follow and lower.location then follow, nextMethod, keepBody = M.redirect(status, method) end
    if not follow then return finish(x, status, headers, lower, method) end
    M.keepCookies(jar, u.host, setCookies)
    M.close(x)
    if hop >= MAX_REDIRECTS then break end
    cur = surl.absolute(cur, lower.location)
    method = nextMethod
    if not keepBody and body then
      body = nil
      x.headers = M.withoutBodyHeaders(x.headers)
    end
  end
  fail("transport", "stopped after " .. MAX_REDIRECTS .. " redirects")
end

return M
