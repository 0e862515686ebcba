-- nc_net: the socket layer of nc_http.lua: URL parsing, connecting (TCP,
-- then TLS with LuaSec and a host name check), and non-blocking send and
-- receive that wait in the nc_sched scheduler within the transfer's idle
-- timeout (x.idle, x.clock). Failures are raised as {kind, msg} tables
-- (kind "transport", "timeout" or "local").

local socket = require("socket")
local surl = require("socket.url")
local sched = require("nc_sched")
local has_ssl, ssl = pcall(require, "ssl")

local M = {}

local MAX_HEADER_LINE = 65536

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
-- A "timeout" means the socket was not ready for what was asked: reading,
-- or, with sending set, writing (a full send buffer while the server reads
-- an upload slowly, which is not idle: T2).
local function retry(x, err, what, sending)
  if err == "timeout" and sending then
    waitfor(x, "w")
  elseif err == "timeout" or err == "wantread" then
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
function M.connect(x, u)
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
function M.sendall(x, data, onsent)
  local i, n = 1, #data
  while i <= n do
    local last, err, partial = x.sock:send(data, i)
    local upto = last or partial
    if upto and upto >= i then
      if onsent then onsent(upto - i + 1) end
      i = upto + 1
    end
    if not last then retry(x, err, "send", true) end
  end
end

-- recvline reads one header line (without CRLF), or nil at end of stream.
function M.recvline(x)
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
function M.recvsome(x, max)
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

return M
