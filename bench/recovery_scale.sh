#!/usr/bin/env bash
# recovery_scale.sh: start-up time and memory, verify speed and disk size of ledgers of growing
# size (issue 5, part 4). For each size N in $EVENTS:
#   1. a year of a 5-branch chain with N events (bench/generate_history; kept in $WORK and
#      reused when present);
#   2. posledger verify: the whole hash chain plus a replay compared with the snapshot (events/s);
#   3. posledger rebuild: every view folded from the log, then a view snapshot is written;
#   4. posledger serve with both snapshots: seconds until /health answers, resident memory;
#   5. posledger serve with the snapshots moved aside: a full replay of the log (write model
#      and views on two threads), seconds until /health answers, resident memory;
#   6. bench/ledger_size --compact: envelope bytes per event type, SST bytes per event before
#      and after a full compaction.
#
#   EVENTS="1000000 10000000 50000000" WORK=/tmp/scale bench/recovery_scale.sh
#
# Needs a release build (./run.sh build or cmake --build build/release). 50 million events take
# about 6 minutes to generate, 8 GB of disk and up to ~15 GB of memory while serving.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/build/release}"
EVENTS="${EVENTS:-1000000 10000000}"
WORK="${WORK:-/tmp/posledger-scale}"
PORT="${PORT:-3998}"
mkdir -p "$WORK"

for tool in posledger generate_history ledger_size; do
  [[ -x "$BIN/$tool" ]] || { echo "recovery_scale: $BIN/$tool is missing (build the release tree first)" >&2; exit 2; }
done

if ! command -v curl >/dev/null; then  # polls /health (and /metrics)
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi
export JWT_SECRET=scale-bench-secret JWT_REFRESH_SECRET=scale-bench-refresh

# Starts the server on the ledger, waits for /health, prints "seconds rss_mb hwm_mb", and
# stops it: SIGTERM when it may write nothing new, SIGKILL after a replay without snapshots (a
# clean stop would write snapshots, which the next measurement must not find).
measure_start() {
  local data="$1" stop_signal="$2"
  local started now pid
  started=$(date +%s.%N)
  "$BIN/posledger" serve --data "$data" --port "$PORT" --listen 127.0.0.1 >/dev/null 2>"$WORK/serve.err" &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "recovery_scale: the server died while starting:" >&2
      tail -5 "$WORK/serve.err" >&2
      exit 1
    fi
    sleep 0.05
  done
  now=$(date +%s.%N)
  local rss hwm
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  kill "-$stop_signal" "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v a="$started" -v b="$now" -v r="$rss" -v h="$hwm" \
    'BEGIN { printf "%.1f %.0f %.0f\n", b - a, r / 1024, h / 1024 }'
}

seconds_of() {  # runs "$@", prints its wall seconds (output to $WORK/last.out)
  local started now
  started=$(date +%s.%N)
  "$@" >"$WORK/last.out" 2>&1
  now=$(date +%s.%N)
  awk -v a="$started" -v b="$now" 'BEGIN { printf "%.1f\n", b - a }'
}

echo "| events | verify | rebuild (fold + view snapshot) | start-up with snapshots | memory | start-up, full replay | memory | on disk (compacted) |"
echo "|---|---|---|---|---|---|---|---|"
for n in $EVENTS; do
  data="$WORK/ledger-$n"
  if [[ ! -f "$data/CURRENT" ]]; then
    rm -rf "$data"
    "$BIN/generate_history" --data "$data" --events "$n" --snapshot-every 1000000000 >"$WORK/generate-$n.out" 2>&1
  fi
  verify_s=$(seconds_of "$BIN/posledger" verify --data "$data")
  grep -q "^result *OK" "$WORK/last.out" || { echo "recovery_scale: verify failed on $data" >&2; cat "$WORK/last.out" >&2; exit 1; }
  events=$(awk '$1 == "events" {print $2}' "$WORK/last.out")
  rebuild_s=$(seconds_of "$BIN/posledger" rebuild --data "$data")
  cp "$WORK/last.out" "$WORK/rebuild-$n.out"

  read -r snap_s snap_rss snap_hwm < <(measure_start "$data" TERM)

  mv "$data/snapshots" "$data/snapshots.aside"
  read -r full_s full_rss full_hwm < <(measure_start "$data" KILL)
  rm -rf "$data/snapshots"
  mv "$data/snapshots.aside" "$data/snapshots"

  "$BIN/ledger_size" --data "$data" --compact >"$WORK/size-$n.out"
  compacted=$(awk '/^after a full compaction/ {after = 1} after && $1 == "events" {print $2}' "$WORK/size-$n.out")

  awk -v n="$events" -v v="$verify_s" -v r="$rebuild_s" -v ss="$snap_s" -v sr="$snap_rss" \
      -v sh="$snap_hwm" -v fs="$full_s" -v fr="$full_rss" -v fh="$full_hwm" -v c="$compacted" \
    'BEGIN {
       printf "| %d | %.1f s (%.0f events/s) | %.1f s (%.0f events/s) | %.1f s | %d MB (peak %d MB) | %.1f s (%.0f events/s) | %d MB (peak %d MB) | %.0f MB, %.0f bytes/event |\n",
         n, v, n / v, r, n / r, ss, sr, sh, fs, n / fs, fr, fh, c / 1e6, c / n
     }'
done
echo
echo "Per-size details (event types, column families before and after compaction): $WORK/size-N.out"
