#!/usr/bin/env bash
# mysql-bench.sh: measure what a MySQL/MariaDB terminal monitor costs, on both sides.
#
# Client side: CPU seconds (utime+stime, children included) and peak RSS (VmHWM)
# of the monitor process tree while it refreshes every second for DURATION s.
# Server side: performance_schema totals of the monitor's own statements
# (events_statements_summary_by_user_by_event_name: SUM_TIMER_WAIT, COUNT_STAR),
# filtered by the dedicated user it logs in as (one user per tool), the
# connections that user opened (performance_schema.users TOTAL_CONNECTIONS) and
# the CPU of the server threads serving its live connections.
#
# A throwaway MariaDB (the one on PATH: mariadbd, mariadb-install-db) is created
# on first use under $MYSQL_BENCH_DIR (default /tmp/mysql-bench): datadir data/,
# TCP on 127.0.0.1:$MYSQL_BENCH_PORT (default 33069) plus its own socket
# mysqld.sock, performance_schema on with the statement digest consumer. Users:
# monitor_logstag, monitor_dolphie, monitor_mytop (and monitor_<name> for any
# other --name), each with PROCESS, REPLICATION CLIENT, SELECT ON *.*; bench_load
# for the background sessions. The harness (root over the socket) and bench_load
# are not instrumented (setup_actors), so the statement digest table holds only
# the monitor's statements during a run. On MariaDB 10.5+ REPLICATION CLIENT is
# only BINLOG MONITOR: SHOW [ALL] SLAVE(S) STATUS needs SLAVE MONITOR and SHOW
# SLAVE HOSTS needs REPLICATION MASTER ADMIN, so the presets add what their tool
# runs (--grant): dolphie both, mytop SLAVE MONITOR; server_errors shows failures.
#
# Each run starts a steady load (perl feeding mariadb clients a sysbench-like
# read/write transaction on bench.sbtest1 at a fixed total rate) plus idle
# sessions, idle-in-transaction sessions, --active sessions inside SELECT SLEEP(),
# one session holding a row lock and --waiters sessions blocked on it, so that the
# processlist has about --sessions client rows. Then it starts the monitor in a
# private tmux server and stops it with the key q, then SIGTERM, then SIGKILL.
#
# Usage:
#   mysql-bench.sh [options] dolphie            # preset
#   mysql-bench.sh [options] mytop              # preset
#   mysql-bench.sh [options] -- CMD [ARGS...]   # any monitor; placeholders
#        {host} {port} {user} {password} {socket} {db} {url} are substituted in
#        every arg ({url} = mysql://user:password@host:port/db)
#   mysql-bench.sh setup | start | stop | status
#
# Example: mysql-bench.sh --runs 2 --wait-idle 70 --name logstag -- \
#              target/release/logstag --refresh 1 --history /tmp/h.sqlite3 '{url}'
#
# Runs as root (mariadbd --user=root). Environment: MYSQL_BENCH_DIR,
# MYSQL_BENCH_PORT (default 33069), MYSQL_BENCH_PASSWORD (of the monitor users,
# default bench-pw), DOLPHIE_BIN (default $MYSQL_BENCH_DIR/venv/bin/dolphie),
# MYTOP_BIN (default mytop). Tools, once:
#   python3 -m venv /tmp/mysql-bench/venv && /tmp/mysql-bench/venv/bin/pip install dolphie
#   apt-get install -y mariadb-client libdbd-mariadb-perl libterm-readkey-perl   # mytop
#
# Options:
#   --name NAME        tool name in the summary line and the user monitor_NAME
#                      (default: preset or basename of CMD)
#   --runs N           measured runs, one summary line each (default 1)
#   --duration S       seconds the monitor runs (default 60)
#   --sessions N       client sessions to hold open, load included (default 100)
#   --load-clients N   load clients (default 40)
#   --rate TPS         total load rate in transactions/s (default 400)
#   --active N         sessions inside SELECT SLEEP() (active, cost nothing) (default 1)
#   --waiters N        sessions blocked on the held row lock (default 1)
#   --db NAME          database the monitor connects to (default bench)
#   --user USER        user the monitor logs in as (default monitor_NAME, created if missing)
#   --grant PRIVS      privileges given to that user on top of PROCESS, REPLICATION CLIENT, SELECT
#                      ON *.* (default: dolphie "SLAVE MONITOR, REPLICATION MASTER ADMIN",
#                      mytop "SLAVE MONITOR", others none; "" for none)
#   --size COLSxROWS   tmux window size (default 200x50)
#   --results DIR      where screens and query breakdowns go (default $MYSQL_BENCH_DIR/results)
#   --keep-server      leave the server running when done (default: stop it if this run started it)
#   --wait-idle PCT    before each run, wait (at most 10 min) until the machine is at least PCT %
#                      idle over 5 s, so a shared box's other jobs disturb the figures less (default 0)
#
# Output: one line per run on stdout, everything else on stderr:
#   tool=<name> cpu_s=<x> cpu_pct=<x> steady_cpu_pct=<x> rss_mb=<x> server_ms=<x> server_calls=<n> \
#     conns=<n> box_idle_pct=<x> status=<ok|died> server_errors=<n> thread_cpu_s=<x> sessions=<n> \
#     tty_kb=<x> wall_s=<x> load_tps=<x>
# cpu_pct is percent of one core over the whole run (startup included);
# steady_cpu_pct leaves out the first 10 s. server_ms and server_calls: sum of
# SUM_TIMER_WAIT (picoseconds, shown in ms: wall time inside the server, so it
# grows when the box is busy) and COUNT_STAR over the user's rows of
# events_statements_summary_by_user_by_event_name, truncated just before the
# monitor starts (statement/com/* such as Quit, Ping, Init DB included);
# conns: growth of TOTAL_CONNECTIONS in performance_schema.users; thread_cpu_s:
# utime+stime of the mariadbd threads (THREAD_OS_ID) of the user's connections
# still open at the end (thread_cache_size=0, so each connection has a fresh
# thread; connections closed during the window are not counted); sessions: client
# rows in the processlist at the end (the harness's own left out); tty_kb: what
# the monitor wrote to its terminal; box_idle_pct: the machine's idle CPU during
# the window (low = noisy run); load_tps: Com_commit per second during the window.
set -euo pipefail

BENCH_DIR=${MYSQL_BENCH_DIR:-/tmp/mysql-bench}
PORT=${MYSQL_BENCH_PORT:-33069}
MON_PASSWORD=${MYSQL_BENCH_PASSWORD:-bench-pw}
DOLPHIE_BIN=${DOLPHIE_BIN:-$BENCH_DIR/venv/bin/dolphie}
MYTOP_BIN=${MYTOP_BIN:-mytop}
HOST=127.0.0.1
DATADIR=$BENCH_DIR/data
SOCK=$BENCH_DIR/mysqld.sock
PIDFILE=$BENCH_DIR/mysqld.pid
ERRLOG=$BENCH_DIR/mysqld.err
CNF=$BENCH_DIR/my.cnf
TMUX_SOCK=mysql-bench-$PORT
MAX_CONNECTIONS=600
LOAD_USER=bench_load
LOAD_PASSWORD=bench-load-pw
TABLE_ROWS=100000
GRANTS="PROCESS, REPLICATION CLIENT, SELECT"

NAME=""
RUNS=1
DURATION=60
SESSIONS=100
LOAD_CLIENTS=40
RATE=400
ACTIVE=1
WAITERS=1
DB=bench
MON_USER=""
EXTRA_GRANTS="-" # "-": the preset's
SIZE=200x50
RESULTS=""
KEEP_SERVER=0
WAIT_IDLE=0
WARMUP=5
STEADY_FROM=10

log() { printf '[mysql-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

sql() { mariadb --no-defaults -S "$SOCK" -u root --batch --skip-column-names "$@"; }
sql_table() { mariadb --no-defaults -S "$SOCK" -u root --table "$@"; }

# ---------------------------------------------------------------- server

server_running() { mariadb-admin --no-defaults -S "$SOCK" -u root --connect-timeout=2 ping >/dev/null 2>&1; }

port_busy() { ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; }

write_config() {
    cat >"$CNF" <<EOF
# mysql-bench: throwaway benchmark server, written by tools/mysql-bench.sh
[mariadbd]
datadir = $DATADIR
socket = $SOCK
port = $PORT
bind-address = $HOST
pid-file = $PIDFILE
log-error = $ERRLOG
skip-name-resolve
max_connections = $MAX_CONNECTIONS
# a fresh thread per connection, so a thread's CPU belongs to one connection
thread_cache_size = 0
innodb_buffer_pool_size = 256M
innodb_flush_log_at_trx_commit = 2
performance_schema = ON
performance-schema-consumer-events-statements-current = ON
performance-schema-consumer-statements-digest = ON
performance-schema-instrument = 'statement/%=ON'
# not instrumented: the harness (root) and the background sessions, see init.sql
init-file = $BENCH_DIR/init.sql
EOF
    cat >"$BENCH_DIR/init.sql" <<EOF
INSERT INTO performance_schema.setup_actors (HOST, USER, ROLE, ENABLED, HISTORY)
  VALUES ('%', 'root', '%', 'NO', 'NO'), ('%', '$LOAD_USER', '%', 'NO', 'NO');
EOF
}

init_server() {
    log "mariadb-install-db in $DATADIR (port $PORT)"
    mkdir -p "$BENCH_DIR"
    write_config
    mariadb-install-db --no-defaults --user=root --datadir="$DATADIR" --auth-root-authentication-method=socket \
        --skip-test-db >"$BENCH_DIR/install-db.log" 2>&1 || { tail -20 "$BENCH_DIR/install-db.log" >&2; die "mariadb-install-db failed"; }
}

start_server() {
    if server_running; then return 0; fi
    [[ -d $DATADIR/mysql ]] || { port_busy && die "port $PORT is already in use by something else"; init_server; }
    port_busy && die "port $PORT is already in use by something else"
    write_config
    log "starting mariadbd on $HOST:$PORT (socket $SOCK)"
    setsid mariadbd --defaults-file="$CNF" --user=root </dev/null >>"$BENCH_DIR/mysqld.out" 2>&1 &
    for _ in $(seq 1 60); do
        server_running && break
        sleep 0.5
    done
    server_running || { tail -20 "$ERRLOG" >&2; die "mariadbd did not start"; }
    STARTED_SERVER=1
    setup_data
}

stop_server() {
    server_running || return 0
    log "stopping mariadbd"
    local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
    mariadb-admin --no-defaults -S "$SOCK" -u root shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 120); do
        [[ -n $pid && -d /proc/$pid ]] || break
        sleep 0.5
    done
}

# monitor_<name>, lower-cased, other characters as _
user_for() { local u; u=$(printf '%s' "monitor_$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n' '_'); printf '%s' "${u:0:80}"; }

# ensure_user USER [EXTRA_PRIVILEGES]: exactly the base grants plus the extra ones
ensure_user() {
    local privs=$GRANTS
    [[ -n ${2:-} ]] && privs+=", $2"
    sql -e "CREATE USER IF NOT EXISTS '$1'@'%' IDENTIFIED BY '$MON_PASSWORD';
            REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$1'@'%';
            GRANT $privs ON *.* TO '$1'@'%';"
}

# Idempotent: users, bench.sbtest1 (sysbench-like), bench.lockdemo.
setup_data() {
    [[ -f $BENCH_DIR/.data-ready ]] && return 0
    log "creating users, database bench, table sbtest1 ($TABLE_ROWS rows) and lockdemo"
    local u
    for u in monitor_logstag monitor_dolphie monitor_mytop; do ensure_user "$u"; done
    sql >/dev/null <<EOF
CREATE USER IF NOT EXISTS '$LOAD_USER'@'%' IDENTIFIED BY '$LOAD_PASSWORD';
GRANT ALL ON bench.* TO '$LOAD_USER'@'%';
CREATE DATABASE IF NOT EXISTS bench;
USE bench;
CREATE TABLE IF NOT EXISTS bench.sbtest1 (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  k INT NOT NULL DEFAULT 0,
  c CHAR(120) NOT NULL DEFAULT '',
  pad CHAR(60) NOT NULL DEFAULT '',
  KEY k_1 (k)
) ENGINE=InnoDB;
INSERT IGNORE INTO bench.sbtest1 (id, k, c, pad)
  SELECT seq, FLOOR(1 + RAND() * $TABLE_ROWS), SHA2(seq, 384), SHA2(-seq, 224) FROM seq_1_to_$TABLE_ROWS;
CREATE TABLE IF NOT EXISTS bench.lockdemo (id INT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB;
INSERT IGNORE INTO bench.lockdemo VALUES (1, NULL);
ANALYZE TABLE bench.sbtest1, bench.lockdemo;
EOF
    touch "$BENCH_DIR/.data-ready"
    log "data ready"
}

# ---------------------------------------------------------------- /proc helpers

CLK_TCK=$(getconf CLK_TCK)

# utime+stime+cutime+cstime in clock ticks (0 if the process is gone)
proc_ticks() {
    local s
    s=$(cat "$1/stat" 2>/dev/null) || { echo 0; return; }
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo $((${12} + ${13} + ${14} + ${15}))
}

# the pid and all its live descendants
proc_tree() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            keep[root] = 1; print root; changed = 1
            while (changed) {
                changed = 0
                for (i in pids) { p = pids[i]
                    if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; changed = 1 } }
            }
        }'
}

tree_ticks() {
    local total=0 p
    for p in $(proc_tree "$1"); do total=$((total + $(proc_ticks "/proc/$p"))); done
    echo "$total"
}

tree_hwm_kb() {
    local total=0 p v
    for p in $(proc_tree "$1"); do
        v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# "idle total" jiffies of the whole machine, from the first line of /proc/stat
cpu_idle_total() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat; }

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# ---------------------------------------------------------------- background sessions

BG_PIDS=()
TMUX_UP=0
STARTED_SERVER=0

# One perl process holds every background session: each is a mariadb client fed
# through a pipe (so idle ones really sit in "Sleep"); the load clients get one
# sysbench-like transaction at a time, round robin, at a fixed total rate.
write_bg_driver() {
    cat >"$BENCH_DIR/bg-driver.pl" <<'PERL'
use strict;
use warnings;
use Time::HiRes qw(time sleep);
use IO::Handle;

my ($host, $port, $user, $pw, $db, $secs, $nload, $rate, $nidle, $niit, $nactive, $nwait, $rows) = @ARGV;
my @kids;
$SIG{TERM} = $SIG{INT} = sub { kill 'TERM', @kids; exit 0 };
$SIG{PIPE} = 'IGNORE';
open(STDOUT, '>', '/dev/null') or die "stdout: $!";    # the clients' result rows; errors stay on stderr

sub client {
    my $pid = open(my $fh, '|-', 'mariadb', '--no-defaults', "--host=$host", "--port=$port", "--user=$user",
        "--password=$pw", '--batch', '--silent', '--force', $db) or die "mariadb: $!";
    $fh->autoflush(1);
    push @kids, $pid;
    return $fh;
}

my @keep;
my $end = time + $secs;
for (1 .. $nidle) { my $fh = client(); print $fh "SELECT 1;\n"; push @keep, $fh }
for my $i (1 .. $niit) {
    my $fh = client();
    print $fh "BEGIN; SELECT k FROM sbtest1 WHERE id = $i;\n";
    push @keep, $fh;
}
my $holder = client();
print $holder "BEGIN; UPDATE lockdemo SET note = 'held' WHERE id = 1;\n";
push @keep, $holder;
sleep 1;
for (1 .. $nwait) {
    my $fh = client();
    print $fh "SET SESSION innodb_lock_wait_timeout = 100000; UPDATE lockdemo SET note = 'waiting' WHERE id = 1;\n";
    push @keep, $fh;
}
for (1 .. $nactive) { my $fh = client(); print $fh "SELECT SLEEP($secs);\n"; push @keep, $fh }

my @load = map { client() } 1 .. $nload;
my $pad = 'x' x 60;
my $period = 1.0 / $rate;
my $next = time;
my $i = 0;
while ($nload > 0 && time < $end) {
    my ($a, $b, $c, $d, $e, $f) = map { 1 + int(rand($rows)) } 1 .. 6;
    $c = $rows - 100 if $c > $rows - 100;
    my $c2 = $c + 99;
    my $k = 1 + int(rand($rows));
    my $txt = sprintf('%08d-%08d', $a, $i);
    print { $load[$i % $nload] }
        "BEGIN; SELECT c FROM sbtest1 WHERE id = $a; SELECT c FROM sbtest1 WHERE id = $b; "
      . "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN $c AND $c2; UPDATE sbtest1 SET k = k + 1 WHERE id = $d; "
      . "UPDATE sbtest1 SET c = '$txt' WHERE id = $e; DELETE FROM sbtest1 WHERE id = $f; "
      . "INSERT INTO sbtest1 (id, k, c, pad) VALUES ($f, $k, '$txt', '$pad'); COMMIT;\n";
    $i++;
    $next += $period;
    my $wait = $next - time;
    if ($wait > 0) { sleep $wait } elsif ($wait < -1) { $next = time }    # fell behind: do not burst
}
my $left = $end - time;
sleep $left if $left > 0;
kill 'TERM', @kids;
PERL
}

start_background() {
    local secs=$1 idle iit
    iit=$((SESSIONS / 10))
    ((iit < 10)) && iit=10
    idle=$((SESSIONS - LOAD_CLIENTS - iit - 1 - WAITERS - ACTIVE))
    ((idle < 0)) && idle=0
    write_bg_driver
    log "background: load $LOAD_CLIENTS clients at $RATE tx/s, $idle idle, $iit idle in transaction, $ACTIVE in SLEEP(), 1 lock holder + $WAITERS waiting"
    timeout -k 5 $((secs + 30)) perl "$BENCH_DIR/bg-driver.pl" "$HOST" "$PORT" "$LOAD_USER" "$LOAD_PASSWORD" bench \
        "$secs" "$LOAD_CLIENTS" "$RATE" "$idle" "$iit" "$ACTIVE" "$WAITERS" "$TABLE_ROWS" >"$BENCH_DIR/bg-driver.log" 2>&1 &
    BG_PIDS+=($!)
}

# Sessions of our background clients that outlive them: one inside SLEEP() or
# blocked on a lock does not notice that its client is gone.
terminate_leftovers() {
    local ids id
    for _ in $(seq 1 20); do
        ids=$(sql -e "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '$LOAD_USER'" 2>/dev/null) || return 0
        [[ -z $ids ]] && return 0
        for id in $ids; do sql -e "KILL CONNECTION $id" >/dev/null 2>&1 || true; done
        sleep 0.5
    done
    log "warning: background sessions still there after 10 s"
}

stop_background() {
    local p
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    BG_PIDS=()
    terminate_leftovers
}

cleanup() {
    set +e
    if ((TMUX_UP)); then tmux -L "$TMUX_SOCK" kill-server 2>/dev/null; TMUX_UP=0; fi
    if ((${#BG_PIDS[@]})); then stop_background; fi
    if ((STARTED_SERVER)) && ((!KEEP_SERVER)); then stop_server; fi
}

# ---------------------------------------------------------------- one measured run

subst() { # replace placeholders in one argument
    local a=$1
    a=${a//\{host\}/$HOST}
    a=${a//\{port\}/$PORT}
    a=${a//\{user\}/$MON_USER}
    a=${a//\{password\}/$MON_PASSWORD}
    a=${a//\{socket\}/$SOCK}
    a=${a//\{db\}/$DB}
    a=${a//\{url\}/mysql://$MON_USER:$MON_PASSWORD@$HOST:$PORT/$DB}
    printf '%s' "$a"
}

wait_for_idle() {
    ((WAIT_IDLE > 0)) || return 0
    local deadline=$((SECONDS + 600)) i0 t0 i1 t1 pct
    while :; do
        read -r i0 t0 < <(cpu_idle_total); sleep 5; read -r i1 t1 < <(cpu_idle_total)
        pct=$(((i1 - i0) * 100 / (t1 - t0)))
        ((pct >= WAIT_IDLE)) && { log "machine ${pct}% idle"; return 0; }
        ((SECONDS >= deadline)) && { log "warning: machine still only ${pct}% idle after 10 min; running anyway"; return 0; }
        log "machine only ${pct}% idle, waiting for >= ${WAIT_IDLE}%"
    done
}

# the monitor still runs in its pane (the pane stays after exit: remain-on-exit)
pane_alive() {
    [[ -d /proc/$1 ]] && [[ $(tmux -L "$TMUX_SOCK" display-message -p -t mon '#{pane_dead}' 2>/dev/null) == 0 ]]
}

user_totals() { # "calls ps errors" of the monitor user
    sql -e "SELECT COALESCE(SUM(COUNT_STAR), 0), COALESCE(SUM(SUM_TIMER_WAIT), 0), COALESCE(SUM(SUM_ERRORS), 0)
              FROM performance_schema.events_statements_summary_by_user_by_event_name WHERE USER = '$MON_USER'"
}

user_conns() {
    local n
    n=$(sql -e "SELECT TOTAL_CONNECTIONS FROM performance_schema.users WHERE USER = '$MON_USER'")
    echo "${n:-0}"
}

# utime+stime ticks of the mariadbd threads serving the user's open connections
user_thread_ticks() {
    local mpid=$1 total=0 tid
    for tid in $(sql -e "SELECT THREAD_OS_ID FROM performance_schema.threads
                          WHERE PROCESSLIST_USER = '$MON_USER' AND THREAD_OS_ID IS NOT NULL"); do
        total=$((total + $(proc_ticks "/proc/$mpid/task/$tid")))
    done
    echo "$total"
}

run_once() {
    local run=$1; shift
    wait_for_idle
    local tag
    tag="$NAME-$(date +%Y%m%d-%H%M%S)-run$run"
    local cmd="" a
    for a in "$@"; do cmd+=" $(printf '%q' "$(subst "$a")")"; done
    cmd=${cmd# }

    terminate_leftovers
    start_background $((WARMUP + DURATION + 40))

    # wait (bounded) until the sessions are there, then let the load settle
    local want=$((SESSIONS * 95 / 100)) have=0
    for _ in $(seq 1 60); do
        have=$(sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '$LOAD_USER'") || have=0
        ((have >= want)) && break
        sleep 0.5
    done
    ((have >= want)) || log "warning: only $have client sessions (wanted ~$SESSIONS)"
    local others
    others=$(sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST
                      WHERE USER NOT IN ('$LOAD_USER', 'root', 'system user', 'event_scheduler', 'unauthenticated user')")
    ((others == 0)) || log "warning: $others other client sessions are connected"
    sleep "$WARMUP"

    # ---- window start
    local mysqld_pid com0 com1
    mysqld_pid=$(cat "$PIDFILE")
    com0=$(sql -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_COMMIT'")
    local conns0; conns0=$(user_conns)
    sql -e "TRUNCATE performance_schema.events_statements_summary_by_user_by_event_name;
            TRUNCATE performance_schema.events_statements_summary_by_digest;"
    local calls0 ps0 err0
    read -r calls0 ps0 err0 < <(user_totals) # 0 0 unless the user is still connected from before
    local cols=${SIZE%x*} rows=${SIZE#*x} conf=$BENCH_DIR/tmux.conf tty_out=$RESULTS/$tag.tty
    printf 'set -g status off\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\nset -g history-limit 0\nset -g default-shell /bin/bash\n' >"$conf"
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true # a stale private server from an aborted run
    : >"$tty_out"
    log "run $run: ${cmd//$MON_PASSWORD/***}"
    local t0 idle0 tot0; t0=$(now)
    read -r idle0 tot0 < <(cpu_idle_total)
    tmux -L "$TMUX_SOCK" -f "$conf" new-session -d -s mon -x "$cols" -y "$rows" -c "$BENCH_DIR" "exec $cmd" \; \
        pipe-pane -o -t mon "cat >> $(printf '%q' "$tty_out")"
    TMUX_UP=1
    local mpid; mpid=$(tmux -L "$TMUX_SOCK" display-message -p -t mon '#{pane_pid}')

    sleep "$STEADY_FROM"
    local c_steady t_steady
    c_steady=$(tree_ticks "$mpid"); t_steady=$(now)
    sleep $((DURATION - STEADY_FROM))

    # ---- window end
    local t1 c1 hwm status=ok idle1 tot1
    c1=$(tree_ticks "$mpid"); t1=$(now)
    read -r idle1 tot1 < <(cpu_idle_total)
    hwm=$(tree_hwm_kb "$mpid")
    pane_alive "$mpid" || status=died
    tmux -L "$TMUX_SOCK" capture-pane -p -t mon >"$RESULTS/$tag.screen"

    local calls1 ps1 err1 conns1 thr sessions
    read -r calls1 ps1 err1 < <(user_totals)
    conns1=$(user_conns)
    thr=$(user_thread_ticks "$mysqld_pid")
    com1=$(sql -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_COMMIT'")
    sessions=$(sql -e "SELECT COUNT(*) - 1 FROM information_schema.PROCESSLIST WHERE COMMAND <> 'Daemon' AND USER <> 'system user'")
    {
        echo "# $NAME run $run: $cmd" | sed "s/$MON_PASSWORD/***/g"
        sql -e "SHOW GRANTS FOR '$MON_USER'@'%'" | sed 's/ IDENTIFIED BY PASSWORD.*//'
        echo
        echo "# statements of $MON_USER by event name (server_ms = SUM_TIMER_WAIT / 1e9)"
        sql_table -e "SELECT EVENT_NAME, COUNT_STAR AS calls, SUM_ERRORS AS errors, ROUND(SUM_TIMER_WAIT / 1e9, 1) AS server_ms,
                             ROUND(SUM_TIMER_WAIT / 1e9 / NULLIF(COUNT_STAR, 0), 3) AS ms_per_call, SUM_ROWS_SENT AS rows_sent,
                             SUM_ROWS_EXAMINED AS rows_examined, SUM_CREATED_TMP_TABLES AS tmp_tables
                        FROM performance_schema.events_statements_summary_by_user_by_event_name
                       WHERE USER = '$MON_USER' AND COUNT_STAR > 0 ORDER BY SUM_TIMER_WAIT DESC"
        echo
        echo "# statement digests of the window (only the monitor is instrumented)"
        sql_table -e "SELECT COUNT_STAR AS calls, ROUND(SUM_TIMER_WAIT / 1e9, 1) AS server_ms,
                             ROUND(SUM_TIMER_WAIT / 1e9 / NULLIF(COUNT_STAR, 0), 3) AS ms_per_call,
                             SUM_ERRORS AS errors, SUM_ROWS_SENT AS rows_sent, SUM_ROWS_EXAMINED AS rows_examined,
                             LEFT(REGEXP_REPLACE(DIGEST_TEXT, '\\\\s+', ' '), 200) AS digest_text
                        FROM performance_schema.events_statements_summary_by_digest ORDER BY SUM_TIMER_WAIT DESC"
    } >"$RESULTS/$tag.queries" 2>&1 || true

    # ---- stop the monitor (q, then TERM, then KILL; bounded)
    tmux -L "$TMUX_SOCK" send-keys -t mon q 2>/dev/null || true
    for _ in $(seq 1 30); do pane_alive "$mpid" || break; sleep 0.1; done
    if pane_alive "$mpid"; then kill "$mpid" 2>/dev/null || true; sleep 0.5; fi
    if pane_alive "$mpid"; then kill -9 "$mpid" 2>/dev/null || true; fi
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
    TMUX_UP=0
    stop_background

    local wall cpu_s cpu_pct steady rss_mb server_ms calls errors conns thread_cpu_s tty_kb box_idle load_tps
    wall=$(calc "$t1 - $t0" 1)
    cpu_s=$(calc "$c1 / $CLK_TCK" 2)
    cpu_pct=$(calc "100 * $c1 / $CLK_TCK / ($t1 - $t0)" 2)
    steady=$(calc "100 * ($c1 - $c_steady) / $CLK_TCK / ($t1 - $t_steady)" 2)
    rss_mb=$(calc "$hwm / 1024" 1)
    server_ms=$(calc "($ps1 - $ps0) / 1e9" 1)
    calls=$((calls1 - calls0))
    errors=$((err1 - err0))
    conns=$((conns1 - conns0))
    thread_cpu_s=$(calc "$thr / $CLK_TCK" 2)
    tty_kb=$(calc "$(stat -c %s "$tty_out") / 1024" 1)
    box_idle=$(calc "100 * ($idle1 - $idle0) / ($tot1 - $tot0)" 0)
    load_tps=$(calc "($com1 - $com0) / ($t1 - $t0)" 0)

    local line="tool=$NAME cpu_s=$cpu_s cpu_pct=$cpu_pct steady_cpu_pct=$steady rss_mb=$rss_mb server_ms=$server_ms server_calls=$calls conns=$conns box_idle_pct=$box_idle status=$status server_errors=$errors thread_cpu_s=$thread_cpu_s sessions=$sessions tty_kb=$tty_kb wall_s=$wall load_tps=$load_tps"
    echo "$line"
    echo "$(date -Is) $line" >>"$RESULTS/summary.log"
    log "screen: $RESULTS/$tag.screen  queries: $RESULTS/$tag.queries"
    [[ $status == ok ]] || { log "monitor exited early; its last screen:"; head -20 "$RESULTS/$tag.screen" >&2; }
}

# ---------------------------------------------------------------- main

main() {
    local preset=""
    while (($#)); do
        case $1 in
            setup) start_server; setup_data; KEEP_SERVER=1; log "server up on $HOST:$PORT, data in $BENCH_DIR"; return 0 ;;
            start) start_server; KEEP_SERVER=1; return 0 ;;
            stop) stop_server; return 0 ;;
            status) if server_running; then echo "running on $HOST:$PORT, socket $SOCK ($DATADIR)"; else echo "not running"; fi; return 0 ;;
            --name) NAME=$2; shift 2 ;;
            --runs) RUNS=$2; shift 2 ;;
            --duration) DURATION=$2; shift 2 ;;
            --sessions) SESSIONS=$2; shift 2 ;;
            --load-clients) LOAD_CLIENTS=$2; shift 2 ;;
            --rate) RATE=$2; shift 2 ;;
            --active) ACTIVE=$2; shift 2 ;;
            --waiters) WAITERS=$2; shift 2 ;;
            --db) DB=$2; shift 2 ;;
            --user) MON_USER=$2; shift 2 ;;
            --grant) EXTRA_GRANTS=$2; shift 2 ;;
            --size) SIZE=$2; shift 2 ;;
            --results) RESULTS=$2; shift 2 ;;
            --keep-server) KEEP_SERVER=1; shift ;;
            --wait-idle) WAIT_IDLE=$2; shift 2 ;;
            -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
            dolphie | mytop) preset=$1; shift; break ;;
            --) shift; break ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    local -a cmd
    local preset_grants=""
    case $preset in
        dolphie) preset_grants="SLAVE MONITOR, REPLICATION MASTER ADMIN"; cmd=("$DOLPHIE_BIN" -h '{host}' -P '{port}' -u '{user}' -p '{password}' -r 1) ;;
        mytop) preset_grants="SLAVE MONITOR"; cmd=("$MYTOP_BIN" -h '{host}' -P '{port}' -u '{user}' -p '{password}' -d '{db}' -s 1) ;;
        *) (($#)) || die "no monitor command given (see --help)"; cmd=("$@") ;;
    esac
    [[ $EUID -eq 0 ]] || die "run as root (mariadbd runs with --user=root)"
    local tool
    for tool in mariadbd mariadb-install-db mariadb mariadb-admin perl tmux ss; do
        command -v "$tool" >/dev/null || die "missing: $tool"
    done
    [[ -n $NAME ]] || NAME=${preset:-$(basename "${cmd[0]}")}
    [[ -n $MON_USER ]] || MON_USER=$(user_for "$NAME")
    ((DURATION > STEADY_FROM)) || die "--duration must be more than $STEADY_FROM"
    ((RATE > 0)) || die "--rate must be positive"
    ((SESSIONS + 20 <= MAX_CONNECTIONS)) || die "--sessions must leave room under max_connections=$MAX_CONNECTIONS"
    command -v "${cmd[0]}" >/dev/null || die "monitor not found: ${cmd[0]}"
    RESULTS=${RESULTS:-$BENCH_DIR/results}
    mkdir -p "$RESULTS"

    trap cleanup EXIT
    trap 'exit 130' INT TERM
    start_server
    setup_data
    [[ $EXTRA_GRANTS != - ]] || EXTRA_GRANTS=$preset_grants
    ensure_user "$MON_USER" "$EXTRA_GRANTS"
    log "user $MON_USER: $GRANTS${EXTRA_GRANTS:+, $EXTRA_GRANTS} ON *.*"
    local r
    for r in $(seq 1 "$RUNS"); do run_once "$r" "${cmd[@]}"; done
}

main "$@"
