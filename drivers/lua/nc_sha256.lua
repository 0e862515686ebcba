-- nc_sha256: SHA-256 (FIPS 180-4) as lower-case hex for plain Lua 5.1
-- hosts, which have neither bit operations nor a digest library: the
-- files capability reports a SHA-256 per sandbox file (ncfiles.lua).
--
--   local sha = require("nc_sha256")
--   sha.hex(data [, path])  -- path: the file data was read from, if any
--   sha.digest(data)        -- the same, for data held only in memory
--
-- With a path and over 4 KiB of data it asks the system's tool
-- (sha256sum, shasum -a 256 or openssl), found once; otherwise, or when no
-- tool answers, it hashes in pure Lua: correct everywhere, a few hundred
-- KB/s. digest hands data
-- over 64 KiB to the tool through a temporary file.

local M = {}

local floor, byte, format = math.floor, string.byte, string.format
local MOD = 4294967296

-- XOR and AND of two bytes, by table: a * 256 + b -> result.
local XOR, AND

local function tables()
  local x4, a4 = {}, {}
  for a = 0, 15 do
    for b = 0, 15 do
      local x, y, r1, r2, m = a, b, 0, 0, 1
      for _ = 1, 4 do
        local p, q = x % 2, y % 2
        if p ~= q then r1 = r1 + m end
        if p == 1 and q == 1 then r2 = r2 + m end
        x, y, m = (x - p) / 2, (y - q) / 2, m * 2
      end
      x4[a * 16 + b], a4[a * 16 + b] = r1, r2
    end
  end
  XOR, AND = {}, {}
  for a = 0, 255 do
    local ah, al = floor(a / 16), a % 16
    for b = 0, 255 do
      local bh, bl = floor(b / 16), b % 16
      XOR[a * 256 + b] = x4[ah * 16 + bh] * 16 + x4[al * 16 + bl]
      AND[a * 256 + b] = a4[ah * 16 + bh] * 16 + a4[al * 16 + bl]
    end
  end
end

-- op applies a byte table to two 32-bit numbers.
local function op(t, a, b)
  local a0, b0 = a % 256, b % 256
  a, b = (a - a0) / 256, (b - b0) / 256
  local a1, b1 = a % 256, b % 256
  a, b = (a - a1) / 256, (b - b1) / 256
  local a2, b2 = a % 256, b % 256
  a, b = (a - a2) / 256, (b - b2) / 256
  return t[a0 * 256 + b0] + t[a1 * 256 + b1] * 256 + t[a2 * 256 + b2] * 65536 + t[a * 256 + b] * 16777216
end

local function rrot(x, n)
  local p = 2 ^ n
  local lo = x % p
  return (x - lo) / p + lo * (MOD / p)
end

local function shr(x, n) return floor(x / 2 ^ n) end

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

-- pure hashes data in Lua.
function M.pure(data)
  if not XOR then tables() end
  local n = #data
  local len, tail = n * 8, {}
  for i = 7, 0, -1 do tail[#tail + 1] = string.char(floor(len / 2 ^ (8 * i)) % 256) end
  data = data .. "\128" .. string.rep("\0", (55 - n) % 64) .. table.concat(tail)
  local h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
  local w = {}
  for at = 1, #data, 64 do
    for i = 0, 15 do
      local b1, b2, b3, b4 = byte(data, at + 4 * i, at + 4 * i + 3)
      w[i] = ((b1 * 256 + b2) * 256 + b3) * 256 + b4
    end
    for i = 16, 63 do
      local x, y = w[i - 15], w[i - 2]
      local s0 = op(XOR, op(XOR, rrot(x, 7), rrot(x, 18)), shr(x, 3))
      local s1 = op(XOR, op(XOR, rrot(y, 17), rrot(y, 19)), shr(y, 10))
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) % MOD
    end
    local a, b, c, d, e, f, g, hh = h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
    for i = 0, 63 do
      local S1 = op(XOR, op(XOR, rrot(e, 6), rrot(e, 11)), rrot(e, 25))
      local ch = op(XOR, g, op(AND, e, op(XOR, f, g)))
      local t1 = (hh + S1 + ch + K[i + 1] + w[i]) % MOD
      local S0 = op(XOR, op(XOR, rrot(a, 2), rrot(a, 13)), rrot(a, 22))
      local maj = op(XOR, op(AND, a, b), op(AND, c, op(XOR, a, b)))
      hh, g, f, e, d, c, b, a = g, f, e, (d + t1) % MOD, c, b, a, (t1 + S0 + maj) % MOD
    end
    h[1], h[2], h[3], h[4] = (h[1] + a) % MOD, (h[2] + b) % MOD, (h[3] + c) % MOD, (h[4] + d) % MOD
    h[5], h[6], h[7], h[8] = (h[5] + e) % MOD, (h[6] + f) % MOD, (h[7] + g) % MOD, (h[8] + hh) % MOD
  end
  local out = {}
  for i = 1, 8 do out[i] = format("%04x%04x", floor(h[i] / 65536), h[i] % 65536) end
  return table.concat(out)
end

local EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

-- quote quotes a path for a POSIX shell.
local function quote(p) return "'" .. p:gsub("'", "'\\''") .. "'" end

-- tool is the command that hashes a file, once found ("" for none).
local tool

local function run(cmd, path)
  local pipe = io.popen(cmd .. " " .. quote(path) .. " 2>/dev/null")
  if not pipe then return nil end
  local out = pipe:read("*a") or ""
  pipe:close()
  return out:match("^(%x+)") and out:match("^(%x+)"):lower()
end

local function findTool()
  tool = ""
  if not io.popen then return end
  for _, cmd in ipairs({ "sha256sum", "shasum -a 256", "openssl dgst -sha256 -r" }) do
    local ok, sum = pcall(run, cmd, "/dev/null")
    if ok and sum == EMPTY then
      tool = cmd
      return
    end
  end
end

-- hex returns the SHA-256 of data (read from path, if given) in hex.
function M.hex(data, path)
  if path and #data > 4096 then -- a process costs more than hashing a short file here
    if tool == nil then findTool() end
    if tool ~= "" then
      local sum = run(tool, path)
      if sum and #sum == 64 then return sum end
    end
  end
  return M.pure(data)
end

-- digest returns the SHA-256 of data in hex, through a temporary file and
-- the system's tool when data is large (Solar2D's crypto.digest for the
-- plain-Lua host).
function M.digest(data)
  if #data <= 65536 or not os.tmpname then return M.pure(data) end
  local ok, path = pcall(os.tmpname)
  local f = ok and io.open(path, "wb")
  if not f then return M.pure(data) end
  f:write(data)
  f:close()
  local sum = M.hex(data, path)
  os.remove(path)
  return sum
end

return M
