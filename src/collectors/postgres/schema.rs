//! Schema tier: one short-lived read-only connection per database (same startup options
//! and TLS as the main one), at most `PARALLEL` at a time, each under its own deadline.
//! A database that cannot be read becomes an entry with `error`, never a failed round;
//! an object another session holds locked costs only that object (`DatabaseSchema::skipped`).

use super::connect::{self, Conn};
use super::schema_parse::{self as sp, IndexFacts};
use super::schema_queries as q;
use crate::collectors::CollectError;
use crate::config::TargetConfig;
use crate::model::{
    ColumnInfo, ConstraintInfo, ConstraintKind, DatabaseSchema, ForeignKeyInfo, FunctionInfo, IndexInfo,
    SchemaInfo, SequenceInfo, TableInfo, TableKind, ViewInfo,
};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, ToSql};

/// Tables read per database; beyond it the biggest (by relpages) are kept and a note says so.
pub const MAX_TABLES: i64 = 20_000;
/// Views, functions and sequences read per database, each.
pub const MAX_OTHER: i64 = 20_000;
/// Databases read at the same time: the tier runs rarely, it need not be fast, but it
/// must not take many backends from the server at once.
pub const PARALLEL: usize = 2;

/// One database of the `DATABASES` list.
pub struct DatabaseEntry {
    pub name: String,
    pub can_connect: bool,
}

/// Deadline of one database: every query also has the server-side statement_timeout.
pub fn database_timeout(target: &TargetConfig) -> Duration {
    (target.query_timeout * 8).max(Duration::from_secs(30))
}

/// Time for the whole round. The scheduler cancels a schema round after
/// `scheduler::schema_round_timeout` and then treats the target as down, so the round
/// stops a fifth earlier: databases not reached get an error entry (unknown, so no false
/// removals) and the round still succeeds.
pub fn round_budget(target: &TargetConfig) -> Duration {
    use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
    schema_round_timeout(default_round_timeout(target.query_timeout)) / 5 * 4
}

/// Reads every database, in list order. Returns the databases and notes (caps reached).
pub async fn read_all(target: &TargetConfig, list: Vec<DatabaseEntry>) -> (Vec<DatabaseSchema>, Vec<String>) {
    let deadline = crate::collectors::scheduler::later(Instant::now(), round_budget(target));
    let results: Vec<(DatabaseSchema, Vec<String>)> =
        futures_util::stream::iter(list.into_iter().map(|entry| read_one(target, entry, deadline)))
            .buffered(PARALLEL)
            .collect()
            .await;
    let mut notes = Vec::new();
    let databases = results
        .into_iter()
        .map(|(db, n)| {
            notes.extend(n);
            db
        })
        .collect();
    (databases, notes)
}

async fn read_one(
    target: &TargetConfig,
    entry: DatabaseEntry,
    deadline: Instant,
) -> (DatabaseSchema, Vec<String>) {
    let failed =
        |name: String, error: String| DatabaseSchema { name, error: Some(error), ..Default::default() };
    if !entry.can_connect {
        let error = format!("permission denied for database \"{}\" (no CONNECT privilege)", entry.name);
        return (failed(entry.name, error), Vec::new());
    }
    let mut db_target = target.clone();
    db_target.database = entry.name.clone();
    // Streams start lazily, so a database reached after the budget is spent is not connected to.
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        let error =
            format!("not read: the schema round ran out of time ({} s)", round_budget(target).as_secs());
        return (failed(entry.name, error), Vec::new());
    }
    let limit = database_timeout(target).min(left);
    let mut notes = Vec::new();
    // A lock taken between reading pg_locks and a query that needs it fails that query
    // after lock_timeout; the second attempt reads pg_locks again and skips it.
    let attempts = async {
        match read(&db_target, &mut notes).await {
            Err(e) if e.lock_timeout => {
                notes.clear();
                read(&db_target, &mut notes).await
            }
            other => other,
        }
    };
    match tokio::time::timeout(limit, attempts).await {
        Ok(Ok(db)) => (db, notes),
        Ok(Err(error)) => (failed(entry.name, error.message), notes),
        Err(_) => (failed(entry.name, format!("timed out after {} s", limit.as_secs())), notes),
    }
}

/// Why a database could not be read; `lock_timeout` when a query waited for a lock too long.
struct ReadError {
    message: String,
    lock_timeout: bool,
}

impl From<String> for ReadError {
    fn from(message: String) -> Self {
        ReadError { message, lock_timeout: false }
    }
}

async fn fetch(
    conn: &mut Conn,
    what: &str,
    sql: &'static str,
    params: &[&(dyn ToSql + Sync)],
    endpoint: &str,
) -> Result<Vec<Row>, ReadError> {
    match conn.query(sql, params, endpoint).await {
        Ok(Ok(rows)) => Ok(rows),
        Ok(Err(failure)) => Err(ReadError {
            message: format!("{what}: {}", failure.message),
            lock_timeout: failure.code == Some(tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE),
        }),
        Err(e) => Err(e.to_string().into()),
    }
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, column: &str) -> Result<T, String> {
    row.try_get(column).map_err(|e| format!("unexpected reply in {column}: {}", connect::error_chain(&e)))
}

fn unsigned(v: Option<i64>) -> Option<u64> {
    v.map(|v| u64::try_from(v).unwrap_or(0))
}

/// Per-table values that do not go into `TableInfo` directly.
struct TableWork {
    schema: usize,
    table: usize,
    table_size: i64,
    toast_size: i64,
    facts: Vec<IndexFacts>,
}

async fn read(target: &TargetConfig, notes: &mut Vec<String>) -> Result<DatabaseSchema, ReadError> {
    let endpoint = target.endpoint();
    let db_name = target.database.clone();
    let mut conn = connect::connect(target, &endpoint).await.map_err(|e| match e {
        CollectError::Connect { message, .. } => message,
        other => other.to_string(),
    })?;
    let c = &mut conn;
    let mut db = DatabaseSchema { name: db_name.clone(), ..Default::default() };
    let rows = fetch(c, "pg_locks", q::LOCKED, &[], &endpoint).await?;
    let (locked, locked_sequences): (Vec<u32>, Vec<u32>) = match rows.first() {
        Some(r) => (get(r, "exclusive")?, get(r, "for_sequences")?),
        None => (Vec::new(), Vec::new()),
    };

    let rows = fetch(c, "database size", q::DATABASE_SIZE, &[], &endpoint).await?;
    db.size_bytes = unsigned(rows.first().map(|r| get::<Option<i64>>(r, "size")).transpose()?.flatten());
    for r in fetch(c, "pg_extension", q::EXTENSIONS, &[], &endpoint).await? {
        db.extensions.push((get(&r, "name")?, get(&r, "version")?));
    }
    let mut schema_index: HashMap<String, usize> = HashMap::new();
    for r in fetch(c, "pg_namespace", q::SCHEMAS, &[], &endpoint).await? {
        let name: String = get(&r, "name")?;
        schema_index.insert(name.clone(), db.schemas.len());
        db.schemas.push(SchemaInfo { name, owner: get(&r, "owner")?, ..Default::default() });
    }

    let limit = MAX_TABLES + 1;
    let mut rows = fetch(c, "tables", q::TABLES, &[&limit, &locked], &endpoint).await?;
    if rows.len() as i64 > MAX_TABLES {
        rows.truncate(usize::try_from(MAX_TABLES).unwrap_or(usize::MAX));
        notes.push(format!(
            "schema of database {db_name}: more than {MAX_TABLES} tables, only the {MAX_TABLES} largest are shown"
        ));
    }
    let mut tables: HashMap<i64, TableWork> = HashMap::new();
    let mut oids: Vec<u32> = Vec::with_capacity(rows.len());
    for r in &rows {
        let schema: String = get(r, "schema")?;
        let Some(&s) = schema_index.get(&schema) else { continue };
        let oid: i64 = get(r, "oid")?;
        let relpages: i64 = get(r, "relpages")?;
        let reltuples: f64 = get(r, "reltuples")?;
        let block_size: i64 = get(r, "block_size")?;
        let kind = match get::<String>(r, "kind")?.as_str() {
            "p" => TableKind::Partitioned,
            "f" => TableKind::Foreign,
            _ => TableKind::Table,
        };
        let table = TableInfo {
            name: get(r, "name")?,
            kind,
            // -1 (PG 14+) means never analyzed: unknown rather than zero rows.
            row_estimate: (reltuples >= 0.0).then_some(reltuples),
            live_tuples: unsigned(get(r, "live")?),
            dead_tuples: unsigned(get(r, "dead")?),
            n_mod_since_analyze: unsigned(get(r, "mod_since_analyze")?),
            seq_scans: unsigned(get(r, "seq_scans")?),
            idx_scans: unsigned(get(r, "idx_scans")?),
            last_vacuum_ms: get(r, "last_vacuum_ms")?,
            last_autovacuum_ms: get(r, "last_autovacuum_ms")?,
            last_analyze_ms: get(r, "last_analyze_ms")?,
            last_autoanalyze_ms: get(r, "last_autoanalyze_ms")?,
            has_primary_key: get(r, "has_pk")?,
            bloat_bytes: sp::table_bloat(relpages, reltuples, get(r, "stat_width")?, block_size),
            ..Default::default()
        };
        if get(r, "locked")? {
            db.skipped.push(format!("{schema}.{}", table.name));
        }
        let t = db.schemas[s].tables.len();
        db.schemas[s].tables.push(table);
        let work = TableWork {
            schema: s,
            table: t,
            table_size: get::<Option<i64>>(r, "table_size")?.unwrap_or(0),
            toast_size: get::<Option<i64>>(r, "toast_size")?.unwrap_or(0),
            facts: Vec::new(),
        };
        tables.insert(oid, work);
        oids.push(u32::try_from(oid).unwrap_or(0));
    }
    let block_size: i64 = rows.first().map(|r| get(r, "block_size")).transpose()?.unwrap_or(8192);
    drop(rows);

    for r in fetch(c, "columns", q::COLUMNS, &[&oids, &locked], &endpoint).await? {
        let Some(w) = tables.get(&get::<i64>(&r, "table_oid")?) else { continue };
        db.schemas[w.schema].tables[w.table].columns.push(ColumnInfo {
            name: get(&r, "name")?,
            data_type: get(&r, "data_type")?,
            nullable: get(&r, "nullable")?,
            default: get(&r, "default_expr")?,
        });
    }

    for r in fetch(c, "indexes", q::INDEXES, &[&oids, &locked], &endpoint).await? {
        let Some(w) = tables.get_mut(&get::<i64>(&r, "table_oid")?) else { continue };
        let nkeys = usize::try_from(get::<i32>(&r, "nkeys")?).unwrap_or(0);
        let facts = IndexFacts {
            keys: sp::parse_indkey(&get::<String>(&r, "indkey")?, nkeys),
            indclass: get(&r, "indclass")?,
            exprs: get(&r, "exprs")?,
            pred: get(&r, "pred")?,
            method: get(&r, "method")?,
            backs_constraint: get(&r, "backs_constraint")?,
            ..Default::default()
        };
        let bloat = if facts.method == "btree" {
            sp::btree_bloat(get(&r, "relpages")?, get(&r, "reltuples")?, get(&r, "stat_width")?, block_size)
        } else {
            None
        };
        let index = IndexInfo {
            name: get(&r, "name")?,
            columns: get(&r, "columns")?,
            definition: get(&r, "definition")?,
            size_bytes: unsigned(get(&r, "size")?).unwrap_or(0),
            scans: unsigned(get(&r, "scans")?),
            valid: get(&r, "valid")?,
            unique: get(&r, "is_unique")?,
            primary: get(&r, "is_primary")?,
            bloat_bytes: bloat,
            ..Default::default()
        };
        w.facts.push(facts);
        db.schemas[w.schema].tables[w.table].indexes.push(index);
    }

    for r in fetch(c, "constraints", q::CONSTRAINTS, &[&oids, &locked], &endpoint).await? {
        let Some(w) = tables.get(&get::<i64>(&r, "table_oid")?) else { continue };
        let table = &mut db.schemas[w.schema].tables[w.table];
        let kind = match get::<String>(&r, "kind")?.as_str() {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "x" => ConstraintKind::Exclusion,
            "f" => ConstraintKind::ForeignKey,
            _ => ConstraintKind::Check,
        };
        let name: String = get(&r, "name")?;
        if kind == ConstraintKind::ForeignKey {
            let keys: Vec<i16> = get(&r, "conkey")?;
            let valid: Vec<bool> = table.indexes.iter().map(|i| i.valid).collect();
            table.foreign_keys.push(ForeignKeyInfo {
                name: name.clone(),
                columns: get(&r, "columns")?,
                references: get::<Option<String>>(&r, "referenced")?.unwrap_or_default(),
                referenced_columns: get(&r, "referenced_columns")?,
                has_index: sp::fk_has_index(&keys, &w.facts, &valid),
            });
        }
        table.constraints.push(ConstraintInfo { name, kind, definition: get(&r, "definition")? });
    }

    for w in tables.values() {
        let table = &mut db.schemas[w.schema].tables[w.table];
        sp::analyse_indexes(&mut table.indexes, &w.facts);
        let index_bytes: u64 = table.indexes.iter().map(|i| i.size_bytes).sum();
        let table_size = u64::try_from(w.table_size).unwrap_or(0);
        table.toast_bytes = u64::try_from(w.toast_size).unwrap_or(0);
        table.table_bytes = table_size.saturating_sub(table.toast_bytes);
        table.index_bytes = index_bytes;
        table.total_bytes = table_size + index_bytes;
    }

    let locks = [locked, locked_sequences];
    read_others(c, &endpoint, &mut db, &schema_index, &locks, notes).await?;
    Ok(db)
}

/// Views, functions and sequences: not tied to tables, each capped at `MAX_OTHER`.
/// `locks`: the relations views and sequences must not wait for (`LOCKED`'s two lists).
async fn read_others(
    c: &mut Conn,
    endpoint: &str,
    db: &mut DatabaseSchema,
    schema_index: &HashMap<String, usize>,
    locks: &[Vec<u32>; 2],
    notes: &mut Vec<String>,
) -> Result<(), ReadError> {
    let limit = MAX_OTHER + 1;
    let mut capped = |what: &str, rows: &mut Vec<Row>| {
        if rows.len() as i64 > MAX_OTHER {
            rows.truncate(usize::try_from(MAX_OTHER).unwrap_or(usize::MAX));
            notes.push(format!("schema of database {}: more than {MAX_OTHER} {what}, list cut", db.name));
        }
    };
    let mut views = fetch(c, "views", q::VIEWS, &[&limit, &locks[0]], endpoint).await?;
    capped("views", &mut views);
    let mut functions = fetch(c, "functions", q::FUNCTIONS, &[&limit], endpoint).await?;
    capped("functions", &mut functions);
    let mut sequences = fetch(c, "sequences", q::SEQUENCES, &[&limit, &locks[1]], endpoint).await?;
    capped("sequences", &mut sequences);

    for r in views {
        let schema: String = get(&r, "schema")?;
        let Some(&s) = schema_index.get(&schema) else { continue };
        let name: String = get(&r, "name")?;
        if get(&r, "locked")? {
            db.skipped.push(format!("{schema}.{name}"));
        }
        db.schemas[s].views.push(ViewInfo {
            name,
            materialized: get(&r, "materialized")?,
            size_bytes: unsigned(get(&r, "size")?).unwrap_or(0),
            definition_hash: sp::fnv64(&get::<String>(&r, "definition")?),
        });
    }
    for r in functions {
        let Some(&s) = schema_index.get(&get::<String>(&r, "schema")?) else { continue };
        db.schemas[s].functions.push(FunctionInfo {
            name: get(&r, "name")?,
            arguments: get(&r, "arguments")?,
            returns: get(&r, "returns")?,
            language: get(&r, "language")?,
            definition_hash: sp::fnv64(&get::<Option<String>>(&r, "body")?.unwrap_or_default()),
        });
    }
    for r in sequences {
        let schema: String = get(&r, "schema")?;
        let Some(&s) = schema_index.get(&schema) else { continue };
        let name: String = get(&r, "name")?;
        if get(&r, "locked")? {
            db.skipped.push(format!("{schema}.{name}"));
        }
        let (last, min, max, increment): (Option<i64>, i64, i64, i64) =
            (get(&r, "last_value")?, get(&r, "min_value")?, get(&r, "max_value")?, get(&r, "increment_by")?);
        db.schemas[s].sequences.push(SequenceInfo {
            name,
            data_type: get(&r, "data_type")?,
            last_value: last,
            max_value: max,
            increment,
            pct_used: sp::sequence_pct_used(last, min, max, increment),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
