#!/usr/bin/env bash
# redis-cost.sh: what monitoring a Redis server costs, on both sides.
#
# Starts a throwaway redis-server on a free loopback port (no RDB, no AOF), puts a
# steady redis-benchmark load on it, and for DURATION seconds each runs, in turn:
#   baseline    nothing: the load alone
#   logstag     the terminal UI, `logstag --refresh 1 --history <tmp> redis://...`,
#               inside a private tmux server (200x50) so it really renders
#   agent       `logstag agent --foreground` with high_frequency_interval = 1 (headless)
#   redis-cli   `redis-cli --stat -i 1`, the usual comparison
# The load is restarted for every tool and given WARMUP seconds before the window opens.
#
# Client side: CPU (utime+stime of the tool's process tree, from /proc/<pid>/stat) as a
# percent of one core over the window, start-up included, and peak RSS (VmHWM summed over
# the tree, from /proc/<pid>/status).
#
# Server side: `INFO commandstats` is read when the window opens and when it closes. Every
# command except the load's own (get, set) is counted as the monitor's; the baseline run
# measures what is left without a monitor (the harness's own INFO, one call a window), and
# that is subtracted from the other runs (the baseline line itself shows it unsubtracted). Redis accounts each command's execution time (usec) exactly, apart
# from the time the command waited in the event loop, so this is the server time the
# monitor's commands took, independent of how busy the machine is. The breakdown per
# command goes to RESULTS/<tag>.commands.
#
# Throughput of the load: get + set calls in the window divided by its length, with and
# without the monitor. redis-benchmark has no rate limit, so the load is unlimited: it
# takes a core (redis-server) plus most of another (redis-benchmark), the figure swings
# with whatever else runs on the machine, and box_idle_pct says how quiet the machine was.
# Run --runs 2 or more and compare.
#
# Usage:
#   benches/redis-cost.sh [options] LOGSTAG_BINARY
#
# Options:
#   --duration S       seconds each tool runs (default 60)
#   --runs N           rounds of (baseline, logstag, agent, redis-cli) (default 1)
#   --tools LIST       comma separated subset of baseline,logstag,agent,redis-cli (default all;
#                      without baseline nothing is subtracted)
#   --load-clients N   redis-benchmark connections (default 20)
#   --idle-clients N   extra idle connections held open (redis-benchmark -I), to see what a
#                      long CLIENT LIST costs (default 0)
#   --size COLSxROWS   tmux window of the terminal UI (default 200x50)
#   --results DIR      screens, logs and per-command breakdowns (default /tmp/redis-cost/results)
#   --warmup S         seconds of load before each window opens (default 5)
#
# Output: one line per tool and run on stdout (also appended to RESULTS/summary.log),
# progress on stderr:
#   tool=<name> run=<n> cpu_pct=<x> cpu_s=<x> rss_mb=<x> server_usec_per_min=<x> \
#     cmds_per_min=<x> load_ops=<x> load_ops_baseline=<x> box_idle_pct=<x> wall_s=<x> status=<ok|died>
# cpu_pct is percent of one core; server_usec_per_min and cmds_per_min are net of the
# baseline and scaled to one minute; load_ops is the get+set rate during this window,
# load_ops_baseline the rate of this round's baseline window.
#
# Needs: redis-server, redis-benchmark, redis-cli, tmux, ss. Every process it starts is
# stopped on exit (including Ctrl-C); the server's data and the histories are deleted.
set -euo pipefail

DURATION=60
RUNS=1
TOOLS=baseline,logstag,agent,redis-cli
LOAD_CLIENTS=20
IDLE_CLIENTS=0
SIZE=200x50
RESULTS=/tmp/redis-cost/results
WARMUP=5
HOST=127.0.0.1
LOAD_COMMANDS="get set"

log() { printf '[redis-cost %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# ---------------------------------------------------------------- /proc helpers

CLK_TCK=$(getconf CLK_TCK)

# utime+stime+cutime+cstime in clock ticks (0 if the process is gone)
proc_ticks() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
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
    for p in $(proc_tree "$1"); do total=$((total + $(proc_ticks "$p"))); done
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

# "idle total" jiffies of the whole machine
cpu_idle_total() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat; }

# ---------------------------------------------------------------- server and load

WORK=""
PORT=""
SERVER_PID=""
LOAD_PIDS=()
TOOL_PID=""
TMUX_SOCK=""

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
    done
    die "no free port found"
}

rcli() { redis-cli -h "$HOST" -p "$PORT" "$@"; }

start_server() {
    PORT=$(free_port)
    redis-server --port "$PORT" --bind "$HOST" --save '' --appendonly no --dir "$WORK" \
        --logfile "$WORK/redis.log" --daemonize no >/dev/null 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
        [[ $(rcli ping 2>/dev/null) == PONG ]] && break
        sleep 0.1
    done
    [[ $(rcli ping 2>/dev/null) == PONG ]] || die "redis-server did not start (see $WORK/redis.log)"
    log "redis-server $(rcli info server | awk -F: '/^redis_version/ {print $2}' | tr -d '\r') on $HOST:$PORT (pid $SERVER_PID)"
}

start_load() {
    # -r: random keys over 100k; -n large so a GET or SET phase lasts several seconds.
    redis-benchmark -h "$HOST" -p "$PORT" -c "$LOAD_CLIENTS" -P 1 -t get,set -r 100000 -n 1000000 -l -q \
        >"$WORK/load.log" 2>&1 &
    LOAD_PIDS+=($!)
    if ((IDLE_CLIENTS > 0)); then
        redis-benchmark -h "$HOST" -p "$PORT" -c "$IDLE_CLIENTS" -I >"$WORK/idle.log" 2>&1 &
        LOAD_PIDS+=($!)
    fi
}

stop_load() {
    local p
    for p in "${LOAD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${LOAD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    LOAD_PIDS=()
}

# "name calls usec" per command, from INFO commandstats
commandstats() {
    rcli info commandstats | tr -d '\r' |
        awk -F'[:,=]' '/^cmdstat_/ { sub(/^cmdstat_/, "", $1); print $1, $3, $5 }'
}

# ---------------------------------------------------------------- tools

start_tool() { # name -> sets TOOL_PID
    local name=$1 bin=$2
    case $name in
        baseline) TOOL_PID="" ;;
        logstag)
            local cols=${SIZE%x*} rows=${SIZE#*x} conf=$WORK/tmux.conf cmd
            printf 'set -g status off\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\nset -g history-limit 0\n' >"$conf"
            cmd="exec $(printf '%q' "$bin") --refresh 1 --history $(printf '%q' "$WORK/tui.sqlite3") redis://$HOST:$PORT/0"
            : >"$WORK/tty.out"
            tmux -L "$TMUX_SOCK" -f "$conf" new-session -d -s mon -x "$cols" -y "$rows" "$cmd" \; \
                pipe-pane -o -t mon "cat >> $(printf '%q' "$WORK/tty.out")"
            TOOL_PID=$(tmux -L "$TMUX_SOCK" display-message -p -t mon '#{pane_pid}')
            ;;
        agent)
            cat >"$WORK/agent.toml" <<EOF
[agent]
high_frequency_interval = 1
log_file = "-"
update_check_enabled = false
auto_install_updates = false

[history]
path = "$WORK/agent.sqlite3"

[targets.bench-redis]
db_engine = "redis"
db_host = "$HOST"
db_port = $PORT
db_username = ""
db_password = ""
db_name = "0"
EOF
            chmod 600 "$WORK/agent.toml"
            "$bin" agent --config "$WORK/agent.toml" --foreground >"$WORK/agent.log" 2>&1 &
            TOOL_PID=$!
            ;;
        redis-cli)
            redis-cli -h "$HOST" -p "$PORT" --stat -i 1 >"$WORK/redis-cli.out" 2>&1 &
            TOOL_PID=$!
            ;;
        *) die "unknown tool: $name" ;;
    esac
}

tool_alive() {
    local name=$1
    [[ -z $TOOL_PID ]] && return 0
    [[ -d /proc/$TOOL_PID ]] || return 1
    if [[ $name == logstag ]]; then
        [[ $(tmux -L "$TMUX_SOCK" display-message -p -t mon '#{pane_dead}' 2>/dev/null) == 0 ]] || return 1
    fi
}

stop_tool() {
    local name=$1
    [[ -z $TOOL_PID ]] && return 0
    if [[ $name == logstag ]]; then
        tmux -L "$TMUX_SOCK" send-keys -t mon q 2>/dev/null || true
        for _ in $(seq 1 30); do tool_alive "$name" || break; sleep 0.1; done
    else
        kill -TERM "$TOOL_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do [[ -d /proc/$TOOL_PID ]] || break; sleep 0.1; done
    fi
    if [[ -d /proc/$TOOL_PID ]] && tool_alive "$name"; then kill -KILL "$TOOL_PID" 2>/dev/null || true; fi
    wait "$TOOL_PID" 2>/dev/null || true
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
    TOOL_PID=""
}

cleanup() {
    set +e
    [[ -n $TOOL_PID ]] && kill -KILL "$TOOL_PID" 2>/dev/null
    [[ -n $TMUX_SOCK ]] && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
    ((${#LOAD_PIDS[@]})) && stop_load
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    [[ -n $WORK ]] && rm -rf "$WORK"
}

# ---------------------------------------------------------------- one measured window

BASE_USEC=0
BASE_CALLS=0
BASE_OPS=""

run_tool() { # name run bin
    local name=$1 run=$2 bin=$3 tag
    tag="$name-$(date +%Y%m%d-%H%M%S)-run$run"
    rm -f "$WORK"/tui.sqlite3* "$WORK"/agent.sqlite3*
    start_load
    sleep "$WARMUP"

    local stats0 stats1 t0 t1 idle0 tot0 idle1 tot1 ticks=0 hwm=0 status=ok
    stats0=$(commandstats)
    t0=$(now)
    read -r idle0 tot0 < <(cpu_idle_total)
    log "run $run: $name"
    start_tool "$name" "$bin"
    sleep "$DURATION"
    if [[ -n $TOOL_PID ]]; then
        ticks=$(tree_ticks "$TOOL_PID")
        hwm=$(tree_hwm_kb "$TOOL_PID")
    fi
    t1=$(now)
    read -r idle1 tot1 < <(cpu_idle_total)
    stats1=$(commandstats)
    tool_alive "$name" || status=died
    [[ $name == logstag ]] && tmux -L "$TMUX_SOCK" capture-pane -p -t mon >"$RESULTS/$tag.screen" 2>/dev/null
    local tty_bytes=0
    [[ $name == logstag ]] && tty_bytes=$(stat -c %s "$WORK/tty.out")
    stop_tool "$name"
    stop_load
    [[ $name == agent ]] && cp "$WORK/agent.log" "$RESULTS/$tag.log"

    # Per-command deltas; the load's commands are reported apart.
    local wall breakdown
    wall=$(calc "$t1 - $t0" 3)
    breakdown=$(awk -v load=" $LOAD_COMMANDS " -v wall="$wall" '
        NR == FNR { c0[$1] = $2; u0[$1] = $3; next }
        { dc = $2 - c0[$1]; du = $3 - u0[$1]
          if (dc == 0) next
          kind = index(load, " " $1 " ") ? "load" : "monitor"
          printf "%s %s %d %d %.1f\n", kind, $1, dc, du, (dc ? du / dc : 0) }' \
        <(printf '%s\n' "$stats0") <(printf '%s\n' "$stats1"))
    {
        echo "# kind command calls usec usec_per_call (window ${wall} s)"
        printf '%s\n' "$breakdown"
    } >"$RESULTS/$tag.commands"

    local mon_calls mon_usec load_calls
    read -r mon_calls mon_usec load_calls < <(printf '%s\n' "$breakdown" |
        awk '$1 == "monitor" { c += $3; u += $4 } $1 == "load" { l += $3 } END { print c + 0, u + 0, l + 0 }')
    local per_min="60 / $wall"
    local load_ops; load_ops=$(calc "$load_calls / $wall" 0)
    # What is left without a monitor is the harness's own INFO, once a window whatever its
    # length: subtracted as it is, then the rest is scaled to a minute.
    if [[ $name == baseline ]]; then
        BASE_USEC=$mon_usec BASE_CALLS=$mon_calls BASE_OPS=$load_ops
    fi
    local usec_min calls_min
    usec_min=$(calc "($mon_usec - $BASE_USEC) * $per_min" 0)
    calls_min=$(calc "($mon_calls - $BASE_CALLS) * $per_min" 0)
    if [[ $name == baseline ]]; then
        usec_min=$(calc "$mon_usec * $per_min" 0)
        calls_min=$(calc "$mon_calls * $per_min" 0)
    fi

    local line
    line="tool=$name run=$run cpu_pct=$(calc "100 * $ticks / $CLK_TCK / $wall" 2) cpu_s=$(calc "$ticks / $CLK_TCK" 2)"
    line+=" rss_mb=$(calc "$hwm / 1024" 1) server_usec_per_min=$usec_min cmds_per_min=$calls_min"
    line+=" load_ops=$load_ops load_ops_baseline=${BASE_OPS:-none} tty_kb=$(calc "$tty_bytes / 1024" 1)"
    line+=" box_idle_pct=$(calc "100 * ($idle1 - $idle0) / ($tot1 - $tot0)" 0) wall_s=$(calc "$wall" 1) status=$status"
    echo "$line"
    echo "$(date -Is) idle_clients=$IDLE_CLIENTS $line" >>"$RESULTS/summary.log"
    [[ $status == ok ]] || log "$name exited early (see $RESULTS)"
}

# ---------------------------------------------------------------- main

main() {
    local bin=""
    while (($#)); do
        case $1 in
            --duration) DURATION=$2; shift 2 ;;
            --runs) RUNS=$2; shift 2 ;;
            --tools) TOOLS=$2; shift 2 ;;
            --load-clients) LOAD_CLIENTS=$2; shift 2 ;;
            --idle-clients) IDLE_CLIENTS=$2; shift 2 ;;
            --size) SIZE=$2; shift 2 ;;
            --results) RESULTS=$2; shift 2 ;;
            --warmup) WARMUP=$2; shift 2 ;;
            -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
            -*) die "unknown option: $1 (see --help)" ;;
            *) [[ -z $bin ]] || die "one logstag binary only"; bin=$1; shift ;;
        esac
    done
    [[ -n $bin ]] || die "usage: $0 [options] LOGSTAG_BINARY (see --help)"
    [[ -x $bin ]] || die "not an executable: $bin"
    bin=$(realpath "$bin")
    local t
    for t in redis-server redis-benchmark redis-cli tmux ss; do
        command -v "$t" >/dev/null || die "missing: $t"
    done
    mkdir -p "$RESULTS"
    WORK=$(mktemp -d /tmp/redis-cost.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    start_server
    TMUX_SOCK=redis-cost-$PORT
    local r tool
    for r in $(seq 1 "$RUNS"); do
        BASE_USEC=0 BASE_CALLS=0 BASE_OPS=""
        IFS=, read -ra list <<<"$TOOLS"
        for tool in "${list[@]}"; do run_tool "$tool" "$r" "$bin"; done
    done
}

main "$@"
