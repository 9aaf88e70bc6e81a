//! Schema-tier SQL: catalogs and statistics views only, never application rows. One
//! set-based query per object class per database, bounded by `$1` (table oids kept
//! under the cap) where the class hangs off tables.
//!
//! Sizes come from `pg_relation_size` / `pg_table_size`, which stat() each fork file:
//! exact and current, unlike `relpages * block_size` (only refreshed by VACUUM/ANALYZE,
//! so wrong for a freshly loaded table). Index sizes are read once per index and summed
//! client side, so no file is stat()ed twice (pg_total_relation_size would re-read every
//! index). Measured by the benchmark in tests/integration/schema_live.rs (2,000 tables,
//! 4,000 indexes): relpages 12 ms, pg_table_size + TOAST for every table 87 ms,
//! pg_relation_size of every table, index and TOAST relation 268 ms; affordable for a
//! tier that runs every few hours, and the only way to get sizes that are not stale.
//!
//! Locks: the size functions, pg_get_viewdef, pg_get_indexdef, pg_get_constraintdef,
//! pg_get_expr on a relation and a sequence's last value open the relation, and so wait
//! behind another session's ACCESS EXCLUSIVE (ALTER TABLE, VACUUM FULL, LOCK TABLE…)
//! until lock_timeout fails the whole query. `LOCKED` lists those relations first, and the
//! queries take them as `$2` and return NULL instead of calling the function (checked on
//! PostgreSQL 15 by hand: catalog columns, pg_stats and pg_stat_* take no relation lock).

/// Namespaces holding user objects (system, TOAST and temporary ones excluded).
macro_rules! user_namespace {
    ($n:literal) => {
        concat!(
            $n,
            ".nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ",
            $n,
            ".nspname NOT LIKE 'pg\\_temp\\_%' AND ",
            $n,
            ".nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
        )
    };
}

/// Not created by an extension (those are versioned by the extension, not the user).
macro_rules! not_extension_member {
    ($catalog:literal, $oid:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '",
            $catalog,
            "'::regclass AND d.objid = ",
            $oid,
            " AND d.deptype = 'e')"
        )
    };
}

/// Databases on the server; `can_connect` false ones get an error entry, not a connection.
pub const DATABASES: &str = "\
SELECT datname::text AS name, has_database_privilege(datname, 'CONNECT') AS can_connect
FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1";

/// Relations of this database another session holds or awaits in a mode that blocks
/// our reads: ACCESS EXCLUSIVE for everything (a waiting request queues our AccessShare
/// behind it too); for sequences also the modes that conflict with the RowExclusive lock
/// pg_sequence_last_value takes before PostgreSQL 18.
pub const LOCKED: &str = "\
SELECT coalesce(array_agg(DISTINCT l.relation) FILTER (WHERE l.mode = 'AccessExclusiveLock'),
                '{}')::oid[] AS exclusive,
       coalesce(array_agg(DISTINCT l.relation), '{}')::oid[] AS for_sequences
FROM pg_locks l
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')";

pub const DATABASE_SIZE: &str = "SELECT pg_database_size(current_database())::int8 AS size";

pub const SCHEMAS: &str = concat!(
    "SELECT n.nspname::text AS name, pg_get_userbyid(n.nspowner)::text AS owner
FROM pg_namespace n WHERE ",
    user_namespace!("n"),
    " ORDER BY 1"
);

/// Tables, biggest first by relpages so that the cap keeps the ones that matter; `$1` is
/// the cap, `$2` the locked relations (`LOCKED`).
pub const TABLES: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
       c.relkind::text AS kind, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
       c.oid = ANY($2) OR c.reltoastrelid = ANY($2) AS locked,
       CASE WHEN c.oid = ANY($2) OR c.reltoastrelid = ANY($2) THEN NULL
            ELSE pg_table_size(c.oid) END::int8 AS table_size,
       CASE WHEN c.oid = ANY($2) OR c.reltoastrelid = ANY($2) THEN NULL
            ELSE coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) END::int8 AS toast_size,
       s.n_live_tup::int8 AS live, s.n_dead_tup::int8 AS dead,
       s.n_mod_since_analyze::int8 AS mod_since_analyze,
       s.seq_scan::int8 AS seq_scans, s.idx_scan::int8 AS idx_scans,
       (extract(epoch FROM s.last_vacuum) * 1000)::int8 AS last_vacuum_ms,
       (extract(epoch FROM s.last_autovacuum) * 1000)::int8 AS last_autovacuum_ms,
       (extract(epoch FROM s.last_analyze) * 1000)::int8 AS last_analyze_ms,
       (extract(epoch FROM s.last_autoanalyze) * 1000)::int8 AS last_autoanalyze_ms,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
       current_setting('block_size')::int8 AS block_size,
       w.width::float8 AS stat_width
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
LEFT JOIN (SELECT schemaname, tablename, sum(avg_width) AS width FROM pg_stats
           GROUP BY 1, 2) w ON w.schemaname = n.nspname AND w.tablename = c.relname
WHERE c.relkind IN ('r', 'p', 'f') AND ",
    user_namespace!("n"),
    " AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY c.relpages DESC, c.oid LIMIT $1"
);

pub const COLUMNS: &str = "\
SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable,
       CASE WHEN a.attrelid = ANY($2) THEN NULL ELSE pg_get_expr(d.adbin, d.adrelid) END AS default_expr
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// Key columns through pg_get_indexdef(oid, k, true) so expressions read as written.
/// `stat_width` feeds the btree bloat estimate (NULL without readable statistics); the
/// statistics are read once and joined (a per-index pg_stats lookup took > 10 s at 4,000 indexes).
pub const INDEXES: &str = "\
WITH st AS MATERIALIZED (
    SELECT a.attrelid, a.attnum, s.avg_width
    FROM pg_stats s
    JOIN pg_namespace n ON n.nspname = s.schemaname
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
    WHERE c.oid = ANY($1)),
w AS (
    SELECT i.indexrelid, sum(st.avg_width)::float8 AS width
    FROM pg_index i JOIN st ON st.attrelid = i.indrelid AND st.attnum = ANY(i.indkey)
    WHERE i.indrelid = ANY($1) GROUP BY 1)
SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name,
       CASE WHEN i.indrelid = ANY($2) OR i.indexrelid = ANY($2) THEN ''
            ELSE pg_get_indexdef(i.indexrelid) END AS definition,
       CASE WHEN i.indrelid = ANY($2) OR i.indexrelid = ANY($2) THEN '{}'::text[]
            ELSE ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                       FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k) END AS columns,
       CASE WHEN i.indexrelid = ANY($2) THEN NULL
            ELSE pg_relation_size(i.indexrelid) END::int8 AS size, s.idx_scan::int8 AS scans,
       i.indisvalid AS valid, i.indisunique AS is_unique, i.indisprimary AS is_primary,
       EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid
               AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) AS backs_constraint,
       i.indkey::text AS indkey, i.indclass::text AS indclass, i.indnkeyatts::int4 AS nkeys,
       CASE WHEN i.indrelid = ANY($2) THEN '' ELSE coalesce(pg_get_expr(i.indexprs, i.indrelid), '') END AS exprs,
       CASE WHEN i.indrelid = ANY($2) THEN '' ELSE coalesce(pg_get_expr(i.indpred, i.indrelid), '') END AS pred,
       am.amname::text AS method, ic.relpages::int8 AS relpages, ic.reltuples::float8 AS reltuples,
       w.width AS stat_width
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
LEFT JOIN w ON w.indexrelid = i.indexrelid
WHERE i.indrelid = ANY($1)
ORDER BY i.indrelid, ic.relname";

pub const CONSTRAINTS: &str = "\
SELECT co.conrelid::int8 AS table_oid, co.conname::text AS name, co.contype::text AS kind,
       CASE WHEN co.conrelid = ANY($2) OR co.confrelid = ANY($2) THEN ''
            ELSE pg_get_constraintdef(co.oid, true) END AS definition,
       coalesce(co.conkey, '{}')::int2[] AS conkey,
       ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num
             ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num
             ORDER BY k.ord) AS referenced_columns,
       rn.nspname::text || '.' || rc.relname::text AS referenced
FROM pg_constraint co
LEFT JOIN pg_class rc ON rc.oid = co.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE co.conrelid = ANY($1) AND co.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY co.conrelid, co.conname";

/// The definition text is hashed client side and dropped (no md5: absent under FIPS).
/// pg_get_viewdef locks every relation the view reads (AcquireRewriteLocks), found
/// through its rule's dependencies.
pub const VIEWS: &str = concat!(
    "SELECT schema, name, materialized, locked,
       CASE WHEN locked THEN 0 WHEN materialized THEN pg_total_relation_size(oid) ELSE 0 END::int8 AS size,
       CASE WHEN locked THEN '' ELSE coalesce(pg_get_viewdef(oid), '') END AS definition
FROM (SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'm' AS materialized,
       c.oid = ANY($2) OR EXISTS (
           SELECT 1 FROM pg_rewrite r
           JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                            AND d.refclassid = 'pg_class'::regclass
           WHERE r.ev_class = c.oid AND d.refobjid = ANY($2)) AS locked
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ",
    user_namespace!("n"),
    " AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 2, 3 LIMIT $1) v
ORDER BY 1, 2"
);

/// prosrc plus the attributes that change behaviour; hashed client side.
pub const FUNCTIONS: &str = concat!(
    "SELECT n.nspname::text AS schema, p.proname::text AS name,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       coalesce(pg_get_function_result(p.oid), '') AS returns, l.lanname::text AS language,
       concat_ws(' ', p.prokind, p.provolatile, p.prosecdef, p.proconfig::text, p.prosrc) AS body
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE ",
    user_namespace!("n"),
    " AND ",
    not_extension_member!("pg_proc", "p.oid"),
    "
ORDER BY 1, 2, 3 LIMIT $1"
);

/// last_value is NULL when the role may not read the sequence, it was never used, or
/// `$2` (`LOCKED`'s `for_sequences`) holds it. Read from pg_sequence rather than the
/// pg_sequences view so that the lock test guards the one call that takes the lock.
pub const SEQUENCES: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS name,
       format_type(s.seqtypid, NULL) AS data_type, c.oid = ANY($2) AS locked,
       CASE WHEN c.oid = ANY($2) OR NOT has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN NULL
            ELSE pg_sequence_last_value(c.oid) END AS last_value,
       s.seqmin AS min_value, s.seqmax AS max_value, s.seqincrement AS increment_by
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ",
    user_namespace!("n"),
    "
ORDER BY 1, 2 LIMIT $1"
);

pub const EXTENSIONS: &str =
    "SELECT extname::text AS name, extversion AS version FROM pg_extension ORDER BY 1";

/// Every schema-tier query, for the read-only scan in queries.rs.
pub const ALL: &[&str] = &[
    DATABASES,
    LOCKED,
    DATABASE_SIZE,
    SCHEMAS,
    TABLES,
    COLUMNS,
    INDEXES,
    CONSTRAINTS,
    VIEWS,
    FUNCTIONS,
    SEQUENCES,
    EXTENSIONS,
];
