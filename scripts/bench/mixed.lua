-- wrk script for scripts/bench.sh's season load: every connection reads /, /provinsi/35 and /kabkota/35.07 in
-- turn, with Accept-Encoding: gzip, and each page's latency is kept apart.
--
-- Run it with as many threads as connections (wrk -t N -c N): wrk gives a script no connection id, so a
-- request is matched with its response only when a thread has one connection (request and response then
-- alternate). The clock is CLOCK_MONOTONIC through LuaJIT's ffi (wrk's Lua has no wall clock).
--
-- Prints the BENCH line of latency.lua (wrk's own figures over every request; wrk adds estimated samples for
-- requests a slow response held back, so its p99 can be above every page's), then one line per page, from
-- the latencies as measured:
--   PAGE <path> p50_ms=… p95_ms=… p99_ms=… max_ms=… requests=… non2xx=…
-- Latencies are kept in a histogram of 10 µs buckets per page and thread, merged at the end. Each thread keeps
-- everything in ONE flat table (key: page × 1e9 + bucket; -page: requests, -10 - page: non-2xx): wrk's
-- thread:get cannot copy a table of tables, and each table it copies leaves the thread's Lua stack one
-- slot short, so several gets per thread crash wrk.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local paths = { "/", "/provinsi/35", "/kabkota/35.07" }
local headers = { ["Accept-Encoding"] = "gzip" }

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- Threads start on different pages, so the three are read evenly from the first second.
  turn = ((id or 1) - 1) % #paths
  stats = {}
  sent = nil
end

function request()
  turn = turn % #paths + 1
  sent = now_us()
  return wrk.format("GET", paths[turn], headers)
end

function response(status, hdrs, body)
  if sent == nil then return end
  local b = turn * 1e9 + math.floor((now_us() - sent) / 10)
  stats[b] = (stats[b] or 0) + 1
  stats[-turn] = (stats[-turn] or 0) + 1
  if status < 200 or status > 399 then stats[-10 - turn] = (stats[-10 - turn] or 0) + 1 end
  sent = nil
end

local function percentile(h, n, p)
  local keys = {}
  for k in pairs(h) do table.insert(keys, k) end
  table.sort(keys)
  local want, seen = math.max(1, math.ceil(n * p / 100)), 0
  for _, k in ipairs(keys) do
    seen = seen + h[k]
    if seen >= want then return (k + 0.5) / 100 end
  end
  return 0
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f rps=%.1f requests=%d bytes=%d non2xx=%d socket_errors=%d timeouts=%d duration_s=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / secs, summary.requests, summary.bytes, e.status,
    e.connect + e.read + e.write, e.timeout, secs))
  local merged, n, nbad, max = { {}, {}, {} }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }
  for _, t in ipairs(threads) do
    for k, c in pairs(t:get("stats")) do
      if k <= -11 then
        nbad[-10 - k] = nbad[-10 - k] + c
      elseif k < 0 then
        n[-k] = n[-k] + c
      else
        local i = math.floor(k / 1e9)
        local b = k - i * 1e9
        merged[i][b] = (merged[i][b] or 0) + c
        if b > max[i] then max[i] = b end
      end
    end
  end
  for i, path in ipairs(paths) do
    io.write(string.format("PAGE %s p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d\n", path,
      percentile(merged[i], n[i], 50), percentile(merged[i], n[i], 95), percentile(merged[i], n[i], 99), (max[i] + 1) / 100,
      n[i], nbad[i]))
  end
end
