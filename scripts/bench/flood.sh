#!/usr/bin/env bash
# The flood measurement (issue 11): another visitor's latency on a cached page, alone and while one client
# floods the server with URLs the cache cannot answer (scripts/bench/flood.lua).
#
#   scripts/bench/flood.sh BASE_URL [DURATION_S] [FLOOD_CONNECTIONS] [VISITOR_PATH] [VISITOR_CONNECTIONS]
#
# e.g. scripts/bench/flood.sh http://127.0.0.1:3000 15 64 /provinsi/35 4 against a running server. Called by
# scripts/bench.sh; runnable on its own. Prints three machine-readable lines:
#   ALONE   BENCH-style figures of the visitor without the flood
#   WITH    the same while the flood runs
#   FLOOD   the flooding client's figures and its answers by status (s200, s308, s503, …)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE=${1:?BASE_URL, e.g. http://127.0.0.1:3000}
DURATION=${2:-15}
FLOOD_CONNECTIONS=${3:-64}
VISITOR=${4:-/provinsi/35}
VISITOR_CONNECTIONS=${5:-4}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The visitor's page is cached and stays so (nothing writes during the measurement).
for _ in 1 2 3; do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$BASE$VISITOR"; done
visitor() {
  wrk -t 1 -c "$VISITOR_CONNECTIONS" -d "${DURATION}s" --timeout 30s -H 'Accept-Encoding: gzip' -s "$HERE/latency.lua" "$BASE$VISITOR" |
    grep '^BENCH ' | sed 's/^BENCH //'
}
echo "ALONE $(visitor)"
# The flood starts first and outlasts the visitor's measurement on both sides.
wrk -t 1 -c "$FLOOD_CONNECTIONS" -d "$((DURATION + 4))s" --timeout 30s -s "$HERE/flood.lua" "$BASE/" >"$WORK/flood.txt" 2>&1 &
FLOOD_PID=$!
sleep 2
echo "WITH $(visitor)"
wait "$FLOOD_PID" || true
echo "FLOOD $(grep '^BENCH ' "$WORK/flood.txt" | sed 's/^BENCH //') $(grep '^STATUS ' "$WORK/flood.txt" | sed 's/^STATUS //')"
