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
    /// Time the collection round of a tier took on our side, milliseconds; key = tier.
    pub const COLLECT_MS: &str = "collect_ms";
}
