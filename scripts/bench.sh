#!/usr/bin/env bash
# The national-scale benchmark: ./scripts/bench.sh [--postgres auto|URL] [--duration SECONDS] …
# Not part of the test suite (scripts/test.sh); the results of a run are kept in docs/benchmarks.md.
#
# On a fresh Debian machine it installs what is missing (wrk, curl, jq; PostgreSQL when a PostgreSQL run is
# asked for), builds the release binary (cargo build --release -p pantau-kla) and, on SQLite always and on
# PostgreSQL with --postgres:
#
#   1. load    `pantau-kla demo --scale national` into a fresh database: wall time and database size
#   2. import  `pantau-kla import` of a generated CSV of 100,000 training events into a fresh database
#   3. serve   the release server on 127.0.0.1, warmed up, then wrk (32 connections, 2 threads, --duration
#              seconds each, Accept-Encoding: gzip) against the national, province and regency pages, three
#              downloads and the static stylesheet: p50/p95/p99 latency and requests/s
#   4. rss     the server's peak resident memory (VmHWM) after the load
#   4b. flood  another visitor's latency on the cached /provinsi/35 (wrk, 4 connections), alone and while one
#              client floods the server with URLs the cache cannot answer (scripts/bench/flood.sh: unknown
#              parameters, random searches, valid combinations of year/kind/measure/order, varying
#              Accept-Encoding, made-up session cookies); once with the default render limits, once without
#              the per-client one (as behind a proxy, or a flood from many addresses)
#   5. fresh   one new training event for 35.07 through `pantau-kla import`, then the very next request to
#              /api/v1/kabkota/35.07 must count it (on PostgreSQL, on two app servers sharing the database)
#
# and prints a Markdown report: the machine, one table row per measurement, and the issue's targets with
# PASS/MISS. All load goes to 127.0.0.1 only. Servers and the throwaway cluster are stopped on exit.
#
# Options:
#   --postgres auto|URL  also run on PostgreSQL: `auto` starts a throwaway cluster in a temp dir (initdb as
#                        the postgres user, --auth=trust, a free port; deleted at exit); a URL
#                        (postgres://USER@HOST:PORT/DB, allowed to CREATE DATABASE) gets two databases
#                        created and dropped at exit
#   --duration S         seconds of measured load per target (default 15)
#   --warmup S           seconds of unmeasured load per target before it (default 3; 0: a few requests only)
#   --connections N      wrk connections (default 32)
#   --flood-connections N  connections of the flooding client in step 4b (default 64)
#   --threads N          wrk threads (default 2)
#   --seed N             seed of the demo dataset and of the import CSV (default 2025)
#   --import-rows N      rows of the import CSV (default 100000)
#   --import-timeout S   stop an import that takes longer and report it as not finished (default 600)
#   --out FILE           also write the report to FILE
#   --no-build           use target/release/pantau-kla as it is
#   KEEP_BENCH_LOGS=1    keep the temp dir (server logs, wrk output) at exit
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STARTED=$(date +%s)
COMMAND_LINE="./scripts/bench.sh${*:+ $*}"

DURATION=15
WARMUP=3
CONNECTIONS=32
FLOOD_CONNECTIONS=64
THREADS=2
SEED=2025
IMPORT_ROWS=100000
IMPORT_TIMEOUT=600
POSTGRES=""
OUT=""
BUILD=1

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --postgres) POSTGRES=${2:?--postgres needs auto or a URL}; shift 2 ;;
    --postgres=*) POSTGRES=${1#*=}; shift ;;
    --duration) DURATION=${2:?}; shift 2 ;;
    --warmup) WARMUP=${2:?}; shift 2 ;;
    --connections) CONNECTIONS=${2:?}; shift 2 ;;
    --flood-connections) FLOOD_CONNECTIONS=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --seed) SEED=${2:?}; shift 2 ;;
    --import-rows) IMPORT_ROWS=${2:?}; shift 2 ;;
    --import-timeout) IMPORT_TIMEOUT=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in DURATION WARMUP CONNECTIONS FLOOD_CONNECTIONS THREADS SEED IMPORT_ROWS IMPORT_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "--$(echo "$v" | tr 'A-Z_' 'a-z-') must be a whole number" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] || { echo "--duration must be at least 1" >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
calc() { awk "BEGIN { printf $* }"; } # calc '"%.1f",' '3 / 2'

# ---------------------------------------------------------------------------------------------------------
# Temp dir and clean-up: every process this script starts is in PIDS_FILE and is stopped at exit.
# ---------------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pantau-bench.XXXXXX")
# The script's own stdout and stderr: a trap runs with the redirections of the command it interrupted (say
# a log file), so the clean-up writes here.
exec 8>&1 9>&2
PIDS_FILE="$WORK/pids"
ROWS="$WORK/rows.tsv"      # engine, target, p50, p95, p99, req/s, notes
CHECKS="$WORK/checks.tsv"  # engine, target, measured, PASS|MISS, by how much
: >"$PIDS_FILE"
: >"$ROWS"
: >"$CHECKS"
PGDIR=""
ADMIN_URL=""   # a PostgreSQL URL allowed to CREATE DATABASE
OUTSIDE_PG=0   # 1: databases made on the user's server, dropped at exit
PG_DBS=()

# run_bg COMMAND…: runs it in the background and waits for it, so that an INT or TERM reaches the exit trap
# at once (bash runs traps only between foreground commands) and the trap stops it.
run_bg() {
  "$@" &
  local pid=$! rc=0
  echo "$pid" >>"$PIDS_FILE"
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return "$rc"
}
forget_pid() { sed -i "/^$1\$/d" "$PIDS_FILE"; } # a finished process: never signal its (reusable) id again

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  exec 1>&8 2>&9
  while read -r pid; do [ -n "$pid" ] && stop_pid "$pid"; done <"$PIDS_FILE"
  if [ "$OUTSIDE_PG" = 1 ]; then
    for db in "${PG_DBS[@]}"; do
      psql "$ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || warn "could not drop database $db"
    done
  fi
  pg_stop_throwaway "$PGDIR"
  if [ "$rc" -ne 0 ] || [ "${KEEP_BENCH_LOGS:-0}" = 1 ]; then
    say "Logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------
# Install what is missing
# ---------------------------------------------------------------------------------------------------------
log "Checking the tools"
command -v cargo >/dev/null || die "cargo is not installed (the Rust toolchain comes from rustup)"
apt_missing=()
command -v wrk >/dev/null || apt_missing+=(wrk)
command -v curl >/dev/null || apt_missing+=(curl)
command -v jq >/dev/null || apt_missing+=(jq)
command -v awk >/dev/null || apt_missing+=(mawk)
if [ -n "$POSTGRES" ]; then
  command -v psql >/dev/null || apt_missing+=(postgresql-client)
  if [ "$POSTGRES" = auto ]; then
    pg_installed || apt_missing+=(postgresql)
  fi
fi
apt_install "${apt_missing[@]}"
command -v wrk >/dev/null || die "wrk is still missing after apt-get install wrk"
if [ "$POSTGRES" = auto ]; then
  pg_installed || die "PostgreSQL's initdb is still missing after apt-get install postgresql"
fi

# ---------------------------------------------------------------------------------------------------------
# The machine, before anything runs
# ---------------------------------------------------------------------------------------------------------
CPU_MODEL=$(awk -F': *' '/^model name/ { m = $2 } /^cpu family/ { f = $2 } /^model\t/ { n = $2 } /^flags/ && / hypervisor/ { h = 1 }
  END { printf "%s (family %s, model %s)%s", m, f, n, h ? ", virtual machine" : "" }' /proc/cpuinfo)
MEM_TOTAL=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
OS_NAME=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || uname -s)
KERNEL=$(uname -r)
RUSTC=$(rustc --version)
WRK_VERSION=$( (wrk -v 2>&1 || true) | head -1 | awk '{ print $1, $2 }')
COMMIT=$(git -C "$ROOT" log -1 --format='%h %s' 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
BUSY_BEFORE=$(ps -eo comm= | grep -cE '^(rustc|cargo|cc1|ld|chromium|node)$' || true)
say "$(nproc) cores, $MEM_TOTAL, $CPU_MODEL; $OS_NAME; $RUSTC; load average $LOAD_BEFORE"

# ---------------------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------------------
BIN="$ROOT/target/release/pantau-kla"
if [ "$BUILD" = 1 ]; then
  log "cargo build --release -p pantau-kla"
  t0=$(now)
  run_bg cargo build --release -p pantau-kla --color=never </dev/null >&2
  say "build took $(since "$t0") s"
fi
[ -x "$BIN" ] || die "$BIN is missing"
PG_VERSION=""

# ---------------------------------------------------------------------------------------------------------
# The import files: IMPORT_ROWS events over every kab/kota, and the one-row file for the freshness check
# ---------------------------------------------------------------------------------------------------------
EVENTS_CSV="$WORK/training-events-$IMPORT_ROWS.csv"
ONE_CSV="$WORK/one-event-35.07.csv"
awk -v n="$IMPORT_ROWS" -v seed="$SEED" -f "$ROOT/scripts/bench/events.awk" "$ROOT/kla/data/regions.csv" >"$EVENTS_CSV"
awk -v n=1 -v seed="$((SEED + 1))" -v only=35.07 -f "$ROOT/scripts/bench/events.awk" "$ROOT/kla/data/regions.csv" >"$ONE_CSV"
IMPORT_CSV_BYTES=$(stat -c %s "$EVENTS_CSV")

# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------
SERVER_PID=""
PORT=""
start_server() { # DATABASE_URL LOGFILE -> SERVER_PID, PORT
  local url=$1 logfile=$2
  # All load comes from 127.0.0.1 (wrk, the flood and the measured visitor alike): no per-address cap on
  # connections, or the visitor's would be refused once the flood holds its share.
  PANTAU_MAX_CONNECTIONS_PER_CLIENT=${PANTAU_MAX_CONNECTIONS_PER_CLIENT:-0} DATABASE_URL=$url PANTAU_ADDR=127.0.0.1:0 NO_COLOR=1 RUST_LOG=${RUST_LOG:-info} "$BIN" serve >"$logfile" 2>&1 </dev/null &
  SERVER_PID=$!
  echo "$SERVER_PID" >>"$PIDS_FILE"
  PORT=""
  for _ in $(seq 1 600); do
    PORT=$(grep -ao 'listening on http://127\.0\.0\.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$logfile" >&2; die "the server exited before listening"; }
    sleep 0.1
  done
  [ -n "$PORT" ] || { tail -30 "$logfile" >&2; die "the server did not say where it listens within 60 s"; }
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
    sleep 0.1
  done
  tail -30 "$logfile" >&2
  die "/healthz did not answer 200 within 30 s"
}

row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
check() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$CHECKS"; }

# under ENGINE TARGET VALUE LIMIT UNIT: PASS when VALUE < LIMIT, with the margin
under() {
  local engine=$1 target=$2 v=$3 limit=$4 unit=$5 verdict by
  if [ "$v" = "—" ]; then
    if [ "$unit" = s ]; then
      check "$engine" "$target" "not finished in $IMPORT_TIMEOUT s" MISS "over $IMPORT_TIMEOUT s (over $((IMPORT_TIMEOUT / limit))× the budget)"
    else
      check "$engine" "$target" "no request finished in ${DURATION} s" MISS "over ${DURATION} s (over $((DURATION * 1000 / limit))× the budget)"
    fi
    return
  fi
  if awk -v v="$v" -v l="$limit" 'BEGIN { exit !(v < l) }'; then
    verdict=PASS
    by=$(calc "\"%.1f %s under (%.0f%% of the budget)\", $limit - $v, \"$unit\", 100 * $v / $limit")
  else
    verdict=MISS
    by=$(calc "\"%.1f %s over (%.2f× the budget)\", $v - $limit, \"$unit\", $v / $limit")
  fi
  check "$engine" "$target" "$v $unit" "$verdict" "$by"
}

declare -A M=() # ENGINE.KEY -> value

# CPU accounting, to tell what else ran on the machine during a measurement (in clock ticks).
HZ=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }     # all cores: user nice system irq softirq
cpu_steal() { awk '/^cpu / { print $9 }' /proc/stat; }
proc_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }                  # one process: utime + stime
children_cpu() { # the builtin runs in this shell only when not in a pipe or $(…)
  times >"$WORK/times"
  awk -v hz="$HZ" 'NR == 2 { split($1 "m" $2, a, "m"); sub(/s$/, "", a[2]); sub(/s$/, "", a[4]); printf "%.0f", (a[1] * 60 + a[2] + a[3] * 60 + a[4]) * hz }' "$WORK/times"
}

# bench ENGINE KEY PATH LABEL
bench() {
  local engine=$1 key=$2 path=$3 label=$4 url out line headers status enc size notes
  url="http://127.0.0.1:$PORT$path"
  headers=$(curl -s -D - -o "$WORK/body" -H 'Accept-Encoding: gzip' -w 'STATUS %{http_code}\n' "$url" | tr -d '\r')
  status=$(awk '/^STATUS/ { print $2 }' <<<"$headers")
  enc=$(awk -F': ' 'tolower($1) == "content-encoding" { print $2 }' <<<"$headers")
  size=$(stat -c %s "$WORK/body")
  [ "$status" = 200 ] || warn "$path answered $status"
  # Service time without queueing: the median of 21 requests one after another (after the first).
  local alone
  alone=$(for _ in $(seq 21); do curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{time_total}\n' "$url"; done |
    sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[11] * 1000 }')
  if [ "$WARMUP" -gt 0 ]; then
    run_bg wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" --timeout 30s -H 'Accept-Encoding: gzip' "$url" >/dev/null
  else
    for _ in 1 2 3 4 5; do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$url"; done
  fi
  out="$WORK/wrk-$engine-$key.txt"
  local b0 st0 s0 c0 w0 b1 st1 s1 c1 w1
  children_cpu >"$WORK/c0"
  b0=$(cpu_busy) st0=$(cpu_steal) s0=$(proc_cpu "$SERVER_PID") c0=$(cat "$WORK/c0") w0=$(now)
  run_bg wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s --latency -H 'Accept-Encoding: gzip' \
    -s "$ROOT/scripts/bench/latency.lua" "$url" >"$out"
  children_cpu >"$WORK/c1"
  b1=$(cpu_busy) st1=$(cpu_steal) s1=$(proc_cpu "$SERVER_PID") c1=$(cat "$WORK/c1") w1=$(now)
  # Shares of one core (100% = one core busy; the machine has $(nproc)): the server, wrk, everything else.
  local cpu
  cpu=$(awk -v b="$((b1 - b0))" -v st="$((st1 - st0))" -v s="$((s1 - s0))" -v c="$((c1 - c0))" -v t="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" -v hz="$HZ" \
    'BEGIN { o = b - s - c; if (o < 0) o = 0; printf "CPU: server %.0f%%, wrk %.0f%%, other processes %.0f%%%s", 100 * s / hz / t, 100 * c / hz / t, 100 * o / hz / t, (st > 0 ? sprintf(", steal %.0f%%", 100 * st / hz / t) : "") }')
  line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "wrk printed no result for $path"; }
  local p50 p95 p99 rps requests non2xx errs timeouts
  eval "$(sed 's/^BENCH //' <<<"$line")" # p50_ms=… p95_ms=… (numbers only, from our Lua)
  p50=$(calc '"%.2f"', "$p50_ms") p95=$(calc '"%.2f"', "$p95_ms") p99=$(calc '"%.2f"', "$p99_ms")
  notes="HTTP $status, ${enc:-identity} $(calc '"%.1f", '"$size"' / 1024') KB; $requests requests; alone: $alone ms; $cpu"
  if [ "$requests" -eq 0 ]; then
    # Every request took longer than the run: wrk has no latency to report.
    p50="—" p95="—" p99="—"
    notes="$notes: none finished within ${DURATION} s, so every latency is over ${DURATION} s"
  elif [ "$requests" -lt 100 ]; then
    notes="$notes (few samples: the percentiles are rough)"
  fi
  M[$engine.$key.p99]=$p99 M[$engine.$key.rps]=$rps
  [ "$non2xx" -gt 0 ] && notes="$notes; $non2xx non-2xx!"
  [ "$socket_errors" -gt 0 ] && notes="$notes; $socket_errors socket errors"
  [ "$timeouts" -gt 0 ] && notes="$notes; $timeouts timeouts (>30 s)"
  say "$(printf '%-8s %-48s p50 %8s  p95 %8s  p99 %8s ms  %9.1f req/s  %s' "$engine" "$label" "$p50" "$p95" "$p99" "$rps" "$notes")"
  row "$engine" "$label" "$p50" "$p95" "$p99" "$(calc '"%.0f"', "$rps")" "$notes"
}

# flood ENGINE KEY LABEL PORT: scripts/bench/flood.sh against the server on PORT; rows for the visitor alone
# and under the flood, and what the flooding client got.
flood() {
  local engine=$1 key=$2 label=$3 port=$4 out phase line
  out="$WORK/flood-$engine-$key.txt"
  run_bg "$ROOT/scripts/bench/flood.sh" "http://127.0.0.1:$port" "$DURATION" "$FLOOD_CONNECTIONS" /provinsi/35 4 >"$out" 2>&1 ||
    { cat "$out" >&2; die "$engine: the flood measurement failed"; }
  for phase in ALONE WITH; do
    line=$(grep "^$phase " "$out") || { cat "$out" >&2; die "$engine: no $phase line from flood.sh"; }
    local p50_ms p95_ms p99_ms rps requests non2xx
    eval "$(sed "s/^$phase //" <<<"$line")" # numbers only, from our Lua
    M[$engine.$key.$phase]=$(calc '"%.2f"', "$p99_ms")
    row "$engine" "$label: visitor on cached /provinsi/35, $([ "$phase" = ALONE ] && echo alone || echo "under the flood")" \
      "$(calc '"%.2f"', "$p50_ms")" "$(calc '"%.2f"', "$p95_ms")" "${M[$engine.$key.$phase]}" "$(calc '"%.0f"', "$rps")" \
      "$requests requests, 4 connections$([ "$non2xx" -gt 0 ] && echo "; $non2xx non-2xx!")"
  done
  line=$(grep '^FLOOD ' "$out" | sed 's/^FLOOD //')
  local answers
  answers=$(tr ' ' '\n' <<<"$line" | grep '^s[0-9]*=' | sed 's/^s//; s/=/: /' | paste -sd ',' - | sed 's/,/, /g')
  local p99_ms rps requests
  eval "$(tr ' ' '\n' <<<"$line" | grep -E '^(p99_ms|rps|requests)=')"
  row "$engine" "$label: the flooding client ($FLOOD_CONNECTIONS connections)" "" "" "$(calc '"%.0f"', "$p99_ms")" "$(calc '"%.0f"', "$rps")" \
    "$requests requests; answers by status: $answers (308: redirected to the canonical URL; 503: over its render share)"
  say "$label: visitor p99 ${M[$engine.$key.ALONE]} ms alone, ${M[$engine.$key.WITH]} ms under the flood; flood answers: $answers"
}

events_of() { # PORT -> COUNT (the all-years event count of 35.07) and LAT_MS (the request's latency)
  local port=$1 t
  t=$(curl -s -o "$WORK/fresh.json" -w '%{time_total}' "http://127.0.0.1:$port/api/v1/kabkota/35.07")
  LAT_MS=$(calc '"%.2f"', "$t * 1000")
  COUNT=$(jq -e '.data.trainings.events' "$WORK/fresh.json") || die "no event count in the answer of 127.0.0.1:$port: $(head -c 300 "$WORK/fresh.json")"
}

# ---------------------------------------------------------------------------------------------------------
# One engine: ENGINE NATIONAL_URL IMPORT_URL
# ---------------------------------------------------------------------------------------------------------
run_engine() {
  local engine=$1 nurl=$2 iurl=$3 t0 secs size out
  log "$engine: 1. pantau-kla demo --scale national --seed $SEED"
  t0=$(now)
  run_bg env DATABASE_URL="$nurl" NO_COLOR=1 "$BIN" demo --scale national --seed "$SEED" </dev/null >"$WORK/demo-$engine.log" 2>&1 ||
    { cat "$WORK/demo-$engine.log" >&2; die "$engine: the national load failed"; }
  secs=$(since "$t0")
  if [ "$engine" = sqlite ]; then
    local f=${nurl#sqlite:} b=0
    for x in "$f" "$f-wal"; do [ -f "$x" ] && b=$((b + $(stat -c %s "$x"))); done
    size=$b
  else
    size=$(psql "$nurl" -tAq -c 'select pg_database_size(current_database())')
  fi
  M[$engine.load.secs]=$secs
  say "$(tail -2 "$WORK/demo-$engine.log" | head -1)"
  say "loaded in $secs s; database $(calc '"%.1f"', "$size / 1048576") MiB"
  row "$engine" "load: demo --scale national" "" "" "" "" \
    "$secs s wall; database $(calc '"%.1f"', "$size / 1048576") MiB; $(grep -o '100,000 training events.*records' "$WORK/demo-$engine.log" | head -1)"

  log "$engine: 2. pantau-kla import of $IMPORT_ROWS training events into a fresh database"
  t0=$(now)
  local rc=0
  run_bg timeout "$IMPORT_TIMEOUT" env DATABASE_URL="$iurl" NO_COLOR=1 "$BIN" import --lang en "$EVENTS_CSV" </dev/null >"$WORK/import-$engine.log" 2>&1 || rc=$?
  secs=$(since "$t0")
  if [ "$rc" = 124 ]; then
    M[$engine.import.secs]="—"
    say "the import did not finish within $IMPORT_TIMEOUT s: stopped (nothing was committed)"
    row "$engine" "import: $IMPORT_ROWS training events (CSV)" "" "" "" "" \
      "not finished within $IMPORT_TIMEOUT s (stopped; under $(calc '"%.0f"', "$IMPORT_ROWS / $IMPORT_TIMEOUT") rows/s)"
  else
    [ "$rc" = 0 ] || { tail -20 "$WORK/import-$engine.log" >&2; die "$engine: the import failed"; }
    grep -q "imported $IMPORT_ROWS " "$WORK/import-$engine.log" || { cat "$WORK/import-$engine.log" >&2; die "$engine: the import did not report $IMPORT_ROWS rows"; }
    M[$engine.import.secs]=$secs
    say "imported $IMPORT_ROWS rows in $secs s ($(calc '"%.0f"', "$IMPORT_ROWS / $secs") rows/s)"
    row "$engine" "import: $IMPORT_ROWS training events (CSV)" "" "" "" "" \
      "$secs s wall = $(calc '"%.0f"', "$IMPORT_ROWS / $secs") rows/s ($(calc '"%.1f"', "$IMPORT_CSV_BYTES / 1048576") MiB CSV; fresh database, migrations included)"
  fi

  log "$engine: 3. wrk, $CONNECTIONS connections, $THREADS threads, ${DURATION}s per target (after ${WARMUP}s warm-up)"
  start_server "$nurl" "$WORK/server-$engine.log"
  local pid_a=$SERVER_PID port_a=$PORT
  say "server (pid $pid_a) on http://127.0.0.1:$port_a"
  bench "$engine" national / "page /"
  bench "$engine" province /provinsi/35 "page /provinsi/35"
  bench "$engine" regency /kabkota/35.07 "page /kabkota/35.07"
  bench "$engine" dl_national /api/v1/nasional/pelatihan-per-tahun.csv "CSV /api/v1/nasional/pelatihan-per-tahun.csv"
  bench "$engine" dl_province /api/v1/provinsi/35 "JSON /api/v1/provinsi/35"
  bench "$engine" dl_regency /api/v1/kabkota/35.07/nilai-per-tahap.json "JSON /api/v1/kabkota/35.07/nilai-per-tahap.json"
  # The stylesheet at the address pages link (named by its content, precompressed at start).
  local css
  css=$(curl -s "http://127.0.0.1:$PORT/" | grep -o 'href="/style/main\.[0-9a-f]*\.css"' | head -1 | cut -d'"' -f2)
  [ -n "$css" ] || die "the home page links no fingerprinted stylesheet"
  bench "$engine" static "$css" "static /style/main.<fingerprint>.css (ceiling)"

  log "$engine: 4. peak RSS"
  local hwm rss
  hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid_a/status")
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid_a/status")
  M[$engine.rss]=$(calc '"%.1f"', "$hwm / 1024")
  say "VmHWM ${M[$engine.rss]} MiB (VmRSS now $(calc '"%.1f"', "$rss / 1024") MiB)"
  row "$engine" "server peak RSS (VmHWM after the load)" "" "" "" "" "${M[$engine.rss]} MiB (VmRSS now $(calc '"%.1f"', "$rss / 1024") MiB)"

  log "$engine: 4b. flood: one client asking for uncached URLs while another visitor reads a cached page"
  flood "$engine" flood "flood, default limits" "$port_a"
  # The caches are bounded (entries and bytes): the flood must not grow the server much.
  row "$engine" "server peak RSS after the flood (VmHWM)" "" "" "" "" \
    "$(calc '"%.1f"', "$(awk '/^VmHWM/ { print $2 }' "/proc/$pid_a/status") / 1024") MiB (before the flood: ${M[$engine.rss]} MiB)"
  local pid_keep=$SERVER_PID port_keep=$PORT
  PANTAU_RENDER_PER_CLIENT=0 start_server "$nurl" "$WORK/server-$engine-flood.log"
  local pid_f=$SERVER_PID
  flood "$engine" flood_overall "flood, overall limit only" "$PORT"
  stop_pid "$pid_f"
  forget_pid "$pid_f"
  SERVER_PID=$pid_keep PORT=$port_keep

  log "$engine: 5. freshness: one event for 35.07 through pantau-kla import, then the next request"
  local before_a before_b="" after_a after_b lat_a lat_b="" pid_b="" port_b="" visible=yes notes
  if [ "$engine" = postgres ]; then
    start_server "$nurl" "$WORK/server-$engine-b.log"
    pid_b=$SERVER_PID port_b=$PORT
    say "second server (pid $pid_b) on http://127.0.0.1:$port_b, same database"
    events_of "$port_b"
    events_of "$port_b" # twice: its answer is now whatever it keeps
    before_b=$COUNT
  fi
  events_of "$port_a"
  before_a=$COUNT
  t0=$(now)
  run_bg env DATABASE_URL="$nurl" NO_COLOR=1 "$BIN" import --lang en "$ONE_CSV" </dev/null >"$WORK/one-$engine.log" 2>&1 ||
    { cat "$WORK/one-$engine.log" >&2; die "$engine: the one-row import failed"; }
  local write_secs
  write_secs=$(since "$t0")
  events_of "$port_a"
  after_a=$COUNT lat_a=$LAT_MS
  [ "$after_a" -eq $((before_a + 1)) ] || visible=no
  notes="server A: $before_a → $after_a events"
  if [ -n "$pid_b" ]; then
    events_of "$port_b"
    after_b=$COUNT lat_b=$LAT_MS
    [ "$after_b" -eq $((before_b + 1)) ] || visible=no
    notes="$notes (first request $lat_a ms); server B: $before_b → $after_b (first request $lat_b ms)"
  fi
  notes="visible on the next request: $visible; $notes; the CLI write took $write_secs s"
  say "$notes"
  M[$engine.fresh]=$visible
  row "$engine" "freshness: first GET /api/v1/kabkota/35.07 after a write" "$lat_a" "" "" "" "$notes"
  # A write changes the data version, so every cached page is stale: the next visitor of each page pays
  # for its queries again.
  local p t miss=""
  for p in / /provinsi/35; do
    t=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{time_total}' "http://127.0.0.1:$port_a$p")
    miss="$miss${miss:+; }$p $(calc '"%.0f"', "$t * 1000") ms"
  done
  say "first requests after the write (stale cache): $miss"
  row "$engine" "after a write: first GET of the national and province pages" "" "" "" "" "$miss (the cache is stale after any write; then warm again)"

  # The slowest statements sqlx logged (it warns about any over 1 s), over everything the servers ran.
  local slow
  slow=$(cat "$WORK/server-$engine"*.log | awk '/slow statement/ {
      n++
      if (match($0, /elapsed_secs=[0-9.]+/)) { e = substr($0, RSTART + 13, RLENGTH - 13) + 0 } else e = 0
      if (e > max) {
        max = e; s = ""
        if (match($0, /summary="[^"]*"/)) s = substr($0, RSTART + 9, RLENGTH - 10)
        if (match($0, /db\.statement="[^"]*"/)) { # add its from … clause
          q = substr($0, RSTART + 14, RLENGTH - 15); gsub(/\\n/, " ", q); gsub(/  +/, " ", q)
          if ((i = index(q, " from ")) > 0) s = s " " substr(q, i + 1, 120)
        }
      }
    } END { if (n) printf "%d statement(s) over 1 s; the slowest %.2f s: %s", n, max, s; else printf "none over 1 s" }')
  say "slow statements: $slow"
  row "$engine" "slow statements (sqlx warns over 1 s)" "" "" "" "" "${slow//|/\\|}"
  if [ "$visible" = yes ]; then
    check "$engine" "a write visible on the next request${pid_b:+ (two app servers)}" "$before_a → $after_a${pid_b:+, B: $before_b → $after_b}" PASS "first request ${lat_a} ms${lat_b:+ / ${lat_b} ms}"
  else
    check "$engine" "a write visible on the next request${pid_b:+ (two app servers)}" "$before_a → $after_a${pid_b:+, B: $before_b → $after_b}" MISS "expected $((before_a + 1))${pid_b:+ and $((before_b + 1))}"
  fi
  if [ -n "$pid_b" ]; then stop_pid "$pid_b"; forget_pid "$pid_b"; fi
  stop_pid "$pid_a"
  forget_pid "$pid_a"

  # The issue's targets
  local page
  for page in national:/ province:/provinsi/35 regency:/kabkota/35.07; do
    under "$engine" "p99 < 50 ms: page ${page#*:}" "${M[$engine.${page%%:*}.p99]}" 50 ms
  done
  under "$engine" "p99 < 20 ms: regency page" "${M[$engine.regency.p99]}" 20 ms
  for page in dl_national dl_province dl_regency; do
    under "$engine" "(same bar for downloads) p99 < 50 ms: $page" "${M[$engine.$page.p99]}" 50 ms
  done
  local ratio
  ratio=$(calc '"%.3f"', "${M[$engine.regency.rps]} / (${M[$engine.static.rps]} + 1e-9)")
  if awk -v r="$ratio" 'BEGIN { exit !(r >= 0.5) }'; then
    check "$engine" "regency req/s ≥ ½ static req/s" "$(calc '"%.0f / %.0f = %.2f"', "${M[$engine.regency.rps]}, ${M[$engine.static.rps]}, $ratio")" PASS "$(calc '"%.2f× the bar"', "$ratio / 0.5")"
  else
    check "$engine" "regency req/s ≥ ½ static req/s" "$(calc '"%.0f / %.0f = %.2f"', "${M[$engine.regency.rps]}, ${M[$engine.static.rps]}, $ratio")" MISS "$(calc '"%.2f× the bar (needs %.0f req/s)"', "$ratio / 0.5, ${M[$engine.static.rps]} / 2")"
  fi
  under "$engine" "p99 < 50 ms: another visitor on a cached page while one client floods uncached URLs" "${M[$engine.flood.WITH]}" 50 ms
  under "$engine" "(no per-client limit) p99 < 50 ms: the same, with only the overall render limit" "${M[$engine.flood_overall.WITH]}" 50 ms
  under "$engine" "$IMPORT_ROWS imported rows < 10 s" "${M[$engine.import.secs]}" 10 s
  under "$engine" "server RSS < 300 MB" "$(calc '"%.1f"', "${M[$engine.rss]} * 1.048576")" 300 MB
}

# ---------------------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------------------
mkdir -p "$WORK/sqlite"
run_engine sqlite "sqlite:$WORK/sqlite/national.db" "sqlite:$WORK/sqlite/import.db"

# ---------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------
if [ -n "$POSTGRES" ]; then
  if [ "$POSTGRES" = auto ]; then
    log "Starting a throwaway PostgreSQL cluster"
    PGDIR=$(mktemp -d /tmp/pantau-bench-pg.XXXXXX)
    # Stock settings (fsync on, shared_buffers 128MB) but for the address, port and socket folder.
    ADMIN_URL=$(pg_start_throwaway "$PGDIR")
    say "PostgreSQL at $ADMIN_URL, data in $PGDIR (deleted at exit)"
  else
    ADMIN_URL=$POSTGRES
    OUTSIDE_PG=1
  fi
  PG_VERSION=$(psql "$ADMIN_URL" -tAq -c 'show server_version' </dev/null) || die "cannot connect to $ADMIN_URL"
  suffix=""
  [ "$OUTSIDE_PG" = 1 ] && suffix="_$(date +%s)_$$"
  for db in "bench_national$suffix" "bench_import$suffix"; do
    PG_DBS+=("$db")
    psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" </dev/null
  done
  run_engine postgres "$(pg_url_for "$ADMIN_URL" "bench_national$suffix")" "$(pg_url_for "$ADMIN_URL" "bench_import$suffix")"
fi

# ---------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------
LOAD_AFTER=$(uptime | sed 's/.*load average: //')
BUSY_AFTER=$(ps -eo comm= | grep -cE '^(rustc|cargo|cc1|ld|chromium|node)$' || true)
TOTAL=$(($(date +%s) - STARTED))
report() {
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`$COMMAND_LINE\` (wrk: $CONNECTIONS connections, $THREADS threads, ${DURATION} s per target after ${WARMUP} s of warm-up, \`Accept-Encoding: gzip\`, 30 s timeout; total run $((TOTAL / 60)) min $((TOTAL % 60)) s including the build)."
  echo
  echo "| machine | |"
  echo "|---|---|"
  echo "| CPU | $(nproc) cores (nproc), $CPU_MODEL |"
  echo "| memory | $MEM_TOTAL |"
  echo "| OS | $OS_NAME, Linux $KERNEL |"
  echo "| toolchain | $RUSTC; $WRK_VERSION${PG_VERSION:+; PostgreSQL $PG_VERSION (stock settings, fsync on)} |"
  echo "| code | $COMMIT$([ "$DIRTY" -gt 0 ] && echo " (+ $DIRTY uncommitted tracked file(s))") |"
  echo "| load average (1, 5, 15 min) | before: $LOAD_BEFORE; after: $LOAD_AFTER; other build/test processes seen: $BUSY_BEFORE before, $BUSY_AFTER after |"
  echo
  echo "| engine | target | p50 ms | p95 ms | p99 ms | req/s | notes |"
  echo "|---|---|---:|---:|---:|---:|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$ROWS"
  echo
  echo "| engine | target | measured | result | by how much |"
  echo "|---|---|---|---|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | **%s** | %s |\n", $1, $2, $3, $4, $5 }' "$CHECKS"
  echo
  echo "$(grep -c $'\tPASS\t' "$CHECKS") PASS, $(grep -c $'\tMISS\t' "$CHECKS") MISS."
}
log "Report"
if [ -n "$OUT" ]; then
  report | tee "$OUT"
else
  report
fi
