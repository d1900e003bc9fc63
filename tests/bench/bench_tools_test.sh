#!/usr/bin/env bash
# Black-box test of the issue-5 bench tools against the real binaries of one build tree:
#   - http_load (closed loop, then open loop) sells through a demo server, balances its books
#     and exits 0; the open loop offers no more operations than its schedule allows;
#   - ledger_size counts exactly the events `posledger verify` verifies, and --compact works.
#
#   tests/bench/bench_tools_test.sh BUILD_DIR
set -euo pipefail
BIN=${1:?usage: bench_tools_test.sh BUILD_DIR}
WORK=$(mktemp -d /tmp/bench_tools_test.XXXXXX)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "bench_tools_test: $*" >&2; exit 1; }

RATE_LIMIT_PER_MIN=1000000 RATE_LIMIT_LOGIN_PER_MIN=100000 \
  "$BIN/posledger" serve --demo --data "$WORK/ledger" --port 0 --listen 127.0.0.1 \
  >"$WORK/serve.out" 2>/dev/null &
PID=$!
port=""
for _ in $(seq 600); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/serve.out")
  [ -n "$port" ] && break
  kill -0 "$PID" 2>/dev/null || fail "the server died while starting"
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not start"

# Closed loop: some sales, balanced books, exit 0.
"$BIN/http_load" --port "$port" --workload checkout --clients 2 --seconds 1 >"$WORK/closed.out" ||
  { cat "$WORK/closed.out" >&2; fail "http_load checkout exited $?"; }
grep -q '^books: .*: OK$' "$WORK/closed.out" || { cat "$WORK/closed.out" >&2; fail "checkout books"; }
sales=$(sed -n 's/^sales: \([0-9]*\) .*/\1/p' "$WORK/closed.out")
[ "${sales:-0}" -gt 0 ] || fail "the closed loop sold nothing"
grep -q '^  checkout ' "$WORK/closed.out" || fail "no checkout latency line"
grep -q '^errors by status: none$' "$WORK/closed.out" || { cat "$WORK/closed.out" >&2; fail "errors"; }

# Open loop at 20 sales/s for 1 s: the schedule has 20 slots (0, 50, ... 950 ms), so at most 20
# sales, each also timed from when it was due.
"$BIN/http_load" --port "$port" --workload native --clients 2 --seconds 1 --rate 20 >"$WORK/open.out" ||
  { cat "$WORK/open.out" >&2; fail "http_load native --rate exited $?"; }
grep -q 'open loop at 20 operations/s offered' "$WORK/open.out" || fail "not an open loop"
grep -q '^books: .*: OK$' "$WORK/open.out" || { cat "$WORK/open.out" >&2; fail "native books"; }
sales=$(sed -n 's/^sales: \([0-9]*\) .*/\1/p' "$WORK/open.out")
[ "${sales:-0}" -ge 1 ] && [ "$sales" -le 20 ] || { cat "$WORK/open.out" >&2; fail "open loop sold $sales"; }
grep -q "^  sale@due   n=$sales " "$WORK/open.out" || { cat "$WORK/open.out" >&2; fail "no sale@due line"; }

# Bad flags are refused before anything is sent.
if "$BIN/http_load" --port "$port" --workload nope --clients 1 --seconds 1 >/dev/null 2>&1; then
  fail "an unknown workload was accepted"
fi
if "$BIN/http_load" --port "$port" --rate -5 --seconds 1 >/dev/null 2>&1; then
  fail "a negative rate was accepted"
fi

kill "$PID"
wait "$PID" 2>/dev/null || true
PID=""

verified=$("$BIN/posledger" verify --data "$WORK/ledger" | awk '$1 == "events" {print $2}')
counted=$("$BIN/ledger_size" --data "$WORK/ledger" --compact | awk '$1 == "ledger" {print $3}')
[ -n "$verified" ] && [ "$verified" = "$counted" ] ||
  fail "ledger_size counted ${counted:-nothing}, verify ${verified:-nothing}"
"$BIN/ledger_size" --data "$WORK/ledger" --compact | grep -q '^after a full compaction' ||
  fail "ledger_size --compact did not compact"
echo "bench_tools_test: OK ($verified events)"
