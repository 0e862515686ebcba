-- nc_charset: a text body encoded in the charset its Content-Type declares
-- (profile rule R4). The Lua string is UTF-8 text; UTF-8, US-ASCII,
-- ISO-8859-1 and windows-1252 are supported, and a character the charset
-- cannot represent (or a byte that is not UTF-8) is sent as "?", as Android's
-- String.getBytes does. Any other charset is unsupported: the call is refused.

local M = {}

-- WIN1252 maps the code points windows-1252 puts in 0x80-0x9F to their byte.
local WIN1252 = {
  [0x20AC] = 0x80, [0x201A] = 0x82, [0x0192] = 0x83, [0x201E] = 0x84, [0x2026] = 0x85,
  [0x2020] = 0x86, [0x2021] = 0x87, [0x02C6] = 0x88, [0x2030] = 0x89, [0x0160] = 0x8A,
  [0x2039] = 0x8B, [0x0152] = 0x8C, [0x017D] = 0x8E, [0x2018] = 0x91, [0x2019] = 0x92,
  [0x201C] = 0x93, [0x201D] = 0x94, [0x2022] = 0x95, [0x2013] = 0x96, [0x2014] = 0x97,
  [0x02DC] = 0x98, [0x2122] = 0x99, [0x0161] = 0x9A, [0x203A] = 0x9B, [0x0153] = 0x9C,
  [0x017E] = 0x9E, [0x0178] = 0x9F,
}

-- byteOf returns, for each supported single-byte charset, the byte of code
-- point cp, or nil when the charset lacks it.
local byteOf = {
  ascii = function(cp) if cp < 0x80 then return cp end end,
  latin1 = function(cp) if cp < 0x100 then return cp end end,
  win1252 = function(cp)
    if cp < 0x80 or (cp >= 0xA0 and cp < 0x100) then return cp end
    return WIN1252[cp]
  end,
}

-- NAMES maps the lower-cased charset names and aliases to a charset.
local NAMES = {
  ["utf-8"] = "utf8", utf8 = "utf8",
  ["us-ascii"] = "ascii", ascii = "ascii",
  ["iso-8859-1"] = "latin1", ["iso_8859-1"] = "latin1", ["iso8859-1"] = "latin1", latin1 = "latin1",
  ["l1"] = "latin1",
  ["windows-1252"] = "win1252", cp1252 = "win1252",
}

-- charset returns the charset parameter of a Content-Type value, or nil.
function M.charset(ct)
  local v = ct:lower():match("charset%s*=%s*([^;]*)")
  if not v then return nil end
  return (v:gsub('^%s*"?', ""):gsub('"?%s*$', ""))
end

-- decode returns the code point of the UTF-8 sequence at i of s and the
-- index after it; an invalid byte gives nil and i + 1.
local function decode(s, i)
  local c = s:byte(i)
  local n, cp = 0, c
  if c < 0x80 then return c, i + 1
  elseif c >= 0xC2 and c < 0xE0 then n, cp = 1, c - 0xC0
  elseif c >= 0xE0 and c < 0xF0 then n, cp = 2, c - 0xE0
  elseif c >= 0xF0 and c < 0xF5 then n, cp = 3, c - 0xF0
  else return nil, i + 1 end
  for k = 1, n do
    local b = s:byte(i + k)
    if not b or b < 0x80 or b >= 0xC0 then return nil, i + 1 end
    cp = cp * 64 + (b - 0x80)
  end
  if (n == 2 and cp < 0x800) or (n == 3 and (cp < 0x10000 or cp > 0x10FFFF)) or (cp >= 0xD800 and cp < 0xE000) then
    return nil, i + 1
  end
  return cp, i + n + 1
end

-- encode returns text encoded in the charset ct declares (text unchanged
-- for UTF-8 or no charset), or nil and a message when the charset is not
-- supported.
function M.encode(text, ct)
  local name = M.charset(ct)
  if not name then return text end
  local cs = NAMES[name]
  if not cs then return nil, "charset " .. string.format("%q", name) .. " is not supported" end
  if cs == "utf8" then return text end
  local to, out, i = byteOf[cs], {}, 1
  while i <= #text do
    local cp, nexti = decode(text, i)
    local b = cp and to(cp)
    out[#out + 1] = string.char(b or 63) -- "?"
    i = nexti
  end
  return table.concat(out)
end

return M
