//! Metric names only SQL Server targets emit (`EngineSpec::metrics`), beside the neutral
//! `model::metric` names they share with other engines (TPS = Transactions/sec of all
//! databases, connections = User Connections, cache hit % = Buffer cache hit ratio,
//! deadlocks, blocked sessions, waits by class, replication lag = the worst Availability
//! Group secondary's estimated lag, database sizes).

/// Batch Requests/sec: the workload's pace (what most DBAs chart first).
pub const BATCH_REQUESTS_PER_S: &str = "batch_requests_per_s";
/// SQL Compilations/sec and Re-Compilations/sec.
pub const COMPILATIONS_PER_S: &str = "compilations_per_s";
pub const RECOMPILATIONS_PER_S: &str = "recompilations_per_s";
/// Page life expectancy, seconds (Buffer Manager): how long a page stays in memory.
pub const PAGE_LIFE_EXPECTANCY_S: &str = "page_life_expectancy_s";
/// Lock Waits/sec (all lock types).
pub const LOCK_WAITS_PER_S: &str = "lock_waits_per_s";
/// Memory Grants Pending: queries waiting for workspace memory (should be 0).
pub const MEMORY_GRANTS_PENDING: &str = "memory_grants_pending";
/// Page Splits/sec and Full Scans/sec (Access Methods).
pub const PAGE_SPLITS_PER_S: &str = "page_splits_per_s";
pub const FULL_SCANS_PER_S: &str = "full_scans_per_s";
/// Wait time per second of wall clock by wait category (key = the neutral category
/// label), benign waits filtered out: "how many sessions' worth of waiting".
pub const WAIT_MS_PER_S: &str = "wait_ms_per_s";
/// The same for the few wait types that weighed most in the interval (key = the wait
/// type; at most `high::waits::TOP_WAIT_TYPES` a round, so the key set stays small).
pub const WAIT_MS_PER_S_BY_TYPE: &str = "wait_ms_per_s_by_type";
/// Share of the transaction log in use, 0–100, key = database.
pub const LOG_USED_PCT: &str = "log_used_pct";
/// tempdb space in use, bytes.
pub const TEMPDB_USED_BYTES: &str = "tempdb_used_bytes";
/// Availability Groups: log send and redo queues, KiB, key = `ag/replica/database`;
/// synchronization health, 1 healthy / 0 not, key = `ag/replica`.
pub const AG_LOG_SEND_QUEUE_KB: &str = "ag_log_send_queue_kb";
pub const AG_REDO_QUEUE_KB: &str = "ag_redo_queue_kb";
pub const AG_REPLICA_HEALTHY: &str = "ag_replica_healthy";
/// Deadlock reports found in system_health since the previous read.
pub const DEADLOCK_REPORTS: &str = "deadlock_reports";
/// SQL Agent jobs whose last run failed (low tier, where msdb is readable).
pub const FAILED_JOBS: &str = "failed_jobs";
/// Query Store state per database: 1 read-write, 0 off or read-only, key = database.
pub const QUERY_STORE_READ_WRITE: &str = "query_store_read_write";
/// Server memory in use as a share of its target, 0–100.
pub const MEMORY_USED_PCT_OF_TARGET: &str = "memory_used_pct_of_target";

/// Every engine-only metric name (`EngineSpec::metrics`).
pub const ALL: [&str; 19] = [
    BATCH_REQUESTS_PER_S,
    COMPILATIONS_PER_S,
    RECOMPILATIONS_PER_S,
    PAGE_LIFE_EXPECTANCY_S,
    LOCK_WAITS_PER_S,
    MEMORY_GRANTS_PENDING,
    PAGE_SPLITS_PER_S,
    FULL_SCANS_PER_S,
    WAIT_MS_PER_S,
    WAIT_MS_PER_S_BY_TYPE,
    LOG_USED_PCT,
    TEMPDB_USED_BYTES,
    AG_LOG_SEND_QUEUE_KB,
    AG_REDO_QUEUE_KB,
    AG_REPLICA_HEALTHY,
    DEADLOCK_REPORTS,
    FAILED_JOBS,
    QUERY_STORE_READ_WRITE,
    MEMORY_USED_PCT_OF_TARGET,
];
