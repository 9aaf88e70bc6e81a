//! Schema-tier SQL: the data dictionary only (`dba_*` views), never application rows.
//!
//! One statement per view (or per small join of views), for every application owner at
//! once, each ordered by owner and capped with `FETCH FIRST n ROWS ONLY` (one row more
//! than kept, so the round notices the cap). Owners that Oracle maintains are filtered
//! in SQL (`dba_users.ORACLE_MAINTAINED = 'N'`, 12.1+) and again by name in Rust
//! (`parse::is_oracle_owner`) for schemas some releases left unmarked. Ages are computed
//! by the server (`SYSDATE - x`): its clock and time zone are never compared with ours.

/// Rows kept from the table-shaped reads (tables, sequences, objects, index usage).
pub const MAX_OBJECTS: usize = 20_000;
/// Rows kept from the per-column reads (table columns, index keys, constraint columns).
pub const MAX_COLUMNS: usize = 40_000;
/// Segment groups kept (largest first); the rest count as size 0.
pub const MAX_SEGMENTS: usize = 50_000;
/// Owners kept.
pub const MAX_OWNERS: usize = 1_000;

/// Application owners only: the subquery every statement filters on.
macro_rules! app_owner {
    ($column:literal) => {
        concat!($column, " IN (SELECT u.username FROM dba_users u WHERE u.oracle_maintained = 'N')")
    };
}

/// The container's name (the PDB's, or the database's outside multitenant).
pub const DATABASE_NAME: &str = "\
SELECT SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name, SYS_CONTEXT('USERENV', 'DB_NAME') AS db_name FROM dual";

/// Application owners that own something, with the cheap "did anything change" key:
/// how many objects and the newest LAST_DDL_TIME (any CREATE, ALTER, DROP, GRANT or
/// compile moves one of them). Recycle-bin objects are left out.
pub const OWNERS: &str = concat!(
    "SELECT o.owner, COUNT(*) AS objects, MAX(o.last_ddl_time) AS last_ddl
FROM dba_objects o
WHERE ",
    app_owner!("o.owner"),
    " AND o.object_name NOT LIKE 'BIN$%'
GROUP BY o.owner
ORDER BY o.owner
FETCH FIRST 1001 ROWS ONLY"
);

/// Tables with the optimizer's statistics (never a count of rows) and the DML since the
/// last gather (`dba_tab_modifications`, table level: what Oracle's STALE_STATS compares
/// with NUM_ROWS, so dba_tab_statistics is not read as well). Dropped tables in
/// the recycle bin, nested tables, domain-index tables and IOT overflow segments are
/// not the application's tables.
pub const TABLES: &str = concat!(
    "SELECT t.owner, t.table_name, t.partitioned, t.temporary, t.iot_type,
       t.num_rows, ROUND((SYSDATE - t.last_analyzed) * 86400) AS analyzed_age_s,
       m.inserts + m.updates + m.deletes AS modifications,
       CASE WHEN e.table_name IS NULL THEN 'NO' ELSE 'YES' END AS external
FROM dba_tables t
LEFT JOIN dba_tab_modifications m
  ON m.table_owner = t.owner AND m.table_name = t.table_name AND m.partition_name IS NULL
LEFT JOIN dba_external_tables e ON e.owner = t.owner AND e.table_name = t.table_name
WHERE ",
    app_owner!("t.owner"),
    " AND t.dropped = 'NO' AND t.nested = 'NO' AND t.secondary = 'N'
  AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
ORDER BY t.owner, t.table_name
FETCH FIRST 20001 ROWS ONLY"
);

/// Table columns (views' columns are left out by the join). Defaults are a LONG before
/// 23ai and are not read.
pub const COLUMNS: &str = concat!(
    "SELECT c.owner, c.table_name, c.column_name, c.column_id, c.data_type, c.data_length,
       c.char_length, c.char_used, c.data_precision, c.data_scale, c.nullable
FROM dba_tab_columns c
JOIN dba_tables t ON t.owner = c.owner AND t.table_name = c.table_name
WHERE ",
    app_owner!("c.owner"),
    " AND t.dropped = 'NO'
ORDER BY c.owner, c.table_name, c.column_id
FETCH FIRST 40001 ROWS ONLY"
);

/// Indexes of application tables, with their state (UNUSABLE; a partitioned index says
/// N/A and its unusable partitions are counted) and visibility. LOB indexes
/// belong to their LOB, not to the application.
pub const INDEXES: &str = concat!(
    "SELECT i.owner, i.index_name, i.table_owner, i.table_name, i.index_type, i.uniqueness,
       i.status, i.visibility, i.partitioned, p.unusable_partitions
FROM dba_indexes i
LEFT JOIN (SELECT index_owner, index_name, COUNT(*) AS unusable_partitions
           FROM dba_ind_partitions WHERE status = 'UNUSABLE'
           GROUP BY index_owner, index_name) p
  ON p.index_owner = i.owner AND p.index_name = i.index_name
WHERE ",
    app_owner!("i.table_owner"),
    " AND i.index_type <> 'LOB' AND i.table_type = 'TABLE' AND i.dropped = 'NO'
ORDER BY i.table_owner, i.table_name, i.index_name
FETCH FIRST 20001 ROWS ONLY"
);

/// Index keys in order. A function-based or descending key shows as its hidden column
/// (`SYS_NC00005$`).
pub const INDEX_COLUMNS: &str = concat!(
    "SELECT c.index_owner, c.index_name, c.table_owner, c.table_name, c.column_name,
       c.column_position, c.descend
FROM dba_ind_columns c
WHERE ",
    app_owner!("c.table_owner"),
    " AND c.index_name NOT LIKE 'BIN$%'
ORDER BY c.table_owner, c.table_name, c.index_name, c.column_position
FETCH FIRST 40001 ROWS ONLY"
);

/// Primary, unique and foreign keys with their columns, one row per column; the index
/// each key uses, and a foreign key's referenced constraint (resolved in Rust).
pub const CONSTRAINTS: &str = concat!(
    "SELECT c.owner, c.table_name, c.constraint_name, c.constraint_type, c.status, c.validated,
       c.index_owner, c.index_name, c.r_owner, c.r_constraint_name, c.delete_rule,
       k.column_name, k.position
FROM dba_constraints c
JOIN dba_cons_columns k
  ON k.owner = c.owner AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
WHERE ",
    app_owner!("c.owner"),
    " AND c.constraint_type IN ('P', 'U', 'R') AND c.table_name NOT LIKE 'BIN$%'
ORDER BY c.owner, c.table_name, c.constraint_name, k.position
FETCH FIRST 40001 ROWS ONLY"
);

/// Sequences (identity columns' `ISEQ$$_` ones included). LAST_NUMBER is the high-water
/// mark written to disk: the next value beyond the cache, not the last one handed out.
pub const SEQUENCES: &str = concat!(
    "SELECT s.sequence_owner AS owner, s.sequence_name, s.min_value, s.max_value,
       s.increment_by, s.cycle_flag, s.last_number
FROM dba_sequences s
WHERE ",
    app_owner!("s.sequence_owner"),
    "
ORDER BY s.sequence_owner, s.sequence_name
FETCH FIRST 20001 ROWS ONLY"
);

/// Views, materialized views and code, with what says their definition changed without
/// reading it: TIMESTAMP (the specification's time, set when the object is replaced,
/// not when it is recompiled or granted). Triggers bring when they fire, synonyms what
/// they stand for.
pub const OBJECTS: &str = concat!(
    "SELECT o.owner, o.object_name, o.object_type, o.status, o.timestamp AS spec_time,
       g.trigger_type, g.triggering_event, g.table_name AS trigger_table, g.status AS trigger_status,
       y.table_owner AS synonym_owner, y.table_name AS synonym_name, y.db_link AS synonym_link
FROM dba_objects o
LEFT JOIN dba_triggers g
  ON o.object_type = 'TRIGGER' AND g.owner = o.owner AND g.trigger_name = o.object_name
LEFT JOIN dba_synonyms y
  ON o.object_type = 'SYNONYM' AND y.owner = o.owner AND y.synonym_name = o.object_name
WHERE ",
    app_owner!("o.owner"),
    " AND o.object_type IN ('VIEW', 'MATERIALIZED VIEW', 'PROCEDURE', 'FUNCTION', 'PACKAGE',
       'PACKAGE BODY', 'TRIGGER', 'TYPE', 'TYPE BODY', 'SYNONYM')
  AND o.object_name NOT LIKE 'BIN$%'
ORDER BY o.owner, o.object_name, o.object_type
FETCH FIRST 20001 ROWS ONLY"
);

/// Allocated bytes per table, index and the LOBs of a table, partitions summed: one
/// grouped read of dba_segments, largest first. LOB segments and LOB indexes are
/// charged to their table (`dba_lobs`).
pub const SEGMENTS: &str = concat!(
    "SELECT owner, object_name, kind, SUM(bytes) AS bytes
FROM (SELECT s.owner, COALESCE(l.table_name, li.table_name, s.segment_name) AS object_name,
             CASE WHEN l.table_name IS NOT NULL OR li.table_name IS NOT NULL THEN 'LOB'
                  WHEN s.segment_type LIKE 'INDEX%' THEN 'INDEX'
                  ELSE 'TABLE' END AS kind,
             s.bytes
      FROM dba_segments s
      LEFT JOIN dba_lobs l ON l.owner = s.owner AND l.segment_name = s.segment_name
      LEFT JOIN dba_lobs li ON li.owner = s.owner AND li.index_name = s.segment_name
      WHERE ",
    app_owner!("s.owner"),
    ")
GROUP BY owner, object_name, kind
ORDER BY SUM(bytes) DESC
FETCH FIRST 50001 ROWS ONLY"
);

/// Index use as Oracle tracks it (12.2+, sampled by default, flushed every 15 minutes):
/// an index never used since tracking began has no row.
pub const INDEX_USAGE: &str = concat!(
    "SELECT u.owner, u.name AS index_name, u.total_access_count
FROM dba_index_usage u
WHERE ",
    app_owner!("u.owner"),
    "
ORDER BY u.owner, u.name
FETCH FIRST 20001 ROWS ONLY"
);

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    DATABASE_NAME,
    OWNERS,
    TABLES,
    COLUMNS,
    INDEXES,
    INDEX_COLUMNS,
    CONSTRAINTS,
    SEQUENCES,
    OBJECTS,
    SEGMENTS,
    INDEX_USAGE,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Each cap in the SQL is one more than the rows kept, so a cut is noticed.
    #[test]
    fn caps_in_sql_match_the_rows_kept() {
        let cap = |sql: &str| {
            let tail = sql.rsplit("FETCH FIRST ").next().unwrap_or_default();
            tail.split_whitespace().next().and_then(|n| n.parse::<usize>().ok())
        };
        assert_eq!(cap(OWNERS), Some(MAX_OWNERS + 1));
        for sql in [TABLES, INDEXES, SEQUENCES, OBJECTS, INDEX_USAGE] {
            assert_eq!(cap(sql), Some(MAX_OBJECTS + 1), "{sql}");
        }
        for sql in [COLUMNS, INDEX_COLUMNS, CONSTRAINTS] {
            assert_eq!(cap(sql), Some(MAX_COLUMNS + 1), "{sql}");
        }
        assert_eq!(cap(SEGMENTS), Some(MAX_SEGMENTS + 1));
    }

    /// Every dictionary read is limited to application owners.
    #[test]
    fn every_read_filters_oracle_maintained_owners() {
        for sql in STATEMENTS.iter().filter(|s| **s != DATABASE_NAME) {
            assert_eq!(sql.matches("u.oracle_maintained = 'N'").count(), 1, "{sql}");
        }
    }
}
