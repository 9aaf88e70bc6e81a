//! Pure schema-tier mapping: the replies of `schema_queries` → one `SchemaSnapshot`.
//! Each MySQL database (schema) is a `DatabaseSchema` holding one `SchemaInfo` of the
//! same name. Stored functions and procedures, triggers (language "trigger") and events
//! (language "event") are all `FunctionInfo`s, so a change to any of them is a change.

use super::rows::TextRow;
use super::schema_keys::{self as keys, KeyIndex, TableKey};
use crate::collectors::schema_indexes::fnv64;
use crate::model::{
    ColumnInfo, DatabaseSchema, FunctionInfo, SchemaInfo, SchemaSnapshot, SequenceInfo, TableInfo, TableKind,
    ViewInfo,
};
use std::collections::{BTreeMap, HashMap};

/// Everything one round read. A class of objects that could not be read for some
/// database puts that database in `failed` (its lists would otherwise look emptied);
/// the optional reads are None when unknown.
#[derive(Debug, Default)]
pub struct Reads {
    pub databases: Vec<String>,
    /// Database → why it could not be read.
    pub failed: BTreeMap<String, String>,
    pub tables: Vec<TextRow>,
    pub columns: Vec<TextRow>,
    pub indexes: Vec<TextRow>,
    pub foreign_keys: Vec<TextRow>,
    pub checks: Vec<TextRow>,
    pub views: Vec<TextRow>,
    pub routines: Vec<TextRow>,
    pub parameters: Vec<TextRow>,
    pub triggers: Vec<TextRow>,
    pub events: Vec<TextRow>,
    pub index_sizes: Option<Vec<TextRow>>,
    pub index_usage: Option<Vec<TextRow>>,
    pub innodb_tables: Vec<TextRow>,
}

/// Definitions the user's grants kept from us this round (their hash is then empty).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Hidden {
    pub views: usize,
    pub routines: usize,
}

/// A table being assembled, with what only the assembly needs.
#[derive(Debug, Default)]
struct TableWork {
    info: TableInfo,
    columns: Vec<(i64, ColumnInfo)>,
    next_auto_increment: Option<u64>,
    /// (column, type) of the AUTO_INCREMENT column.
    auto_column: Option<(String, String)>,
}

/// When InnoDB last recalculated a table's persistent statistics (the newest of its
/// indexes' and partitions'), as the table's last automatic analyze.
fn apply_stats_times(tables: &mut BTreeMap<(String, String), TableWork>, rows: &[TextRow]) {
    for r in rows {
        let Some(ms) = r.int("stats_ms") else { continue };
        let table = r.text("table_name");
        let table = table.split("#P#").next().unwrap_or_default().to_owned();
        if let Some(work) = tables.get_mut(&(r.text("db"), table)) {
            work.info.last_autoanalyze_ms = work.info.last_autoanalyze_ms.max(Some(ms));
        }
    }
}

pub fn build(reads: &Reads) -> (SchemaSnapshot, Hidden) {
    let mut tables = tables(&reads.tables);
    add_columns(&mut tables, &reads.columns);
    apply_innodb(&mut tables, &reads.innodb_tables);
    let mut indexes = keys::indexes(&reads.indexes);
    if let Some(rows) = &reads.index_sizes {
        keys::apply_sizes(&mut indexes, rows);
        apply_stats_times(&mut tables, rows);
    }
    if let Some(rows) = &reads.index_usage {
        keys::apply_usage(&mut indexes, rows);
    }
    let mut foreign_keys = keys::foreign_keys(&reads.foreign_keys);
    let mut checks = keys::checks(&reads.checks);
    let mut hidden = Hidden::default();
    let mut schemas: BTreeMap<String, SchemaInfo> = reads
        .databases
        .iter()
        .map(|name| (name.clone(), SchemaInfo { name: name.clone(), ..Default::default() }))
        .collect();
    for (key, mut work) in tables {
        let Some(schema) = schemas.get_mut(&key.0) else { continue };
        work.columns.sort_by_key(|(position, _)| *position);
        work.info.columns = work.columns.into_iter().map(|(_, c)| c).collect();
        let table_indexes: Vec<KeyIndex> = indexes.remove(&key).unwrap_or_default();
        let fks = foreign_keys.remove(&key).unwrap_or_default();
        keys::finish_table(&mut work.info, table_indexes, fks, checks.remove(&key).unwrap_or_default());
        if let (Some((column, data_type)), Some(next)) = (&work.auto_column, work.next_auto_increment) {
            schema.sequences.extend(keys::auto_increment_sequence(&key.1, column, data_type, next));
        }
        schema.tables.push(work.info);
    }
    for r in &reads.views {
        let Some(schema) = schemas.get_mut(&r.text("db")) else { continue };
        let definition = r.text("definition");
        hidden.views += usize::from(definition.is_empty());
        schema.views.push(ViewInfo {
            name: r.text("name"),
            definition_hash: hash(&definition),
            ..Default::default()
        });
    }
    for (db, function) in routines(&reads.routines, &reads.parameters, &mut hidden)
        .into_iter()
        .chain(triggers(&reads.triggers))
        .chain(events(&reads.events))
    {
        if let Some(schema) = schemas.get_mut(&db) {
            schema.functions.push(function);
        }
    }
    let databases = reads
        .databases
        .iter()
        .map(|name| match (reads.failed.get(name), schemas.remove(name)) {
            (None, Some(mut schema)) => {
                schema.views.sort_by(|a, b| a.name.cmp(&b.name));
                schema.functions.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
                schema.sequences.sort_by(|a: &SequenceInfo, b| a.name.cmp(&b.name));
                let size = schema.tables.iter().map(|t| t.total_bytes).sum();
                DatabaseSchema {
                    name: name.clone(),
                    size_bytes: Some(size),
                    schemas: vec![schema],
                    ..Default::default()
                }
            }
            (error, _) => DatabaseSchema {
                name: name.clone(),
                error: Some(error.cloned().unwrap_or_else(|| "not read".to_owned())),
                ..Default::default()
            },
        })
        .collect();
    (SchemaSnapshot { databases }, hidden)
}

/// FNV-1a of a definition, as for PostgreSQL; empty when the server hid the text.
fn hash(definition: &str) -> String {
    if definition.is_empty() { String::new() } else { fnv64(definition) }
}

fn tables(rows: &[TextRow]) -> BTreeMap<TableKey, TableWork> {
    let mut out = BTreeMap::new();
    for r in rows {
        let (db, name) = (r.text("db"), r.text("name"));
        if name.is_empty() {
            continue;
        }
        let (data, index) = (r.uint("data_bytes").unwrap_or(0), r.uint("index_bytes").unwrap_or(0));
        let partitioned = r.text("options").to_ascii_lowercase().contains("partitioned");
        let info = TableInfo {
            name: name.clone(),
            kind: if partitioned { TableKind::Partitioned } else { TableKind::Table },
            // The engine's estimate (InnoDB samples pages); never a count.
            row_estimate: r.float("row_estimate"),
            table_bytes: data,
            index_bytes: index,
            total_bytes: data.saturating_add(index),
            // Free space inside the table's tablespace (fragmentation after deletes).
            bloat_bytes: r.uint("free_bytes"),
            storage_engine: r.text("engine"),
            ..Default::default()
        };
        let work =
            TableWork { info, next_auto_increment: r.uint("next_auto_increment"), ..Default::default() };
        out.insert((db, name), work);
    }
    out
}

fn add_columns(tables: &mut BTreeMap<TableKey, TableWork>, rows: &[TextRow]) {
    for r in rows {
        let Some(work) = tables.get_mut(&(r.text("db"), r.text("table_name"))) else { continue };
        let column = ColumnInfo {
            name: r.text("name"),
            data_type: r.text("column_type"),
            nullable: r.flag("nullable").unwrap_or(true),
            default: column_default(r),
        };
        if r.text("extra").to_ascii_lowercase().contains("auto_increment") {
            work.auto_column = Some((column.name.clone(), column.data_type.clone()));
        }
        work.columns.push((r.int("position").unwrap_or(0), column));
    }
}

/// The default, or a generated column's expression. MariaDB writes `NULL` for a
/// nullable column without a default and quotes string literals; MySQL 8 gives SQL NULL
/// and bare literals: each server is compared with itself only, so neither is rewritten
/// beyond NULL.
fn column_default(r: &TextRow) -> Option<String> {
    let generation = r.text("generation");
    if !generation.is_empty() {
        let extra = r.text("extra").to_ascii_uppercase();
        let stored = extra.contains("STORED") || extra.contains("PERSISTENT");
        return Some(format!("AS ({generation}) {}", if stored { "STORED" } else { "VIRTUAL" }));
    }
    r.get("default_value").filter(|d| *d != "NULL").map(str::to_owned)
}

/// Tables in a shared tablespace lose their free-space figure (it is the whole
/// tablespace's); MySQL 8's live AUTO_INCREMENT counter replaces a cached older one.
fn apply_innodb(tables: &mut BTreeMap<TableKey, TableWork>, rows: &[TextRow]) {
    for r in rows {
        let Some((db, table)) = r.get("name").and_then(innodb_name) else { continue };
        let Some(work) = tables.get_mut(&(db, keys::partition_base(&table).to_owned())) else { continue };
        if r.flag("shared") == Some(true) {
            work.info.bloat_bytes = None;
        }
        if let Some(live) = r.uint("next_value").filter(|v| *v > 0) {
            work.next_auto_increment = Some(work.next_auto_increment.map_or(live, |cached| cached.max(live)));
        }
    }
}

/// InnoDB's `db/table` in the file-name encoding: `@002d` is `-`. Letters outside ASCII
/// use other codes, which are left as they are (such a table is simply not matched).
pub fn innodb_name(name: &str) -> Option<(String, String)> {
    let (db, table) = name.split_once('/')?;
    Some((decode_file_name(db), decode_file_name(table)))
}

fn decode_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let code =
            rest.get(at + 1..at + 5).and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 5..];
            }
            None => {
                out.push('@');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Stored functions and procedures with their parameter lists. A procedure "returns"
/// `procedure`, so a function and a procedure of one name stay apart.
fn routines(rows: &[TextRow], parameters: &[TextRow], hidden: &mut Hidden) -> Vec<(String, FunctionInfo)> {
    let mut params: HashMap<(String, String, String), Vec<(i64, String)>> = HashMap::new();
    for p in parameters {
        let kind = p.text("kind").to_ascii_uppercase();
        let mode = if kind == "PROCEDURE" { p.get("param_mode").map(|m| format!("{m} ")) } else { None };
        let text = format!("{}{} {}", mode.unwrap_or_default(), p.text("param"), p.text("data_type"));
        params
            .entry((p.text("db"), p.text("name"), kind))
            .or_default()
            .push((p.int("position").unwrap_or(0), text));
    }
    rows.iter()
        .map(|r| {
            let (db, name, kind) = (r.text("db"), r.text("name"), r.text("kind").to_ascii_uppercase());
            let mut list = params.remove(&(db.clone(), name.clone(), kind.clone())).unwrap_or_default();
            list.sort_by_key(|(position, _)| *position);
            let definition = r.text("definition");
            hidden.routines += usize::from(definition.is_empty());
            let returns = if kind == "PROCEDURE" { "procedure".to_owned() } else { r.text("return_type") };
            let function = FunctionInfo {
                name,
                arguments: list.into_iter().map(|(_, p)| p).collect::<Vec<_>>().join(", "),
                returns,
                language: r.text("body_language").to_ascii_lowercase(),
                definition_hash: hash(&definition),
            };
            (db, function)
        })
        .collect()
}

/// Triggers as functions: "returns" says when they fire, `BEFORE INSERT ON orders`.
fn triggers(rows: &[TextRow]) -> Vec<(String, FunctionInfo)> {
    rows.iter()
        .map(|r| {
            let fires = format!("{} {} ON {}", r.text("timing"), r.text("fires_on"), r.text("table_name"));
            let function = FunctionInfo {
                name: r.text("name"),
                returns: fires,
                language: "trigger".to_owned(),
                definition_hash: hash(&r.text("definition")),
                ..Default::default()
            };
            (r.text("db"), function)
        })
        .collect()
}

/// Events as functions: "returns" is the schedule and whether it is on,
/// `EVERY 1 HOUR, DISABLED`, so switching one off is a change.
fn events(rows: &[TextRow]) -> Vec<(String, FunctionInfo)> {
    rows.iter()
        .map(|r| {
            let schedule = match r.get("every_value").filter(|v| !v.is_empty()) {
                Some(every) => format!("EVERY {every} {}", r.text("every_unit")),
                None => format!("AT {}", r.text("execute_at")),
            };
            let function = FunctionInfo {
                name: r.text("name"),
                returns: format!("{schedule}, {}", r.text("status")),
                language: "event".to_owned(),
                definition_hash: hash(&r.text("definition")),
                ..Default::default()
            };
            (r.text("db"), function)
        })
        .collect()
}
