-- ncjson: the value mapping of netconform's driver protocol v1
-- (docs/driver-protocol.md): a JSON encoder that writes strings that are not
-- valid UTF-8 as {"$bytes": base64}, and unbytes, which undoes that on
-- decoded values. Decoding JSON text is the host's (lua-cjson, dkjson or
-- Solar2D's json). Pure Lua 5.1 (LuaSocket's mime.b64 is used when present);
-- drivers/solar2d/ holds a byte-identical copy.

local M = {}

-- null stands for JSON null in values given to M.encode.
M.null = setmetatable({}, { __tostring = function() return "null" end })

-- array_mt marks a table that M.encode must write as a JSON array, even empty.
M.array_mt = { __jsontype = "array" }

------------------------------------------------------------------------------
-- UTF-8 validation (as Go's utf8.ValidString: no overlongs, no surrogates)

local byte, char, sub, find, format = string.byte, string.char, string.sub, string.find, string.format
local floor, concat = math.floor, table.concat

-- is_utf8 reports whether s is valid UTF-8.
function M.is_utf8(s)
  local i, n = 1, #s
  while true do
    i = find(s, "[\128-\255]", i)
    if not i then return true end
    local c = byte(s, i)
    local need, lo, hi = 0, 0x80, 0xBF
    if c >= 0xC2 and c <= 0xDF then need = 1
    elseif c == 0xE0 then need, lo = 2, 0xA0
    elseif c == 0xED then need, hi = 2, 0x9F
    elseif c >= 0xE1 and c <= 0xEF then need = 2
    elseif c == 0xF0 then need, lo = 3, 0x90
    elseif c >= 0xF1 and c <= 0xF3 then need = 3
    elseif c == 0xF4 then need, hi = 3, 0x8F
    else return false end
    if i + need > n then return false end
    local c2 = byte(s, i + 1)
    if c2 < lo or c2 > hi then return false end
    for k = 2, need do
      local ck = byte(s, i + k)
      if ck < 0x80 or ck > 0xBF then return false end
    end
    i = i + need + 1
  end
end

------------------------------------------------------------------------------
-- Base64 (RFC 4648 section 4, with padding)

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local enc, dec = {}, {}
for i = 1, 64 do
  local c = sub(B64, i, i)
  enc[i - 1] = c
  dec[byte(c)] = i - 1
end

local has_mime, mime = pcall(require, "mime")
if not (has_mime and type(mime) == "table" and mime.b64 and mime.unb64) then mime = nil end

-- b64encode_lua is the pure Lua encoder (also used to test mime's).
function M.b64encode_lua(s)
  local out, n = {}, #s
  for i = 1, n - 2, 3 do
    local a, b, c = byte(s, i, i + 2)
    local v = a * 65536 + b * 256 + c
    out[#out + 1] = enc[floor(v / 262144)] .. enc[floor(v / 4096) % 64] .. enc[floor(v / 64) % 64] .. enc[v % 64]
  end
  local rest = n % 3
  if rest == 1 then
    local a = byte(s, n)
    out[#out + 1] = enc[floor(a / 4)] .. enc[(a % 4) * 16] .. "=="
  elseif rest == 2 then
    local a, b = byte(s, n - 1, n)
    local v = a * 256 + b
    out[#out + 1] = enc[floor(v / 1024)] .. enc[floor(v / 16) % 64] .. enc[(v % 16) * 4] .. "="
  end
  return concat(out)
end

-- b64decode_lua is the pure Lua decoder; it returns nil and a message for
-- text that is not padded standard base64.
function M.b64decode_lua(s)
  if #s % 4 ~= 0 or find(s, "[^%w%+/=]") or find(s, "=[^=]") or find(s, "===") then
    return nil, "invalid base64"
  end
  local out = {}
  for i = 1, #s, 4 do
    local a, b, c, d = byte(s, i, i + 3)
    local va, vb, vc, vd = dec[a], dec[b], dec[c], dec[d]
    if va == nil or vb == nil then return nil, "invalid base64" end
    local v = va * 262144 + vb * 4096 + (vc or 0) * 64 + (vd or 0)
    local x, y, z = floor(v / 65536), floor(v / 256) % 256, v % 256
    if vc == nil then
      out[#out + 1] = char(x)
    elseif vd == nil then
      out[#out + 1] = char(x, y)
    else
      out[#out + 1] = char(x, y, z)
    end
  end
  return concat(out)
end

-- b64encode encodes bytes (with LuaSocket's mime when available).
function M.b64encode(s)
  if mime then return (mime.b64(s)) or "" end
  return M.b64encode_lua(s)
end

-- b64decode decodes padded standard base64, or returns nil and a message.
function M.b64decode(s)
  if mime and not find(s, "[^%w%+/=]") and #s % 4 == 0 then return (mime.unb64(s)) or "" end
  return M.b64decode_lua(s)
end

------------------------------------------------------------------------------
-- JSON encoding (decoding is the host's: cjson, dkjson or Solar2D's json)

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escape_char(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', escape_char) .. '"'
end

-- is_array reports whether t is a non-empty sequence 1..n with no other keys
-- (or is marked with array_mt).
local function is_array(t)
  if getmetatable(t) == M.array_mt then return true end
  local n = #t
  if n == 0 then return false end
  local k = 0
  for _ in pairs(t) do k = k + 1 end
  return k == n
end

local encode_value

local function encode_number(v)
  if v ~= v or v == math.huge or v == -math.huge then return "null" end
  if v == floor(v) and v > -1e15 and v < 1e15 then return format("%d", v) end
  return format("%.17g", v)
end

function encode_value(v, out, depth)
  if depth > 64 then error("json: nesting too deep") end
  local t = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif t == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif t == "number" then
    out[#out + 1] = encode_number(v)
  elseif t == "string" then
    if M.is_utf8(v) then
      out[#out + 1] = quote(v)
    else
      out[#out + 1] = '{"$bytes":"' .. M.b64encode(v) .. '"}'
    end
  elseif t == "table" then
    if is_array(v) then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode_value(v[i], out, depth + 1)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        local x = v[k]
        if x == nil then x = v[tonumber(k)] end
        out[#out + 1] = quote(k) .. ":"
        encode_value(x, out, depth + 1)
      end
      out[#out + 1] = "}"
    end
  else
    out[#out + 1] = quote(tostring(v))
  end
end

-- encode returns v as one line of JSON. Strings that are not valid UTF-8
-- become {"$bytes": base64}; M.null is null; empty tables are objects unless
-- marked with array_mt.
function M.encode(v)
  local out = {}
  encode_value(v, out, 0)
  return concat(out)
end

-- unbytes undoes the $bytes convention at any depth and drops JSON nulls
-- (the decoder's null sentinel), returning the new value.
function M.unbytes(v, null)
  if type(v) ~= "table" then
    if v == null and null ~= nil then return nil end
    return v
  end
  local only, count = nil, 0
  for k in pairs(v) do count = count + 1; only = k end
  if count == 1 and only == "$bytes" and type(v["$bytes"]) == "string" then
    local s, err = M.b64decode(v["$bytes"])
    if not s then error("bad $bytes value: " .. err) end
    return s
  end
  local out = {}
  for k, x in pairs(v) do out[k] = M.unbytes(x, null) end
  return out
end

return M
