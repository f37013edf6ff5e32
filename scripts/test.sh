#!/usr/bin/env bash
# The one test command: ./scripts/test.sh (CI runs it through .ci/run).
#
# On a fresh Debian machine it installs what is missing (PostgreSQL, Chromium, a font; the end-to-end npm
# packages), starts a throwaway PostgreSQL cluster, and runs the gates and every tier against both engines:
#
#   gates     cargo fmt --all --check; cargo clippy --workspace --all-targets -- -D warnings (the lints are
#             the workspace's, in Cargo.toml)
#   tier 1+2  cargo test --workspace                 unit and integration tests; the integration tests
#                                                   create a fresh database per test in TEST_DATABASE_URL
#                                                   (PANTAU_REQUIRE_POSTGRES=1: they fail, not skip,
#                                                   without it) and use SQLite files of their own
#   tier 3    Playwright (end2end/) in headless Chromium, JavaScript off, against `pantau-kla serve` (the
#             binary tier 1+2 built) with the fixtures of server/tests/fixtures/ imported: once on SQLite,
#             once on PostgreSQL
#
# It prints a summary per tier and exits non-zero if any tier fails or does not run.
#
# Environment:
#   TEST_DATABASE_URL  a PostgreSQL server to use (postgres://USER@HOST:PORT/DB, allowed to CREATE
#                      DATABASE); unset: a throwaway cluster is made in a temp dir and deleted afterwards
#   KEEP_TEST_LOGS=1   keep the temp dir with the logs even when everything passed
#   CHROMIUM_PATH      the browser (default /usr/bin/chromium)
# As root (CI), the throwaway cluster runs as the `postgres` OS user; as another user, as that user.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

STARTED=$(date +%s)
FIXTURES="$ROOT/server/tests/fixtures"
BIN="$ROOT/target/debug/pantau-kla"
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
# A CI run builds once from a fresh clone: incremental compilation would only write caches nobody reads.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}; fi

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

# ---------------------------------------------------------------------------------------------------------
# Temp dir, clean-up
# ---------------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pantau-test.XXXXXX")
PGDIR=""          # throwaway cluster (data, socket, log), when we made one
PIDS_FILE="$WORK/pids"   # every server we start, so the exit trap can stop what a tier left behind
DBS_FILE="$WORK/databases"   # databases made on an outside TEST_DATABASE_URL, dropped at exit
: >"$PIDS_FILE"
: >"$DBS_FILE"
FAILED_ANY=0

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  while read -r pid; do [ -n "$pid" ] && stop_pid "$pid"; done <"$PIDS_FILE"
  if [ -s "$DBS_FILE" ] && [ -n "${OUTSIDE_PG_URL:-}" ]; then
    while read -r db; do
      psql "$OUTSIDE_PG_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
        warn "could not drop database $db"
    done <"$DBS_FILE"
  fi
  pg_stop_throwaway "$PGDIR"
  if [ "$rc" -ne 0 ] || [ "$FAILED_ANY" -ne 0 ] || [ "${KEEP_TEST_LOGS:-0}" = 1 ]; then
    echo "Logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------
# (a) Install what is missing
# ---------------------------------------------------------------------------------------------------------
log "Checking the tools"
T0=$(date +%s)

command -v cargo >/dev/null || die "cargo is not installed: the workspace needs Rust 1.95 or newer (rustup)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "Node.js 20 or newer with npm is needed for the end-to-end tests"
fi
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js $(node --version) is too old: Playwright needs Node.js 20 or newer"

apt_missing=()
pg_installed || apt_missing+=(postgresql)
command -v psql >/dev/null || apt_missing+=(postgresql-client)
[ -x "$CHROMIUM_PATH" ] || apt_missing+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || apt_missing+=(fonts-dejavu-core)
apt_install "${apt_missing[@]}"
pg_installed || die "PostgreSQL's initdb is still missing after apt-get install postgresql"
[ -x "$CHROMIUM_PATH" ] || die "$CHROMIUM_PATH is still missing after apt-get install chromium"

# end2end/node_modules: installed with `npm ci` when missing or when package.json / package-lock.json
# changed since the last install (a stamp records their checksum).
E2E="$ROOT/end2end"
stamp_want=$(cat "$E2E/package.json" "$E2E/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)
stamp_have=$(cat "$E2E/node_modules/.pantau-install-stamp" 2>/dev/null || true)
if [ ! -x "$E2E/node_modules/.bin/playwright" ] || [ "$stamp_want" != "$stamp_have" ]; then
  log "Installing the end-to-end test packages (end2end/)"
  if [ -f "$E2E/package-lock.json" ]; then
    (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null)
  else
    (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund </dev/null)
    stamp_want=$(cat "$E2E/package.json" "$E2E/package-lock.json" | sha256sum | cut -d' ' -f1)
  fi
  echo "$stamp_want" >"$E2E/node_modules/.pantau-install-stamp"
fi
echo "cargo $(cargo --version | cut -d' ' -f2), node $(node --version), $("$(pg_bin)/postgres" --version), $("$CHROMIUM_PATH" --version 2>/dev/null | head -1), playwright $("$E2E/node_modules/.bin/playwright" --version | awk '{print $2}')"
echo "setup took $(elapsed "$T0")"

# ---------------------------------------------------------------------------------------------------------
# (b) PostgreSQL: the one in TEST_DATABASE_URL, or a throwaway cluster
# ---------------------------------------------------------------------------------------------------------
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  log "Using PostgreSQL from TEST_DATABASE_URL"
  OUTSIDE_PG_URL=$TEST_DATABASE_URL
  psql "$TEST_DATABASE_URL" -q -tA -c 'SELECT version()' || die "cannot connect to TEST_DATABASE_URL"
else
  log "Starting a throwaway PostgreSQL cluster"
  PGDIR=$(mktemp -d /tmp/pantau-pg.XXXXXX)
  # Durability off: a test cluster is thrown away, and its speed is not what is measured.
  TEST_DATABASE_URL=$(pg_start_throwaway "$PGDIR" -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off)
  export TEST_DATABASE_URL
  echo "PostgreSQL $("$(pg_bin)/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL, data in $PGDIR (deleted at exit)"
fi
PG_URL=$TEST_DATABASE_URL

# ---------------------------------------------------------------------------------------------------------
# Tiers. Each runs in a subshell with `set -e` in force; its result goes to the summary and the next tier
# runs regardless.
# ---------------------------------------------------------------------------------------------------------
declare -a SUMMARY=()

run_tier() { # NAME FUNCTION: runs it now; its one-line result goes to the summary
  local name=$1 fn=$2 t0 rc detail
  t0=$(date +%s)
  log "$name"
  set +e
  (set -e; DETAIL="$WORK/detail.$fn"; "$fn")
  rc=$?
  set -e
  summarise "$name" "$fn" "$rc" "$t0"
}

# Tiers that mostly wait (a browser on a page, a checker between files) run side by side: run_tier_bg starts
# one with its output in a log, wait_tier waits for it and prints that log whole, so outputs never interleave.
declare -A BG_PID=() BG_T0=()
run_tier_bg() { # NAME FUNCTION
  local name=$1 fn=$2
  log "$name (started; its output follows when it ends)"
  BG_T0[$fn]=$(date +%s)
  (set -e; DETAIL="$WORK/detail.$fn"; "$fn") >"$WORK/tier.$fn.log" 2>&1 &
  BG_PID[$fn]=$!
  echo "${BG_PID[$fn]}" >>"$PIDS_FILE"
}
wait_tier() { # NAME FUNCTION
  local name=$1 fn=$2 rc=0
  set +e
  wait "${BG_PID[$fn]}"
  rc=$?
  set -e
  log "$name"
  cat "$WORK/tier.$fn.log"
  summarise "$name" "$fn" "$rc" "${BG_T0[$fn]}"
}

summarise() { # NAME FUNCTION RC T0
  local name=$1 fn=$2 rc=$3 t0=$4 detail
  detail=$(cat "$WORK/detail.$fn" 2>/dev/null || true)
  rm -f "$WORK/detail.$fn"
  if [ "$rc" -eq 0 ]; then
    SUMMARY+=("PASS  $name ($(elapsed "$t0"))${detail:+: $detail}")
  else
    FAILED_ANY=1
    SUMMARY+=("FAIL  $name ($(elapsed "$t0"), exit $rc)${detail:+: $detail}")
  fi
}

# --- gates ----------------------------------------------------------------------------------------------
tier_fmt() {
  cargo fmt --all --check
  echo "formatted as rustfmt.toml says" >"$DETAIL"
}

tier_clippy() {
  # The lints are the workspace's (Cargo.toml); every warning fails the gate.
  cargo clippy --workspace --all-targets --color=never -- -D warnings
  echo "no warnings" >"$DETAIL"
}

# --- tier 1+2 -------------------------------------------------------------------------------------------
tier_cargo() {
  export PANTAU_REQUIRE_POSTGRES=1
  local out="$WORK/cargo-test.log" rc=0
  # --no-fail-fast: every test binary runs, so the summary counts all of them.
  cargo test --workspace --no-fail-fast --color=never 2>&1 | tee "$out" || rc=$?
  # Sum the "test result:" lines of every test binary.
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i } n++ }
       END { printf "%d passed, %d failed, %d ignored in %d test binaries", p, f, g, n }' "$out" >"$DETAIL"
  if [ "$rc" -ne 0 ] && ! grep -q '^test result:' "$out"; then
    echo "did not compile or run (see above)" >"$DETAIL"
  fi
  return "$rc"
}

# --- tier 3 ---------------------------------------------------------------------------------------------
SERVER_PID=""
start_server() { # DATABASE_URL LOGFILE -> sets PORT
  local url=$1 logfile=$2
  # Every Playwright worker connects from 127.0.0.1, as clients behind one proxy do: no per-client render
  # limit (the overall one stays), or parallel workers would queue behind each other's fresh renders.
  DATABASE_URL=$url PANTAU_ADDR=127.0.0.1:0 PANTAU_STORAGE=${PANTAU_STORAGE:-$WORK/bukti} PANTAU_RENDER_PER_CLIENT=${PANTAU_RENDER_PER_CLIENT:-0} \
    NO_COLOR=1 RUST_LOG=${RUST_LOG:-info} "$BIN" serve >"$logfile" 2>&1 &
  SERVER_PID=$!
  echo "$SERVER_PID" >>"$PIDS_FILE"
  PORT=""
  for _ in $(seq 1 300); do
    PORT=$(grep -ao 'listening on http://127\.0\.0\.1:[0-9]*' "$logfile" | head -1 | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "the server exited before listening; its log:" >&2
      tail -40 "$logfile" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$PORT" ]; then
    echo "the server did not say where it listens within 30 s; its log:" >&2
    tail -40 "$logfile" >&2
    return 1
  fi
  for _ in $(seq 1 300); do
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/healthz"; then
      echo "server (pid $SERVER_PID) ready on http://127.0.0.1:$PORT"
      return 0
    fi
    sleep 0.1
  done
  echo "/healthz did not answer 200 within 30 s; the server log:" >&2
  tail -40 "$logfile" >&2
  return 1
}

# A fresh random password per run for the end-to-end account; it lives only in this script's memory.
E2E_USER=e2e-dp3a-tanahbumbu
E2E_PROVINCE_USER=e2e-prov-kalsel
E2E_ADMIN_USER=e2e-admin
E2E_PASSWORD="e2e-$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"

e2e_against() { # ENGINE DATABASE_URL
  local engine=$1 url=$2 dir="$WORK/e2e-$1" rc=0 f
  mkdir -p "$dir"
  for f in training_events service_units predicate_records; do
    DATABASE_URL=$url NO_COLOR=1 "$BIN" import "$FIXTURES/$f.csv" </dev/null
  done
  # The regency officer of end2end/tests/data-entry.spec.mjs, and the province officer and administrator of
  # evaluation.spec.mjs.
  echo "$E2E_PASSWORD" | DATABASE_URL=$url NO_COLOR=1 "$BIN" user add "$E2E_USER" --role regency --region 63.10 --password-stdin
  echo "$E2E_PASSWORD" | DATABASE_URL=$url NO_COLOR=1 "$BIN" user add "$E2E_PROVINCE_USER" --role province --region 63 --password-stdin
  echo "$E2E_PASSWORD" | DATABASE_URL=$url NO_COLOR=1 "$BIN" user add "$E2E_ADMIN_USER" --role admin --password-stdin
  PANTAU_STORAGE="$dir/bukti" start_server "$url" "$dir/server.log"
  trap 'stop_pid "$SERVER_PID"' EXIT
  (
    cd "$E2E"
    BASE_URL="http://127.0.0.1:$PORT" E2E_ENGINE=$engine E2E_USER=$E2E_USER E2E_PROVINCE_USER=$E2E_PROVINCE_USER E2E_ADMIN_USER=$E2E_ADMIN_USER E2E_PASSWORD=$E2E_PASSWORD ./node_modules/.bin/playwright test --output="test-results/$engine" </dev/null
  ) 2>&1 | tee "$dir/playwright.log" || rc=$?
  stop_pid "$SERVER_PID"
  trap - EXIT
  # The list reporter ends with "N passed", "N failed", "N flaky", "N skipped" lines.
  local counts
  counts=$(grep -aE '^\s+[0-9]+ (passed|failed|flaky|skipped|did not run|interrupted)' "$dir/playwright.log" |
    sed -E 's/^\s+//; s/ \(.*\)$//' | paste -sd, - | sed 's/,/, /g')
  echo "${counts:-no result from Playwright}" >"$DETAIL"
  if [ "$rc" -ne 0 ]; then
    echo "--- last lines of the $engine server log ($dir/server.log) ---" >&2
    tail -40 "$dir/server.log" >&2
    return "$rc"
  fi
  if grep -aqE '^\s+[0-9]+ (skipped|did not run|flaky)' "$dir/playwright.log"; then
    echo "some end-to-end tests were skipped, did not run or were flaky: that counts as a failure" >&2
    return 1
  fi
}

# The binary tier 1+2 built (the integration tests run it); `cargo build -p pantau-kla` would build it again
# with other dependency features.
need_binary() { [ -x "$BIN" ] || cargo build --workspace --bins --color=never; }

tier_e2e_sqlite() {
  e2e_against sqlite "sqlite:$WORK/e2e-sqlite.db"
}

tier_e2e_postgres() {
  local db
  db="e2e_$(date +%s)_$$"
  psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" </dev/null
  echo "$db" >>"$DBS_FILE"
  # The same server, user and options as PG_URL, another database.
  e2e_against postgres "$(pg_url_for "$PG_URL" "$db")"
}

# In a cold clone the build is most of the time. Order: the instant format check; the test build and run;
# then clippy (which reuses the build's proc-macros and build scripts) beside both end-to-end runs, which
# spend half their time waiting on the browser and the server.
run_tier "Gate: cargo fmt --check" tier_fmt
run_tier "Tier 1+2: cargo test --workspace (SQLite + PostgreSQL)" tier_cargo
need_binary || warn "no binary at $BIN: the end-to-end tiers will fail"
run_tier_bg "Gate: cargo clippy -D warnings" tier_clippy
run_tier_bg "Tier 3: end-to-end on PostgreSQL" tier_e2e_postgres
run_tier "Tier 3: end-to-end on SQLite" tier_e2e_sqlite
wait_tier "Tier 3: end-to-end on PostgreSQL" tier_e2e_postgres
wait_tier "Gate: cargo clippy -D warnings" tier_clippy

# ---------------------------------------------------------------------------------------------------------
# (e) Summary
# ---------------------------------------------------------------------------------------------------------
log "Summary ($(elapsed "$STARTED") in all)"
for line in "${SUMMARY[@]}"; do
  case $line in
    PASS*) printf '\033[32m%s\033[0m\n' "$line" ;;
    *) printf '\033[31m%s\033[0m\n' "$line" ;;
  esac
done
if [ ${#SUMMARY[@]} -ne 5 ]; then
  FAILED_ANY=1
  echo "not every tier ran" >&2
fi
[ "$FAILED_ANY" -eq 0 ] || exit 1
