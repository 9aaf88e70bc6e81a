//! Metric names only MySQL/MariaDB targets emit (`EngineSpec::metrics`), beside the
//! neutral `model::metric` names they share with other engines (TPS = COMMIT + ROLLBACK
//! statements per second, connections = `Threads_connected`, cache hit % = InnoDB buffer
//! pool reads served from memory, rows read/written per second from the InnoDB row
//! counters, deadlocks, temporary files, rejected connections, network bytes).

/// Statements per second the server ran for clients (`Questions`, ours subtracted).
pub const QUERIES_PER_S: &str = "queries_per_s";
/// Statements per second by kind, key = `select`, `insert`, `update`, `delete`,
/// `replace`, `commit`, `rollback`, `begin`, `ddl`, `other` (from `Com_*`).
pub const STATEMENTS_PER_S: &str = "statements_per_s";
/// Threads executing right now (`Threads_running`, ours included).
pub const THREADS_RUNNING: &str = "threads_running";
/// `Slow_queries` per minute.
pub const SLOW_QUERIES_PER_MIN: &str = "slow_queries_per_min";
/// Implicit temporary tables that went to disk per second (`Created_tmp_disk_tables`).
pub const TMP_DISK_TABLES_PER_S: &str = "tmp_disk_tables_per_s";
/// Connections that failed (`Aborted_connects`) and clients that went away without
/// closing (`Aborted_clients`), per minute.
pub const ABORTED_CONNECTS_PER_MIN: &str = "aborted_connects_per_min";
pub const ABORTED_CLIENTS_PER_MIN: &str = "aborted_clients_per_min";
/// InnoDB buffer pool pages read from disk per second (`Innodb_buffer_pool_reads`).
pub const BUFFER_POOL_DISK_READS_PER_S: &str = "buffer_pool_disk_reads_per_s";
/// Share of buffer pool pages that are dirty, 0–100.
pub const BUFFER_POOL_DIRTY_PCT: &str = "buffer_pool_dirty_pct";
/// Share of the buffer pool in use (data + dirty pages), 0–100.
pub const BUFFER_POOL_USED_PCT: &str = "buffer_pool_used_pct";
/// Buffer pool pages waiting for a disk read or write right now (InnoDB status): above
/// zero round after round, the disks do not keep up.
pub const BUFFER_POOL_PENDING_IO: &str = "buffer_pool_pending_io";
/// Redo log bytes written per second (`Innodb_os_log_written`).
pub const REDO_BYTES_PER_S: &str = "redo_bytes_per_s";
/// Undo records not yet purged (history list length): a long transaction holds it up.
pub const HISTORY_LIST_LENGTH: &str = "history_list_length";
/// Checkpoint age as a share of the redo log capacity, 0–100 (InnoDB status).
pub const CHECKPOINT_AGE_PCT: &str = "checkpoint_age_pct";
/// Row lock waits per second and the average wait, ms (`Innodb_row_lock_*`).
pub const ROW_LOCK_WAITS_PER_S: &str = "row_lock_waits_per_s";
/// Sessions waiting for a metadata lock right now (the DDL pile-up).
pub const METADATA_LOCK_WAITS: &str = "metadata_lock_waits";
/// Open transactions and the age of the oldest, seconds (`INNODB_TRX`).
pub const OPEN_TRANSACTIONS: &str = "open_transactions";
pub const OLDEST_TRANSACTION_S: &str = "oldest_transaction_s";
/// Replica threads: 1 running, 0 stopped; key `io` or `sql` (per channel: `io/<channel>`).
pub const REPLICA_THREAD_RUNNING: &str = "replica_thread_running";
/// `Max_used_connections` as a share of `max_connections`, 0–100.
pub const CONNECTIONS_PEAK_PCT: &str = "connections_peak_pct";

/// Every name above (`EngineSpec::metrics`).
pub const ALL: [&str; 20] = [
    QUERIES_PER_S,
    STATEMENTS_PER_S,
    THREADS_RUNNING,
    SLOW_QUERIES_PER_MIN,
    TMP_DISK_TABLES_PER_S,
    ABORTED_CONNECTS_PER_MIN,
    ABORTED_CLIENTS_PER_MIN,
    BUFFER_POOL_DISK_READS_PER_S,
    BUFFER_POOL_DIRTY_PCT,
    BUFFER_POOL_USED_PCT,
    BUFFER_POOL_PENDING_IO,
    REDO_BYTES_PER_S,
    HISTORY_LIST_LENGTH,
    CHECKPOINT_AGE_PCT,
    ROW_LOCK_WAITS_PER_S,
    METADATA_LOCK_WAITS,
    OPEN_TRANSACTIONS,
    OLDEST_TRANSACTION_S,
    REPLICA_THREAD_RUNNING,
    CONNECTIONS_PEAK_PCT,
];
