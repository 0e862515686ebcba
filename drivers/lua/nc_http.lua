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

local socket = require("socket")
local surl = require("socket.url")
local sched = require("nc_sched")
local has_ssl, ssl = pcall(require, "ssl")

local M = {}

local CHUNK = 16384
local MAX_HEADER_LINE = 65536
local MAX_REDIRECTS = 10

-- fail raises a transfer failure.
local function fail(kind, msg)
  error({ kind = kind, msg = msg }, 0)
end
M.fail = fail

-- waitfor waits for x.sock to be ready for mode within the idle timeout.
local function waitfor(x, mode)
  if not sched.wait(x.sock, mode, x.clock() + x.idle) then fail("timeout", "timed out") end
end

-- retry waits as a LuaSocket/LuaSec error asks, or raises for other errors.
local function retry(x, err, what)
  if err == "timeout" or err == "wantread" then
    waitfor(x, "r")
  elseif err == "wantwrite" then
    waitfor(x, "w")
  else
    fail("transport", what .. ": " .. tostring(err))
  end
end

-- parse splits an absolute http(s) URL, or returns nil.
function M.parse(raw)
  if type(raw) ~= "string" then return nil end
  -- what Go's url.Parse refuses and LuaSocket's parser lets through:
  -- control characters, bad %-escapes, spaces or unbalanced brackets in
  -- the authority
  if raw:find("[%z\1-\31\127]") or raw:gsub("%%%x%x", ""):find("%", 1, true) then return nil end
  local authority = raw:match("^[%a][%w+.-]*://([^/?#]*)") or ""
  if authority:find(" ", 1, true) or (authority:find("[", 1, true) and not authority:find("]", 1, true)) then
    return nil
  end
  local u = surl.parse(raw)
  if not u or not u.scheme or not u.host or u.host == "" then return nil end
  local scheme = u.scheme:lower()
  if scheme ~= "http" and scheme ~= "https" then return nil end
  local port = u.port and tonumber(u.port) or (scheme == "https" and 443 or 80)
  if not port then return nil end
  local target = u.path or ""
  if target == "" then target = "/" end
  if u.params then target = target .. ";" .. u.params end
  if u.query then target = target .. "?" .. u.query end
  local host = u.host:gsub("^%[(.*)%]$", "%1")
  local hostHeader = u.host
  if u.port then hostHeader = hostHeader .. ":" .. u.port end
  if host:find(":") and not hostHeader:find("^%[") then hostHeader = "[" .. host .. "]" .. (u.port and (":" .. u.port) or "") end
  return { scheme = scheme, host = host, port = port, target = target, hostHeader = hostHeader }
end

local function isIP(host)
  return host:find("^[%d%.]+$") ~= nil or host:find(":") ~= nil
end

-- hostMatches checks a server certificate's names against host.
local function hostMatches(cert, host)
  local ext = cert:extensions() or {}
  local san = ext["2.5.29.17"]
  if isIP(host) then
    for _, ip in ipairs(san and san.iPAddress or {}) do
      if ip:lower() == host:lower() then return true end
    end
    return false
  end
  local names = san and san.dNSName or {}
  if #names == 0 then
    for _, e in ipairs(cert:subject() or {}) do
      if e.name == "commonName" then names[#names + 1] = e.value end
    end
  end
  host = host:lower()
  for _, n in ipairs(names) do
    n = n:lower()
    if n == host then return true end
    local rest = n:match("^%*(%..+)$")
    if rest and host:sub(-#rest) == rest and not host:sub(1, -#rest - 1):find("%.") and #host > #rest then return true end
  end
  return false
end

-- connect opens x.sock to u (TCP, then TLS for https).
local function connect(x, u)
  local sock, err
  if u.host:find(":") and socket.tcp6 then sock, err = socket.tcp6() else sock, err = socket.tcp() end
  if not sock then fail("transport", "socket: " .. tostring(err)) end
  x.sock = sock
  sock:settimeout(0)
  local ok, cerr = sock:connect(u.host, u.port)
  if not ok then
    if cerr ~= "timeout" and cerr ~= "Operation already in progress" then
      fail("transport", "connect " .. u.host .. ":" .. u.port .. ": " .. tostring(cerr))
    end
    waitfor(x, "w")
    ok, cerr = sock:connect(u.host, u.port)
    if not ok and cerr ~= "already connected" then
      fail("transport", "connect " .. u.host .. ":" .. u.port .. ": " .. tostring(cerr))
    end
  end
  if u.scheme ~= "https" then return end
  if not has_ssl then fail("transport", "https needs LuaSec (module ssl)") end
  local params = { mode = "client", protocol = "any", verify = "peer", options = { "all", "no_sslv2", "no_sslv3" } }
  if x.caFile and x.caFile ~= "" then params.cafile = x.caFile else params.capath = "/etc/ssl/certs" end
  local conn, werr = ssl.wrap(sock, params)
  if not conn then fail("transport", "tls: " .. tostring(werr)) end
  if not isIP(u.host) then conn:sni(u.host) end
  conn:settimeout(0)
  x.sock = conn
  while true do
    local hok, herr = conn:dohandshake()
    if hok then break end
    if herr == "wantread" then waitfor(x, "r")
    elseif herr == "wantwrite" then waitfor(x, "w")
    else fail("transport", "tls handshake: " .. tostring(herr)) end
  end
  local cert = conn:getpeercertificate()
  if not cert or not hostMatches(cert, u.host) then
    fail("transport", "tls: certificate is not valid for " .. u.host)
  end
end

-- sendall writes data[i..] and calls onsent(n) after each write.
local function sendall(x, data, onsent)
  local i, n = 1, #data
  while i <= n do
    local last, err, partial = x.sock:send(data, i)
    local upto = last or partial
    if upto and upto >= i then
      if onsent then onsent(upto - i + 1) end
      i = upto + 1
    end
    if not last then retry(x, err, "send") end
  end
end

-- recvline reads one header line (without CRLF), or nil at end of stream.
local function recvline(x)
  local prefix = ""
  while true do
    local line, err, partial = x.sock:receive("*l", prefix)
    if line then return line end
    prefix = partial or prefix
    if #prefix > MAX_HEADER_LINE then fail("transport", "header line too long") end
    if err == "closed" then return nil end
    retry(x, err, "receive")
  end
end

-- recvsome returns up to max bytes as soon as some arrived, or nil at end
-- of stream.
local function recvsome(x, max)
  if x.eof then return nil end
  while true do
    local data, err, partial = x.sock:receive(max)
    if data then return data end
    if err == "closed" then
      x.eof = true
      if partial and #partial > 0 then return partial end
      return nil
    end
    if partial and #partial > 0 then return partial end
    retry(x, err, "receive")
  end
end

-- requestHead builds the request line and header block.
local function requestHead(x, u, method, body, first)
  local lines = { method .. " " .. u.target .. " HTTP/1.1" }
  local host = (first and x.host) or u.hostHeader
  lines[#lines + 1] = "Host: " .. host
  lines[#lines + 1] = "User-Agent: netconform-luasocket/1"
  for _, h in ipairs(x.headers) do
    lines[#lines + 1] = h[1] .. ": " .. h[2]
  end
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
    local headers, lower, order = {}, {}, {}
    for _ = 1, 1000 do
      local h = recvline(x)
      if not h then fail("transport", "connection closed in the response headers") end
      if h == "" then break end
      local name, value = h:match("^([^:%s]+):%s*(.-)%s*$")
      if name then
        local l = name:lower()
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
    if code >= 200 or code == 101 then return code, headers, lower end
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
  for hop = 0, MAX_REDIRECTS + 1 do
    local u = M.parse(cur)
    if not u then fail("transport", "bad redirect location " .. tostring(cur)) end
    x.eof = false
    connect(x, u)
    sendall(x, requestHead(x, u, method, body, hop == 0))
    if body then sendBody(x, body) end
    local status, headers, lower = readHead(x)
    local follow, nextMethod, keepBody = false, method, true
    if x.follow and lower.location then follow, nextMethod, keepBody = M.redirect(status, method) end
    if not follow then return finish(x, status, headers, lower, method) end
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
