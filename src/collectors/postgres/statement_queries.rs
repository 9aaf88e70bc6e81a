//! The pg_stat_statements queries, one per extension version, and the choice between
//! them. Counter columns are named as in `statement_counters`, which reads them by name,
//! so a version without a column simply leaves that counter out.
//!
//! `$1` (bool): true reads every database's statements (`scope = "cluster"`), false only
//! the connected database's, filtered on the server: a database-scoped target on a busy
//! cluster neither transfers nor holds the other databases' rows (`scope.rs`).

/// Extension up to 1.7 (PG 12 column names, no plan times).
/// `showtext := false`: texts can be megabytes; they are fetched lazily by queryid.
pub const STATEMENTS_12: &str = "\
SELECT queryid, userid::int8 AS userid, dbid::int8 AS dbid, calls,
       total_time AS total_time_ms, min_time AS min_time_ms, max_time AS max_time_ms, rows,
       shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
       local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
       blk_read_time AS blk_read_time_ms, blk_write_time AS blk_write_time_ms
FROM pg_stat_statements(false)
WHERE $1 OR dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// Extension 1.8–1.9 (PG 13–14): *_exec_time names (planning is counted separately), WAL.
pub const STATEMENTS_13: &str = "\
SELECT queryid, userid::int8 AS userid, dbid::int8 AS dbid, calls,
       total_exec_time AS total_time_ms, min_exec_time AS min_time_ms,
       max_exec_time AS max_time_ms, rows,
       shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
       local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
       blk_read_time AS blk_read_time_ms, blk_write_time AS blk_write_time_ms,
       wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes
FROM pg_stat_statements(false)
WHERE $1 OR dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// Extension 1.10 (PG 15–16): temp file I/O times and JIT (all phases summed).
pub const STATEMENTS_15: &str = "\
SELECT queryid, userid::int8 AS userid, dbid::int8 AS dbid, calls,
       total_exec_time AS total_time_ms, min_exec_time AS min_time_ms,
       max_exec_time AS max_time_ms, rows,
       shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
       local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
       blk_read_time AS blk_read_time_ms, blk_write_time AS blk_write_time_ms,
       temp_blk_read_time AS temp_blk_read_time_ms, temp_blk_write_time AS temp_blk_write_time_ms,
       wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes, jit_functions,
       jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time
         AS jit_time_ms
FROM pg_stat_statements(false)
WHERE $1 OR dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// Extension 1.11 (PG 17): block times are split into shared and local; their sum keeps
/// the meaning blk_read_time had before, so history reads the same across an upgrade.
pub const STATEMENTS_17: &str = "\
SELECT queryid, userid::int8 AS userid, dbid::int8 AS dbid, calls,
       total_exec_time AS total_time_ms, min_exec_time AS min_time_ms,
       max_exec_time AS max_time_ms, rows,
       shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
       local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
       shared_blk_read_time + local_blk_read_time AS blk_read_time_ms,
       shared_blk_write_time + local_blk_write_time AS blk_write_time_ms,
       local_blk_read_time AS local_blk_read_time_ms, local_blk_write_time AS local_blk_write_time_ms,
       temp_blk_read_time AS temp_blk_read_time_ms, temp_blk_write_time AS temp_blk_write_time_ms,
       wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes, jit_functions,
       jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time
         + jit_deform_time AS jit_time_ms
FROM pg_stat_statements(false)
WHERE $1 OR dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// Extension 1.12+ (PG 18+): WAL buffers full, parallel workers planned and launched.
pub const STATEMENTS_18: &str = "\
SELECT queryid, userid::int8 AS userid, dbid::int8 AS dbid, calls,
       total_exec_time AS total_time_ms, min_exec_time AS min_time_ms,
       max_exec_time AS max_time_ms, rows,
       shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
       local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
       shared_blk_read_time + local_blk_read_time AS blk_read_time_ms,
       shared_blk_write_time + local_blk_write_time AS blk_write_time_ms,
       local_blk_read_time AS local_blk_read_time_ms, local_blk_write_time AS local_blk_write_time_ms,
       temp_blk_read_time AS temp_blk_read_time_ms, temp_blk_write_time AS temp_blk_write_time_ms,
       wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes, jit_functions,
       jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time
         + jit_deform_time AS jit_time_ms,
       wal_buffers_full, parallel_workers_to_launch, parallel_workers_launched
FROM pg_stat_statements(false)
WHERE $1 OR dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";

/// "1.10" → (1, 10).
fn extension_version(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The pg_stat_statements query whose column names match the installed extension.
/// The columns come from the extension's SQL definition, which stays at its old version
/// after a server upgrade until ALTER EXTENSION … UPDATE, so the extension version
/// decides (1.8 = PG 13 names, 1.11 = PG 17 split block times); the server version is
/// the fallback when the version string is unexpected.
pub fn statements_sql(extversion: &str, version_num: i32) -> &'static str {
    match extension_version(extversion) {
        Some(v) if v >= (1, 12) => STATEMENTS_18,
        Some(v) if v >= (1, 11) => STATEMENTS_17,
        Some(v) if v >= (1, 10) => STATEMENTS_15,
        Some(v) if v >= (1, 8) => STATEMENTS_13,
        Some(_) => STATEMENTS_12,
        None if version_num >= 180_000 => STATEMENTS_18,
        None if version_num >= 170_000 => STATEMENTS_17,
        None if version_num >= 150_000 => STATEMENTS_15,
        None if version_num >= 130_000 => STATEMENTS_13,
        None => STATEMENTS_12,
    }
}

/// pg_stat_statements_info exists from extension 1.9 (PG 14) on.
pub fn has_statements_info(extversion: &str) -> bool {
    extension_version(extversion).is_some_and(|v| v >= (1, 9))
}
