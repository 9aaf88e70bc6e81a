#!/usr/bin/env bash
# Records the incident that ships as examples/incident.sqlite3, from a real PostgreSQL:
# a throwaway server (initdb, pg_stat_statements), `logstag agent` recording every second
# into a fresh history file, and three minutes of a small shop's life:
#
#   0:00  normal traffic (orders read and written by a few clients)
#   0:30  a report query runs for 25 s (the slow query)
#   1:00  a session updates a hot row and stays idle in its transaction; three more queue
#         behind it: the blocking chain. "Blocked sessions" fires after 30 s, "Idle in
#         transaction" after 60 s
#   2:15  the holder rolls back: the chain dissolves, both alerts resolve
#   3:00  the recording stops
#
# Usage: tools/record-incident.sh [OUT]   (default examples/incident.sqlite3)
# Needs: PostgreSQL server binaries (PG_BIN, default /usr/lib/postgresql/15/bin), psql,
# runuser (when run as root, the server runs as the postgres user), a release build
# (built if missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$ROOT/examples/incident.sqlite3}")
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-54337}
WORK=$(mktemp -d /tmp/logstag-incident.XXXXXX)
chmod 755 "$WORK"
LOGSTAG="$ROOT/target/release/logstag"
AGENT_PID=""
LOAD_PIDS=()

say() { printf '[record-incident %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_() { psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

cleanup() {
    for pid in "${LOAD_PIDS[@]}" $AGENT_PID; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$LOGSTAG" ] || (cd "$ROOT" && cargo build --release)
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries in $PG_BIN (set PG_BIN)" >&2; exit 1; }

say "starting PostgreSQL on 127.0.0.1:$PORT"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start -o \
    "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements" >/dev/null
psql_ -d postgres -c "CREATE DATABASE shop" \
    -c "CREATE ROLE monitor LOGIN IN ROLE pg_monitor" \
    -c "CREATE ROLE web LOGIN" -c "CREATE ROLE reports LOGIN"
psql_ -d shop <<'SQL'
CREATE EXTENSION pg_stat_statements;
GRANT CONNECT ON DATABASE shop TO monitor;
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                     total numeric(10,2) NOT NULL, status text NOT NULL DEFAULT 'open',
                     created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE stock (sku text PRIMARY KEY, available int NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 2000) g;
INSERT INTO orders (customer_id, total, status)
    SELECT 1 + g % 2000, (g % 500) + 0.99, CASE WHEN g % 10 = 0 THEN 'shipped' ELSE 'open' END
    FROM generate_series(1, 200000) g;
INSERT INTO stock VALUES ('SKU-1', 100), ('SKU-2', 40);
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO web, reports;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO web;
ANALYZE;
SQL

rm -f "$OUT" "$OUT-wal" "$OUT-shm"
mkdir -p "$(dirname "$OUT")"
cat > "$WORK/logstag.toml" <<EOF
[agent]
high_frequency_interval = 1
medium_frequency_interval = 10
low_frequency_interval = 60
schema_frequency_interval = 60
update_check_enabled = false
log_file = "-"

[history]
path = "$OUT"
retention_hours = 24

[targets.shop-db]
db_engine = "postgresql"
db_host = "127.0.0.1"
db_port = $PORT
db_username = "monitor"
db_name = "shop"

[targets.shop-db.tls]
mode = "disable"
EOF
chmod 600 "$WORK/logstag.toml"

say "recording into $OUT"
"$LOGSTAG" agent --foreground -c "$WORK/logstag.toml" 2>"$WORK/agent.log" &
AGENT_PID=$!

# Normal traffic for the whole recording: a few clients reading and writing orders.
for client in 1 2 3; do
    (
        while true; do
            psql_ -U web -d shop -c "SELECT id, total FROM orders WHERE customer_id = $((RANDOM % 2000 + 1)) ORDER BY created_at DESC LIMIT 10" \
                -c "INSERT INTO orders (customer_id, total) VALUES ($((RANDOM % 2000 + 1)), 19.99)" >/dev/null 2>&1
            sleep 0.$((RANDOM % 5 + 2))
        done
    ) &
    LOAD_PIDS+=($!)
done

sleep 30
say "0:30 the slow report query"
psql_ -U reports -d shop -c "SELECT customer_id, count(*), sum(total), pg_sleep(25) IS NULL AS slow
                                FROM orders WHERE status = 'open' GROUP BY customer_id ORDER BY 3 DESC LIMIT 1" >/dev/null &
sleep 30

say "1:00 the blocking chain: an idle transaction holds SKU-1, three sessions queue behind it"
( { echo "BEGIN; UPDATE stock SET available = available - 1 WHERE sku = 'SKU-1';"; sleep 75; echo "ROLLBACK;"; } \
    | psql_ -U web -d shop >/dev/null ) &
HOLDER=$!
sleep 2
for n in 1 2 3; do
    psql_ -U web -d shop -c "UPDATE stock SET available = available - $n WHERE sku = 'SKU-1'" >/dev/null &
    sleep 1
done
wait "$HOLDER"
say "2:15 the holder rolled back"
sleep 45

say "3:00 stopping"
kill "$AGENT_PID"
wait "$AGENT_PID" || true
AGENT_PID=""
# One self-contained file: fold the WAL in, drop free pages.
sqlite3_vacuum() { python3 - "$OUT" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("VACUUM")
c.execute("PRAGMA journal_mode=DELETE")
c.close()
PY
}
sqlite3_vacuum
rm -f "$OUT.lock"
say "done: $(du -h "$OUT" | cut -f1) in $OUT; open it with: logstag replay $OUT"
