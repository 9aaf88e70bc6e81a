//! Metric names only Oracle targets emit (`EngineSpec::metrics`), beside the neutral
//! `model::metric` names they share with other engines (TPS = user commits + rollbacks
//! per second, connections = user sessions, max connections = `sessions` limit, cache
//! hit % = buffer cache hit ratio, waits by class, blocked sessions, replication lag =
//! Data Guard apply lag, database size = segments' bytes, deadlocks).

/// Average active sessions: DB time per second of wall clock (`v$sysmetric` 'Average
/// Active Sessions'; 'Database Time Per Sec' / 100). The load a DBA reads first.
pub const AVERAGE_ACTIVE_SESSIONS: &str = "average_active_sessions";
/// `v$sysmetric` rates (the 60 s group).
pub const EXECUTIONS_PER_S: &str = "executions_per_s";
pub const USER_CALLS_PER_S: &str = "user_calls_per_s";
pub const LOGICAL_READS_PER_S: &str = "logical_reads_per_s";
pub const PHYSICAL_READS_PER_S: &str = "physical_reads_per_s";
pub const REDO_BYTES_PER_S: &str = "redo_bytes_per_s";
pub const HARD_PARSES_PER_S: &str = "hard_parses_per_s";
/// Host CPU utilisation, 0–100 (`v$sysmetric` 'Host CPU Utilization (%)').
pub const HOST_CPU_PCT: &str = "host_cpu_pct";
/// Wait time per second of wall clock by wait class (key = Oracle's wait class, Idle
/// left out), from `v$system_wait_class` deltas.
pub const WAIT_MS_PER_S: &str = "wait_ms_per_s";
/// The same for the few events that weighed most in the interval (key = event name).
pub const WAIT_MS_PER_S_BY_EVENT: &str = "wait_ms_per_s_by_event";
/// Tablespace use against its size including autoextend growth, 0–100 (key = tablespace).
pub const TABLESPACE_USED_PCT: &str = "tablespace_used_pct";
pub const TABLESPACE_USED_BYTES: &str = "tablespace_used_bytes";
/// Temporary tablespace space held by sessions (`v$tempseg_usage`), bytes (key = tablespace).
pub const TEMP_USED_BYTES: &str = "temp_used_bytes";
/// The same against the temporary tablespace's size including autoextend, 0–100 (key =
/// tablespace). Apart from `tablespace_used_pct` so that "temp near full" and "tablespace
/// near full" can be told apart.
pub const TEMP_USED_PCT: &str = "temp_used_pct";
/// SGA size and PGA allocated, bytes.
pub const SGA_BYTES: &str = "sga_bytes";
pub const PGA_ALLOCATED_BYTES: &str = "pga_allocated_bytes";
/// Online redo log switches in the last hour (`v$log_history`): a count over the trailing
/// hour the server computes, not a rate between two reads, so it is a gauge on /metrics.
pub const REDO_SWITCHES_LAST_HOUR: &str = "redo_switches_last_hour";
/// The smallest online redo log group, bytes (`v$log`): what to grow when switches are
/// too frequent.
pub const REDO_LOG_SIZE_BYTES: &str = "redo_log_size_bytes";
/// Online redo log groups of the thread that has the fewest (`v$log`).
pub const REDO_LOG_GROUPS: &str = "redo_log_groups";
/// Data Guard, on a standby (`v$dataguard_stats`), seconds.
pub const APPLY_LAG_S: &str = "dataguard_apply_lag_s";
pub const TRANSPORT_LAG_S: &str = "dataguard_transport_lag_s";
/// On a standby: 1 while redo apply (the MRP process) runs, 0 when it does not.
pub const APPLY_RUNNING: &str = "dataguard_apply_running";
/// Archive destinations in error on a primary (`v$archive_dest_status`).
pub const ARCHIVE_DEST_ERRORS: &str = "archive_dest_errors";
/// `v$resource_limit` use against the limit, 0–100 (key = processes or sessions).
pub const RESOURCE_USED_PCT: &str = "resource_used_pct";
/// Objects with STATUS = 'INVALID' outside Oracle-maintained schemas.
pub const INVALID_OBJECTS: &str = "invalid_objects";
/// RMAN jobs that ended FAILED (or COMPLETED WITH ERRORS) in the last 24 hours.
pub const RMAN_FAILED_JOBS: &str = "rman_failed_jobs";
/// Age of the newest successful RMAN backup of the database (DB FULL/INCR), seconds.
pub const LAST_BACKUP_AGE_S: &str = "last_backup_age_s";
/// Fast recovery area use (less what is reclaimable), 0–100.
pub const RECOVERY_AREA_USED_PCT: &str = "recovery_area_used_pct";
/// Share of ASH samples of the last minutes taken by the top wait event, 0–100 (key =
/// event). Only with `diagnostics_pack = true` (Oracle Diagnostics Pack licence).
pub const ASH_TOP_WAIT_PCT: &str = "ash_top_wait_pct";
/// The same for the SQL_ID with most samples (key = SQL_ID). Diagnostics Pack only.
pub const ASH_TOP_SQL_PCT: &str = "ash_top_sql_pct";

pub const ALL: [&str; 30] = [
    AVERAGE_ACTIVE_SESSIONS,
    EXECUTIONS_PER_S,
    USER_CALLS_PER_S,
    LOGICAL_READS_PER_S,
    PHYSICAL_READS_PER_S,
    REDO_BYTES_PER_S,
    HARD_PARSES_PER_S,
    HOST_CPU_PCT,
    WAIT_MS_PER_S,
    WAIT_MS_PER_S_BY_EVENT,
    TABLESPACE_USED_PCT,
    TABLESPACE_USED_BYTES,
    TEMP_USED_BYTES,
    TEMP_USED_PCT,
    SGA_BYTES,
    PGA_ALLOCATED_BYTES,
    REDO_SWITCHES_LAST_HOUR,
    REDO_LOG_SIZE_BYTES,
    REDO_LOG_GROUPS,
    APPLY_LAG_S,
    TRANSPORT_LAG_S,
    APPLY_RUNNING,
    ARCHIVE_DEST_ERRORS,
    RESOURCE_USED_PCT,
    INVALID_OBJECTS,
    RMAN_FAILED_JOBS,
    LAST_BACKUP_AGE_S,
    RECOVERY_AREA_USED_PCT,
    ASH_TOP_WAIT_PCT,
    ASH_TOP_SQL_PCT,
];

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_and_not_neutral() {
        let mut all: Vec<&str> = super::ALL.to_vec();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
        assert!(all.iter().all(|n| !crate::model::metric::ALL.contains(n)));
    }
}
