//! Pure schema-tier mapping: one database's replies to `schema_queries` → its
//! `DatabaseSchema`, each of its schemas a `SchemaInfo`.
//! Procedures, functions, triggers (language "trigger") and synonyms (language
//! "synonym", `returns` = the object they stand for) are `FunctionInfo`s; sequences and
//! IDENTITY columns (`table.column`) are `SequenceInfo`s.

use super::rows::TextRow;
use super::schema_keys::{self as keys, KeyIndex, Usage};
use super::schema_queries as q;
use super::schema_types::{column_type, identity_sequence, sequence};
use crate::collectors::schema_indexes::fnv64;
use crate::model::{ColumnInfo, DatabaseSchema, FunctionInfo, SchemaInfo, TableInfo, TableKind, ViewInfo};
use std::collections::{BTreeMap, HashMap};

const PAGE_BYTES: u64 = 8192;

/// One database of the DATABASES list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatabaseEntry {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub user_access: String,
    pub has_access: Option<bool>,
    pub view_definition: Option<bool>,
    pub view_state: Option<bool>,
    pub data_bytes: Option<u64>,
}

impl DatabaseEntry {
    /// Why this database is not read at all, or None.
    pub fn unreadable(&self) -> Option<String> {
        if !self.state.eq_ignore_ascii_case("ONLINE") {
            return Some(format!("database is {}", self.state));
        }
        if self.user_access.eq_ignore_ascii_case("SINGLE_USER") {
            // Reading it would take the one connection it allows.
            return Some(
                "database is in SINGLE_USER mode: not read, so its one connection stays free".into(),
            );
        }
        if self.has_access != Some(true) {
            return Some(
                "no access for the monitoring login (create a user for it in this database, or GRANT \
                 CONNECT ANY DATABASE TO <login>)"
                    .into(),
            );
        }
        None
    }
}

/// The DATABASES reply, by name.
pub fn databases(rows: &[TextRow]) -> Vec<DatabaseEntry> {
    let mut out: Vec<DatabaseEntry> = rows
        .iter()
        .filter_map(|r| {
            Some(DatabaseEntry {
                id: r.int("database_id")?,
                name: r.get("name").filter(|n| !n.is_empty())?.to_owned(),
                state: r.text("state_desc"),
                user_access: r.text("user_access_desc"),
                has_access: r.flag("has_access"),
                view_definition: r.flag("view_definition"),
                view_state: r.flag("view_state"),
                data_bytes: r.uint("data_bytes"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// What one database answered: the replies by statement (`schema_queries::PER_DATABASE`);
/// an optional class that was refused is absent.
#[derive(Debug, Default)]
pub struct DatabaseReads {
    pub entry: DatabaseEntry,
    /// Why the database could not be read; its replies are then ignored.
    pub error: Option<String>,
    pub replies: HashMap<&'static str, Vec<TextRow>>,
}

impl DatabaseReads {
    fn rows(&self, sql: &'static str) -> &[TextRow] {
        self.replies.get(sql).map_or(&[], Vec::as_slice)
    }
}

/// Module bodies the login may not see this round (their hash is then empty).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Hidden {
    pub modules: usize,
    /// Databases where the login lacks VIEW DEFINITION (it sees only objects it has a
    /// permission on).
    pub databases: Vec<String>,
}

/// A table being assembled.
struct TableWork {
    schema: String,
    info: TableInfo,
    memory_optimized: bool,
    columns: Vec<(i64, ColumnInfo)>,
}

/// One database's snapshot from its replies (and the round's missing-index
/// suggestions, None when refused); `now_ms` turns statistics ages into dates.
pub fn database(
    db: &DatabaseReads,
    missing: Option<&[TextRow]>,
    now_ms: i64,
    hidden: &mut Hidden,
) -> DatabaseSchema {
    if let Some(error) = &db.error {
        return DatabaseSchema {
            name: db.entry.name.clone(),
            error: Some(error.clone()),
            ..Default::default()
        };
    }
    let id = db.entry.id;
    let mut schemas: BTreeMap<String, SchemaInfo> = db
        .rows(q::SCHEMAS)
        .iter()
        .map(|r| {
            let name = r.text("schema_name");
            (name.clone(), SchemaInfo { name, owner: r.text("owner"), ..Default::default() })
        })
        .collect();
    let mut tables = tables(db.rows(q::TABLES));
    let mut indexes = keys::indexes(db.rows(q::INDEXES));
    if let Some(sizes) = db.replies.get(q::SIZES) {
        apply_sizes(&mut tables, &mut indexes, sizes);
    }
    if let Some(stats) = db.replies.get(q::STATS) {
        apply_stats(&mut tables, stats, now_ms);
    }
    let usage: Option<Usage> = db.replies.get(q::INDEX_USAGE).map(|rows| keys::usage(rows, id));
    let mut suggestions = missing.map(|rows| keys::suggestions(rows, id)).unwrap_or_default();
    let mut foreign_keys = keys::foreign_keys(db.rows(q::FOREIGN_KEYS));
    let mut checks = keys::checks(db.rows(q::CHECKS));
    let mut identities = Vec::new();
    for r in db.rows(q::COLUMNS) {
        let Some(work) = r.int("object_id").and_then(|o| tables.get_mut(&o)) else { continue };
        let column = ColumnInfo {
            name: r.text("column_name"),
            data_type: column_type(r),
            nullable: r.flag("is_nullable").unwrap_or(true),
            default: column_default(r),
        };
        if let Some(seq) = identity_sequence(&work.info.name, &column.name, r) {
            identities.push((work.schema.clone(), seq));
        }
        work.columns.push((r.int("column_id").unwrap_or(0), column));
    }
    for (object_id, mut work) in tables {
        work.columns.sort_by_key(|(id, _)| *id);
        work.info.columns = work.columns.into_iter().map(|(_, c)| c).collect();
        let table_usage = usage.as_ref().filter(|_| !work.memory_optimized);
        if let Some(u) = table_usage {
            let (whole, index) = keys::table_scans(u, object_id);
            (work.info.seq_scans, work.info.idx_scans) = (Some(whole), Some(index));
        }
        let qualified = format!("{}.{}", work.schema, work.info.name);
        keys::finish_table(
            &mut work.info,
            &qualified,
            indexes.remove(&object_id).unwrap_or_default(),
            table_usage,
            object_id,
            foreign_keys.remove(&object_id).unwrap_or_default(),
            checks.remove(&object_id).unwrap_or_default(),
        );
        work.info.suggested_indexes = suggestions.remove(&object_id).unwrap_or_default();
        schema_of(&mut schemas, &work.schema).tables.push(work.info);
    }
    for (schema, seq) in identities {
        schema_of(&mut schemas, &schema).sequences.push(seq);
    }
    let can_see_bodies = db.entry.view_definition != Some(false);
    if !can_see_bodies {
        hidden.databases.push(db.entry.name.clone());
    }
    for r in db.rows(q::OBJECTS) {
        let schema = schema_of(&mut schemas, &r.text("schema_name"));
        let hash = r.get("definition_sha256").map(fnv64).unwrap_or_default();
        // A module row without a body: hidden from us, unless we may see definitions
        // (then it is encrypted, and hidden from everyone).
        if hash.is_empty() && r.flag("has_module") == Some(true) && !can_see_bodies {
            hidden.modules += 1;
        }
        add_object(schema, r, hash);
    }
    // The data files' size; without it (no VIEW ANY DEFINITION) the tables' sizes, if read.
    let tables_size = db
        .replies
        .contains_key(q::SIZES)
        .then(|| schemas.values().flat_map(|s| &s.tables).map(|t| t.total_bytes).sum::<u64>());
    let schemas = schemas
        .into_values()
        // Every database has a guest schema; it is the application's only if used.
        .filter(|s| {
            s.name != "guest" || !(s.tables.is_empty() && s.views.is_empty() && s.functions.is_empty())
        })
        .map(|mut s| {
            s.tables.sort_by(|a, b| a.name.cmp(&b.name));
            s.views.sort_by(|a, b| a.name.cmp(&b.name));
            s.functions.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
            s.sequences.sort_by(|a, b| a.name.cmp(&b.name));
            s
        })
        .collect();
    DatabaseSchema {
        name: db.entry.name.clone(),
        size_bytes: db.entry.data_bytes.or(tables_size),
        schemas,
        ..Default::default()
    }
}

fn schema_of<'a>(schemas: &'a mut BTreeMap<String, SchemaInfo>, name: &str) -> &'a mut SchemaInfo {
    schemas
        .entry(name.to_owned())
        .or_insert_with(|| SchemaInfo { name: name.to_owned(), ..Default::default() })
}

fn tables(rows: &[TextRow]) -> BTreeMap<i64, TableWork> {
    let mut out = BTreeMap::new();
    for r in rows {
        let (Some(id), name) = (r.int("object_id"), r.text("table_name")) else { continue };
        let memory_optimized = r.flag("is_memory_optimized") == Some(true);
        let kind = if r.flag("is_external") == Some(true) {
            TableKind::Foreign
        } else if r.flag("partitioned") == Some(true) {
            TableKind::Partitioned
        } else {
            TableKind::Table
        };
        let info = TableInfo {
            name,
            kind,
            storage_engine: if memory_optimized { "memory-optimized" } else { "disk" }.to_owned(),
            ..Default::default()
        };
        out.insert(
            id,
            TableWork { schema: r.text("schema_name"), info, memory_optimized, columns: Vec::new() },
        );
    }
    out
}

/// Used pages per index: the heap or clustered index is the table (its LOB and
/// row-overflow pages are the out-of-row part, "toast"), the others are indexes. A
/// columnstore keeps its segments as LOB pages: they count as its own size.
fn apply_sizes(
    tables: &mut BTreeMap<i64, TableWork>,
    indexes: &mut BTreeMap<i64, Vec<KeyIndex>>,
    rows: &[TextRow],
) {
    for r in rows {
        let (Some(object), Some(index_id)) = (r.int("object_id"), r.int("index_id")) else { continue };
        let Some(work) = tables.get_mut(&object) else { continue };
        let page = |c: &str| r.uint(c).unwrap_or(0).saturating_mul(PAGE_BYTES);
        let index =
            indexes.get_mut(&object).and_then(|list| list.iter_mut().find(|ix| ix.index_id == index_id));
        let columnstore = index.as_ref().is_some_and(|ix| ix.columnstore());
        if let Some(ix) = index {
            ix.info.size_bytes = page("used_pages");
        }
        let (own, lob) = if columnstore {
            (page("in_row_pages") + page("lob_pages"), 0)
        } else {
            (page("in_row_pages"), page("lob_pages"))
        };
        let t = &mut work.info;
        if index_id < 2 {
            t.table_bytes += own;
            t.row_estimate = Some(t.row_estimate.unwrap_or(0.0) + r.float("row_count").unwrap_or(0.0));
        } else {
            t.index_bytes += own;
        }
        t.toast_bytes += lob;
        t.total_bytes = t.table_bytes + t.index_bytes + t.toast_bytes;
    }
}

/// The newest statistics update as the table's last analyze; the most rows changed since.
fn apply_stats(tables: &mut BTreeMap<i64, TableWork>, rows: &[TextRow], now_ms: i64) {
    for r in rows {
        let Some(work) = r.int("object_id").and_then(|o| tables.get_mut(&o)) else { continue };
        if let Some(age) = r.int("stats_age_s") {
            work.info.last_analyze_ms = Some(now_ms.saturating_sub(age.saturating_mul(1000)));
        }
        work.info.n_mod_since_analyze = r.uint("modifications");
    }
}

/// The default (as SQL Server stores it: `((0))`, `(getdate())`) or a computed
/// column's expression. Both are NULL without VIEW DEFINITION.
fn column_default(r: &TextRow) -> Option<String> {
    if let Some(expression) = r.get("computed_definition") {
        let persisted = if r.flag("is_persisted") == Some(true) { " PERSISTED" } else { "" };
        return Some(format!("AS {expression}{persisted}"));
    }
    r.get("default_definition").map(str::to_owned)
}

/// A row of OBJECTS as a view, routine, trigger, synonym or sequence of its schema.
fn add_object(schema: &mut SchemaInfo, r: &TextRow, definition_hash: String) {
    let name = r.text("object_name");
    let kind = r.text("object_type");
    let routine = |returns: String, language: &str, definition_hash: String| FunctionInfo {
        name: name.clone(),
        arguments: String::new(),
        returns,
        language: language.to_owned(),
        definition_hash,
    };
    match kind.trim() {
        "V" => schema.views.push(ViewInfo { name, definition_hash, ..Default::default() }),
        "P" => schema.functions.push(routine("procedure".into(), "sql", definition_hash)),
        "PC" => schema.functions.push(routine("procedure".into(), "clr", definition_hash)),
        "FN" => schema.functions.push(routine("scalar".into(), "sql", definition_hash)),
        "IF" => schema.functions.push(routine("inline table".into(), "sql", definition_hash)),
        "TF" => schema.functions.push(routine("table".into(), "sql", definition_hash)),
        "FS" => schema.functions.push(routine("scalar".into(), "clr", definition_hash)),
        "FT" => schema.functions.push(routine("table".into(), "clr", definition_hash)),
        "TR" | "TA" => schema.functions.push(routine(fires(r), "trigger", definition_hash)),
        "SN" => {
            let target = r.text("base_object_name");
            let hash = fnv64(&target);
            schema.functions.push(routine(target, "synonym", hash));
        }
        "SO" => schema.sequences.extend(sequence(&name, r)),
        _ => {}
    }
}

/// When a trigger fires: `AFTER INSERT, UPDATE ON orders`, `, DISABLED` when off.
fn fires(r: &TextRow) -> String {
    let timing = if r.flag("is_instead_of_trigger") == Some(true) { "INSTEAD OF" } else { "AFTER" };
    let events: Vec<&str> = [("on_insert", "INSERT"), ("on_update", "UPDATE"), ("on_delete", "DELETE")]
        .iter()
        .filter(|(column, _)| r.flag(column) == Some(true))
        .map(|(_, event)| *event)
        .collect();
    let disabled = if r.flag("trigger_disabled") == Some(true) { ", DISABLED" } else { "" };
    format!("{timing} {} ON {}{disabled}", events.join(", "), r.text("parent_name"))
}
