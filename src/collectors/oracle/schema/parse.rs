//! Pure schema-tier mapping: the replies of `queries` → one `SchemaSnapshot`. The
//! database is the container the target connects to (a PDB, or a non-CDB); each
//! application owner is a schema. Procedures, functions, packages and types are
//! `FunctionInfo`s (`returns` says which), triggers have language "trigger" and synonyms
//! "synonym" (`returns` = what they stand for); a materialized view is a view whose size
//! is its container table's (that table is not listed again).

use super::carry::{Part, Scope};
use super::keys::{self, IndexFigures, Key, Name};
use crate::collectors::schema_indexes::fnv64;
use crate::collectors::text_rows::TextRow;
use crate::model::{
    ColumnInfo, DatabaseSchema, FunctionInfo, SchemaInfo, SchemaSnapshot, SequenceInfo, TableInfo, TableKind,
    ViewInfo,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything one round read.
#[derive(Debug, Default)]
pub struct Reads {
    pub database: String,
    /// Why the database could not be read at all (owners or tables refused): its
    /// lists are then unknown, never empty.
    pub error: Option<String>,
    pub owners: Vec<TextRow>,
    pub tables: Vec<TextRow>,
    pub columns: Vec<TextRow>,
    pub indexes: Vec<TextRow>,
    pub index_columns: Vec<TextRow>,
    pub constraints: Vec<TextRow>,
    pub sequences: Vec<TextRow>,
    pub objects: Vec<TextRow>,
    /// None when refused: sizes unknown (0).
    pub segments: Option<Vec<TextRow>>,
    /// None when refused or absent (before 12.2): index use unknown.
    pub index_usage: Option<Vec<TextRow>>,
    /// Parts not read or cut this round: the previous read stands for them (`carry`).
    pub unknown: Vec<(Part, Scope)>,
}

/// Schemas Oracle installs, for releases or options that leave ORACLE_MAINTAINED = 'N'
/// on some of them (APEX and ORDS are installed separately).
const ORACLE_OWNERS: &[&str] = &[
    "ANONYMOUS",
    "APPQOSSYS",
    "AUDSYS",
    "CTXSYS",
    "DBSFWUSER",
    "DBSNMP",
    "DGPDB_INT",
    "DIP",
    "DVF",
    "DVSYS",
    "GGSYS",
    "GSMADMIN_INTERNAL",
    "GSMCATUSER",
    "GSMROOTUSER",
    "GSMUSER",
    "LBACSYS",
    "MDDATA",
    "MDSYS",
    "OJVMSYS",
    "OLAPSYS",
    "ORACLE_OCM",
    "ORDDATA",
    "ORDPLUGINS",
    "ORDSYS",
    "OUTLN",
    "REMOTE_SCHEDULER_AGENT",
    "SI_INFORMTN_SCHEMA",
    "SYS",
    "SYS$UMF",
    "SYSBACKUP",
    "SYSDG",
    "SYSKM",
    "SYSRAC",
    "SYSTEM",
    "WMSYS",
    "XDB",
    "XS$NULL",
];
const ORACLE_OWNER_PREFIXES: &[&str] = &["APEX_", "FLOWS_", "ORDS_"];

pub fn is_oracle_owner(owner: &str) -> bool {
    ORACLE_OWNERS.contains(&owner) || ORACLE_OWNER_PREFIXES.iter().any(|p| owner.starts_with(p))
}

/// The container's name: CON_NAME, else DB_NAME.
pub fn database_name(rows: &[TextRow]) -> Option<String> {
    let r = rows.first()?;
    r.get("con_name").or_else(|| r.get("db_name")).filter(|n| !n.is_empty()).map(str::to_owned)
}

/// Per application owner: how many objects and the newest DDL time. Equal between two
/// rounds: no object was created, dropped or altered in between.
pub type Signature = BTreeMap<String, (u64, String)>;

pub fn signature(owners: &[TextRow]) -> Signature {
    owners
        .iter()
        .filter(|r| !is_oracle_owner(&r.text("owner")))
        .map(|r| (r.text("owner"), (r.uint("objects").unwrap_or(0), r.text("last_ddl"))))
        .collect()
}

/// The snapshot of one round; `now_ms` turns the server's ages into dates.
pub fn build(reads: &Reads, now_ms: i64) -> SchemaSnapshot {
    let name = reads.database.clone();
    if let Some(error) = &reads.error {
        let db = DatabaseSchema { name, error: Some(error.clone()), ..Default::default() };
        return SchemaSnapshot { databases: vec![db] };
    }
    let mut schemas: BTreeMap<String, SchemaInfo> = signature(&reads.owners)
        .into_keys()
        .map(|owner| (owner.clone(), SchemaInfo { name: owner.clone(), owner, ..Default::default() }))
        .collect();
    let sizes = segment_sizes(reads.segments.as_deref().unwrap_or_default());
    let mut tables = tables(&reads.tables, &sizes, now_ms);
    add_columns(&mut tables, &reads.columns);
    let mut indexes = keys::indexes(&reads.indexes, &reads.index_columns);
    let all_keys = keys::keys(&reads.constraints);
    let mut table_keys: HashMap<Name, Vec<&Key>> = HashMap::new();
    for k in all_keys.values() {
        table_keys.entry((k.owner.clone(), k.table.clone())).or_default().push(k);
    }
    let index_sizes: HashMap<Name, u64> = sizes
        .iter()
        .filter(|((_, _, kind), _)| kind == "INDEX")
        .map(|((o, n, _), b)| ((o.clone(), n.clone()), *b))
        .collect();
    let usage = reads.index_usage.as_deref().map(index_usage);
    let figures = IndexFigures { sizes: &index_sizes, usage: usage.as_ref() };
    let materialized = materialized_views(&reads.objects);
    for ((owner, table_name), mut table) in tables {
        let Some(schema) = schemas.get_mut(&owner) else { continue };
        let key = (owner.clone(), table_name);
        let found = indexes.remove(&key).unwrap_or_default();
        let own_keys = table_keys.remove(&key).unwrap_or_default();
        keys::finish_table(&mut table, &owner, found, &own_keys, &all_keys, &figures);
        table.total_bytes = table.table_bytes + table.index_bytes + table.toast_bytes;
        if !materialized.contains(&key) {
            schema.tables.push(table);
        } else {
            // The container table of a materialized view: its size is the view's.
            schema.views.push(ViewInfo {
                name: key.1,
                materialized: true,
                size_bytes: table.total_bytes,
                ..Default::default()
            });
        }
    }
    add_objects(&mut schemas, &reads.objects);
    add_sequences(&mut schemas, &reads.sequences);
    let schemas: Vec<SchemaInfo> = schemas
        .into_values()
        .map(|mut s| {
            s.views.sort_by(|a, b| a.name.cmp(&b.name));
            s.functions.sort_by(|a, b| (&a.name, &a.returns).cmp(&(&b.name, &b.returns)));
            s
        })
        .collect();
    let size_bytes = reads.segments.as_ref().map(|_| {
        sizes
            .iter()
            .filter(|((owner, _, _), _)| !is_oracle_owner(owner))
            .fold(0u64, |total, (_, b)| total.saturating_add(*b))
    });
    SchemaSnapshot { databases: vec![DatabaseSchema { name, size_bytes, schemas, ..Default::default() }] }
}

/// Allocated bytes by (owner, object, kind): kind TABLE, INDEX or LOB (a table's LOBs).
fn segment_sizes(rows: &[TextRow]) -> BTreeMap<(String, String, String), u64> {
    let mut out = BTreeMap::new();
    for r in rows {
        let key = (r.text("owner"), r.text("object_name"), r.text("kind").to_ascii_uppercase());
        let total: &mut u64 = out.entry(key).or_default();
        *total = total.saturating_add(r.uint("bytes").unwrap_or(0));
    }
    out
}

fn index_usage(rows: &[TextRow]) -> HashMap<Name, u64> {
    rows.iter()
        .map(|r| ((r.text("owner"), r.text("index_name")), r.uint("total_access_count").unwrap_or(0)))
        .collect()
}

fn materialized_views(objects: &[TextRow]) -> BTreeSet<Name> {
    objects
        .iter()
        .filter(|r| r.text("object_type").eq_ignore_ascii_case("MATERIALIZED VIEW"))
        .map(|r| (r.text("owner"), r.text("object_name")))
        .collect()
}

fn tables(
    rows: &[TextRow],
    sizes: &BTreeMap<(String, String, String), u64>,
    now_ms: i64,
) -> BTreeMap<Name, TableInfo> {
    let mut out = BTreeMap::new();
    for r in rows {
        let (owner, name) = (r.text("owner"), r.text("table_name"));
        if name.is_empty() || name.starts_with("BIN$") || is_oracle_owner(&owner) {
            continue;
        }
        let external = r.flag("external") == Some(true);
        let kind = if external {
            TableKind::Foreign
        } else if r.flag("partitioned") == Some(true) {
            TableKind::Partitioned
        } else {
            TableKind::Table
        };
        let organisation = if external {
            "external"
        } else if r.flag("temporary") == Some(true) {
            "global temporary"
        } else if r.text("iot_type").eq_ignore_ascii_case("IOT") {
            "index-organized"
        } else {
            "heap"
        };
        let size =
            |kind: &str| sizes.get(&(owner.clone(), name.clone(), kind.to_owned())).copied().unwrap_or(0);
        let analysed = r.int("analyzed_age_s").map(|age| now_ms.saturating_sub(age.saturating_mul(1000)));
        let info = TableInfo {
            name: name.clone(),
            kind,
            // NUM_ROWS of the last gather: an estimate, never a count.
            row_estimate: r.float("num_rows"),
            table_bytes: size("TABLE"),
            toast_bytes: size("LOB"),
            last_analyze_ms: analysed,
            // DML since the last gather as flushed to dba_tab_modifications (Oracle's own
            // STALE_STATS compares it with NUM_ROWS); none recorded is 0. Temporary and
            // external tables are not monitored.
            n_mod_since_analyze: match organisation {
                "heap" | "index-organized" => Some(r.uint("modifications").unwrap_or(0)),
                _ => None,
            },
            storage_engine: organisation.to_owned(),
            ..Default::default()
        };
        out.insert((owner, name), info);
    }
    out
}

fn add_columns(tables: &mut BTreeMap<Name, TableInfo>, rows: &[TextRow]) {
    let mut columns: BTreeMap<Name, Vec<(i64, ColumnInfo)>> = BTreeMap::new();
    for r in rows {
        let column = ColumnInfo {
            name: r.text("column_name"),
            data_type: column_type(r),
            nullable: r.text("nullable").eq_ignore_ascii_case("Y"),
            default: None,
        };
        let key = (r.text("owner"), r.text("table_name"));
        columns.entry(key).or_default().push((r.int("column_id").unwrap_or(0), column));
    }
    for (key, mut list) in columns {
        if let Some(table) = tables.get_mut(&key) {
            list.sort_by_key(|(id, _)| *id);
            table.columns = list.into_iter().map(|(_, c)| c).collect();
        }
    }
}

/// The type as a DBA writes it: `NUMBER(10,2)`, `VARCHAR2(40 CHAR)`, `RAW(16)`,
/// `TIMESTAMP(6)` (the dictionary already spells those with their precision).
pub fn column_type(r: &TextRow) -> String {
    let base = r.text("data_type");
    let upper = base.to_ascii_uppercase();
    match upper.as_str() {
        "NUMBER" => match (r.int("data_precision"), r.int("data_scale")) {
            (Some(p), Some(0)) => format!("NUMBER({p})"),
            (Some(p), Some(s)) => format!("NUMBER({p},{s})"),
            (None, Some(0)) => "INTEGER".to_owned(),
            _ => "NUMBER".to_owned(),
        },
        "FLOAT" => r.int("data_precision").map_or(base.clone(), |p| format!("FLOAT({p})")),
        "VARCHAR2" | "CHAR" | "NVARCHAR2" | "NCHAR" => {
            let chars = r.text("char_used").eq_ignore_ascii_case("C");
            match (upper.starts_with('N'), chars) {
                (true, _) => format!("{base}({})", r.int("char_length").unwrap_or(0)),
                (false, true) => format!("{base}({} CHAR)", r.int("char_length").unwrap_or(0)),
                (false, false) => format!("{base}({} BYTE)", r.int("data_length").unwrap_or(0)),
            }
        }
        "RAW" => format!("RAW({})", r.int("data_length").unwrap_or(0)),
        _ => base,
    }
}

/// Views, code, triggers and synonyms; a package is one routine whose definition covers
/// its specification and body.
fn add_objects(schemas: &mut BTreeMap<String, SchemaInfo>, rows: &[TextRow]) {
    // (owner, name, "package" | "type") → (spec time, body time)
    let mut bodies: BTreeMap<(String, String, &str), (String, String)> = BTreeMap::new();
    for r in rows {
        let owner = r.text("owner");
        let Some(schema) = schemas.get_mut(&owner) else { continue };
        let name = r.text("object_name");
        let spec = r.text("spec_time");
        let routine = |returns: String, language: &str, hash: String| FunctionInfo {
            name: name.clone(),
            arguments: String::new(),
            returns,
            language: language.to_owned(),
            definition_hash: hash,
        };
        match r.text("object_type").to_ascii_uppercase().as_str() {
            "VIEW" => {
                schema.views.push(ViewInfo { name, definition_hash: fnv64(&spec), ..Default::default() })
            }
            "MATERIALIZED VIEW" => {
                // Listed with its container table's size in `build`; only the definition here.
                match schema.views.iter_mut().find(|v| v.materialized && v.name == name) {
                    Some(v) => v.definition_hash = fnv64(&spec),
                    None => schema.views.push(ViewInfo {
                        name,
                        materialized: true,
                        definition_hash: fnv64(&spec),
                        ..Default::default()
                    }),
                }
            }
            "PROCEDURE" => schema.functions.push(routine("procedure".into(), "plsql", fnv64(&spec))),
            "FUNCTION" => schema.functions.push(routine("function".into(), "plsql", fnv64(&spec))),
            "PACKAGE" => bodies.entry((owner, name, "package")).or_default().0 = spec,
            "PACKAGE BODY" => bodies.entry((owner, name, "package")).or_default().1 = spec,
            "TYPE" => bodies.entry((owner, name, "type")).or_default().0 = spec,
            "TYPE BODY" => bodies.entry((owner, name, "type")).or_default().1 = spec,
            "TRIGGER" => {
                let disabled =
                    if r.text("trigger_status").eq_ignore_ascii_case("DISABLED") { ", DISABLED" } else { "" };
                let fires = format!(
                    "{} {} ON {}{disabled}",
                    r.text("trigger_type"),
                    r.text("triggering_event"),
                    r.text("trigger_table")
                );
                schema.functions.push(routine(fires, "trigger", fnv64(&spec)));
            }
            "SYNONYM" => {
                let link = r.get("synonym_link").map(|l| format!("@{l}")).unwrap_or_default();
                let target = format!("{}.{}{link}", r.text("synonym_owner"), r.text("synonym_name"));
                let hash = fnv64(&target);
                schema.functions.push(routine(target, "synonym", hash));
            }
            _ => {}
        }
    }
    for ((owner, name, kind), (spec, body)) in bodies {
        if let Some(schema) = schemas.get_mut(&owner) {
            schema.functions.push(FunctionInfo {
                name,
                arguments: String::new(),
                returns: kind.to_owned(),
                language: "plsql".to_owned(),
                definition_hash: fnv64(&format!("{spec}|{body}")),
            });
        }
    }
}

fn add_sequences(schemas: &mut BTreeMap<String, SchemaInfo>, rows: &[TextRow]) {
    for r in rows {
        let Some(schema) = schemas.get_mut(&r.text("owner")) else { continue };
        let (min, max) = (r.float("min_value").unwrap_or(1.0), r.float("max_value").unwrap_or(f64::MAX));
        let increment = r.int("increment_by").unwrap_or(1);
        let last = r.float("last_number");
        let cycles = r.flag("cycle_flag") == Some(true);
        // A cycling sequence starts again at its end: its range is never used up.
        let pct_used = match (last, cycles) {
            (Some(last), false) if max > min => {
                let used = if increment < 0 { max - last } else { last - min };
                Some((used / (max - min) * 100.0).clamp(0.0, 100.0))
            }
            _ => None,
        };
        schema.sequences.push(SequenceInfo {
            name: r.text("sequence_name"),
            data_type: "NUMBER".to_owned(),
            // Saturating: the default maximum is 10^28 − 1.
            last_value: last.map(|v| v as i64),
            max_value: max as i64,
            increment,
            pct_used,
        });
    }
}
