#!/usr/bin/env bash
# posledger vs the reference design's checkout on PostgreSQL 15, in one run, on this machine.
#
#   bench/side_by_side.sh                  # CLIENTS="1 8 32 64" SECONDS_EACH=20
#   CLIENTS="8" SECONDS_EACH=5 bench/side_by_side.sh
#
# 1. A throw-away PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only
#    (the settings of ../shared/pg-baseline/setup_pg.sh), with the baseline's schema and seed
#    (bench/pg/, copied from that baseline). For each client count, pgbench runs the checkout
#    transaction alone on pre-created 3-line carts (REPEATABLE READ, guarded stock updates, no
#    retry: pg-baseline's co_uniform), then the same with every cart on the same 5 products of
#    one branch (co_hot). Durable commits (synchronous_commit on, fsync on).
# 2. A throw-away posledger ledger (demo data), `posledger serve` on 127.0.0.1, and
#    bench/http_load at the same client counts: checkout (cart/add x 3 + checkout over HTTP),
#    native (one /api/v1/commands sale) and hot (5 SKUs). Durable commits (fsync per batch).
# 3. One table with both and the ratios. The baseline measures the database transaction only:
#    no HTTP, no application server, no cart building (the reference's Node/Prisma overhead is
#    not in it), so it flatters the reference; posledger's figures include HTTP, JSON and the
#    cart requests.
#
# Everything stays on loopback and is bounded in time; both servers and their data are removed
# at the end. Needs root (PostgreSQL runs as the postgres user) and the release build
# (./run.sh build); installs postgresql-15 when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-"1 8 32 64"}
SECONDS_EACH=${SECONDS_EACH:-20}
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${PGPORT:-5499}
POSPORT=${POSPORT:-3999}
BIN=./build/release

[ -x "$BIN/posledger" ] && [ -x "$BIN/http_load" ] || { echo "build first: ./run.sh build" >&2; exit 2; }
if [ ! -x "$PGBIN/postgres" ] || [ ! -x "$PGBIN/pgbench" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi

WORK=$(mktemp -d /tmp/side_by_side.XXXXXX)
chown postgres "$WORK"
PGDATA=$WORK/pg
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -f "$PGDATA/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

as_pg() { runuser -u postgres -- "$@"; }
export PGOPTIONS="-c client_min_messages=warning"  # no NOTICEs from the schema's DROP IF EXISTS
psql_bench() { as_pg "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -d posbench -v ON_ERROR_STOP=1 "$@"; }

echo "== PostgreSQL: throw-away cluster in $PGDATA on 127.0.0.1:$PGPORT"
as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/pg.log" -w start -o "-p $PGPORT -k $WORK \
  -c listen_addresses=127.0.0.1 -c max_connections=150 -c shared_buffers=2GB \
  -c effective_cache_size=12GB -c work_mem=16MB -c maintenance_work_mem=512MB \
  -c wal_buffers=16MB -c max_wal_size=8GB -c min_wal_size=1GB -c checkpoint_timeout=15min \
  -c checkpoint_completion_target=0.9 -c random_page_cost=1.1" >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" posbench
psql_bench -f bench/pg/schema.sql >/dev/null
psql_bench -f bench/pg/seed.sql >/dev/null
cat bench/pg/checkout_pick.pgbench bench/pg/checkout_tx.pgbench bench/pg/checkout_advance.pgbench \
  > "$WORK/checkout_only.pgbench"
chown postgres "$WORK/checkout_only.pgbench"

# pgbench's TPS of the checkout-only transaction: $1 clients, $2 products in the pool, $3 the
# fixed branch (0: each cashier's own).
pg_run() {
  local clients=$1 nprod=$2 branch=$3
  local per=$(( (60000 + clients - 1) / clients ))
  [ "$nprod" -le 5 ] && per=$(( (20000 + clients - 1) / clients ))
  psql_bench -f bench/pg/reset.sql >/dev/null
  psql_bench -v clients="$clients" -v per_client="$per" -v nprod="$nprod" -v fixed_branch="$branch" \
    -f bench/pg/prep_carts.sql >/dev/null
  psql_bench -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  (cd "$WORK" && timeout $((SECONDS_EACH + 120)) runuser -u postgres -- "$PGBIN/pgbench" -n \
     -h 127.0.0.1 -p "$PGPORT" -f checkout_only.pgbench -c "$clients" -j 2 -T "$SECONDS_EACH" \
     -M prepared --max-tries=1 -D nprod="$nprod" -D fixed_branch="$branch" -D lock_order=0 \
     -D k=1 posbench 2>&1) > "$WORK/pgbench.out" || true
  local bad
  bad=$(psql_bench -A -F' ' -t -f bench/pg/post_check.sql |
        awk '$1 ~ /negative_stock_rows|stock_mismatch_rows|sales_without_payment|sales_not_3_items/ && $2 != 0' | wc -l)
  [ "$bad" -eq 0 ] || { echo "PostgreSQL run failed its consistency checks" >&2; exit 1; }
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.out" | head -1 | awk '{ printf "%.1f", $1 }'
}

declare -A pg_uniform pg_hot ours_checkout ours_native ours_hot
for c in $CLIENTS; do
  pg_uniform[$c]=$(pg_run "$c" 2000 0)
  pg_hot[$c]=$(pg_run "$c" 5 1)
  echo "   $c clients: checkout ${pg_uniform[$c]} TPS, hot ${pg_hot[$c]} TPS"
done
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null

echo "== posledger: throw-away ledger in $WORK/ledger on 127.0.0.1:$POSPORT"
RATE_LIMIT_PER_MIN=100000000 RATE_LIMIT_LOGIN_PER_MIN=1000000 \
  "$BIN/posledger" serve --demo --data "$WORK/ledger" --port "$POSPORT" --listen 127.0.0.1 \
  > "$WORK/serve.out" 2>/dev/null &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/serve.out" || { echo "posledger did not start" >&2; exit 1; }

# http_load's sales/s; a run whose books do not balance stops the comparison.
ours_run() {
  local workload=$1 clients=$2
  "$BIN/http_load" --port "$POSPORT" --workload "$workload" --clients "$clients" \
    --seconds "$SECONDS_EACH" > "$WORK/load.out" || { cat "$WORK/load.out" >&2; exit 1; }
  sed -n 's/^sales: [0-9]* (\([0-9.]*\) sales\/s.*/\1/p' "$WORK/load.out"
}
for c in $CLIENTS; do
  ours_checkout[$c]=$(ours_run checkout "$c")
  ours_native[$c]=$(ours_run native "$c")
  ours_hot[$c]=$(ours_run hot "$c")
  echo "   $c clients: checkout ${ours_checkout[$c]}, native ${ours_native[$c]}, hot ${ours_hot[$c]} sales/s"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
echo
echo "Checkouts per second, $SECONDS_EACH s per cell, $(nproc) cores, durable commits on both sides."
echo "PostgreSQL = the checkout transaction alone (no HTTP, no app server, no cart building): it flatters the reference."
echo
echo "| clients | PostgreSQL checkout TPS | posledger checkout over HTTP | ratio | posledger native sale | ratio | PostgreSQL hot TPS | posledger hot | ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $CLIENTS; do
  echo "| $c | ${pg_uniform[$c]} | ${ours_checkout[$c]} | $(ratio "${ours_checkout[$c]}" "${pg_uniform[$c]}") | ${ours_native[$c]} | $(ratio "${ours_native[$c]}" "${pg_uniform[$c]}") | ${pg_hot[$c]} | ${ours_hot[$c]} | $(ratio "${ours_hot[$c]}" "${pg_hot[$c]}") |"
done
