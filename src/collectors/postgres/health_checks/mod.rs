//! PostgreSQL health checks: the catalogue the health report runs on this engine.
//!
//! Thresholds are ours (the product docs define areas and scoring, not checks); each
//! `why` says what the threshold protects against. Every check reads only `HealthInput`
//! and returns NotEvaluated with a reason when its data is missing.

mod configuration;
mod maintenance;
mod performance;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use crate::health::{Check, HealthInput, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

/// A posture fact as a number.
fn fact_num(i: &HealthInput, name: &str) -> Option<f64> {
    i.fact(name)?.parse().ok()
}

pub fn checks() -> &'static [Check] {
    CHECKS
}

/// The PostgreSQL report of `input` (its tests and live checks call this).
pub fn evaluate(input: &crate::health::HealthInput) -> crate::model::HealthReport {
    crate::health::evaluate_with(CHECKS, input)
}

pub static CHECKS: &[Check] = &[
    check!(
        "pg.cache_hit_ratio",
        Performance,
        "Buffer cache hit ratio",
        performance::cache_hit,
        "Reads that miss shared_buffers and the OS cache go to disk, which is orders of magnitude slower; an OLTP server below 95 % usually lacks memory or runs large scans.",
        "Look at the statements with the most shared_blks_read (Queries tab), add indexes for large scans, or raise shared_buffers / RAM."
    ),
    check!(
        "pg.long_running_queries",
        Performance,
        "Long-running queries",
        performance::long_queries,
        "Queries running for minutes hold snapshots and locks, block vacuum cleanup and often signal a bad plan; 5 min is our attention mark, 1 h critical.",
        "Inspect the session in the Activity tab, EXPLAIN the statement, and cancel it if it is runaway (pg_cancel_backend)."
    ),
    check!(
        "pg.idle_in_transaction",
        Performance,
        "Sessions idle in transaction",
        performance::idle_in_transaction,
        "An open transaction that does nothing keeps locks and its snapshot: vacuum cannot remove dead rows behind it and other sessions queue on its locks.",
        "Fix the application's transaction handling; set idle_in_transaction_session_timeout; terminate stuck sessions."
    ),
    check!(
        "pg.connection_usage",
        Performance,
        "Connections vs max_connections",
        performance::connections,
        "When max_connections is reached new clients are refused; above 75 % there is little headroom for a spike.",
        "Use a connection pooler (PgBouncer), close idle connections, or raise max_connections with memory in mind."
    ),
    check!(
        "pg.temp_files",
        Performance,
        "Temporary files",
        performance::temp_files,
        "Sorts and hashes that do not fit in work_mem spill to disk, which is slow and adds I/O; ten GiB since the stats reset is our attention mark.",
        "Find statements with temp_blks_written (Queries tab); raise work_mem for them or add indexes; set log_temp_files to see them."
    ),
    check!(
        "pg.deadlocks",
        Performance,
        "Deadlocks",
        performance::deadlocks,
        "Each deadlock aborts a transaction the application must retry; any count means lock ordering problems in the application.",
        "Read the deadlock details in the server log and make transactions lock rows in a consistent order."
    ),
    check!(
        "pg.checkpoints_requested",
        Performance,
        "Requested vs timed checkpoints",
        performance::checkpoints,
        "Checkpoints forced by WAL volume (not by checkpoint_timeout) cause write spikes and more full-page writes; more than 20 % requested means max_wal_size is too small.",
        "Raise max_wal_size so checkpoints are driven by checkpoint_timeout."
    ),
    check!(
        "pg.pg_stat_statements",
        Performance,
        "Statement statistics available",
        performance::statements,
        "Without pg_stat_statements there is no per-query history: top queries, regressions and I/O per statement cannot be seen.",
        "Add pg_stat_statements to shared_preload_libraries, restart, CREATE EXTENSION pg_stat_statements, grant pg_monitor."
    ),
    check!(
        "pg.replication_lag",
        Performance,
        "Replication lag",
        performance::replication_lag,
        "A lagging replica serves stale reads and loses data on failover; a minute is our attention mark, ten critical.",
        "Check the replica's I/O and network, long queries on the standby (conflicts), and wal_sender/receiver state."
    ),
    check!(
        "pg.blocked_sessions",
        Performance,
        "Blocked sessions",
        performance::blocked,
        "Sessions waiting on locks stall the application; a wait over 30 s usually exceeds client timeouts.",
        "Open the blocking tree (Activity tab, b) and deal with the head blocker."
    ),
    check!(
        "pg.superusers",
        Security,
        "Superuser roles",
        security::superusers,
        "A superuser bypasses every permission check and can run programs on the server; every extra one widens the attack surface.",
        "Give applications and people ordinary roles with the grants they need (pg_monitor, pg_read_all_data…); ALTER ROLE … NOSUPERUSER."
    ),
    check!(
        "pg.password_expiry",
        Security,
        "Login roles without password expiry",
        security::password_expiry,
        "Passwords that never expire stay valid after people leave; this is common and often accepted (service accounts), hence attention only. Whether a password is set at all is not visible to pg_monitor.",
        "Set VALID UNTIL on human roles, rotate service passwords, or prefer certificate / SSO authentication."
    ),
    check!(
        "pg.password_encryption",
        Security,
        "Password hashing",
        security::password_encryption,
        "md5 hashes are replayable and weak against offline attacks; scram-sha-256 is the default since PostgreSQL 14.",
        "Set password_encryption = 'scram-sha-256', then reset each password and change md5 lines of pg_hba.conf to scram-sha-256."
    ),
    check!(
        "pg.ssl",
        Security,
        "TLS (ssl)",
        security::ssl,
        "Without TLS, passwords (md5 challenge) and data travel in clear on the network; critical when the server listens beyond localhost.",
        "Configure ssl_cert_file / ssl_key_file, set ssl = on, and use hostssl lines in pg_hba.conf."
    ),
    check!(
        "pg.trust_auth",
        Security,
        "trust authentication in pg_hba.conf",
        security::trust_rules,
        "A trust rule lets anyone who reaches it connect as any matching role without a password; on a host line with listen_addresses beyond localhost that is the network.",
        "Replace trust with scram-sha-256 (or peer for local sockets) and reload."
    ),
    check!(
        "pg.public_schema_create",
        Security,
        "PUBLIC CREATE on schema public",
        security::public_create,
        "When every role may create objects in public, one role can plant functions or operators that others call by search_path (CVE-2018-1058); PostgreSQL 15 revoked it by default.",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC; in each database."
    ),
    check!(
        "pg.shared_buffers",
        Configuration,
        "shared_buffers",
        configuration::shared_buffers,
        "The default 128 MB is sized for tiny machines; a dedicated server usually wants about 25 % of RAM. Above 64 GiB returns diminish.",
        "Set shared_buffers to about 25 % of RAM (restart needed)."
    ),
    check!(
        "pg.work_mem",
        Configuration,
        "work_mem",
        configuration::work_mem,
        "Too small and sorts spill to disk; too large and many concurrent sorts (each may use work_mem) exhaust memory.",
        "Keep the server default moderate (4–64 MB) and raise work_mem per role or per session for reporting queries."
    ),
    check!(
        "pg.maintenance_work_mem",
        Configuration,
        "maintenance_work_mem",
        configuration::maintenance_work_mem,
        "VACUUM, CREATE INDEX and autovacuum use it; below 64 MB they run in many passes; very large values multiply by autovacuum workers.",
        "Set maintenance_work_mem to 256 MB–1 GB on most servers."
    ),
    check!(
        "pg.effective_cache_size",
        Configuration,
        "effective_cache_size vs shared_buffers",
        configuration::effective_cache_size,
        "effective_cache_size tells the planner how much is cached (shared_buffers plus OS cache); smaller than shared_buffers makes index scans look too expensive.",
        "Set effective_cache_size to about 50–75 % of RAM."
    ),
    check!(
        "pg.max_connections",
        Configuration,
        "max_connections",
        configuration::max_connections,
        "Every connection is a process with its own memory; hundreds of active ones cause contention. Above 500 a pooler is the better tool.",
        "Lower max_connections and put a connection pooler in front."
    ),
    check!(
        "pg.track_io_timing",
        Configuration,
        "track_io_timing",
        configuration::track_io_timing,
        "Without it, statement statistics and EXPLAIN cannot tell I/O time from CPU time; the overhead is small on modern clocks (check with pg_test_timing).",
        "Set track_io_timing = on (reload)."
    ),
    check!(
        "pg.log_min_duration_statement",
        Configuration,
        "Slow statement logging",
        configuration::log_min_duration,
        "With slow statement logging disabled, slow queries leave no trace in the log for later diagnosis.",
        "Set log_min_duration_statement to e.g. 1000 ms (reload)."
    ),
    check!(
        "pg.statement_timeout",
        Configuration,
        "statement_timeout",
        configuration::statement_timeout,
        "Without a timeout a runaway query can run for hours; a server-wide default is a safety net (override per role).",
        "Set statement_timeout per role or database (ALTER ROLE … SET statement_timeout = '5min')."
    ),
    check!(
        "pg.idle_in_transaction_timeout",
        Configuration,
        "idle_in_transaction_session_timeout",
        configuration::idle_tx_timeout,
        "Without it, a client that forgets to commit holds locks and blocks vacuum indefinitely.",
        "Set idle_in_transaction_session_timeout (e.g. 10min)."
    ),
    check!(
        "pg.tables_without_pk",
        Schema,
        "Tables without a primary key",
        schema::no_primary_key,
        "Rows without a key cannot be addressed reliably, logical replication cannot replicate UPDATE/DELETE, and duplicates creep in.",
        "Add a primary key (or at least a unique, not-null key and REPLICA IDENTITY)."
    ),
    check!(
        "pg.unused_indexes",
        Schema,
        "Unused indexes",
        schema::unused_indexes,
        "Indexes never scanned still cost on every write and in vacuum, and take space; check replicas too before dropping.",
        "Confirm over a full business cycle (and on standbys), then DROP INDEX CONCURRENTLY."
    ),
    check!(
        "pg.duplicate_indexes",
        Schema,
        "Duplicate indexes",
        schema::duplicate_indexes,
        "Two identical indexes double the write and storage cost for no read benefit.",
        "Drop one of each pair (keep the one backing a constraint)."
    ),
    check!(
        "pg.redundant_indexes",
        Schema,
        "Redundant indexes",
        schema::redundant_indexes,
        "An index whose columns are a leading prefix of another is usually unnecessary.",
        "Check it is not unique or used for a different purpose, then drop it."
    ),
    check!(
        "pg.invalid_indexes",
        Schema,
        "Invalid indexes",
        schema::invalid_indexes,
        "An invalid index (failed CREATE INDEX CONCURRENTLY) is maintained on writes but never used for reads.",
        "DROP INDEX CONCURRENTLY and recreate it, or REINDEX INDEX CONCURRENTLY."
    ),
    check!(
        "pg.fk_without_index",
        Schema,
        "Foreign keys without an index",
        schema::fk_without_index,
        "Deleting or updating a referenced row scans the referencing table when no index starts with the FK columns, and locks more.",
        "Create an index on the foreign key columns."
    ),
    check!(
        "pg.sequence_exhaustion",
        Schema,
        "Sequences near exhaustion",
        schema::sequences,
        "When a sequence reaches its maximum, inserts fail; int4 ids run out at 2.1 billion. 80 % leaves time to migrate, 95 % is urgent.",
        "Change the column and sequence to bigint (ALTER SEQUENCE … AS bigint) before it runs out."
    ),
    check!(
        "pg.table_bloat",
        Schema,
        "Table bloat",
        schema::table_bloat,
        "Dead space inflates tables, so scans read more pages and the cache holds less useful data.",
        "Tune autovacuum for the table; reclaim with pg_repack or VACUUM FULL in a maintenance window."
    ),
    check!(
        "pg.autovacuum",
        Maintenance,
        "Autovacuum enabled",
        maintenance::autovacuum,
        "Without autovacuum, dead rows pile up, statistics go stale and transaction ID wraparound eventually stops the server.",
        "Set autovacuum = on; tune per-table settings instead of disabling it."
    ),
    check!(
        "pg.dead_tuples",
        Maintenance,
        "Dead tuples / autovacuum lag",
        maintenance::dead_tuples,
        "A large share of dead rows means autovacuum is not keeping up: bloat and slower scans follow.",
        "Lower autovacuum_vacuum_scale_factor for busy tables, raise autovacuum workers or cost limits, look for long transactions."
    ),
    check!(
        "pg.stale_statistics",
        Maintenance,
        "Stale planner statistics",
        maintenance::stale_statistics,
        "The planner chooses plans from statistics; tables never analyzed or heavily changed since get bad row estimates.",
        "ANALYZE the tables; lower autovacuum_analyze_scale_factor for tables that change a lot."
    ),
    check!(
        "pg.wraparound",
        Maintenance,
        "Transaction ID wraparound",
        maintenance::wraparound,
        "At about 2.1 billion transactions of age the server stops accepting writes to avoid data loss; anti-wraparound vacuum starts at 200 M by default, so 500 M means it is not keeping up.",
        "Find the oldest tables (age(relfrozenxid)), remove what holds back the horizon (long transactions, prepared transactions, slots) and VACUUM FREEZE them."
    ),
    check!(
        "pg.inactive_slots",
        Maintenance,
        "Inactive replication slots",
        maintenance::inactive_slots,
        "An inactive slot keeps every WAL segment since its consumer left, until the disk fills and the server stops.",
        "Reconnect the consumer or pg_drop_replication_slot() the slot; consider max_slot_wal_keep_size."
    ),
];
