use serde::{Deserialize, Serialize};

/// Facts about the server instance (high tier, cheap).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InstanceInfo {
    /// Short version, e.g. "15.18".
    pub version: String,
    /// Full banner, e.g. `PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64…`.
    pub version_full: String,
    /// Server start, ms since the epoch.
    pub started_at_ms: Option<i64>,
    pub max_connections: Option<u64>,
    pub role: ServerRole,
    /// The database the monitoring connection uses.
    pub database: String,
    /// Sessions connected right now (all states, client backends only).
    pub connections: u64,
    /// The product as the server names itself, when that refines the configured engine
    /// (a `redis` target that answers as Valkey says "Valkey"); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerRole {
    #[default]
    Primary,
    Standby,
}

/// Per-database counters, cumulative since the engine's last stats reset, plus the
/// per-second rates over the last interval where the collector has a previous read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DatabaseStat {
    pub name: String,
    pub size_bytes: Option<u64>,
    pub connections: u64,
    pub xact_commit: u64,
    pub xact_rollback: u64,
    pub blks_read: u64,
    pub blks_hit: u64,
    pub tup_returned: u64,
    pub tup_fetched: u64,
    pub tup_inserted: u64,
    pub tup_updated: u64,
    pub tup_deleted: u64,
    pub deadlocks: u64,
    pub temp_files: u64,
    pub temp_bytes: u64,
    pub conflicts: u64,
    /// Transactions per second over the last interval.
    pub tps: Option<f64>,
    /// Cache hit ratio over the last interval, 0–100.
    pub cache_hit_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Replication {
    pub role: ServerRole,
    /// Connected replicas (primary side).
    pub replicas: Vec<Replica>,
    pub slots: Vec<ReplicationSlot>,
    /// The WAL receiver (standby side).
    pub receiver: Option<WalReceiver>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Replica {
    pub name: String,
    pub client: String,
    pub state: String,
    pub sync_state: String,
    pub write_lag_ms: Option<f64>,
    pub flush_lag_ms: Option<f64>,
    pub replay_lag_ms: Option<f64>,
    /// Bytes of WAL sent but not yet replayed.
    pub replay_lag_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReplicationSlot {
    pub name: String,
    pub slot_type: String,
    pub database: String,
    pub active: bool,
    /// WAL kept on disk for this slot, bytes.
    pub retained_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WalReceiver {
    pub status: String,
    pub sender: String,
    /// Seconds since the last message from the primary.
    pub last_msg_age_s: Option<f64>,
    /// Replay delay on this standby, seconds (now() - pg_last_xact_replay_timestamp()).
    pub replay_delay_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
    pub unit: String,
    /// Where the value comes from (default, configuration file, …).
    pub source: String,
}
