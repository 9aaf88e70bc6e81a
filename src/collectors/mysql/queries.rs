//! The session setup and the high tier's statements; `all()` gathers every statement the
//! collector sends, from every tier's file, for the read-only test below.
//!
//! RULE: monitoring is read-only by construction. Only SELECT and SHOW, the session
//! fences of `connect.rs` (SET SESSION of the variables in `SESSION_VARIABLES`) and
//! `EXPLAIN FOR CONNECTION` / `SHOW EXPLAIN FOR` (which show a running statement's plan
//! without running anything). No statement reads an application table: only
//! information_schema, performance_schema, sys, mysql's grant tables and SHOW output.
//! The session is also `READ ONLY`, so a mistake here would fail rather than write.
//!
//! Statements are sent over the text protocol (no prepare round trip, nothing left in
//! the server's statement cache). Columns are aliased to one lower-case shape across
//! MySQL and MariaDB so `high.rs` reads one reply.

use super::version::Server;

/// Facts about the server, one row; cheap (system variables only).
pub const INSTANCE: &str = "\
SELECT VERSION() AS version, @@version_comment AS version_comment,
       @@max_connections AS max_connections, @@read_only AS read_only,
       @@hostname AS hostname, DATABASE() AS db";

/// Threads with their statement and the InnoDB transaction they have open. Our own
/// connection is left out. `INFO` is cut at 4 KiB: the screen shows one line of it and
/// the detail popup a few dozen, while a bulk INSERT can be megabytes.
macro_rules! processlist_sql {
    ($time_ms:literal) => {
        concat!(
            "\
SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
       ",
            $time_ms,
            " AS time_ms, p.STATE AS state, LEFT(p.INFO, 4096) AS info,
       TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) DIV 1000 AS trx_ms,
       t.trx_state AS trx_state, t.trx_rows_locked AS trx_rows_locked,
       t.trx_rows_modified AS trx_rows_modified,
       TIMESTAMPDIFF(MICROSECOND, t.trx_wait_started, NOW(6)) DIV 1000 AS trx_wait_ms
FROM information_schema.PROCESSLIST p
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
WHERE p.ID <> CONNECTION_ID()"
        )
    };
}

/// MariaDB has the statement's age in ms.
pub const PROCESSLIST_MARIADB: &str = processlist_sql!("p.TIME_MS");
/// MySQL has whole seconds only.
pub const PROCESSLIST_MYSQL: &str = processlist_sql!("p.TIME * 1000");

pub fn processlist(server: &Server) -> &'static str {
    if server.is_mariadb() { PROCESSLIST_MARIADB } else { PROCESSLIST_MYSQL }
}

/// The program name each client sent (connection attributes, performance_schema).
pub const PROGRAM_NAMES: &str = "\
SELECT PROCESSLIST_ID AS id, ATTR_VALUE AS program
FROM performance_schema.session_connect_attrs
WHERE ATTR_NAME = 'program_name'";

/// Who waits for whose row lock: MySQL 8 (performance_schema.data_lock_waits).
pub const ROW_LOCK_WAITS_MYSQL8: &str = "\
SELECT r.trx_mysql_thread_id AS waiting, b.trx_mysql_thread_id AS blocking
FROM performance_schema.data_lock_waits w
JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID";

/// Same for MariaDB and MySQL 5.7 (information_schema.INNODB_LOCK_WAITS).
pub const ROW_LOCK_WAITS_INNODB: &str = "\
SELECT r.trx_mysql_thread_id AS waiting, b.trx_mysql_thread_id AS blocking
FROM information_schema.INNODB_LOCK_WAITS w
JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id";

pub fn row_lock_waits(server: &Server) -> &'static str {
    if server.has_data_lock_waits() { ROW_LOCK_WAITS_MYSQL8 } else { ROW_LOCK_WAITS_INNODB }
}

/// Metadata locks with their owners' connection ids; read only while some thread waits
/// for one. Who blocks whom is worked out by `locks.rs` from the lock types.
pub const METADATA_LOCKS: &str = "\
SELECT t.PROCESSLIST_ID AS id, m.OBJECT_TYPE AS object_type, m.OBJECT_SCHEMA AS object_schema,
       m.OBJECT_NAME AS object_name, m.LOCK_TYPE AS lock_type, m.LOCK_STATUS AS lock_status
FROM performance_schema.metadata_locks m
JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
WHERE t.PROCESSLIST_ID IS NOT NULL";

/// The last statement of idle threads that block others (what the open transaction
/// did before it went quiet); `{ids}` is a list of connection ids, numbers only.
pub const LAST_STATEMENTS: &str = "\
SELECT t.PROCESSLIST_ID AS id, LEFT(e.SQL_TEXT, 4096) AS sql_text
FROM performance_schema.events_statements_current e
JOIN performance_schema.threads t ON t.THREAD_ID = e.THREAD_ID
WHERE t.PROCESSLIST_ID IN ({ids})";

pub fn last_statements(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    LAST_STATEMENTS.replace("{ids}", &ids.join(","))
}

/// Whether performance_schema is on (it is a startup option: read once per connection).
pub const PERFORMANCE_SCHEMA: &str = "SELECT @@performance_schema AS on_";

/// The global status counters the high tier turns into rates and levels.
pub const GLOBAL_STATUS: &str = "\
SHOW GLOBAL STATUS WHERE Variable_name IN (
 'Questions', 'Com_select', 'Com_insert', 'Com_insert_select', 'Com_update', 'Com_update_multi',
 'Com_delete', 'Com_delete_multi', 'Com_replace', 'Com_replace_select', 'Com_commit',
 'Com_rollback', 'Com_begin', 'Com_create_table', 'Com_alter_table', 'Com_drop_table',
 'Com_create_index', 'Com_drop_index', 'Com_truncate', 'Com_rename_table',
 'Threads_connected', 'Threads_running', 'Max_used_connections', 'Uptime',
 'Innodb_rows_read', 'Innodb_rows_inserted', 'Innodb_rows_updated', 'Innodb_rows_deleted',
 'Innodb_buffer_pool_reads', 'Innodb_buffer_pool_read_requests',
 'Innodb_buffer_pool_pages_total', 'Innodb_buffer_pool_pages_free',
 'Innodb_buffer_pool_pages_dirty', 'Innodb_os_log_written', 'Innodb_history_list_length',
 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks',
 'Created_tmp_disk_tables', 'Created_tmp_tables', 'Created_tmp_files', 'Slow_queries',
 'Aborted_connects', 'Aborted_clients', 'Connection_errors_max_connections',
 'Bytes_received', 'Bytes_sent')";

/// The session fences `connect.rs` sets, and the only variables it may set.
pub const SESSION_VARIABLES: &[&str] = &[
    "transaction_read_only",
    "tx_read_only",
    "max_execution_time",
    "max_statement_time",
    "lock_wait_timeout",
];

pub const READ_ONLY_MYSQL: &str = "SET SESSION TRANSACTION READ ONLY";

/// Every statement of the high tier (`all()` adds the other tiers').
pub const HIGH: &[&str] = &[
    INSTANCE,
    PROCESSLIST_MARIADB,
    PROCESSLIST_MYSQL,
    PROGRAM_NAMES,
    ROW_LOCK_WAITS_MYSQL8,
    ROW_LOCK_WAITS_INNODB,
    METADATA_LOCKS,
    LAST_STATEMENTS,
    PERFORMANCE_SCHEMA,
    GLOBAL_STATUS,
];

/// Every fixed statement the collector can send.
pub fn all() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = HIGH.to_vec();
    all.push(READ_ONLY_MYSQL);
    all.extend(super::medium::STATEMENTS);
    all.extend(super::low::STATEMENTS);
    all.extend(super::schema::STATEMENTS);
    all
}

/// Words that must never appear in a monitoring statement (as whole words).
#[cfg(test)]
pub const FORBIDDEN: &[&str] = &[
    "insert",
    "update",
    "delete",
    "replace",
    "merge",
    "create",
    "alter",
    "drop",
    "truncate",
    "rename",
    "grant",
    "revoke",
    "kill",
    "flush",
    "reset",
    "purge",
    "load",
    "lock",
    "unlock",
    "handler",
    "call",
    "do",
    "install",
    "uninstall",
    "optimize",
    "repair",
    "analyze",
    "checksum",
    "into",
    "outfile",
    "dumpfile",
    "sleep",
    "benchmark",
    "get_lock",
    "release_lock",
    "start",
    "stop",
    "change",
    "shutdown",
    "restart",
    "execute",
    "prepare",
    "deallocate",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "xa",
];

/// Lower-case words of a statement, string literals and quoted names left out.
#[cfg(test)]
pub fn words(sql: &str) -> Vec<String> {
    crate::collectors::testing::sql_words(sql, &[('\'', '\''), ('`', '`'), ('"', '"')], |c| {
        c.is_ascii_alphanumeric() || c == '_'
    })
}

/// What a statement may start with.
#[cfg(test)]
pub fn allowed_start(sql: &str) -> bool {
    let w = words(sql);
    let first: Vec<&str> = w.iter().take(3).map(String::as_str).collect();
    match first.as_slice() {
        ["select", ..] | ["show", ..] | ["with", ..] => true,
        ["explain", "for", "connection"] => true,
        ["set", "session", var] => SESSION_VARIABLES.contains(var) || *var == "transaction",
        // MariaDB's per-statement limit, only in front of SHOW EXPLAIN (plans.rs).
        ["set", "statement", "max_statement_time"] => {
            sql.to_ascii_lowercase().contains(" for show explain for ")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_a_read() {
        let all = all();
        assert!(all.len() >= HIGH.len());
        for sql in all {
            assert!(allowed_start(sql), "not on the read-only allowlist:\n{sql}");
            let mut w = words(sql);
            // `SET SESSION TRANSACTION READ ONLY` is the fence itself, not a transaction.
            if sql == READ_ONLY_MYSQL {
                w.clear();
            }
            for word in w {
                assert!(!FORBIDDEN.contains(&word.as_str()), "forbidden word {word} in:\n{sql}");
            }
        }
    }

    #[test]
    fn the_scan_would_catch_a_write() {
        assert!(!allowed_start("UPDATE t SET v = 1"));
        assert!(!allowed_start("SET GLOBAL read_only = 0"));
        assert!(!allowed_start("SET SESSION sql_log_bin = 0"));
        assert!(allowed_start("SET SESSION max_statement_time = 5"));
        assert!(words("SELECT 1 FROM t; KILL 5").contains(&"kill".to_owned()));
        assert!(!words("SELECT 'kill' AS x, trx_rows_modified").contains(&"kill".to_owned()));
    }

    #[test]
    fn id_lists_are_numbers_only() {
        let sql = last_statements(&[3, 17]);
        assert!(sql.ends_with("IN (3,17)"), "{sql}");
        assert!(allowed_start(&sql));
    }

    #[test]
    fn version_picks_the_lock_view() {
        let maria = Server::parse("10.11.19-MariaDB").unwrap();
        let mysql = Server::parse("8.0.36").unwrap();
        assert!(row_lock_waits(&maria).contains("INNODB_LOCK_WAITS"));
        assert!(row_lock_waits(&mysql).contains("data_lock_waits"));
        assert!(processlist(&maria).contains("TIME_MS"));
        assert!(!processlist(&mysql).contains("TIME_MS"));
    }
}

/// Every statement through a MySQL grammar: a typo in SQL text fails here, not on a
/// customer's server. Statements the parser does not know (SHOW variants, MariaDB's
/// SHOW EXPLAIN) are listed by their first words, so nothing else slips through.
#[cfg(test)]
mod grammar {
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    const PARSER_DOES_NOT_KNOW: &[&str] = &[
        "show global status where",
        "show global variables where",
        "show engine innodb status",
        "show all replicas status",
        "show all slaves status",
        "show replica status",
        "show slave status",
        "set session max_statement_time",
        "set session max_execution_time",
        "set session lock_wait_timeout",
    ];

    #[test]
    fn every_statement_parses() {
        let mut checked = 0;
        for sql in super::all() {
            let lower = sql.to_ascii_lowercase();
            let start: String = lower.split_whitespace().collect::<Vec<_>>().join(" ");
            if PARSER_DOES_NOT_KNOW.iter().any(|p| start.starts_with(p)) {
                continue;
            }
            // Run-time lists of ids are filled with numbers only.
            let sql = sql.replace("{ids}", "1, 2");
            if let Err(e) = Parser::parse_sql(&MySqlDialect {}, &sql) {
                panic!("{e}:\n{sql}");
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} statements parsed");
    }
}
