#!/usr/bin/env bash
# soak.sh: resident memory of `posledger serve` under a long http_load run (issue 5: memory
# stays flat, no growth per request). Samples the server's VmRSS and its ledger head every
# SAMPLE seconds while http_load runs, then prints the samples, the peak, and the growth split
# into what the new events explain and the rest.
#
#   WORKLOAD=mixed CLIENTS=32 SECONDS_TOTAL=600 bench/soak.sh
#
# A ledger keeps every event's effect in memory (the write model and the views grow with each
# sale: that is the design, docs/architecture.md), so RSS can only be flat per request, not
# per sale: the table shows bytes of RSS per committed event next to requests served, and a
# read-only phase (WORKLOAD=reads: the mixed workload's reads, no sales) must stay flat.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOAD=${WORKLOAD:-mixed}
CLIENTS=${CLIENTS:-32}
SECONDS_TOTAL=${SECONDS_TOTAL:-600}
SAMPLE=${SAMPLE:-30}
PORT=${PORT:-3997}
BIN=./build/release
[ -x "$BIN/posledger" ] && [ -x "$BIN/http_load" ] || { echo "build first: ./run.sh build" >&2; exit 2; }
if ! command -v curl >/dev/null; then  # polls /health and /metrics
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi

WORK=$(mktemp -d /tmp/soak.XXXXXX)
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

RATE_LIMIT_PER_MIN=100000000 RATE_LIMIT_LOGIN_PER_MIN=1000000 \
  "$BIN/posledger" serve --demo --data "$WORK/ledger" --port "$PORT" --listen 127.0.0.1 2>/dev/null &
SERVER=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do sleep 0.1; done

metric() {  # the value of one unlabelled /metrics family
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v name="$1" '$1 == name {print $2}'
}
requests() {
  curl -s "http://127.0.0.1:$PORT/metrics" |
    awk '/^posledger_http_requests_total\{/ {sum += $NF} END {printf "%d\n", sum}'
}

"$BIN/http_load" --port "$PORT" --workload "$WORKLOAD" --clients "$CLIENTS" \
  --seconds "$SECONDS_TOTAL" >"$WORK/load.out" &
LOAD=$!
echo "| elapsed | RSS | ledger head | requests served |"
echo "|---|---|---|---|"
start=$(date +%s)
first_rss=""
while kill -0 "$LOAD" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status")
  head=$(metric posledger_ledger_head_sequence)
  served=$(requests)
  elapsed=$(( $(date +%s) - start ))
  echo "| ${elapsed} s | $(( rss / 1024 )) MB | $head | $served |"
  # The baseline is taken once the load generator's set-up (cashiers, stock-in) is behind it.
  if [ -z "$first_rss" ] && [ "$elapsed" -ge "$SAMPLE" ]; then
    first_rss=$rss first_head=$head first_served=$served
  fi
  last_rss=$rss last_head=$head last_served=$served
  sleep "$SAMPLE"
done
wait "$LOAD" || { cat "$WORK/load.out"; echo "soak: http_load failed" >&2; exit 1; }
cat "$WORK/load.out"
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status")
echo "peak RSS: $(( hwm / 1024 )) MB"
if [ -n "$first_rss" ]; then
  awk -v r0="$first_rss" -v r1="$last_rss" -v h0="$first_head" -v h1="$last_head" \
      -v q0="$first_served" -v q1="$last_served" 'BEGIN {
    grow = (r1 - r0) * 1024; events = h1 - h0; served = q1 - q0
    printf "from the first sample on: RSS %+.1f MB over %d requests and %d new events", grow / 1e6, served, events
    if (events > 0) printf " (%.0f bytes per event)", grow / events
    if (served > 0) printf ", %.1f bytes per request", grow / served
    printf "\n"
  }'
fi
