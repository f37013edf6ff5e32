#!/usr/bin/env bash
# The season's writer (issue 14): one training event a second through the form an officer uses, POST
# /kelola/kegiatan/baru with a signed-in session, each expected to answer 303.
#
#   scripts/bench/writer.sh BASE_URL SESSION_COOKIE CSRF SECONDS CODE[,CODE…] [TITLE_PREFIX]
#
# e.g. scripts/bench/writer.sh http://127.0.0.1:3000 kla_sesi=… 3f9a… 60 35.07. It writes at the start of each
# second for SECONDS seconds (a write that takes longer than a second delays the next one; no catching up
# with a burst), round-robin over the organiser codes, and prints one line per write:
#   WRITE <n> <code> <HTTP status> <seconds the POST took>
# Called by scripts/bench.sh (the session and token come from its sign-in); runnable on its own.
set -euo pipefail
BASE=${1:?BASE_URL, e.g. http://127.0.0.1:3000}
COOKIE=${2:?the session cookie, kla_sesi=…}
CSRF=${3:?the CSRF token of the session}
SECONDS_TOTAL=${4:?how many seconds to write for}
IFS=, read -r -a CODES <<<"${5:?organiser codes, comma-separated}"
PREFIX=${6:-Bench KHA}

now_ns() { date +%s%N; }
start=$(now_ns)
end=$((start + SECONDS_TOTAL * 1000000000))
k=0 # the second of the next write
n=0 # writes sent
while :; do
  tick=$((start + k * 1000000000))
  [ "$tick" -lt "$end" ] || break
  t=$(now_ns)
  if [ "$t" -lt "$tick" ]; then
    sleep "$(awk -v d="$((tick - t))" 'BEGIN { printf "%.3f", d / 1e9 }')"
  else # behind (the last write took over a second): write now, in the second we are in
    [ "$t" -lt "$end" ] || break
    k=$(((t - start) / 1000000000))
  fi
  code=${CODES[$((n % ${#CODES[@]}))]}
  day=$((1 + n % 28))
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 30 -H "Cookie: $COOKIE" \
    --data-urlencode "organiser_code=$code" --data-urlencode "title=$PREFIX $code $((n + 1))" \
    --data-urlencode kind=pelatihan --data-urlencode "start_date=2025-09-$(printf %02d "$day")" \
    --data-urlencode "end_date=2025-09-$(printf %02d "$day")" --data-urlencode mode=luring \
    --data-urlencode participants_offline=40 --data-urlencode participants_online=0 \
    --data-urlencode institutions=12 --data-urlencode "csrf=$CSRF" \
    "$BASE/kelola/kegiatan/baru" || echo "000 0")
  n=$((n + 1))
  k=$((k + 1))
  echo "WRITE $n $code $out"
done
