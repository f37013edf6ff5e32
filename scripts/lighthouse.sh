#!/usr/bin/env bash
# Lighthouse on the four page types: ./scripts/lighthouse.sh BASE_URL [--out FILE] …
#
# Runs Lighthouse (pinned in scripts/lighthouse/package.json, installed there with `npm ci` when missing) in
# Debian's Chromium against a running server at BASE_URL (say http://127.0.0.1:3000, with demo data) on
# /, /provinsi/63, /kabkota/63.10 and /masuk: once with Lighthouse's default mobile settings (an emulated
# Moto G Power, simulated throttling) and once with `--preset=desktop`. Prints a Markdown table — page, form
# factor, performance, accessibility, best practices, SEO, and for any category under 100 the audits that cost
# it points — and exits 1 when accessibility, best practices or SEO is under 100 or performance under 95
# (issue 15); 3 when Lighthouse could not run. Scores vary with the machine's load: performance above all.
#
# Options:
#   --out FILE       also write the table to FILE
#   --tsv FILE       write one line per page, form factor and category to FILE: page, form factor, category,
#                    score, bar, PASS|MISS, the failing audits (scripts/bench.sh reads it)
#   --mobile-only    skip the desktop runs
#   --runs N         run each page and form factor N times and keep the run with the median performance score
#                    (default 1)
#   --install-only   install the pinned Lighthouse if missing, then exit
#   CHROMIUM_PATH    the browser (default /usr/bin/chromium; apt-get install chromium)
#   KEEP_LIGHTHOUSE_LOGS=1  keep the temp dir (the JSON reports, Lighthouse's log) at exit
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
LH_DIR="$ROOT/scripts/lighthouse"
PAGES=(/ /provinsi/63 /kabkota/63.10 /masuk)
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

BASE=""
OUT=""
TSV=""
FORM_FACTORS=(mobile desktop)
RUNS=1
INSTALL_ONLY=0
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=${2:?--out needs a file}; shift 2 ;;
    --tsv) TSV=${2:?--tsv needs a file}; shift 2 ;;
    --mobile-only) FORM_FACTORS=(mobile); shift ;;
    --runs) RUNS=${2:?}; shift 2 ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$BASE" ] || { echo "one BASE_URL only (see --help)" >&2; exit 2; }; BASE=${1%/}; shift ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a whole number of at least 1" >&2; exit 2; }
[ "$INSTALL_ONLY" = 1 ] || [ -n "$BASE" ] || { usage >&2; exit 2; }
cannot() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 3; }

# ---------------------------------------------------------------------------------------------------------
# The pinned Lighthouse, and the browser
# ---------------------------------------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null || cannot "Node.js and npm are needed (Node 18.16 or later)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 16) ? 0 : 1)' ||
  cannot "Lighthouse 12 needs Node 18.16 or later; this is $(node --version)"
PINNED=$(node -p 'require(process.argv[1]).packages["node_modules/lighthouse"].version' "$LH_DIR/package-lock.json")
INSTALLED=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$LH_DIR/node_modules/lighthouse/package.json")
if [ "$INSTALLED" != "$PINNED" ]; then
  log "Installing Lighthouse $PINNED (npm ci in scripts/lighthouse)"
  (cd "$LH_DIR" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) || cannot "npm ci in $LH_DIR failed"
fi
[ "$INSTALL_ONLY" = 1 ] && exit 0
CHROME=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROME" ] || cannot "no browser at $CHROME (apt-get install chromium, or set CHROMIUM_PATH)"
curl -sf -o /dev/null --max-time 30 "$BASE/" || cannot "$BASE/ does not answer 200"

# ---------------------------------------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pantau-lighthouse.XXXXXX")
LH_PID=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "$LH_PID" ] && kill -0 "$LH_PID" 2>/dev/null; then
    # Lighthouse closes its Chromium on INT.
    kill -INT "$LH_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$LH_PID" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$LH_PID"
  fi
  if [ "${KEEP_LIGHTHOUSE_LOGS:-0}" = 1 ]; then say "Lighthouse reports and log kept in $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lighthouse() { # URL FORM_FACTOR REPORT: one run, in the background so that INT and TERM reach the trap at once
  local url=$1 ff=$2 report=$3 preset=()
  [ "$ff" = desktop ] && preset=(--preset=desktop)
  CHROME_PATH=$CHROME node "$LH_DIR/node_modules/lighthouse/cli/index.js" "$url" "${preset[@]}" \
    --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$report" \
    --chrome-flags="$CHROME_FLAGS" --quiet </dev/null >>"$WORK/lighthouse.log" 2>&1 &
  LH_PID=$!
  local rc=0
  wait "$LH_PID" || rc=$?
  LH_PID=""
  return "$rc"
}

REPORTS=()
for ff in "${FORM_FACTORS[@]}"; do
  for page in "${PAGES[@]}"; do
    slug=$(tr -c 'a-zA-Z0-9.\n' '_' <<<"${page#/}")
    log "Lighthouse $PINNED, $ff: $BASE$page$([ "$RUNS" = 1 ] || echo " ($RUNS runs)")"
    runs=()
    for run in $(seq 1 "$RUNS"); do
      report="$WORK/$ff-${slug:-home}-$run.json"
      echo "### $ff $page run $run" >>"$WORK/lighthouse.log"
      if ! lighthouse "$BASE$page" "$ff" "$report" || ! [ -s "$report" ]; then
        tail -30 "$WORK/lighthouse.log" >&2
        cannot "Lighthouse failed on $BASE$page ($ff)"
      fi
      say "$(node -e 'const r = require(process.argv[1]); console.log(Object.values(r.categories).map((c) => `${c.title} ${c.score === null ? "—" : Math.round(c.score * 100)}`).join(", "))' "$report")"
      runs+=("$report")
    done
    # The run with the median performance score.
    REPORTS+=("$(for r in "${runs[@]}"; do node -p 'require(process.argv[1]).categories.performance.score ?? -1' "$r" | tr '\n' ' '; echo "$r"; done |
      sort -g | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')")
  done
done

log "Summary"
rc=0
node "$LH_DIR/summary.mjs" "$WORK/summary.tsv" "${REPORTS[@]}" >"$WORK/summary.md" || rc=$?
[ "$rc" -le 1 ] || cannot "the summary of the reports failed"
cat "$WORK/summary.md"
[ -z "$OUT" ] || cp "$WORK/summary.md" "$OUT"
[ -z "$TSV" ] || cp "$WORK/summary.tsv" "$TSV"
exit "$rc"
