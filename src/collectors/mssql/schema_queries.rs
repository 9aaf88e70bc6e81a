//! Schema-tier SQL: catalog views and database-scoped DMVs, never application rows.
//!
//! SQL Server keeps a catalog per database. The monitoring connection reads each one
//! through three-part names (`[db].sys.tables`): no `USE`, no dynamic SQL, one statement
//! per class of objects per database (`PER_DATABASE`), not per table. The database name
//! is the only text put into a statement, as a bracketed identifier with `]` doubled
//! (`for_database`); everything else compares ids. Index usage is read per database by
//! its integer id; the missing-index suggestions (600 at most on a server) once per
//! round for all databases.
//!
//! Metadata functions (`OBJECT_NAME`, `OBJECTPROPERTY`, `STATS_DATE`…) are never used:
//! they resolve ids in the connection's own database, not the one named in the
//! statement, and they ignore the session's isolation level (they wait on DDL). Names
//! come from joins instead. Module bodies are hashed on the server (`HASHBYTES`), so
//! the text of thousands of procedures never crosses the network.
//!
//! Each per-database reply is capped at `MAX_ROWS` (+1 to notice it): a bigger catalog
//! is an error for that database rather than hundreds of megabytes in the collector.

/// Rows one per-database statement may return; `TOP (300001)` in the statements.
pub const MAX_ROWS: usize = 300_000;

/// Where `for_database` puts the quoted database name.
const DB: &str = "[$db]";
/// Where `for_database` puts the database's id.
const ID: &str = "$id";
/// Where `for_databases` puts the list of database ids.
const IDS: &str = "($ids)";

/// Every user database with what decides whether and how it can be read: state, user
/// access, the login's access and its VIEW DEFINITION / VIEW DATABASE STATE there
/// (HAS_PERMS_BY_NAME takes a database's name and answers for that database), and the
/// size of its data files (sys.master_files, readable with VIEW ANY DEFINITION). The
/// system databases (ids 1–4), a distribution database and RDS's `rdsadmin` are left
/// out: their catalogs belong to the product.
pub const DATABASES: &str = "\
SELECT d.database_id, d.name, d.state_desc, d.user_access_desc,
       CAST(d.is_read_only AS int) AS is_read_only,
       HAS_DBACCESS(d.name) AS has_access,
       HAS_PERMS_BY_NAME(d.name, 'DATABASE', 'VIEW DEFINITION') AS view_definition,
       HAS_PERMS_BY_NAME(d.name, 'DATABASE', 'VIEW DATABASE STATE') AS view_state,
       f.data_pages * CAST(8192 AS bigint) AS data_bytes
FROM sys.databases d
LEFT JOIN (SELECT database_id, SUM(CAST(size AS bigint)) AS data_pages
           FROM sys.master_files WHERE type = 0 GROUP BY database_id) f ON f.database_id = d.database_id
WHERE d.database_id > 4 AND d.is_distributor = 0 AND d.name <> N'rdsadmin'";

/// Azure SQL Database (engine edition 5): one database per connection (three-part names
/// reach only the current one) and no sys.master_files.
pub const DATABASES_AZURE_SQL: &str = "\
SELECT d.database_id, d.name, d.state_desc, d.user_access_desc,
       CAST(d.is_read_only AS int) AS is_read_only,
       HAS_DBACCESS(d.name) AS has_access,
       HAS_PERMS_BY_NAME(d.name, 'DATABASE', 'VIEW DEFINITION') AS view_definition,
       HAS_PERMS_BY_NAME(d.name, 'DATABASE', 'VIEW DATABASE STATE') AS view_state,
       (SELECT SUM(CAST(size AS bigint)) FROM sys.database_files WHERE type = 0) * CAST(8192 AS bigint) AS data_bytes
FROM sys.databases d
WHERE d.name = DB_NAME()";

/// Schemas with their owners; the fixed database roles' schemas (ids from 16384) and
/// the system ones are not the application's.
pub const SCHEMAS: &str = "\
SELECT TOP (300001) s.schema_id, s.name AS schema_name, p.name AS owner
FROM [$db].sys.schemas s
LEFT JOIN [$db].sys.database_principals p ON p.principal_id = s.principal_id
WHERE s.schema_id < 16384 AND s.name NOT IN (N'sys', N'INFORMATION_SCHEMA')";

/// User tables. Partitioned when the heap or clustered index lies on a partition scheme.
pub const TABLES: &str = "\
SELECT TOP (300001) t.object_id, s.name AS schema_name, t.name AS table_name,
       CAST(t.is_memory_optimized AS int) AS is_memory_optimized,
       CAST(t.is_external AS int) AS is_external, t.temporal_type_desc,
       CASE WHEN EXISTS (SELECT 1 FROM [$db].sys.indexes i
                         JOIN [$db].sys.partition_schemes ps ON ps.data_space_id = i.data_space_id
                         WHERE i.object_id = t.object_id AND i.index_id < 2)
            THEN 1 ELSE 0 END AS partitioned
FROM [$db].sys.tables t
JOIN [$db].sys.schemas s ON s.schema_id = t.schema_id
WHERE t.is_ms_shipped = 0";

/// Pages and rows per index from the partition metadata (no scan of the rows; needs
/// VIEW DATABASE STATE). `row_count` of the heap or clustered index is the table's rows.
pub const SIZES: &str = "\
SELECT TOP (300001) ps.object_id, ps.index_id,
       SUM(ps.in_row_used_page_count) AS in_row_pages,
       SUM(ps.lob_used_page_count + ps.row_overflow_used_page_count) AS lob_pages,
       SUM(ps.used_page_count) AS used_pages,
       SUM(ps.row_count) AS row_count, COUNT(*) AS partitions
FROM [$db].sys.dm_db_partition_stats ps
JOIN [$db].sys.tables t ON t.object_id = ps.object_id
WHERE t.is_ms_shipped = 0
GROUP BY ps.object_id, ps.index_id";

/// When the table's statistics were last updated (the newest of them, as an age in
/// seconds of the server's own clock, so no time zone is involved) and the most rows
/// changed since. The function shows only statistics the login may read (table owner,
/// db_ddladmin, SELECT on the columns): others stay unknown.
pub const STATS: &str = "\
SELECT TOP (300001) st.object_id,
       DATEDIFF_BIG(second, MAX(sp.last_updated), SYSDATETIME()) AS stats_age_s,
       MAX(sp.modification_counter) AS modifications
FROM [$db].sys.stats st
JOIN [$db].sys.tables t ON t.object_id = st.object_id
CROSS APPLY [$db].sys.dm_db_stats_properties(st.object_id, st.stats_id) sp
WHERE t.is_ms_shipped = 0
GROUP BY st.object_id";

/// Columns with type, default, computed expression and IDENTITY state (values as text:
/// they are sql_variant).
pub const COLUMNS: &str = "\
SELECT TOP (300001) c.object_id, c.column_id, c.name AS column_name, ty.name AS type_name,
       CAST(ty.is_user_defined AS int) AS is_user_defined, c.max_length, c.precision, c.scale,
       CAST(c.is_nullable AS int) AS is_nullable, dc.definition AS default_definition,
       cc.definition AS computed_definition, CAST(cc.is_persisted AS int) AS is_persisted,
       CONVERT(nvarchar(40), ic.seed_value) AS identity_seed,
       CONVERT(nvarchar(40), ic.increment_value) AS identity_increment,
       CONVERT(nvarchar(40), ic.last_value) AS identity_last
FROM [$db].sys.columns c
JOIN [$db].sys.tables t ON t.object_id = c.object_id
JOIN [$db].sys.types ty ON ty.user_type_id = c.user_type_id
LEFT JOIN [$db].sys.default_constraints dc ON dc.object_id = c.default_object_id
LEFT JOIN [$db].sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
LEFT JOIN [$db].sys.identity_columns ic ON ic.object_id = c.object_id AND ic.column_id = c.column_id
WHERE t.is_ms_shipped = 0";

/// Indexes (heaps and hypothetical ones left out), one row per column: key columns by
/// `key_ordinal`, included ones flagged; a partitioning column that is neither has
/// `key_ordinal` 0 and is not included.
pub const INDEXES: &str = "\
SELECT TOP (300001) i.object_id, i.index_id, i.name AS index_name, i.type_desc,
       CAST(i.is_unique AS int) AS is_unique, CAST(i.is_primary_key AS int) AS is_primary_key,
       CAST(i.is_unique_constraint AS int) AS is_unique_constraint,
       CAST(i.is_disabled AS int) AS is_disabled, i.filter_definition,
       ic.key_ordinal, ic.index_column_id, CAST(ic.is_descending_key AS int) AS is_descending_key,
       CAST(ic.is_included_column AS int) AS is_included_column, ic.column_id, c.name AS column_name
FROM [$db].sys.indexes i
JOIN [$db].sys.tables t ON t.object_id = i.object_id
LEFT JOIN [$db].sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
LEFT JOIN [$db].sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE t.is_ms_shipped = 0 AND i.type > 0 AND i.is_hypothetical = 0";

/// Foreign keys, one row per column pair, the referenced table named by a join.
pub const FOREIGN_KEYS: &str = "\
SELECT TOP (300001) fk.parent_object_id AS object_id, fk.name AS fk_name,
       CAST(fk.is_disabled AS int) AS is_disabled, CAST(fk.is_not_trusted AS int) AS is_not_trusted,
       fk.delete_referential_action_desc AS on_delete, fk.update_referential_action_desc AS on_update,
       fkc.constraint_column_id, pc.name AS column_name, pc.column_id,
       rs.name AS referenced_schema, rt.name AS referenced_table, rc.name AS referenced_column
FROM [$db].sys.foreign_keys fk
JOIN [$db].sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
JOIN [$db].sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN [$db].sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
JOIN [$db].sys.objects rt ON rt.object_id = fkc.referenced_object_id
JOIN [$db].sys.schemas rs ON rs.schema_id = rt.schema_id
WHERE fk.is_ms_shipped = 0";

/// CHECK constraints of user tables.
pub const CHECKS: &str = "\
SELECT TOP (300001) cc.parent_object_id AS object_id, cc.name AS constraint_name, cc.definition,
       CAST(cc.is_disabled AS int) AS is_disabled, CAST(cc.is_not_trusted AS int) AS is_not_trusted
FROM [$db].sys.check_constraints cc
JOIN [$db].sys.tables t ON t.object_id = cc.parent_object_id
WHERE t.is_ms_shipped = 0";

/// Views, procedures, functions, DML triggers, synonyms and sequences in one pass over
/// sys.objects. `definition_sha256` is NULL when the login may not see the body
/// (no VIEW DEFINITION), when the module is encrypted and for CLR modules. Trigger
/// events come from sys.trigger_events (1 insert, 2 update, 3 delete).
pub const OBJECTS: &str = "\
SELECT TOP (300001) o.object_id, s.name AS schema_name, o.name AS object_name, o.type AS object_type,
       HASHBYTES('SHA2_256', m.definition) AS definition_sha256,
       CASE WHEN m.object_id IS NULL THEN 0 ELSE 1 END AS has_module,
       sn.base_object_name, p.name AS parent_name,
       CAST(tr.is_instead_of_trigger AS int) AS is_instead_of_trigger,
       CAST(tr.is_disabled AS int) AS trigger_disabled,
       te.on_insert, te.on_update, te.on_delete,
       sty.name AS sequence_type,
       CONVERT(nvarchar(40), sq.current_value) AS current_value,
       CONVERT(nvarchar(40), sq.minimum_value) AS minimum_value,
       CONVERT(nvarchar(40), sq.maximum_value) AS maximum_value,
       CONVERT(nvarchar(40), sq.increment) AS increment,
       CAST(sq.is_cycling AS int) AS is_cycling
FROM [$db].sys.objects o
JOIN [$db].sys.schemas s ON s.schema_id = o.schema_id
LEFT JOIN [$db].sys.sql_modules m ON m.object_id = o.object_id
LEFT JOIN [$db].sys.synonyms sn ON sn.object_id = o.object_id
LEFT JOIN [$db].sys.triggers tr ON tr.object_id = o.object_id
LEFT JOIN [$db].sys.objects p ON p.object_id = tr.parent_id
LEFT JOIN (SELECT object_id,
                  MAX(CASE WHEN type = 1 THEN 1 ELSE 0 END) AS on_insert,
                  MAX(CASE WHEN type = 2 THEN 1 ELSE 0 END) AS on_update,
                  MAX(CASE WHEN type = 3 THEN 1 ELSE 0 END) AS on_delete
           FROM [$db].sys.trigger_events GROUP BY object_id) te ON te.object_id = o.object_id
LEFT JOIN [$db].sys.sequences sq ON sq.object_id = o.object_id
LEFT JOIN [$db].sys.types sty ON sty.user_type_id = sq.user_type_id
WHERE o.is_ms_shipped = 0
  AND o.type IN ('V', 'P', 'PC', 'FN', 'IF', 'TF', 'FS', 'FT', 'TR', 'TA', 'SN', 'SO')";

/// Index operations since the server started (or the database came online), for one
/// database by id (the DMV is server-wide). Needs VIEW SERVER STATE.
pub const INDEX_USAGE: &str = "\
SELECT TOP (300001) us.database_id, us.object_id, us.index_id, us.user_seeks, us.user_scans,
       us.user_lookups, us.user_updates
FROM sys.dm_db_index_usage_stats us
WHERE us.database_id = $id";

/// The optimizer's missing-index suggestions (at most 600 kept by the server, reset at
/// restart). Needs VIEW SERVER STATE.
pub const MISSING_INDEXES: &str = "\
SELECT d.database_id, d.object_id, d.equality_columns, d.inequality_columns, d.included_columns,
       gs.user_seeks, gs.user_scans, gs.avg_total_user_cost, gs.avg_user_impact
FROM sys.dm_db_missing_index_details d
JOIN sys.dm_db_missing_index_groups g ON g.index_handle = d.index_handle
JOIN sys.dm_db_missing_index_group_stats gs ON gs.group_handle = g.index_group_handle
WHERE d.database_id IN ($ids)";

/// A class of objects read in each database.
pub struct Class {
    pub what: &'static str,
    pub sql: &'static str,
    /// A required class that fails makes the database an error; an optional one only
    /// loses its figures, and `grant` says what would let it be read.
    pub required: bool,
    pub grant: &'static str,
}

const fn required(what: &'static str, sql: &'static str) -> Class {
    Class { what, sql, required: true, grant: "" }
}

const fn optional(what: &'static str, sql: &'static str, grant: &'static str) -> Class {
    Class { what, sql, required: false, grant }
}

/// What is read in each database, in order. The optional classes come last, so losing
/// one (a timeout) never costs a required one.
pub const PER_DATABASE: [Class; 10] = [
    required("schemas", SCHEMAS),
    required("tables", TABLES),
    required("columns", COLUMNS),
    required("indexes", INDEXES),
    required("foreign keys", FOREIGN_KEYS),
    required("check constraints", CHECKS),
    required("views, routines, triggers, synonyms and sequences", OBJECTS),
    optional("table sizes", SIZES, "GRANT VIEW DATABASE STATE in each, or VIEW SERVER STATE"),
    optional("statistics dates", STATS, "db_ddladmin, or SELECT on the tables"),
    optional(
        "index usage",
        INDEX_USAGE,
        "GRANT VIEW SERVER STATE (SQL Server 2022: VIEW SERVER PERFORMANCE STATE); until then unused \
         indexes are not reported",
    ),
];

/// Every statement of this tier as written (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    DATABASES,
    DATABASES_AZURE_SQL,
    SCHEMAS,
    TABLES,
    SIZES,
    STATS,
    COLUMNS,
    INDEXES,
    FOREIGN_KEYS,
    CHECKS,
    OBJECTS,
    INDEX_USAGE,
    MISSING_INDEXES,
];

/// A database name as a bracketed identifier: `]` doubled, so no name can end it.
pub fn quote_name(name: &str) -> String {
    format!("[{}]", name.replace(']', "]]"))
}

/// A per-database statement for one database (by name and id).
pub fn for_database(sql: &str, database: &str, id: i64) -> String {
    sql.replace(DB, &quote_name(database)).replace(ID, &id.to_string())
}

/// A server-wide statement restricted to these databases (ids, never names).
pub fn for_databases(sql: &str, ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    sql.replace(IDS, &format!("({})", list.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start};

    /// Lower-case words outside string literals and identifiers, reading `]]` inside a
    /// bracketed name and `''` inside a literal as the escapes T-SQL makes of them.
    fn tsql_words(sql: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            let close = match c {
                '[' => Some(']'),
                '\'' => Some('\''),
                _ => None,
            };
            if let Some(close) = close {
                while let Some(inner) = chars.next() {
                    if inner == close {
                        if chars.peek() == Some(&close) {
                            chars.next();
                            continue;
                        }
                        break;
                    }
                }
            } else if c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '$' {
                word.push(c.to_ascii_lowercase());
                continue;
            }
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        out
    }

    const HOSTILE: &str = "x]; DROP DATABASE prod; SELECT [1";

    #[test]
    fn a_hostile_database_name_stays_one_identifier() {
        assert_eq!(quote_name("Sales"), "[Sales]");
        assert_eq!(quote_name(HOSTILE), "[x]]; DROP DATABASE prod; SELECT [1]");
        for class in PER_DATABASE {
            let one = for_database(class.sql, HOSTILE, 7);
            assert!(!one.contains(DB) && !one.contains(ID), "{one}");
            assert!(allowed_start(&one), "{one}");
            let words = tsql_words(&one);
            assert!(words.iter().all(|w| !FORBIDDEN.contains(&w.as_str()) && w != "prod"), "{one}");
        }
        // The check itself sees a name that is not quoted.
        assert!(tsql_words(&sql_with_raw_name()).contains(&"drop".to_owned()));
    }

    fn sql_with_raw_name() -> String {
        TABLES.replace(DB, &format!("[{HOSTILE}]"))
    }

    #[test]
    fn optional_reads_come_after_every_required_one() {
        let first_optional = PER_DATABASE.iter().position(|c| !c.required);
        assert!(first_optional.is_some_and(|i| PER_DATABASE[i..].iter().all(|c| !c.required)));
        assert!(PER_DATABASE.iter().all(|c| c.required == c.grant.is_empty()));
    }

    #[test]
    fn every_per_database_statement_names_only_its_database_and_is_capped() {
        for Class { what, sql, .. } in PER_DATABASE {
            assert!(sql.contains(DB) || sql.contains("database_id = $id"), "{what}");
            assert!(sql.contains(&format!("TOP ({})", MAX_ROWS + 1)), "{what}");
            // No catalog view without the database in front of it.
            let unqualified = sql.replace(&format!("{DB}.sys."), "");
            let server_wide = sql == INDEX_USAGE && unqualified.matches("sys.").count() == 1;
            assert!(server_wide || !unqualified.contains("sys."), "{what}: {unqualified}");
            for function in ["OBJECT_NAME", "OBJECT_SCHEMA_NAME", "OBJECTPROPERTY", "STATS_DATE", "OBJECT_ID"]
            {
                assert!(!sql.contains(function), "{what} uses {function}");
            }
        }
        let read = for_databases(MISSING_INDEXES, &[5, 7]);
        assert!(read.contains("IN (5, 7)") && allowed_start(&read), "{read}");
        assert!(for_database(INDEX_USAGE, "x", 7).ends_with("WHERE us.database_id = 7"));
    }
}
