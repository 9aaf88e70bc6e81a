use super::Timestamp;
use serde::{Deserialize, Serialize};

/// Statement statistics of one normalised statement over one interval (deltas of
/// the engine's cumulative counters), so rows are comparable across targets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QueryStat {
    /// Stable identity of the statement shape (PG: `queryid`/userid/dbid).
    pub id: String,
    pub database: String,
    pub user: String,
    /// Normalised text (`$1` placeholders), possibly truncated by the server.
    pub text: String,
    pub calls: u64,
    pub total_time_ms: f64,
    /// total_time_ms / calls over the interval.
    pub mean_time_ms: f64,
    /// Lifetime min / max of one execution as reported by the engine (not windowed).
    pub min_time_ms: Option<f64>,
    pub max_time_ms: Option<f64>,
    pub rows: u64,
    pub shared_blks_hit: u64,
    pub shared_blks_read: u64,
    pub shared_blks_dirtied: u64,
    pub shared_blks_written: u64,
    pub local_blks_hit: u64,
    pub local_blks_read: u64,
    pub temp_blks_read: u64,
    pub temp_blks_written: u64,
    /// Time spent reading / writing blocks, ms (needs track_io_timing on PostgreSQL).
    pub blk_read_time_ms: f64,
    pub blk_write_time_ms: f64,
}

impl QueryStat {
    /// Share of buffer accesses served from cache, 0–100; None without accesses.
    pub fn cache_hit_pct(&self) -> Option<f64> {
        let hit = self.shared_blks_hit + self.local_blks_hit;
        let total = hit + self.shared_blks_read + self.local_blks_read;
        (total > 0).then(|| hit as f64 * 100.0 / total as f64)
    }
}

/// Whether statement statistics can be read at all, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum StatsAvailability {
    Available,
    /// Explained to the user, e.g. "pg_stat_statements is not installed in database app:
    /// add it to shared_preload_libraries and run CREATE EXTENSION pg_stat_statements".
    Unavailable(String),
}

/// One medium-tier read of statement statistics, as deltas since the previous read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryStatsSnapshot {
    pub availability: StatsAvailability,
    /// Start of the interval the deltas cover (the previous read); None on the first read,
    /// which only sets the baseline and carries no rows.
    pub since: Option<Timestamp>,
    /// Statements that ran during the interval (calls > 0).
    pub stats: Vec<QueryStat>,
    /// Statements the engine currently tracks.
    pub tracked: u64,
    /// The engine's counters were reset (or entries evicted) since the previous read,
    /// so some deltas restarted from zero.
    pub reset_detected: bool,
    /// Entries evicted since the previous read (pg_stat_statements_info.dealloc, PG 14+).
    pub evicted: Option<u64>,
}
