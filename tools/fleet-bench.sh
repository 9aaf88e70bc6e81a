#!/usr/bin/env bash
# fleet-bench.sh: what one Logstag process costs when it watches a fleet (issue 17's budget:
# 100 targets at the default tiers use < 3 % of one core and < 100 MB resident).
#
# Starts throwaway PostgreSQL 15 servers (pg_stat_statements preloaded) holding one database
# per PostgreSQL target (each with a small table; a light pgbench load on the first four) and
# one redis-server per Redis target (no RDB/AOF, 10k keys each, a light redis-benchmark loop
# over all of them). --pg-layout says how the PostgreSQL targets are laid out:
#   servers    (default) one small cluster per target, database "app": a fleet of servers,
#              what the budget is about
#   databases  ONE cluster with databases app01, app02, ...: every target is that same
#              server, so each one also reads what is cluster-wide (every database's schema,
#              pg_stat_statements of all databases, pg_stat_database): N targets do N times
#              the cluster's work, which grows with N too
# For each fleet size N (default 10, 50, 100: four fifths PostgreSQL, one fifth Redis) it
# writes a Logstag config with N targets (default tiers, a pg_monitor role, tags) and runs,
# one after the other:
#   agent  `logstag agent --config F --foreground`, with [prometheus] listen on a free port,
#          scraped every 15 s with curl as Prometheus would
#   tui    `logstag --config F --history H` in a detached tmux session (socket -L fleetbench),
#          switched to the Overview (key 1)
# Each gets WARMUP seconds, then a measured window of WINDOW seconds.
#
# Figures per run: CPU as a percent of one core over the window (utime+stime delta of the
# process, /proc/<pid>/stat, divided by the window) and in its busiest 15 s (sampled every
# 15 s into RESULTS/<mode>-<N>.series with VmRSS), RSS at the end (VmRSS) and peak (VmHWM),
# threads, the history file size (with its -wal), the TCP connections the process holds, the
# Redis servers that have a client besides the bench's own, the rows of pg_stat_statements
# on the first PostgreSQL server (what a target reads every medium round), the agent's
# /metrics size (lines, metric-agnostic) and how idle the machine was. A final table marks
# the budget (< 3 % of one core, peak RSS < 100 MB) ok / OVER for every row. It never
# asserts: the exit code is 0 unless the setup failed.
#
# Usage:
#   tools/fleet-bench.sh [options]
# Options:
#   --binary PATH      logstag binary (default: target/release/logstag of this repository)
#   --sizes LIST       fleet sizes, comma separated (default 10,50,100)
#   --modes LIST       agent,tui or one of them (default agent,tui)
#   --window S         measured window per run (default 180: at least two medium rounds)
#   --warmup S         seconds after start before the window opens (default 30)
#   --size COLSxROWS   tmux window of the TUI (default 200x50)
#   --pg-layout L      servers (default) or databases, see above
#   --statements K     servers layout: K more distinct statements in every server's
#                      pg_stat_statements (real servers have hundreds to thousands), run once in
#                      the template cluster and kept across its restart (default 0)
#   --results DIR      screens, logs, configs and summary.log (default /tmp/fleet-bench-results)
#
# Output: one line per run on stdout (also appended to RESULTS/summary.log), then the table;
# progress on stderr. Needs: PostgreSQL 15 (Debian's, or PGBIN), redis-server,
# redis-benchmark, redis-cli, tmux, curl, ss. Run as root (the cluster runs as OS user
# postgres) or as a user that may run initdb. Everything it starts is stopped on exit,
# Ctrl-C included, and its temporary directory is removed; RESULTS is kept.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=$REPO/target/release/logstag
SIZES=10,50,100
MODES=agent,tui
WINDOW=180
WARMUP=30
SIZE=200x50
LAYOUT=servers
STATEMENTS=0
RESULTS=/tmp/fleet-bench-results
TMUX_SOCK=fleetbench
MON_USER=monitor
MON_PASSWORD=fleet-bench
SCRAPE_EVERY=15
BUDGET_CPU_PCT=3
BUDGET_RSS_MB=100

log() { printf '[fleet-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- /proc

# utime+stime of the process, all its threads, in clock ticks (0 if it is gone)
proc_ticks() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo $((${12} + ${13}))
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# "idle total" jiffies of the whole machine
cpu_idle_total() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat; }

USED_PORTS=" "
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 20000))
        [[ $USED_PORTS == *" $p "* ]] && continue
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && continue
        USED_PORTS+="$p "
        echo "$p"
        return
    done
    die "no free port found"
}

# ---------------------------------------------------------------- state and cleanup

WORK=""
PG_DIRS=()    # started clusters
PG_PORTS=()
REDIS_PORTS=()
REDIS_PIDS=()
BG_PIDS=()    # load loops and the scraper
TOOL_PID=""
TOOL_MODE=""

as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_su() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$1" -U postgres "${@:2}"; }

stop_pid_and_children() {
    local p=$1 c
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}

stop_tool() {
    [[ -n $TOOL_PID ]] || return 0
    if [[ $TOOL_MODE == tui ]]; then
        tmux -L "$TMUX_SOCK" send-keys -t fleet q 2>/dev/null || true
        for _ in $(seq 1 30); do [[ -d /proc/$TOOL_PID ]] || break; sleep 0.1; done
    fi
    kill -TERM "$TOOL_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -d /proc/$TOOL_PID ]] || break; sleep 0.1; done
    kill -KILL "$TOOL_PID" 2>/dev/null || true
    wait "$TOOL_PID" 2>/dev/null || true
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
    TOOL_PID=""
}

cleanup() {
    set +e
    stop_tool
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
    local p
    for p in "${BG_PIDS[@]}"; do stop_pid_and_children "$p"; done
    for p in "${REDIS_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${REDIS_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    for p in "${PG_DIRS[@]}"; do as_pg "$PGBIN/pg_ctl" -D "$p" -m immediate -w -t 30 stop >/dev/null 2>&1; done
    [[ -n $WORK ]] && rm -rf "$WORK"
    log "cleaned up"
}

# ---------------------------------------------------------------- servers and load

# A cluster in DIR on PORT, not started. Small, since the servers layout runs one per target.
init_cluster() { # dir port max_connections shared_buffers
    mkdir -p "$1"; : >"$1.log"
    if [[ $EUID -eq 0 ]]; then chown postgres: "$1" "$1.log"; fi
    as_pg "$PGBIN/initdb" -D "$1" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    cat >>"$1/postgresql.conf" <<EOF
# ---- fleet-bench (throwaway cluster)
listen_addresses = '$HOST'
unix_socket_directories = ''
max_connections = $3
shared_buffers = $4
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
track_io_timing = on
synchronous_commit = off
port = $2
EOF
}

pg_start() { as_pg "$PGBIN/pg_ctl" -D "$1" -l "$1.log" "${@:2}" start >/dev/null; }
wait_ready() { # port: up to a minute
    for _ in $(seq 1 120); do
        "$PGBIN/pg_isready" -q -h "$HOST" -p "$1" && return 0
        sleep 0.5
    done
    return 1
}

# What every monitored database holds: pg_stat_statements, a small table; and the role.
prepare_cluster() { # port database...
    local port=$1 db; shift
    psql_su "$port" -d template1 >/dev/null <<EOF
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL, note text);
INSERT INTO items SELECT g, 0, md5(g::text) FROM generate_series(1, 1000) g;
VACUUM ANALYZE items;
EOF
    psql_su "$port" -d postgres >/dev/null <<EOF
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE ROLE $MON_USER LOGIN PASSWORD '$MON_PASSWORD' IN ROLE pg_monitor;
EOF
    for db in "$@"; do echo "CREATE DATABASE $db;"; done | psql_su "$port" -d postgres >/dev/null
}

# databases: one cluster, database appNN per target. servers: one cluster per target, each
# with one database "app" (copies of a prepared template cluster, started together).
start_postgres() { # targets
    local n=$1 i port dir
    if [[ $LAYOUT == databases ]]; then
        port=$(free_port)
        init_cluster "$WORK/pg1" "$port" $((n * 2 + 50)) 128MB
        pg_start "$WORK/pg1" -w -t 60
        PG_DIRS+=("$WORK/pg1"); PG_PORTS+=("$port")
        # shellcheck disable=SC2046
        prepare_cluster "$port" $(for i in $(seq 1 "$n"); do printf 'app%02d ' "$i"; done)
    else
        port=$(free_port)
        init_cluster "$WORK/pgtemplate" "$port" 20 16MB
        pg_start "$WORK/pgtemplate" -w -t 60
        PG_DIRS+=("$WORK/pgtemplate")
        prepare_cluster "$port" app
        if ((STATEMENTS > 0)); then fill_statements "$port" app; fi
        as_pg "$PGBIN/pg_ctl" -D "$WORK/pgtemplate" -m fast -w stop >/dev/null
        PG_DIRS=()
        for i in $(seq 1 "$n"); do
            dir=$WORK/pg$i
            port=$(free_port)
            cp -a "$WORK/pgtemplate" "$dir"
            cp -a "$WORK/pgtemplate.log" "$dir.log"
            echo "port = $port" >>"$dir/postgresql.conf"
            pg_start "$dir" -W
            PG_DIRS+=("$dir"); PG_PORTS+=("$port")
        done
        for i in "${!PG_PORTS[@]}"; do
            port=${PG_PORTS[$i]}
            wait_ready "$port" && continue
            # A free port picked early can be taken by another program (a test suite,
            # another bench) before the cluster binds it: once, on a new port.
            port=$(free_port)
            echo "port = $port" >>"${PG_DIRS[$i]}/postgresql.conf"
            pg_start "${PG_DIRS[$i]}" -W
            PG_PORTS[i]=$port
            wait_ready "$port" || die "PostgreSQL on $port did not start (log: ${PG_DIRS[$i]}.log)"
        done
    fi
    log "PostgreSQL $(psql_su "${PG_PORTS[0]}" -Atc 'SHOW server_version' -d postgres), layout $LAYOUT: $n databases on ${#PG_PORTS[@]} cluster(s)"
}

# K statements with distinct query ids: 25 shapes (columns x predicates) x IN lists of
# growing length; texts of about 60-300 characters.
fill_statements() { # port database
    local columns=("id" "qty" "note" "id + qty" "upper(note)") i shape len list c
    local preds=("id IN (%s)" "qty IN (%s)" "id IN (%s) AND qty >= 0" "note IS NOT NULL AND id IN (%s)" "id IN (%s) ORDER BY id")
    for i in $(seq 0 $((STATEMENTS - 1))); do
        shape=$((i % 25)); len=$((i / 25 + 1))
        list=$(seq -s, 1 "$len")
        # shellcheck disable=SC2059
        c=$(printf "${preds[$((shape / 5))]}" "$list")
        echo "SELECT ${columns[$((shape % 5))]} FROM items WHERE $c;"
    done | psql_su "$1" -d "$2" >/dev/null
    log "$(psql_su "$1" -d "$2" -Atc 'SELECT count(*) FROM pg_stat_statements') statements in pg_stat_statements of every server"
}

# target i (from 1): port and database
pg_port_of() { if [[ $LAYOUT == databases ]]; then echo "${PG_PORTS[0]}"; else echo "${PG_PORTS[$(($1 - 1))]}"; fi; }
pg_db_of() { if [[ $LAYOUT == databases ]]; then printf 'app%02d' "$1"; else echo app; fi; }

start_redis() { # servers
    local i port
    for i in $(seq 1 "$1"); do
        port=$(free_port)
        mkdir -p "$WORK/redis$i"
        redis-server --port "$port" --bind "$HOST" --save '' --appendonly no --dir "$WORK/redis$i" \
            --logfile "$WORK/redis$i/redis.log" --daemonize no >/dev/null 2>&1 &
        REDIS_PIDS+=($!)
        REDIS_PORTS+=("$port")
    done
    for port in "${REDIS_PORTS[@]}"; do
        for _ in $(seq 1 50); do
            [[ $(redis-cli -h "$HOST" -p "$port" ping 2>/dev/null) == PONG ]] && break
            sleep 0.1
        done
        [[ $(redis-cli -h "$HOST" -p "$port" ping 2>/dev/null) == PONG ]] || die "redis-server on $port did not start"
        redis-benchmark -h "$HOST" -p "$port" -q -n 10000 -c 4 -t set -r 10000 >/dev/null 2>&1
    done
    log "redis-server $(redis-server --version | awk '{print $3}') x $1 (ports ${REDIS_PORTS[*]})"
}

# A light steady load, so counters move: ~20 transactions/s over app01-app04, and a few
# hundred commands every couple of seconds on every Redis server.
start_load() {
    local i
    printf '\\set id random(1, 1000)\nUPDATE items SET qty = qty + 1 WHERE id = :id;\nSELECT note FROM items WHERE id = :id;\n' \
        >"$WORK/load.sql"
    for i in 1 2 3 4; do
        "$PGBIN/pgbench" -n -h "$HOST" -p "$(pg_port_of "$i")" -U postgres -f "$WORK/load.sql" -c 1 -R 5 -T 86400 \
            "$(pg_db_of "$i")" >"$WORK/pgbench$i.log" 2>&1 &
        BG_PIDS+=($!)
    done
    (
        while :; do
            for port in "${REDIS_PORTS[@]}"; do
                redis-benchmark -h "$HOST" -p "$port" -q -n 200 -c 1 -t get,set -r 10000 >/dev/null 2>&1 || true
            done
            sleep 2
        done
    ) &
    BG_PIDS+=($!)
}

# ---------------------------------------------------------------- config

ZONES=(eu-west us-east ap-south)
write_config() { # file mode pg redis history [prometheus_port]
    local file=$1 mode=$2 pg=$3 redis=$4 history=$5 prom=${6:-} i
    {
        echo "# fleet-bench: $pg PostgreSQL databases + $redis Redis servers, default tiers ($mode)"
        echo "[agent]"
        echo "log_level = \"info\""
        echo "update_check_enabled = false"
        echo "auto_install_updates = false"
        echo
        echo "[history]"
        echo "path = \"$history\""
        if [[ -n $prom ]]; then
            printf '\n[prometheus]\nlisten = "%s:%s"\n' "$HOST" "$prom"
        fi
        for i in $(seq 1 "$pg"); do
            printf '\n[targets.pg-%02d]\ndb_engine = "postgresql"\ndb_host = "%s"\ndb_port = %s\n' "$i" "$HOST" "$(pg_port_of "$i")"
            printf 'db_username = "%s"\ndb_password = "%s"\ndb_name = "%s"\n' "$MON_USER" "$MON_PASSWORD" "$(pg_db_of "$i")"
            printf '[targets.pg-%02d.meta]\ntags = ["%s", "%s", "postgresql"]\n' "$i" \
                "$( ((i % 4 == 0)) && echo staging || echo prod)" "${ZONES[$((i % 3))]}"
        done
        for i in $(seq 1 "$redis"); do
            printf '\n[targets.cache-%02d]\ndb_engine = "redis"\ndb_host = "%s"\ndb_port = %s\n' "$i" "$HOST" "${REDIS_PORTS[$((i - 1))]}"
            printf 'db_username = ""\ndb_password = ""\ndb_name = "0"\n'
            printf '[targets.cache-%02d.meta]\ntags = ["prod", "%s", "cache"]\n' "$i" "${ZONES[$((i % 3))]}"
        done
    } >"$file"
    chmod 600 "$file"
}

# ---------------------------------------------------------------- one run

# TCP connections the process holds (to servers; a scrape in flight would count too)
connections_of() { ss -Htnp state established 2>/dev/null | grep -c "pid=$1," || true; }

# Rows of pg_stat_statements the first PostgreSQL target reads each medium round
statements_rows() {
    psql_su "$(pg_port_of 1)" -d postgres -Atc "SELECT count(*) FROM pg_stat_statements" 2>/dev/null || echo "?"
}

# Redis servers (of the first $1) that have a client besides this query: the monitor.
redis_watched() {
    local n=0 i c
    for i in $(seq 0 $(($1 - 1))); do
        c=$(redis-cli -h "$HOST" -p "${REDIS_PORTS[$i]}" info clients 2>/dev/null | tr -d '\r' | awk -F: '$1 == "connected_clients" { print $2 }')
        if ((${c:-0} >= 2)); then n=$((n + 1)); fi
    done
    echo "$n"
}

SUMMARY=()
run_one() { # mode targets pg redis
    local mode=$1 n=$2 pg=$3 redis=$4 tag
    tag="$mode-$n"
    local cfg=$WORK/$tag.toml history=$WORK/$tag.sqlite3 prom="" scraper=""
    rm -f "$history"*
    if [[ $mode == agent ]]; then prom=$(free_port); fi
    write_config "$cfg" "$mode" "$pg" "$redis" "$history" "$prom"
    cp "$cfg" "$RESULTS/$tag.toml"
    log "$tag: $pg PostgreSQL + $redis Redis targets, warm-up ${WARMUP} s, window ${WINDOW} s"

    TOOL_MODE=$mode
    if [[ $mode == agent ]]; then
        "$BINARY" agent --config "$cfg" --foreground >"$RESULTS/$tag.log" 2>&1 &
        TOOL_PID=$!
        (
            while :; do
                sleep "$SCRAPE_EVERY"
                if curl -sf --max-time 10 "http://$HOST:$prom/metrics" -o "$WORK/scrape.txt"; then
                    echo "ok $(wc -l <"$WORK/scrape.txt") $(stat -c %s "$WORK/scrape.txt")"
                else
                    echo "failed 0 0"
                fi
            done >"$WORK/scrapes.log"
        ) &
        scraper=$!
        BG_PIDS+=("$scraper")
    else
        local cols=${SIZE%x*} rows=${SIZE#*x} conf=$WORK/tmux.conf
        printf 'set -g status off\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\nset -g history-limit 0\n' >"$conf"
        : >"$WORK/tty.out"
        rm -f "$WORK/logstag.log"
        tmux -L "$TMUX_SOCK" -f "$conf" new-session -d -s fleet -x "$cols" -y "$rows" -c "$WORK" \
            "exec $(printf '%q' "$BINARY") --config $(printf '%q' "$cfg") --history $(printf '%q' "$history")" \; \
            pipe-pane -o -t fleet "cat >> $(printf '%q' "$WORK/tty.out")"
        TOOL_PID=$(tmux -L "$TMUX_SOCK" display-message -p -t fleet '#{pane_pid}')
        # The fleet is looked at on the Overview (key 1), not one target's Activity.
        sleep 2
        tmux -L "$TMUX_SOCK" send-keys -t fleet 1 2>/dev/null || true
    fi
    sleep "$WARMUP"

    local t0 c0 idle0 tot0 t1 c1 idle1 tot1 status=ok
    t0=$(now); c0=$(proc_ticks "$TOOL_PID")
    read -r idle0 tot0 < <(cpu_idle_total)
    # RSS and CPU every 15 s, to see growth and per-round spikes
    local elapsed=0 step ct
    echo "# s cpu_ticks vmrss_kb" >"$RESULTS/$tag.series"
    while ((elapsed < WINDOW)); do
        step=$((WINDOW - elapsed < 15 ? WINDOW - elapsed : 15))
        sleep "$step"
        elapsed=$((elapsed + step))
        ct=$(proc_ticks "$TOOL_PID")
        echo "$elapsed $((ct - c0)) $(status_kb "$TOOL_PID" VmRSS)" >>"$RESULTS/$tag.series"
    done
    t1=$(now); c1=$(proc_ticks "$TOOL_PID")
    read -r idle1 tot1 < <(cpu_idle_total)
    [[ -d /proc/$TOOL_PID ]] || status=died
    local rss hwm threads conns pgss watched hist
    rss=$(status_kb "$TOOL_PID" VmRSS); hwm=$(status_kb "$TOOL_PID" VmHWM); threads=$(status_kb "$TOOL_PID" Threads)
    conns=$(connections_of "$TOOL_PID")
    pgss=$(statements_rows)
    watched=$(redis_watched "$redis")
    hist=$(cat "$history" "$history-wal" 2>/dev/null | wc -c)
    local extra=""
    if [[ $mode == agent ]]; then
        local scrapes_ok scrapes_failed lines
        scrapes_ok=$(grep -c '^ok' "$WORK/scrapes.log" || true)
        scrapes_failed=$(grep -c '^failed' "$WORK/scrapes.log" || true)
        lines=$(awk '$1 == "ok" { l = $2 } END { print l + 0 }' "$WORK/scrapes.log")
        extra=" scrapes=$scrapes_ok scrapes_failed=$scrapes_failed metrics_lines=$lines"
        if [[ -f $WORK/scrape.txt ]]; then cp "$WORK/scrape.txt" "$RESULTS/$tag.metrics"; fi
        stop_pid_and_children "$scraper"
    else
        tmux -L "$TMUX_SOCK" capture-pane -p -t fleet >"$RESULTS/$tag.screen" 2>/dev/null || true
        extra=" tty_kb_per_min=$(calc "$(stat -c %s "$WORK/tty.out") / 1024 * 60 / ($t1 - $t0)" 1)"
    fi
    # warnings and errors logged up to the end of the window (not those of stopping)
    local log_file=$RESULTS/$tag.log errors
    if [[ $mode == tui ]]; then log_file=$WORK/logstag.log; fi
    errors=$(grep -cE ' (WARN|ERROR) ' "$log_file" 2>/dev/null || true)
    stop_tool
    if [[ $mode == tui && -f $WORK/logstag.log ]]; then cp "$WORK/logstag.log" "$RESULTS/$tag.log"; fi

    local cpu_pct rss_mb hwm_mb
    cpu_pct=$(calc "100 * ($c1 - $c0) / $CLK_TCK / ($t1 - $t0)" 2)
    rss_mb=$(calc "${rss:-0} / 1024" 1)
    hwm_mb=$(calc "${hwm:-0} / 1024" 1)
    # the busiest 15 s slice of the window (the schema tier's first round, 2 min after start)
    local busiest
    busiest=$(awk -v hz="$CLK_TCK" '!/^#/ { d = ($2 - t) / ($1 - s); if (d > m) m = d; s = $1; t = $2 }
                                    END { printf "%.1f", 100 * m / hz }' "$RESULTS/$tag.series")
    local line="mode=$mode targets=$n pg=$pg redis=$redis cpu_pct=$cpu_pct busiest_15s_cpu_pct=$busiest rss_mb=$rss_mb peak_rss_mb=$hwm_mb"
    line+=" threads=${threads:-0} history_mb=$(calc "$hist / 1048576" 2) connections=$conns redis_watched=$watched/$redis pgss_rows=$pgss"
    line+="$extra log_warn_error_lines=${errors:-0} box_idle_pct=$(calc "100 * ($idle1 - $idle0) / ($tot1 - $tot0)" 0)"
    line+=" window_s=$(calc "$t1 - $t0" 0) status=$status"
    echo "$line"
    echo "$(date -Is) $line" >>"$RESULTS/summary.log"
    SUMMARY+=("$mode $n $cpu_pct $rss_mb $hwm_mb $(calc "$hist / 1048576" 1) $status")
}

print_table() {
    local verdict
    echo
    echo "| targets (PG + Redis) | process | CPU, % of one core | RSS at end | peak RSS | history | budget (< $BUDGET_CPU_PCT %, < $BUDGET_RSS_MB MB) |"
    echo "|---|---|---|---|---|---|---|"
    local mode n cpu rss hwm hist status
    for row in "${SUMMARY[@]}"; do
        read -r mode n cpu rss hwm hist status <<<"$row"
        verdict=$(awk -v c="$cpu" -v m="$hwm" -v bc="$BUDGET_CPU_PCT" -v bm="$BUDGET_RSS_MB" \
            'BEGIN { print (c < bc && m < bm) ? "ok" : "OVER" }')
        [[ $status == ok ]] || verdict="$verdict (process died)"
        echo "| $n ($((n - n / 5)) + $((n / 5))) | $mode | $cpu | $rss MB | $hwm MB | $hist MB | $verdict |"
    done
}

# ---------------------------------------------------------------- main

main() {
    while (($#)); do
        case $1 in
            --binary) BINARY=$2; shift 2 ;;
            --sizes) SIZES=$2; shift 2 ;;
            --modes) MODES=$2; shift 2 ;;
            --window) WINDOW=$2; shift 2 ;;
            --warmup) WARMUP=$2; shift 2 ;;
            --size) SIZE=$2; shift 2 ;;
            --pg-layout) LAYOUT=$2; shift 2 ;;
            --statements) STATEMENTS=$2; shift 2 ;;
            --results) RESULTS=$2; shift 2 ;;
            -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    [[ -x $BINARY ]] || die "no binary at $BINARY: run cargo build --release, or give --binary PATH"
    BINARY=$(realpath "$BINARY")
    local t
    for t in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" "$PGBIN/pgbench" redis-server redis-benchmark redis-cli tmux curl ss; do
        command -v "$t" >/dev/null || die "missing: $t"
    done
    ((WINDOW >= 15)) || die "--window must be at least 15 s"
    local -a sizes modes
    IFS=, read -ra sizes <<<"$SIZES"
    IFS=, read -ra modes <<<"$MODES"
    local max=0 n
    for n in "${sizes[@]}"; do
        if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 5)); then die "fleet sizes must be whole numbers of at least 5: $n"; fi
        if ((n > max)); then max=$n; fi
    done
    mkdir -p "$RESULTS"
    WORK=$(mktemp -d /tmp/fleet-bench.XXXXXX)
    chmod 755 "$WORK"
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    log "binary $BINARY ($("$BINARY" --version 2>/dev/null || echo '?')), results in $RESULTS"
    [[ $LAYOUT == servers || $LAYOUT == databases ]] || die "--pg-layout is servers or databases"
    start_postgres $((max - max / 5))
    start_redis $((max / 5))
    start_load
    local mode
    for n in "${sizes[@]}"; do
        for mode in "${modes[@]}"; do
            case $mode in
                agent | tui) run_one "$mode" "$n" $((n - n / 5)) $((n / 5)) ;;
                *) die "unknown mode: $mode (agent, tui)" ;;
            esac
        done
    done
    print_table | tee -a "$RESULTS/summary.log"
}

main "$@"
