use serde::{Deserialize, Serialize};

/// One numeric point. `key` distinguishes series of the same metric (a database name,
/// a wait class); empty for instance-wide values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub value: f64,
}

impl Metric {
    pub fn new(name: &str, value: f64) -> Self {
        Self { name: name.to_owned(), key: String::new(), value }
    }

    pub fn keyed(name: &str, key: impl Into<String>, value: f64) -> Self {
        Self { name: name.to_owned(), key: key.into(), value }
    }
}

/// Engine-neutral metric names. Every engine maps its counters onto these, so charts
/// and alert templates never mention an engine's native names.
pub mod metric {
    /// Committed + rolled-back transactions per second (ops/s on engines without transactions).
    pub const TPS: &str = "tps";
    pub const COMMITS_PER_S: &str = "commits_per_s";
    pub const ROLLBACKS_PER_S: &str = "rollbacks_per_s";
    /// Buffer cache hit ratio over the last interval, 0–100.
    pub const CACHE_HIT_PCT: &str = "cache_hit_pct";
    pub const CONNECTIONS: &str = "connections";
    pub const MAX_CONNECTIONS: &str = "max_connections";
    /// Sessions by state; key = state label (Active, Idle, Idle in transaction, Waiting for lock, Other).
    pub const SESSIONS_BY_STATE: &str = "sessions_by_state";
    /// Waiting sessions by wait category; key = category label (Locks, LW Locks, IO, Client, Other).
    pub const WAITS_BY_CLASS: &str = "waits_by_class";
    pub const BLOCKED_SESSIONS: &str = "blocked_sessions";
    /// Longest current query among active sessions, seconds.
    pub const LONGEST_QUERY_S: &str = "longest_query_s";
    /// Longest open idle-in-transaction, seconds.
    pub const LONGEST_IDLE_IN_TX_S: &str = "longest_idle_in_tx_s";
    pub const DEADLOCKS_PER_S: &str = "deadlocks_per_s";
    pub const TEMP_BYTES_PER_S: &str = "temp_bytes_per_s";
    pub const TEMP_FILES_PER_S: &str = "temp_files_per_s";
    pub const ROWS_READ_PER_S: &str = "rows_read_per_s";
    pub const ROWS_WRITTEN_PER_S: &str = "rows_written_per_s";
    pub const DATABASE_SIZE_BYTES: &str = "database_size_bytes";
    /// Worst replica replay lag (primary) or receive lag (standby), seconds.
    pub const REPLICATION_LAG_S: &str = "replication_lag_s";
    /// WAL held back by replication slots, bytes; key = slot name.
    pub const SLOT_RETAINED_BYTES: &str = "slot_retained_bytes";
    pub const CHECKPOINTS_TIMED_PER_MIN: &str = "checkpoints_timed_per_min";
    pub const CHECKPOINTS_REQ_PER_MIN: &str = "checkpoints_requested_per_min";
    pub const BUFFERS_WRITTEN_PER_S: &str = "buffers_written_per_s";
    /// Statements: total execution time per second of wall time (ms/s) over the interval.
    pub const QUERY_TIME_MS_PER_S: &str = "query_time_ms_per_s";
    pub const QUERY_CALLS_PER_S: &str = "query_calls_per_s";
    /// Memory the server uses for data, bytes (Redis `used_memory`).
    pub const MEMORY_USED_BYTES: &str = "memory_used_bytes";
    /// Configured memory limit, bytes; absent when unlimited (Redis `maxmemory` 0).
    pub const MEMORY_LIMIT_BYTES: &str = "memory_limit_bytes";
    /// memory_used / limit, 0–100; absent when unlimited.
    pub const MEMORY_USED_PCT: &str = "memory_used_pct";
    /// Resident / used memory (Redis `mem_fragmentation_ratio`).
    pub const MEMORY_FRAGMENTATION_RATIO: &str = "memory_fragmentation_ratio";
    /// Keys across all logical databases.
    pub const KEYS_TOTAL: &str = "keys_total";
    pub const EVICTED_KEYS_PER_S: &str = "evicted_keys_per_s";
    pub const EXPIRED_KEYS_PER_S: &str = "expired_keys_per_s";
    pub const NET_IN_BYTES_PER_S: &str = "net_in_bytes_per_s";
    pub const NET_OUT_BYTES_PER_S: &str = "net_out_bytes_per_s";
    /// Server CPU (user + sys, main process and children) over the interval, % of one core.
    pub const CPU_PCT: &str = "cpu_pct";
    pub const REJECTED_CONNECTIONS_PER_S: &str = "rejected_connections_per_s";
    /// Per-command calls / time / failures over the interval; key = command name.
    pub const COMMAND_CALLS_PER_S: &str = "command_calls_per_s";
    pub const COMMAND_USEC_PER_CALL: &str = "command_usec_per_call";
    pub const COMMAND_FAILED_PER_S: &str = "command_failed_per_s";
    /// Writes since the last successful snapshot (Redis `rdb_changes_since_last_save`).
    pub const UNSAVED_CHANGES: &str = "unsaved_changes";
    /// 1 when the last background save / AOF write succeeded, 0 when it failed.
    pub const PERSISTENCE_OK: &str = "persistence_ok";
    /// Seconds since the last successful snapshot.
    pub const LAST_SAVE_AGE_S: &str = "last_save_age_s";
    /// 1 when a replica's link to its primary is up, 0 when down (replicas only).
    pub const REPLICATION_LINK_UP: &str = "replication_link_up";
    /// Replicas connected to this primary.
    pub const CONNECTED_REPLICAS: &str = "connected_replicas";
    /// Latest latency spike per event (LATENCY LATEST), ms; key = event name.
    pub const LATENCY_SPIKE_MS: &str = "latency_spike_ms";
    /// New slow-log entries per minute over the interval.
    pub const SLOW_ENTRIES_PER_MIN: &str = "slow_entries_per_min";
    /// Time the collection round of a tier took on our side, milliseconds; key = tier.
    pub const COLLECT_MS: &str = "collect_ms";

    /// Every name above: what `templates check` accepts besides the engines' own.
    pub const ALL: [&str; 46] = [
        TPS,
        COMMITS_PER_S,
        ROLLBACKS_PER_S,
        CACHE_HIT_PCT,
        CONNECTIONS,
        MAX_CONNECTIONS,
        SESSIONS_BY_STATE,
        WAITS_BY_CLASS,
        BLOCKED_SESSIONS,
        LONGEST_QUERY_S,
        LONGEST_IDLE_IN_TX_S,
        DEADLOCKS_PER_S,
        TEMP_BYTES_PER_S,
        TEMP_FILES_PER_S,
        ROWS_READ_PER_S,
        ROWS_WRITTEN_PER_S,
        DATABASE_SIZE_BYTES,
        REPLICATION_LAG_S,
        SLOT_RETAINED_BYTES,
        CHECKPOINTS_TIMED_PER_MIN,
        CHECKPOINTS_REQ_PER_MIN,
        BUFFERS_WRITTEN_PER_S,
        QUERY_TIME_MS_PER_S,
        QUERY_CALLS_PER_S,
        MEMORY_USED_BYTES,
        MEMORY_LIMIT_BYTES,
        MEMORY_USED_PCT,
        MEMORY_FRAGMENTATION_RATIO,
        KEYS_TOTAL,
        EVICTED_KEYS_PER_S,
        EXPIRED_KEYS_PER_S,
        NET_IN_BYTES_PER_S,
        NET_OUT_BYTES_PER_S,
        CPU_PCT,
        REJECTED_CONNECTIONS_PER_S,
        COMMAND_CALLS_PER_S,
        COMMAND_USEC_PER_CALL,
        COMMAND_FAILED_PER_S,
        UNSAVED_CHANGES,
        PERSISTENCE_OK,
        LAST_SAVE_AGE_S,
        REPLICATION_LINK_UP,
        CONNECTED_REPLICAS,
        LATENCY_SPIKE_MS,
        SLOW_ENTRIES_PER_MIN,
        COLLECT_MS,
    ];
}

#[cfg(test)]
mod all_tests {
    /// `metric::ALL` lists every constant of the module: read from this file's source, so a
    /// new metric cannot be forgotten there.
    #[test]
    fn all_lists_every_metric_name() {
        let source = include_str!("metrics.rs");
        let start = source.find("pub mod metric {").unwrap_or(0);
        let body = &source[start..];
        let end = body.find("pub const ALL").unwrap_or(body.len());
        let declared: Vec<&str> = body[..end]
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub const ")?.split_once(": &str = \"")?.1.split_once('"'))
            .map(|(value, _)| value)
            .collect();
        assert!(declared.len() > 40, "{declared:?}");
        for name in &declared {
            assert!(super::metric::ALL.contains(name), "metric::ALL misses {name}");
        }
        assert_eq!(declared.len(), super::metric::ALL.len());
    }
}
