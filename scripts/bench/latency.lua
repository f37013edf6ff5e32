-- wrk script for scripts/bench.sh: prints one machine-readable line with the exact percentiles.
-- wrk's own --latency table gives 50/75/90/99; the benchmark needs 50/95/99.
-- Latencies are in microseconds inside wrk; printed in milliseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f rps=%.1f requests=%d bytes=%d non2xx=%d socket_errors=%d timeouts=%d duration_s=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / secs, summary.requests, summary.bytes, e.status,
    e.connect + e.read + e.write, e.timeout, secs))
end
