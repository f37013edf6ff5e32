-- wrk script for scripts/bench/flood.sh: one client trying to make every request a fresh render.
-- Each request is one of: an unknown parameter (/?z=<random>), a random search (/cari?q=<random>), or a
-- valid, canonical combination of year, provider kind, measure and order on a random province page
-- (about 10^5 of them here, 10^8 over every page); with a varying Accept-Encoding and, half the time, a
-- made-up session cookie. Prints one BENCH line like latency.lua, plus the answers by status.

local provinces = { "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
  "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "94" }
local kinds = { "sekolah_ramah_anak", "puskesmas_ramah_anak", "paud", "lpks", "puspaga", "rira",
  "pusat_kreativitas_anak", "pesantren", "lksa", "forum_anak", "patbm", "uptd_ppa", "opd", "lainnya" }
local measures = { "peserta", "sertifikat" }
local orders = { "nama", "kegiatan", "peserta", "sertifikat", "predikat", "nilai", "tren" }
local encodings = { "gzip", "br", "gzip, deflate, br", "br;q=0.9, gzip;q=0.8", "identity", "x-random, gzip", "deflate" }
local hex = "0123456789abcdef"

local function token(n)
  local t = {}
  for i = 1, n do
    local k = math.random(16)
    t[i] = hex:sub(k, k)
  end
  return table.concat(t)
end

local function pick(list)
  return list[math.random(#list)]
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  by_status = {}
end

function request()
  local r = math.random(3)
  local path
  if r == 1 then
    path = "/?z=" .. token(12)
  elseif r == 2 then
    path = "/cari?q=" .. token(8)
  else
    path = string.format("/provinsi/%s?tahun=%d&jenis=%s&ukuran=%s&urut=%s&arah=%s", pick(provinces),
      2018 + math.random(0, 7), pick(kinds), pick(measures), pick(orders), (math.random(2) == 1) and "naik" or "turun")
  end
  local headers = { ["Accept-Encoding"] = pick(encodings) }
  if math.random(2) == 1 then
    headers["Cookie"] = "kla_sesi=" .. token(64)
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  by_status[status] = (by_status[status] or 0) + 1
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f rps=%.1f requests=%d bytes=%d non2xx=%d socket_errors=%d timeouts=%d duration_s=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / secs, summary.requests, summary.bytes, e.status,
    e.connect + e.read + e.write, e.timeout, secs))
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("by_status")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format("s%d=%d", status, n))
  end
  table.sort(parts)
  io.write("STATUS " .. table.concat(parts, " ") .. "\n")
end
