#!/usr/bin/env python3
"""Writes the Grafana dashboards in this folder from the short descriptions below.

The JSON files are what users import (Dashboards → New → Import → Upload JSON file); this
script is how they are kept consistent. Edit a description here, run
`python3 dashboards/grafana/build.py`, and commit both. Every metric name a query uses must
be one the agent's /metrics really serves: tests/integration/grafana_dashboards.rs checks
each one against a live scrape, and parses every query with promtool.

Conventions: a `datasource` variable (any Prometheus), a `target` variable from
`logstag_up` (multi-select, All by default), counters read with
`rate(…[$__rate_interval])`, ratios shown as percentages by Grafana's unit.
"""

import json
import pathlib

from panels import T, Grid, dashboard, gauge, rate, sessions_row, stat, table, timeseries, up_stats

HERE = pathlib.Path(__file__).resolve().parent


def fleet():
    g = Grid()
    sel = f'engine=~"$engine",{T}'
    g.row("Fleet")
    stat(g, "Targets", f"count(logstag_up{{{sel}}})")
    stat(g, "Up", f"sum(logstag_up{{{sel}}})")
    stat(g, "Down", f"count(logstag_up{{{sel}}} == 0) or vector(0)", red_above=1)
    stat(g, "Agents", "count(count by (instance) (logstag_up))")
    stat(g, "Slowest high-tier round", f"max(logstag_collect_duration_seconds{{{T},tier=\"high\"}})", unit="s", red_above=5)
    stat(g, "Critical alerts", f"sum(logstag_alerts_firing{{{sel},severity=\"critical\"}}) or vector(0)", red_above=1)
    table(
        g,
        "Targets",
        [
            ("Up", f"max by (target, engine) (logstag_up{{{sel}}})", "short"),
            ("Alerts", f"sum by (target) (logstag_alerts_firing{{{sel}}})", "short"),
            ("Connections", f"max by (target) (logstag_connections{{{sel}}})", "short"),
            ("Cache hit", f"max by (target) (logstag_cache_hit_ratio{{{sel}}})", "percentunit"),
            ("Blocked", f"max by (target) (logstag_blocked_sessions{{{sel}}})", "short"),
            ("Longest query", f"max by (target) (logstag_longest_query_seconds{{{sel}}})", "s"),
            ("Replication lag", f"max by (target) (logstag_replication_lag_seconds{{{sel}}})", "s"),
            ("High round", f"max by (target) (logstag_collect_duration_seconds{{{T},tier=\"high\"}})", "s"),
        ],
        description="One row per target: whether Logstag reaches it, and its headline levels.",
    )
    timeseries(g, "Targets down, by engine", [(f"count by (engine) (logstag_up{{{sel}}} == 0)", "{{engine}}")], stack=True)
    timeseries(
        g,
        "Alerts firing, by severity",
        [(f"sum by (severity) (logstag_alerts_firing{{{sel}}})", "{{severity}}")],
        stack=True,
        description="Logstag's alert rules active now across the selected targets.",
    )
    timeseries(g, "Blocked sessions", [(gauge("blocked_sessions", extra='engine=~"$engine"'), "{{target}}")])
    timeseries(
        g,
        "Work per second",
        [
            (rate("transactions_committed", extra='engine=~"$engine"'), "{{target}} commits"),
            (rate("commands_processed", extra='engine=~"$engine"'), "{{target}} commands"),
        ],
        unit="ops",
        description="Transactions committed (SQL engines) and commands processed (Redis, MongoDB, MySQL).",
    )
    timeseries(g, "Connections", [(gauge("connections", extra='engine=~"$engine"'), "{{target}}")])
    timeseries(g, "Cache hit ratio", [(gauge("cache_hit_ratio", extra='engine=~"$engine"', agg="min"), "{{target}}")], unit="percentunit")
    timeseries(g, "Replication lag", [(gauge("replication_lag_seconds", extra='engine=~"$engine"'), "{{target}}")], unit="s")
    g.row("Logstag agents")
    timeseries(g, "Collection round time, high tier", [(f"max by (target) (logstag_collect_duration_seconds{{{T},tier=\"high\"}})", "{{target}}")], unit="s")
    timeseries(g, "Agent CPU", [("sum by (instance) (rate(process_cpu_seconds_total[$__rate_interval]))", "{{instance}}")], unit="percentunit")
    timeseries(g, "Agent memory", [("max by (instance) (process_resident_memory_bytes)", "{{instance}}")], unit="bytes")
    timeseries(
        g,
        "History and forwarding",
        [
            ("sum by (instance) (rate(logstag_samples_recorded_total[$__rate_interval]))", "{{instance}} recorded"),
            ("sum by (instance) (rate(logstag_record_failures_total[$__rate_interval]))", "{{instance}} record failures"),
            ("sum by (instance) (rate(logstag_forward_errors_total[$__rate_interval]))", "{{instance}} forward errors"),
        ],
        unit="ops",
    )
    timeseries(g, "Outbox depth", [("max by (instance) (logstag_outbox_depth)", "{{instance}}")])
    return dashboard("logstag-fleet", "Logstag · Fleet", "Every target of every Logstag agent: who is down, who is busy, how the agents fare.", None, g)


def postgresql():
    g = Grid()
    e = 'engine="postgresql"'
    g.row("PostgreSQL")
    up_stats(g, e)
    stat(g, "Blocked sessions", f"sum(logstag_blocked_sessions{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Longest query", f"max(logstag_longest_query_seconds{{{e},{T}}})", unit="s", red_above=300)
    stat(g, "Longest idle in transaction", f"max(logstag_longest_idle_in_tx_seconds{{{e},{T}}})", unit="s", red_above=300)
    stat(g, "Worst replication lag", f"max(logstag_replication_lag_seconds{{{e},{T}}})", unit="s", red_above=60)
    timeseries(
        g,
        "Transactions",
        [(rate("transactions_committed", extra=e), "{{target}} commit"), (rate("transactions_rolled_back", extra=e), "{{target}} rollback")],
        unit="ops",
    )
    timeseries(
        g,
        "Busiest statements (needs [prometheus] top_statements)",
        [(
            f"topk(10, sum by (target, statement_id) (logstag_top_statement_time_seconds{{{e},{T}}}) / "
            f"sum by (target, statement_id) (logstag_top_statement_interval_seconds{{{e},{T}}}))",
            "{{target}} {{statement_id}}",
        )],
        unit="s",
        description="Seconds of execution per second of each target's busiest statements over its last "
        "medium-tier interval, by pg_stat_statements id (the Queries tab of `logstag` shows the text). "
        "Empty unless the agent's [prometheus] top_statements is set.",
    )
    timeseries(
        g,
        "Statement calls (busiest statements)",
        [(
            f"topk(10, sum by (target, statement_id) (logstag_top_statement_calls{{{e},{T}}}) / "
            f"sum by (target, statement_id) (logstag_top_statement_interval_seconds{{{e},{T}}}))",
            "{{target}} {{statement_id}}",
        )],
        unit="ops",
        description="Calls per second of the same statements. Empty unless [prometheus] top_statements is set.",
    )
    timeseries(g, "Cache hit ratio", [(gauge("cache_hit_ratio", extra=e, agg="min"), "{{target}}")], unit="percentunit")
    g.row("Sessions")
    timeseries(g, "Sessions by state", [(gauge("sessions_by_state", by="target, key", extra=e, agg="sum"), "{{target}} {{key}}")], stack=True)
    timeseries(g, "Waiting sessions by wait class", [(gauge("waits_by_class", by="target, key", extra=e, agg="sum"), "{{target}} {{key}}")], stack=True)
    timeseries(
        g,
        "Connections",
        [(gauge("connections", extra=e), "{{target}} open"), (gauge("max_connections", extra=e), "{{target}} max")],
    )
    timeseries(
        g,
        "Longest query and idle transaction",
        [(gauge("longest_query_seconds", extra=e), "{{target}} query"), (gauge("longest_idle_in_tx_seconds", extra=e), "{{target}} idle in tx")],
        unit="s",
    )
    g.row("Rows, disk and WAL")
    timeseries(
        g,
        "Rows",
        [
            (rate("rows_returned", extra=e), "{{target}} returned"),
            (rate("rows_fetched", extra=e), "{{target}} fetched"),
            (rate("rows_inserted", extra=e), "{{target}} inserted"),
            (rate("rows_updated", extra=e), "{{target}} updated"),
            (rate("rows_deleted", extra=e), "{{target}} deleted"),
        ],
        unit="ops",
    )
    timeseries(
        g,
        "Temporary files and deadlocks",
        [(rate("temp_bytes", extra=e), "{{target}} temp bytes/s"), (rate("deadlocks", extra=e), "{{target}} deadlocks/s")],
        unit="short",
    )
    timeseries(
        g,
        "Checkpoints",
        [(rate("checkpoints_timed", extra=e), "{{target}} timed"), (rate("checkpoints_requested", extra=e), "{{target}} requested")],
        unit="ops",
        description="Requested checkpoints outnumbering timed ones mean max_wal_size is too small for the write load.",
    )
    timeseries(g, "Database size", [(gauge("database_size_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    timeseries(g, "Replication lag", [(gauge("replication_lag_seconds", extra=e), "{{target}}")], unit="s")
    timeseries(g, "WAL retained by replication slots", [(gauge("slot_retained_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    return dashboard("logstag-postgresql", "Logstag · PostgreSQL", "PostgreSQL targets of Logstag agents.", e, g)


def redis():
    g = Grid()
    e = 'engine=~"redis|valkey"'
    g.row("Redis and Valkey")
    up_stats(g, e)
    stat(g, "Memory used", f"max(logstag_memory_used_ratio{{{e},{T}}})", unit="percentunit", red_above=0.9)
    stat(g, "Keys", f"sum(logstag_keys{{{e},{T}}})")
    stat(g, "Failed saves", f"count(logstag_persistence_ok{{{e},{T}}} == 0) or vector(0)", red_above=1)
    stat(g, "Replica links down", f"count(logstag_replication_link_up{{{e},{T}}} == 0) or vector(0)", red_above=1)
    timeseries(g, "Commands", [(rate("commands_processed", extra=e), "{{target}}")], unit="ops")
    timeseries(
        g,
        "Busiest commands",
        [(f"topk(10, sum by (target, key) (rate(logstag_command_calls_total{{{e},{T}}}[$__rate_interval])))", "{{target}} {{key}}")],
        unit="ops",
    )
    timeseries(
        g,
        "Command time per second",
        [(f"topk(10, sum by (target, key) (rate(logstag_command_time_seconds_total{{{e},{T}}}[$__rate_interval])))", "{{target}} {{key}}")],
        unit="s",
    )
    timeseries(
        g,
        "Keyspace hit ratio",
        [(
            f"sum by (target) (rate(logstag_cache_hits_total{{{e},{T}}}[$__rate_interval])) / "
            f"(sum by (target) (rate(logstag_cache_hits_total{{{e},{T}}}[$__rate_interval])) + "
            f"sum by (target) (rate(logstag_cache_misses_total{{{e},{T}}}[$__rate_interval])))",
            "{{target}}",
        )],
        unit="percentunit",
    )
    g.row("Memory and keys")
    timeseries(
        g,
        "Memory",
        [(gauge("memory_used_bytes", extra=e), "{{target}} used"), (gauge("memory_limit_bytes", extra=e), "{{target}} maxmemory")],
        unit="bytes",
    )
    timeseries(g, "Fragmentation ratio", [(gauge("memory_fragmentation_ratio", extra=e), "{{target}}")])
    timeseries(g, "Keys", [(gauge("keys", extra=e, agg="sum"), "{{target}}")])
    timeseries(
        g,
        "Expired and evicted keys",
        [(rate("keys_expired", extra=e), "{{target}} expired"), (rate("keys_evicted", extra=e), "{{target}} evicted")],
        unit="ops",
    )
    g.row("Clients, network, persistence")
    timeseries(
        g,
        "Clients",
        [(gauge("connections", extra=e), "{{target}} connected"), (rate("connections_rejected", extra=e), "{{target}} rejected/s")],
    )
    timeseries(
        g,
        "Network",
        [(rate("network_received_bytes", extra=e), "{{target}} in"), (rate("network_sent_bytes", extra=e), "{{target}} out")],
        unit="Bps",
    )
    timeseries(g, "Server CPU", [(rate("cpu_seconds", by="target, key", extra=e), "{{target}} {{key}}")], unit="percentunit")
    timeseries(
        g,
        "Persistence",
        [(gauge("last_save_age_seconds", extra=e), "{{target}} since last save"), (gauge("unsaved_changes", extra=e), "{{target}} unsaved changes")],
    )
    return dashboard("logstag-redis", "Logstag · Redis and Valkey", "Redis and Valkey targets of Logstag agents.", e, g)

def mysql():
    g = Grid()
    e = 'engine="mysql"'
    g.row("MySQL and MariaDB")
    up_stats(g, e)
    stat(g, "Threads running", f"max(logstag_threads_running{{{e},{T}}})", red_above=32)
    stat(g, "Blocked sessions", f"sum(logstag_blocked_sessions{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Oldest transaction", f"max(logstag_oldest_transaction_seconds{{{e},{T}}})", unit="s", red_above=300)
    stat(g, "Worst replication lag", f"max(logstag_replication_lag_seconds{{{e},{T}}})", unit="s", red_above=60)
    timeseries(g, "Statements", [(rate("commands_processed", extra=e), "{{target}}")], unit="ops")
    timeseries(g, "Slow queries", [(rate("slow_queries", extra=e), "{{target}}")], unit="ops")
    timeseries(g, "Threads running", [(gauge("threads_running", extra=e), "{{target}}")])
    timeseries(g, "Buffer pool hit ratio", [(gauge("cache_hit_ratio", extra=e, agg="min"), "{{target}}")], unit="percentunit")
    g.row("Sessions")
    sessions_row(g, e)
    g.row("InnoDB")
    timeseries(
        g,
        "Buffer pool",
        [(gauge("buffer_pool_used_ratio", extra=e), "{{target}} used"), (gauge("buffer_pool_dirty_ratio", extra=e), "{{target}} dirty")],
        unit="percentunit",
    )
    timeseries(g, "Checkpoint age", [(gauge("checkpoint_age_ratio", extra=e), "{{target}}")], unit="percentunit",
               description="Share of the redo log the checkpoint lags behind: near 75 % InnoDB starts flushing synchronously.")
    timeseries(g, "History list length", [(gauge("history_list_length", extra=e), "{{target}}")],
               description="Undo records purge has not removed yet: grows behind a long-running transaction.")
    timeseries(
        g,
        "Transactions",
        [(gauge("open_transactions", extra=e), "{{target}} open"), (gauge("metadata_lock_waits", extra=e), "{{target}} metadata lock waits")],
    )
    timeseries(g, "Database size", [(gauge("database_size_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    timeseries(g, "Replication lag", [(gauge("replication_lag_seconds", extra=e), "{{target}}")], unit="s")
    return dashboard("logstag-mysql", "Logstag · MySQL and MariaDB", "MySQL and MariaDB targets of Logstag agents.", e, g)


def mssql():
    g = Grid()
    e = 'engine="mssql"'
    g.row("SQL Server")
    up_stats(g, e)
    stat(g, "Blocked sessions", f"sum(logstag_blocked_sessions{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Memory grants pending", f"max(logstag_memory_grants_pending{{{e},{T}}})", red_above=1)
    stat(g, "Lowest page life expectancy", f"min(logstag_page_life_expectancy_seconds{{{e},{T}}})", unit="s")
    stat(g, "Failed agent jobs", f"sum(logstag_failed_jobs{{{e},{T}}}) or vector(0)", red_above=1)
    timeseries(g, "Batch requests", [(rate("commands_processed", extra=e), "{{target}}")], unit="ops")
    timeseries(
        g,
        "Wait time per second, top wait types",
        [(f"topk(10, sum by (target, key) (rate(logstag_wait_time_seconds_total{{{e},{T}}}[$__rate_interval])))", "{{target}} {{key}}")],
        unit="s",
    )
    timeseries(g, "Page life expectancy", [(gauge("page_life_expectancy_seconds", extra=e, agg="min"), "{{target}}")], unit="s")
    timeseries(g, "Buffer cache hit ratio", [(gauge("cache_hit_ratio", extra=e, agg="min"), "{{target}}")], unit="percentunit")
    g.row("Sessions")
    sessions_row(g, e)
    g.row("Storage and availability groups")
    timeseries(g, "Transaction log used", [(gauge("log_used_ratio", by="target, key", extra=e), "{{target}} {{key}}")], unit="percentunit")
    timeseries(g, "tempdb used", [(gauge("tempdb_used_bytes", extra=e), "{{target}}")], unit="bytes")
    timeseries(
        g,
        "Availability group queues",
        [(gauge("ag_log_send_queue_bytes", by="target, key", extra=e), "{{target}} {{key}} send"), (gauge("ag_redo_queue_bytes", by="target, key", extra=e), "{{target}} {{key}} redo")],
        unit="bytes",
    )
    timeseries(g, "Database size", [(gauge("database_size_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    return dashboard("logstag-mssql", "Logstag · SQL Server", "SQL Server targets of Logstag agents.", e, g)


def mongodb():
    g = Grid()
    e = 'engine="mongodb"'
    g.row("MongoDB")
    up_stats(g, e)
    stat(g, "Operations waiting for a lock", f"sum(logstag_blocked_sessions{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Unhealthy members", f"sum(logstag_members_unhealthy{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Smallest oplog window", f"min(logstag_oplog_window_seconds{{{e},{T}}})", unit="s")
    stat(g, "Worst replication lag", f"max(logstag_replication_lag_seconds{{{e},{T}}})", unit="s", red_above=60)
    timeseries(g, "Operations", [(rate("operations", by="target, key", extra=e), "{{target}} {{key}}")], unit="ops", stack=True)
    timeseries(
        g,
        "Mean latency",
        [(
            f"sum by (target, key) (rate(logstag_command_time_seconds_total{{{e},{T}}}[$__rate_interval])) / "
            f"sum by (target, key) (rate(logstag_command_calls_total{{{e},{T}}}[$__rate_interval]))",
            "{{target}} {{key}}",
        )],
        unit="s",
        description="Server time per operation from opLatencies (reads, writes, commands, transactions).",
    )
    timeseries(
        g,
        "Queues and active clients",
        [(gauge("queued_operations", by="target, key", extra=e, agg="sum"), "{{target}} queued {{key}}"), (gauge("active_clients", by="target, key", extra=e, agg="sum"), "{{target}} active {{key}}")],
    )
    timeseries(
        g,
        "Connections",
        [(gauge("connections", extra=e), "{{target}} current"), (gauge("connections_available", extra=e), "{{target}} available")],
    )
    g.row("WiredTiger")
    timeseries(
        g,
        "Cache",
        [(gauge("cache_used_ratio", extra=e), "{{target}} used"), (gauge("cache_dirty_ratio", extra=e), "{{target}} dirty")],
        unit="percentunit",
        description="Eviction starts at 80 % used / 5 % dirty; application threads help at 95 % / 20 %.",
    )
    timeseries(
        g,
        "Tickets",
        [(gauge("tickets_out", by="target, key", extra=e), "{{target}} out {{key}}"), (gauge("tickets_available", by="target, key", extra=e), "{{target}} available {{key}}")],
    )
    timeseries(
        g,
        "Network",
        [(rate("network_received_bytes", extra=e), "{{target}} in"), (rate("network_sent_bytes", extra=e), "{{target}} out")],
        unit="Bps",
    )
    timeseries(g, "Open cursors", [(gauge("cursors_open", extra=e), "{{target}}")])
    g.row("Replication and storage")
    timeseries(g, "Replication lag", [(gauge("replication_lag_seconds", extra=e), "{{target}}")], unit="s")
    timeseries(g, "Oplog window", [(gauge("oplog_window_seconds", extra=e, agg="min"), "{{target}}")], unit="s")
    timeseries(
        g,
        "Data",
        [(gauge("data_size_bytes", extra=e, agg="sum"), "{{target}} data"), (gauge("index_size_bytes", extra=e, agg="sum"), "{{target}} indexes")],
        unit="bytes",
    )
    timeseries(g, "Database size", [(gauge("database_size_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    return dashboard("logstag-mongodb", "Logstag · MongoDB", "MongoDB targets of Logstag agents.", e, g)


def oracle():
    g = Grid()
    e = 'engine="oracle"'
    g.row("Oracle")
    up_stats(g, e)
    stat(g, "Blocked sessions", f"sum(logstag_blocked_sessions{{{e},{T}}}) or vector(0)", red_above=1)
    stat(g, "Fullest tablespace", f"max(logstag_tablespace_used_ratio{{{e},{T}}})", unit="percentunit", red_above=0.9)
    stat(g, "Worst Data Guard apply lag", f"max(logstag_dataguard_apply_lag_seconds{{{e},{T}}})", unit="s", red_above=300)
    stat(g, "Failed RMAN jobs (24 h)", f"sum(logstag_rman_failed_jobs{{{e},{T}}}) or vector(0)", red_above=1)
    timeseries(
        g,
        "Average active sessions",
        [(gauge("average_active_sessions", extra=e), "{{target}}")],
        description="DB time per second of wall clock (v$sysmetric): above the CPU count, calls queue.",
    )
    timeseries(g, "Executions", [(rate("commands_processed", extra=e), "{{target}}")], unit="ops")
    timeseries(
        g,
        "Wait time per second by wait class",
        [(f"sum by (target, key) (rate(logstag_wait_time_seconds_total{{{e},{T}}}[$__rate_interval]))", "{{target}} {{key}}")],
        unit="s",
        stack=True,
        description="v$system_wait_class, Idle left out: how many sessions' worth of waiting, by class.",
    )
    timeseries(
        g,
        "Transactions",
        [(rate("transactions_committed", extra=e), "{{target}} commits"), (rate("transactions_rolled_back", extra=e), "{{target}} rollbacks")],
        unit="ops",
    )
    timeseries(g, "Host CPU", [(gauge("host_cpu_ratio", extra=e), "{{target}}")], unit="percentunit")
    timeseries(g, "Buffer cache hit ratio", [(gauge("cache_hit_ratio", extra=e, agg="min"), "{{target}}")], unit="percentunit")
    g.row("Sessions")
    sessions_row(g, e)
    timeseries(
        g,
        "Processes and sessions against their limits",
        [(gauge("resource_used_ratio", by="target, key", extra=e), "{{target}} {{key}}")],
        unit="percentunit",
    )
    g.row("Space, memory and redo")
    timeseries(
        g,
        "Tablespace used (of the autoextend maximum)",
        [(gauge("tablespace_used_ratio", by="target, key", extra=e), "{{target}} {{key}}")],
        unit="percentunit",
    )
    timeseries(g, "Temporary space used", [(gauge("temp_used_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    timeseries(
        g,
        "SGA and PGA",
        [(gauge("sga_bytes", extra=e), "{{target}} SGA"), (gauge("pga_allocated_bytes", extra=e), "{{target}} PGA allocated")],
        unit="bytes",
    )
    timeseries(g, "Fast recovery area used", [(gauge("recovery_area_used_ratio", extra=e), "{{target}}")], unit="percentunit")
    timeseries(
        g,
        "Redo log switches in the last hour",
        [(gauge("redo_switches_last_hour", extra=e), "{{target}}")],
        description="Oracle suggests about 3–4 switches an hour; many more mean the online logs are too small.",
    )
    timeseries(g, "Database size", [(gauge("database_size_bytes", by="target, key", extra=e), "{{target}} {{key}}")], unit="bytes")
    g.row("Data Guard and backups")
    timeseries(
        g,
        "Data Guard lag",
        [(gauge("dataguard_apply_lag_seconds", extra=e), "{{target}} apply"), (gauge("dataguard_transport_lag_seconds", extra=e), "{{target}} transport")],
        unit="s",
    )
    timeseries(g, "Archive destinations in error", [(gauge("archive_dest_errors", extra=e), "{{target}}")])
    timeseries(g, "Age of the newest database backup", [(gauge("last_backup_age_seconds", extra=e), "{{target}}")], unit="s")
    timeseries(g, "Invalid objects", [(gauge("invalid_objects", extra=e), "{{target}}")])
    return dashboard("logstag-oracle", "Logstag · Oracle", "Oracle targets of Logstag agents.", e, g)


def main():
    for board in [fleet(), postgresql(), redis(), mysql(), mssql(), mongodb(), oracle()]:
        path = HERE / f"{board['uid']}.json"
        path.write_text(json.dumps(board, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {path.name}: {len([p for p in board['panels'] if p['type'] != 'row'])} panels")


if __name__ == "__main__":
    main()
