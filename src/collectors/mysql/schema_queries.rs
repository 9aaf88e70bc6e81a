//! Schema-tier SQL: information_schema, the InnoDB dictionary views, the optimizer's
//! index statistics and performance_schema, never application rows.
//!
//! Cost: on MariaDB and MySQL 5.7 an information_schema read opens every table it lists
//! (the table definition, and for sizes the storage engine's statistics); MySQL 8 reads
//! its data dictionary and caches the dynamic columns (`TABLE_ROWS`, `DATA_LENGTH`,
//! `AUTO_INCREMENT`…) for `information_schema_stats_expiry` (24 h by default), which is
//! good enough for a tier that runs every few hours, so the session keeps that default.
//! Each statement therefore reads the whole server at once, system schemas filtered out
//! in SQL (`NOT IN (…)`, which `per_database` turns into one database when the whole
//! read failed), instead of one statement per table. Measured on MariaDB 10.11 with 500
//! tables: see docs/mysql.md, "Schema tier".
//!
//! Partitioned tables are recognised by `CREATE_OPTIONS` ("partitioned") rather than by
//! `information_schema.PARTITIONS`, which on MariaDB opens and measures every partition.
//!
//! Every column is aliased to one lower-case name, so MySQL 8 (which answers with the
//! dictionary's upper-case names) and MariaDB give one shape to the parsers.

/// The schemas that belong to the server, not to an application.
macro_rules! user_schema {
    ($column:literal) => {
        concat!($column, " NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')")
    };
}

/// What `user_schema!` ends with; `per_database` replaces it.
const SYSTEM_SCHEMAS: &str = " NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')";

pub const DATABASES: &str = concat!(
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE ",
    user_schema!("SCHEMA_NAME")
);

/// Base tables (MariaDB's system-versioned ones included), with the engine's own
/// estimates: `TABLE_ROWS` is never a count, `DATA_FREE` is free space inside the table's
/// tablespace.
pub const TABLES: &str = concat!(
    "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, ENGINE AS engine, TABLE_ROWS AS row_estimate,
       DATA_LENGTH AS data_bytes, INDEX_LENGTH AS index_bytes, DATA_FREE AS free_bytes,
       AUTO_INCREMENT AS next_auto_increment, CREATE_OPTIONS AS options
FROM information_schema.TABLES
WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND ",
    user_schema!("TABLE_SCHEMA")
);

/// Columns in table order (views' columns come too and are ignored).
pub const COLUMNS: &str = concat!(
    "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS table_name, COLUMN_NAME AS name,
       ORDINAL_POSITION AS position, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
       COLUMN_DEFAULT AS default_value, EXTRA AS extra, GENERATION_EXPRESSION AS generation
FROM information_schema.COLUMNS WHERE ",
    user_schema!("TABLE_SCHEMA")
);

/// Index key parts; `$extra` adds what the version knows (functional keys, invisibility).
macro_rules! statistics_sql {
    ($extra:literal) => {
        concat!(
            "SELECT s.TABLE_SCHEMA AS db, s.TABLE_NAME AS table_name, s.INDEX_NAME AS name,
       s.NON_UNIQUE AS non_unique, s.SEQ_IN_INDEX AS seq, s.COLUMN_NAME AS column_name,
       s.SUB_PART AS sub_part, s.COLLATION AS sort_order, s.INDEX_TYPE AS index_type",
            $extra,
            "
FROM information_schema.STATISTICS s WHERE ",
            user_schema!("s.TABLE_SCHEMA")
        )
    };
}

/// MySQL before 8.0.13 and MariaDB before 10.6.
pub const INDEXES: &str = statistics_sql!("");
/// MySQL 8.0.13+: functional key parts and invisible indexes.
pub const INDEXES_MYSQL8: &str = statistics_sql!(", s.EXPRESSION AS expression, s.IS_VISIBLE AS visible");
/// MariaDB 10.6+: ignored indexes.
pub const INDEXES_MARIADB_IGNORED: &str = statistics_sql!(", s.IGNORED AS ignored");

/// InnoDB's persistent statistics: pages per index (partitions are `table#P#part`), and
/// when InnoDB last recalculated them (the table's "last analyze").
pub const INDEX_SIZES: &str = concat!(
    "SELECT database_name AS db, table_name AS table_name, index_name AS name,
       stat_value AS pages, @@innodb_page_size AS page_size,
       UNIX_TIMESTAMP(last_update) * 1000 AS stats_ms
FROM mysql.innodb_index_stats WHERE stat_name = 'size' AND ",
    user_schema!("database_name")
);

/// Row operations through each index since the server started (or the table was first
/// opened): `uses` counts every operation, `read_rows` the rows fetched through it.
pub const INDEX_USAGE: &str = concat!(
    "SELECT OBJECT_SCHEMA AS db, OBJECT_NAME AS table_name, INDEX_NAME AS name,
       COUNT_STAR AS uses, COUNT_READ AS read_rows
FROM performance_schema.table_io_waits_summary_by_index_usage
WHERE OBJECT_TYPE = 'TABLE' AND INDEX_NAME IS NOT NULL AND ",
    user_schema!("OBJECT_SCHEMA")
);

/// Foreign keys, one row per column. The rules come from REFERENTIAL_CONSTRAINTS, which
/// MariaDB hides from a user with only SELECT (they are then NULL: left join).
pub const FOREIGN_KEYS: &str = concat!(
    "SELECT k.TABLE_SCHEMA AS db, k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name,
       k.ORDINAL_POSITION AS position, k.COLUMN_NAME AS column_name,
       k.REFERENCED_TABLE_SCHEMA AS referenced_db, k.REFERENCED_TABLE_NAME AS referenced_table,
       k.REFERENCED_COLUMN_NAME AS referenced_column,
       r.UPDATE_RULE AS on_update_rule, r.DELETE_RULE AS on_delete_rule
FROM information_schema.KEY_COLUMN_USAGE k
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ",
    user_schema!("k.TABLE_SCHEMA")
);

/// CHECK constraints, MariaDB 10.2+: names are per table, and the view says which.
pub const CHECKS_MARIADB: &str = concat!(
    "SELECT CONSTRAINT_SCHEMA AS db, TABLE_NAME AS table_name, CONSTRAINT_NAME AS name,
       CHECK_CLAUSE AS clause
FROM information_schema.CHECK_CONSTRAINTS WHERE ",
    user_schema!("CONSTRAINT_SCHEMA")
);

/// CHECK constraints, MySQL 8.0.16+: names are per schema; the table is in TABLE_CONSTRAINTS.
pub const CHECKS_MYSQL: &str = concat!(
    "SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS table_name, t.CONSTRAINT_NAME AS name,
       c.CHECK_CLAUSE AS clause
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.CONSTRAINT_TYPE = 'CHECK' AND ",
    user_schema!("t.TABLE_SCHEMA")
);

/// The text is empty for a user without SHOW VIEW.
pub const VIEWS: &str = concat!(
    "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, VIEW_DEFINITION AS definition
FROM information_schema.VIEWS WHERE ",
    user_schema!("TABLE_SCHEMA")
);

/// Stored functions and procedures; the body is NULL unless the user is the DEFINER or
/// has global SELECT (MySQL 8.0.20+: SHOW_ROUTINE).
pub const ROUTINES: &str = concat!(
    "SELECT ROUTINE_SCHEMA AS db, ROUTINE_NAME AS name, ROUTINE_TYPE AS kind,
       DTD_IDENTIFIER AS return_type, ROUTINE_BODY AS body_language, ROUTINE_DEFINITION AS definition
FROM information_schema.ROUTINES WHERE ",
    user_schema!("ROUTINE_SCHEMA")
);

/// Routine parameters (position 0 is a function's return value).
pub const PARAMETERS: &str = concat!(
    "SELECT SPECIFIC_SCHEMA AS db, SPECIFIC_NAME AS name, ROUTINE_TYPE AS kind,
       ORDINAL_POSITION AS position, PARAMETER_MODE AS param_mode, PARAMETER_NAME AS param,
       DTD_IDENTIFIER AS data_type
FROM information_schema.PARAMETERS WHERE ORDINAL_POSITION > 0 AND ",
    user_schema!("SPECIFIC_SCHEMA")
);

/// Triggers: listed only for tables the user has the TRIGGER privilege on.
pub const TRIGGERS: &str = concat!(
    "SELECT TRIGGER_SCHEMA AS db, TRIGGER_NAME AS name, ACTION_TIMING AS timing,
       EVENT_MANIPULATION AS fires_on, EVENT_OBJECT_TABLE AS table_name,
       ACTION_STATEMENT AS definition
FROM information_schema.TRIGGERS WHERE ",
    user_schema!("TRIGGER_SCHEMA")
);

/// Scheduled events where the user has the EVENT privilege; MySQL 8 has nothing else
/// (its `mysql.event` is gone), the others fall back to it when `EVENTS_TABLE` is refused.
pub const EVENTS_VIEW: &str = concat!(
    "SELECT EVENT_SCHEMA AS db, EVENT_NAME AS name, INTERVAL_VALUE AS every_value,
       INTERVAL_FIELD AS every_unit, EXECUTE_AT AS execute_at, e.STATUS AS status,
       EVENT_DEFINITION AS definition
FROM information_schema.EVENTS e WHERE ",
    user_schema!("EVENT_SCHEMA")
);

/// Scheduled events, MariaDB and MySQL 5.7: the event table is readable with SELECT,
/// where information_schema.EVENTS wants the EVENT privilege.
pub const EVENTS_TABLE: &str = concat!(
    "SELECT e.db AS db, e.name AS name, e.interval_value AS every_value,
       e.interval_field AS every_unit, e.execute_at AS execute_at, e.status AS status,
       e.body AS definition
FROM mysql.event e WHERE ",
    user_schema!("e.db")
);

/// InnoDB tables in a shared tablespace (whose DATA_FREE is the whole tablespace's, not
/// the table's) and, on MySQL 8, the live AUTO_INCREMENT counter of tables in the
/// dictionary cache (information_schema.TABLES may show a value cached for a day).
/// Names are `db/table` in the file-name encoding.
pub const INNODB_TABLES_MYSQL8: &str = "\
SELECT t.NAME AS name, t.SPACE_TYPE <> 'Single' AS shared, s.AUTOINC AS next_value
FROM information_schema.INNODB_TABLES t
LEFT JOIN information_schema.INNODB_TABLESTATS s ON s.TABLE_ID = t.TABLE_ID
WHERE t.SPACE_TYPE <> 'Single' OR s.AUTOINC > 0";

/// Same for MariaDB and MySQL 5.7: space 0 is the system tablespace.
pub const INNODB_TABLES_SYS: &str = "\
SELECT NAME AS name, 1 AS shared, NULL AS next_value
FROM information_schema.INNODB_SYS_TABLES WHERE SPACE = 0 AND NAME LIKE '%/%'";

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    DATABASES,
    TABLES,
    COLUMNS,
    INDEXES,
    INDEXES_MYSQL8,
    INDEXES_MARIADB_IGNORED,
    INDEX_SIZES,
    INDEX_USAGE,
    FOREIGN_KEYS,
    CHECKS_MARIADB,
    CHECKS_MYSQL,
    VIEWS,
    ROUTINES,
    PARAMETERS,
    TRIGGERS,
    EVENTS_VIEW,
    EVENTS_TABLE,
    INNODB_TABLES_MYSQL8,
    INNODB_TABLES_SYS,
];

/// The statement restricted to one database, for when the whole-server read failed
/// (a time limit, a metadata lock): the database is written as a hex string literal,
/// so no name can break out of it whatever the sql_mode. None for a statement without
/// the system-schema filter.
pub fn per_database(sql: &str, database: &str) -> Option<String> {
    if !sql.contains(SYSTEM_SCHEMAS) {
        return None;
    }
    let hex: String = database.bytes().map(|b| format!("{b:02X}")).collect();
    Some(sql.replacen(SYSTEM_SCHEMAS, &format!(" = _utf8mb4 X'{hex}'"), 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::queries::{FORBIDDEN, allowed_start, words};

    #[test]
    fn every_statement_filters_system_schemas_once_or_is_innodb_wide() {
        for sql in STATEMENTS {
            let filters = sql.matches(SYSTEM_SCHEMAS).count();
            assert!(filters == 1 || sql.contains("INNODB_"), "{sql}");
        }
    }

    #[test]
    fn one_database_reads_stay_reads_and_quote_the_name() {
        let one = per_database(TABLES, "shop'; DROP TABLE x; --").unwrap_or_default();
        assert!(one.contains("TABLE_SCHEMA = _utf8mb4 X'73686F70273B"), "{one}");
        assert!(!one.contains("NOT IN"));
        for sql in STATEMENTS.iter().filter_map(|s| per_database(s, "app")) {
            assert!(allowed_start(&sql), "{sql}");
            assert!(words(&sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
        }
        assert_eq!(per_database(INNODB_TABLES_SYS, "app"), None);
    }
}
