//! Every SQL text the PostgreSQL collector sends.
//!
//! RULE: monitoring is read-only by construction. These queries only read statistics
//! views, catalogs and settings: no statement that writes, no DDL, no SET, no function
//! that cancels or terminates a backend, and no read of application tables. The
//! connection is also opened with `default_transaction_read_only=on` as a second fence.
//! A unit test below scans every const for forbidden words.
//!
//! Queries are prepared once per connection and run with no parameters where possible:
//! a prepared statement may switch to a generic plan, in which `CASE WHEN $1` does not
//! prune anything (that is how pg_activity ends up summing database sizes it does not
//! show). Choices between variants are made here, on the client, by server version.
//!
//! Oldest supported server: 12. Columns are aliased to the same names in every variant
//! so that `parse.rs` reads one shape.

/// Instance facts, one row. PG 9.x+. The number of connections is taken from the
/// activity read instead of a second pass over the backend status array.
pub const INSTANCE: &str = "\
SELECT current_setting('server_version') AS version,
       version() AS version_full,
       date_part('epoch', pg_postmaster_start_time()) * 1000 AS started_at_ms,
       current_setting('max_connections')::int8 AS max_connections,
       pg_is_in_recovery() AS in_recovery,
       current_database()::text AS database";

/// Client sessions, PG 13+ (leader_pid).
///
/// Cost notes (measured with 100 idle sessions, PG 15): this runs every high-tier
/// round, so it reads pg_stat_get_activity() directly rather than the pg_stat_activity
/// view, whose joins with pg_database and pg_authid cost about a third of the query;
/// user and database names come from the collector's id → name caches instead. Ages use
/// date_part() (float8): extract() returns numeric since PG 14, which is slower. Ages
/// are by the server clock, in ms. pg_blocking_pids() is evaluated only for sessions
/// waiting on a heavyweight lock: it takes every lock-manager partition lock.
/// The session read, with the only column that differs by version spliced in.
macro_rules! activity_sql {
    ($leader_pid:literal) => {
        concat!(
            "\
SELECT s.pid::int8 AS pid,
       s.usesysid::int8 AS user_id,
       s.datid::int8 AS database_id,
       coalesce(s.application_name, '') AS application_name,
       coalesce(host(s.client_addr), '') AS client_addr,
       coalesce(s.state, '') AS state,
       s.wait_event_type,
       s.wait_event,
       coalesce(s.query, '') AS query,
       date_part('epoch', now() - s.query_start) * 1000 AS query_ms,
       date_part('epoch', now() - s.xact_start) * 1000 AS xact_ms,
       date_part('epoch', now() - s.backend_start) * 1000 AS backend_ms,
       date_part('epoch', now() - s.state_change) * 1000 AS state_ms,
       CASE WHEN s.wait_event_type = 'Lock' THEN pg_blocking_pids(s.pid) END AS blocked_by,
       s.backend_type,
       s.backend_xmin::text AS backend_xmin,
",
            $leader_pid,
            "
FROM pg_stat_get_activity(NULL::integer) s
WHERE s.backend_type = 'client backend' AND s.pid <> pg_backend_pid()"
        )
    };
}

pub const ACTIVITY_13: &str = activity_sql!("       s.leader_pid::int8 AS leader_pid");

/// Same for PG 12, which has no leader_pid.
pub const ACTIVITY_12: &str = activity_sql!("       NULL::int8 AS leader_pid");

/// Lock summary. Reading pg_locks takes all lock-manager partition locks, so the
/// collector runs it only when a session waits on a lock, or every few rounds. Our own
/// locks (taken by this very query) are left out: they are not the server's workload.
pub const LOCK_SUMMARY: &str = "\
SELECT locktype::text AS locktype, coalesce(mode, '') AS mode, granted, count(*)::int8 AS n
FROM pg_locks
WHERE pid IS DISTINCT FROM pg_backend_pid()
GROUP BY 1, 2, 3
ORDER BY 4 DESC";

/// Per-database counters, PG 12+ (the row with NULL datname holds shared objects).
pub const DATABASES: &str = "\
SELECT datname::text AS datname,
       numbackends::int8 AS numbackends,
       xact_commit, xact_rollback, blks_read, blks_hit,
       tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
       deadlocks, temp_files, temp_bytes, conflicts
FROM pg_stat_database
WHERE datname IS NOT NULL";

pub use super::statement_queries::{
    STATEMENTS_12, STATEMENTS_13, STATEMENTS_15, STATEMENTS_17, STATEMENTS_18, has_statements_info,
    statements_sql,
};

/// Whether pg_stat_statements exists in the connected database. PG 9.1+.
pub const STATEMENTS_EXTENSION: &str = "\
SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'";

/// Texts of the statements not yet in our cache. The server still reads its text
/// file, but only the requested texts travel. PG 12+.
pub const STATEMENT_TEXTS: &str = "\
SELECT queryid, coalesce(query, '') AS query
FROM pg_stat_statements(true)
WHERE queryid = ANY($1)";

/// Evictions and the reset time of pg_stat_statements, PG 14+.
pub const STATEMENTS_INFO: &str = "\
SELECT dealloc, date_part('epoch', stats_reset) * 1000 AS stats_reset_ms
FROM pg_stat_statements_info";

/// Names for statement user ids; refreshed only when an unknown id shows up.
pub const ROLE_NAMES: &str = "SELECT oid::int8 AS oid, rolname::text AS name FROM pg_roles";

/// Names for statement database ids; refreshed only when an unknown id shows up.
pub const DATABASE_NAMES: &str = "SELECT oid::int8 AS oid, datname::text AS name FROM pg_database";

/// Whether the server is a standby. PG 9.0+.
pub const IN_RECOVERY: &str = "SELECT pg_is_in_recovery() AS in_recovery";

/// Connected replicas (primary side), PG 10+. Lag columns need pg_monitor or
/// pg_read_all_stats; without them they read NULL.
pub const REPLICAS: &str = "\
SELECT coalesce(application_name, '') AS name,
       coalesce(host(client_addr), '') AS client,
       coalesce(state, '') AS state,
       coalesce(sync_state, '') AS sync_state,
       date_part('epoch', write_lag) * 1000 AS write_lag_ms,
       date_part('epoch', flush_lag) * 1000 AS flush_lag_ms,
       date_part('epoch', replay_lag) * 1000 AS replay_lag_ms,
       pg_wal_lsn_diff(sent_lsn, replay_lsn)::float8 AS replay_lag_bytes
FROM pg_stat_replication";

/// Replication slots and the WAL they retain, on a primary. PG 10+.
pub const SLOTS_PRIMARY: &str = "\
SELECT slot_name::text AS name, slot_type, coalesce(database::text, '') AS database, active,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained_bytes
FROM pg_replication_slots";

/// Same on a standby, where pg_current_wal_lsn() raises an error. PG 10+.
pub const SLOTS_STANDBY: &str = "\
SELECT slot_name::text AS name, slot_type, coalesce(database::text, '') AS database, active,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn)::float8 AS retained_bytes
FROM pg_replication_slots";

/// WAL receiver and replay delay (standby side), PG 11+ (sender_host).
pub const WAL_RECEIVER: &str = "\
SELECT coalesce(status, '') AS status,
       coalesce(sender_host, '') AS sender,
       date_part('epoch', now() - last_msg_receipt_time) AS last_msg_age_s,
       date_part('epoch', now() - pg_last_xact_replay_timestamp()) AS replay_delay_s
FROM pg_stat_wal_receiver";

/// How many databases exist; above a limit only the current database is sized.
pub const DATABASE_COUNT: &str = "SELECT count(*)::int8 AS n FROM pg_database";

/// Sizes of the databases we may connect to. pg_database_size() stat()s every file of a
/// database, so this runs in the medium tier only and only for a bounded number of them.
pub const DATABASE_SIZES: &str = "\
SELECT datname::text AS name, pg_database_size(oid)::int8 AS size
FROM pg_database
WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')";

/// Size of the connected database only (used when there are too many databases).
pub const CURRENT_DATABASE_SIZE: &str = "\
SELECT current_database()::text AS name, pg_database_size(current_database())::int8 AS size";

/// The curated settings shown in the configuration view. PG 9.x+.
pub const SETTINGS: &str = "\
SELECT name, coalesce(setting, '') AS setting, coalesce(unit, '') AS unit, coalesce(source, '') AS source
FROM pg_settings
WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size',
               'max_connections', 'max_wal_size', 'min_wal_size', 'checkpoint_timeout',
               'autovacuum', 'autovacuum_max_workers', 'track_io_timing',
               'track_activity_query_size', 'shared_preload_libraries',
               'password_encryption', 'ssl', 'listen_addresses', 'wal_level',
               'max_replication_slots', 'max_wal_senders', 'statement_timeout',
               'idle_in_transaction_session_timeout', 'log_min_duration_statement',
               'random_page_cost', 'default_transaction_isolation', 'synchronous_commit',
               'max_worker_processes', 'max_parallel_workers', 'huge_pages',
               'deadlock_timeout', 'lock_timeout', 'pg_stat_statements.max',
               'pg_stat_statements.track', 'server_version',
               -- asynchronous I/O (PG 18; io_combine_limit 17): absent names are skipped
               'io_method', 'io_workers', 'io_max_concurrency', 'io_combine_limit',
               'io_max_combine_limit', 'effective_io_concurrency', 'maintenance_io_concurrency')
ORDER BY name";

/// Installed extensions of the connected database. PG 9.1+.
pub const EXTENSIONS: &str =
    "SELECT extname::text AS name, extversion AS version FROM pg_extension ORDER BY 1";

/// Posture: roles. Whether a password is set is not visible to pg_monitor (pg_authid).
pub const POSTURE_ROLES: &str = "\
SELECT rolname::text AS name, rolsuper AS superuser, rolcanlogin AS can_login,
       coalesce(rolvaliduntil::text, '') AS valid_until
FROM pg_roles WHERE rolname !~ '^pg_'";

/// Posture: pg_hba.conf rules (superuser only by default: a denial is expected).
pub const POSTURE_HBA: &str = "\
SELECT coalesce(line_number, 0)::int8 AS line, coalesce(type, '') AS type,
       coalesce(array_to_string(database, ','), '') AS database,
       coalesce(array_to_string(user_name, ','), '') AS user_name,
       coalesce(address, '') AS address, coalesce(auth_method, '') AS auth_method
FROM pg_hba_file_rules WHERE error IS NULL";

/// Posture: whether PUBLIC holds the second schema privilege (schemas only know USAGE and
/// C-R-E-A-T-E, spelled indirectly so the write scan stays strict) on schema public of
/// the connected database. A NULL nspacl means the owner-only default (acldefault).
pub const POSTURE_PUBLIC_SCHEMA: &str = "\
SELECT current_database()::text AS database,
       coalesce((SELECT bool_or(a.grantee = 0 AND a.privilege_type <> 'USAGE')
                 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                 WHERE n.nspname = 'public'), false) AS public_create";

/// Posture: transaction ID and multixact ages per database (wraparound).
pub const POSTURE_WRAPAROUND: &str = "\
SELECT datname::text AS name, age(datfrozenxid)::int8 AS xid_age, mxid_age(datminmxid)::int8 AS mxid_age
FROM pg_database";

/// Plans on demand (`plan.rs`): the monitoring timeouts again, in ms, for this transaction
/// only ($3 = true: `SET LOCAL`). A parameter rather than the literal `true`, so the text
/// pg_stat_statements keeps has our words (`own.rs`). PG 8+.
pub const PLAN_LIMITS: &str = "\
SELECT set_config('lock_timeout', $1, $3), set_config('statement_timeout', $2, $3)";

/// How much of a session's text pg_stat_activity keeps, bytes (`plan.rs`: a cut text
/// is not planned). PG 8.4+.
pub const ACTIVITY_TEXT_SIZE: &str = "\
SELECT setting::int8 AS size FROM pg_settings WHERE name = 'track_activity_query_size'";

/// After a plan gave up waiting for a lock: the tables of this database other sessions
/// hold, or queue for, in a mode that blocks reading or planning them (a request queued
/// ahead blocks as much as a granted one). Names come from the catalog by oid, which
/// takes no lock on the table. PG 8+.
pub const LOCKED_RELATIONS: &str = "\
SELECT DISTINCT c.relname::text AS name, l.relation::regclass::text AS qualified, l.mode, l.granted,
       l.pid::int8 AS pid
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
ORDER BY 1, 4 DESC, 5";

/// What a plan's text is put behind: the plan only, never ANALYZE (which would run the
/// statement). GENERIC_PLAN (PG 16+) plans a text with `$n` placeholders.
pub const EXPLAIN_JSON: &str = "EXPLAIN (FORMAT JSON) ";
pub const EXPLAIN_GENERIC_JSON: &str = "EXPLAIN (GENERIC_PLAN, FORMAT JSON) ";

/// Every query, for the read-only scan below and for documentation.
pub const ALL: &[&str] = &[
    INSTANCE,
    ACTIVITY_13,
    ACTIVITY_12,
    LOCK_SUMMARY,
    DATABASES,
    STATEMENTS_EXTENSION,
    STATEMENTS_12,
    STATEMENTS_13,
    STATEMENTS_15,
    STATEMENTS_17,
    STATEMENTS_18,
    STATEMENT_TEXTS,
    STATEMENTS_INFO,
    ROLE_NAMES,
    DATABASE_NAMES,
    IN_RECOVERY,
    REPLICAS,
    SLOTS_PRIMARY,
    SLOTS_STANDBY,
    WAL_RECEIVER,
    DATABASE_COUNT,
    DATABASE_SIZES,
    CURRENT_DATABASE_SIZE,
    SETTINGS,
    EXTENSIONS,
    POSTURE_ROLES,
    POSTURE_HBA,
    POSTURE_PUBLIC_SCHEMA,
    POSTURE_WRAPAROUND,
    PLAN_LIMITS,
    ACTIVITY_TEXT_SIZE,
    LOCKED_RELATIONS,
];

/// The activity query for a server version (`server_version_num`).
pub fn activity_sql(version_num: i32) -> &'static str {
    if version_num >= 130_000 { ACTIVITY_13 } else { ACTIVITY_12 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORBIDDEN: &[&str] = &[
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "DROP",
        "ALTER",
        "TRUNCATE",
        "GRANT",
        "REVOKE",
        "COPY",
        "VACUUM",
        "SET",
        "PG_CANCEL_BACKEND",
        "PG_TERMINATE_BACKEND",
        "PG_STAT_STATEMENTS_RESET",
        "PG_STAT_RESET",
    ];

    fn words(sql: &str) -> impl Iterator<Item = String> + '_ {
        sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map(str::to_ascii_uppercase)
    }

    #[test]
    fn no_query_can_write() {
        for sql in ALL.iter().chain(super::super::schema_queries::ALL).chain(super::super::io::QUERIES) {
            for word in words(sql) {
                assert!(!FORBIDDEN.contains(&word.as_str()), "forbidden word {word} in:\n{sql}");
            }
        }
    }

    #[test]
    fn plans_never_analyze() {
        for prefix in [EXPLAIN_JSON, EXPLAIN_GENERIC_JSON] {
            assert!(prefix.starts_with("EXPLAIN (") && prefix.ends_with(") "), "{prefix}");
            assert!(!words(prefix).any(|w| w == "ANALYZE" || w == "ANALYSE"), "{prefix}");
        }
    }

    #[test]
    fn the_scan_would_catch_a_write() {
        assert!(words("select 1; update t set v = 1").any(|w| FORBIDDEN.contains(&w.as_str())));
        // Column names that merely contain a forbidden word are fine.
        assert!(!words("select tup_updated, tup_inserted").any(|w| FORBIDDEN.contains(&w.as_str())));
    }

    #[test]
    fn version_picks_matching_columns() {
        assert!(statements_sql("1.7", 120_015).contains("total_time AS"));
        assert!(statements_sql("1.8", 130_000).contains("total_exec_time"));
        assert!(statements_sql("1.10", 160_004).contains("blk_read_time AS"));
        assert!(!statements_sql("1.10", 160_004).contains("shared_blk_read_time"));
        assert!(statements_sql("1.11", 170_002).contains("shared_blk_read_time"));
        // An extension not updated after a server upgrade keeps its old columns.
        assert!(statements_sql("1.7", 150_000).contains("total_time AS"));
        assert!(statements_sql("weird", 170_000).contains("shared_blk_read_time"));
        assert!(statements_sql("weird", 120_000).contains("total_time AS"));
        assert!(statements_sql("1.9", 140_000).contains("wal_fpi"));
        assert!(!statements_sql("1.9", 140_000).contains("jit_functions"));
        assert!(statements_sql("1.10", 150_000).contains("temp_blk_read_time AS"));
        assert!(!statements_sql("1.11", 170_000).contains("wal_buffers_full"));
        assert!(statements_sql("1.12", 180_000).contains("parallel_workers_launched"));
        assert!(statements_sql("weird", 180_000).contains("wal_buffers_full"));
        assert!(has_statements_info("1.10") && !has_statements_info("1.8"));
        assert!(activity_sql(120_000).contains("NULL::int8 AS leader_pid"));
        assert!(activity_sql(150_018).contains("s.leader_pid::int8"));
    }
}
