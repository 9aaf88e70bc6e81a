//! Indexes and keys of Oracle tables: index state (UNUSABLE, unusable partitions,
//! INVISIBLE), primary/unique/foreign keys from `dba_constraints`, and the shared
//! analysis (`collectors::schema_indexes::analyse_indexes`) of unused, duplicate and
//! redundant indexes.
//!
//! Keys are compared by column name within a table (each name gets a number), and what
//! else must match per key (index type, ascending or descending) is the per-key "class",
//! so a bitmap index is never the duplicate of a B-tree one. A descending or
//! function-based key is its hidden column (`SYS_NC00005$`), which two indexes share
//! only when they index the same expression.

use crate::collectors::schema_indexes::{IndexFacts, analyse_indexes};
use crate::collectors::text_rows::TextRow;
use crate::model::{ConstraintInfo, ConstraintKind, ForeignKeyInfo, IndexInfo, TableInfo};
use std::collections::{BTreeMap, HashMap};

/// (owner, name) of a table, an index or a constraint.
pub type Name = (String, String);

/// An index as read, before the per-table analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct OraIndex {
    pub owner: String,
    pub name: String,
    pub table: Name,
    /// `NORMAL`, `BITMAP`, `FUNCTION-BASED NORMAL`, `NORMAL/REV`, `IOT - TOP`, `DOMAIN`…
    pub index_type: String,
    pub unique: bool,
    /// `VALID`, `UNUSABLE`, or `N/A` for a partitioned index (its partitions say).
    pub status: String,
    pub visible: bool,
    pub partitioned: bool,
    pub unusable_partitions: u64,
    /// (column, descending) in key order.
    pub keys: Vec<(String, bool)>,
}

impl OraIndex {
    pub fn usable(&self) -> bool {
        self.status != "UNUSABLE" && self.unusable_partitions == 0
    }

    fn method(&self) -> String {
        match self.index_type.as_str() {
            "NORMAL" | "FUNCTION-BASED NORMAL" | "IOT - TOP" => "btree".to_owned(),
            other => other.to_ascii_lowercase(),
        }
    }
}

/// Indexes per table (owner, table), keys in order, by name.
pub fn indexes(rows: &[TextRow], key_rows: &[TextRow]) -> BTreeMap<Name, Vec<OraIndex>> {
    let mut keys: HashMap<Name, Vec<(i64, String, bool)>> = HashMap::new();
    for r in key_rows {
        let column = r.text("column_name");
        let position = r.int("column_position").unwrap_or(0);
        let descending = r.text("descend").eq_ignore_ascii_case("DESC");
        keys.entry((r.text("index_owner"), r.text("index_name")))
            .or_default()
            .push((position, column, descending));
    }
    let mut out: BTreeMap<Name, Vec<OraIndex>> = BTreeMap::new();
    for r in rows {
        let (owner, name) = (r.text("owner"), r.text("index_name"));
        if name.is_empty() || name.starts_with("BIN$") {
            continue;
        }
        let mut parts = keys.remove(&(owner.clone(), name.clone())).unwrap_or_default();
        parts.sort_by_key(|(position, _, _)| *position);
        let index = OraIndex {
            table: (r.text("table_owner"), r.text("table_name")),
            index_type: r.text("index_type").to_ascii_uppercase(),
            unique: r.text("uniqueness").eq_ignore_ascii_case("UNIQUE"),
            status: r.text("status").to_ascii_uppercase(),
            visible: !r.text("visibility").eq_ignore_ascii_case("INVISIBLE"),
            partitioned: r.flag("partitioned") == Some(true),
            unusable_partitions: r.uint("unusable_partitions").unwrap_or(0),
            keys: parts.into_iter().map(|(_, c, d)| (c, d)).collect(),
            owner,
            name,
        };
        out.entry(index.table.clone()).or_default().push(index);
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    out
}

/// A primary ('P'), unique ('U') or foreign ('R') key.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub owner: String,
    pub table: String,
    pub name: String,
    pub kind: char,
    pub enabled: bool,
    pub validated: bool,
    /// The index a primary or unique key uses.
    pub index: Option<Name>,
    /// The constraint a foreign key references.
    pub references: Option<Name>,
    pub delete_rule: String,
    pub columns: Vec<String>,
}

/// Keys by (owner, constraint name), columns in order.
pub fn keys(rows: &[TextRow]) -> BTreeMap<Name, Key> {
    let mut columns: BTreeMap<Name, Vec<(i64, String)>> = BTreeMap::new();
    let mut out: BTreeMap<Name, Key> = BTreeMap::new();
    for r in rows {
        let id = (r.text("owner"), r.text("constraint_name"));
        columns.entry(id.clone()).or_default().push((r.int("position").unwrap_or(0), r.text("column_name")));
        out.entry(id.clone()).or_insert_with(|| Key {
            owner: id.0.clone(),
            table: r.text("table_name"),
            name: id.1.clone(),
            kind: r.text("constraint_type").chars().next().unwrap_or('?'),
            enabled: !r.text("status").eq_ignore_ascii_case("DISABLED"),
            validated: !r.text("validated").eq_ignore_ascii_case("NOT VALIDATED"),
            index: r
                .get("index_name")
                .map(|i| (r.get("index_owner").unwrap_or(&id.0).to_owned(), i.to_owned())),
            references: r.get("r_constraint_name").map(|c| (r.text("r_owner"), c.to_owned())),
            delete_rule: r.text("delete_rule").to_ascii_uppercase(),
            columns: Vec::new(),
        });
    }
    for (id, mut list) in columns {
        list.sort_by_key(|(position, _)| *position);
        if let Some(key) = out.get_mut(&id) {
            key.columns = list.into_iter().map(|(_, c)| c).collect();
        }
    }
    out
}

/// What a table's indexes need from outside their rows: segment sizes by (owner, index)
/// and, when index usage was read, the accesses of each index that has a row.
pub struct IndexFigures<'a> {
    pub sizes: &'a HashMap<Name, u64>,
    pub usage: Option<&'a HashMap<Name, u64>>,
}

/// Fills a table's indexes, keys and foreign keys, and finds unused, duplicate and
/// redundant indexes and foreign keys without an index.
pub fn finish_table(
    table: &mut TableInfo,
    owner: &str,
    indexes: Vec<OraIndex>,
    table_keys: &[&Key],
    all_keys: &BTreeMap<Name, Key>,
    figures: &IndexFigures,
) {
    let id = |ix: &OraIndex| (ix.owner.clone(), ix.name.clone());
    let uses_index = |k: &Key, ix: &OraIndex| k.enabled && k.index.as_ref() == Some(&id(ix));
    // Foreign keys an index serves: its leading keys are the key's columns, in any order
    // (what spares the parent table's DML a share lock on the child).
    let serves = |ix: &OraIndex, k: &Key| {
        let mut lead: Vec<&str> = ix.keys.iter().take(k.columns.len()).map(|(c, _)| c.as_str()).collect();
        let mut want: Vec<&str> = k.columns.iter().map(String::as_str).collect();
        lead.sort_unstable();
        want.sort_unstable();
        !want.is_empty() && lead == want
    };
    let mut numbers: HashMap<&str, i16> = HashMap::new();
    let mut facts = Vec::with_capacity(indexes.len());
    for ix in &indexes {
        let method = ix.method();
        let mut keys = Vec::with_capacity(ix.keys.len());
        for (column, _) in &ix.keys {
            let next = i16::try_from(numbers.len() + 1).unwrap_or(i16::MAX);
            keys.push(*numbers.entry(column.as_str()).or_insert(next));
        }
        let class: Vec<String> =
            ix.keys.iter().map(|(_, desc)| format!("{method}/{}", if *desc { "D" } else { "A" })).collect();
        let backs = table_keys.iter().any(|k| k.kind != 'R' && uses_index(k, ix));
        facts.push(IndexFacts {
            keys,
            indclass: class.join(" "),
            method,
            backs_constraint: backs,
            ..Default::default()
        });
    }
    let mut infos: Vec<IndexInfo> = indexes
        .iter()
        .map(|ix| IndexInfo {
            name: if ix.owner == owner { ix.name.clone() } else { format!("{}.{}", ix.owner, ix.name) },
            columns: ix.keys.iter().map(|(c, d)| if *d { format!("{c} DESC") } else { c.clone() }).collect(),
            definition: definition(ix),
            size_bytes: figures.sizes.get(&id(ix)).copied().unwrap_or(0),
            // Tracked use: an index without a row has not been used since tracking began.
            scans: figures.usage.map(|u| u.get(&id(ix)).copied().unwrap_or(0)),
            valid: ix.usable(),
            unique: ix.unique,
            primary: table_keys.iter().any(|k| k.kind == 'P' && uses_index(k, ix)),
            ..Default::default()
        })
        .collect();
    let mut constraints = Vec::new();
    let mut foreign_keys = Vec::new();
    for k in table_keys {
        let state = match (k.enabled, k.validated) {
            (false, _) => " DISABLE",
            (true, false) => " NOVALIDATE",
            (true, true) => "",
        };
        let columns = k.columns.join(", ");
        let (kind, definition) = match k.kind {
            'P' => (ConstraintKind::PrimaryKey, format!("PRIMARY KEY ({columns}){state}")),
            'U' => (ConstraintKind::Unique, format!("UNIQUE ({columns}){state}")),
            _ => {
                let parent = k.references.as_ref().and_then(|r| all_keys.get(r));
                let references = match (parent, &k.references) {
                    (Some(p), _) => format!("{}.{}", p.owner, p.table),
                    (None, Some((o, c))) => format!("{o}.?({c})"),
                    (None, None) => "?".to_owned(),
                };
                let referenced_columns = parent.map(|p| p.columns.clone()).unwrap_or_default();
                let rule = match k.delete_rule.as_str() {
                    "CASCADE" => " ON DELETE CASCADE",
                    "SET NULL" => " ON DELETE SET NULL",
                    _ => "",
                };
                let serving: Vec<usize> = (0..indexes.len()).filter(|&i| serves(&indexes[i], k)).collect();
                // The only index of a foreign key keeps parent-side DML from locking the
                // whole child table: never advised away as unused or redundant.
                if let [only] = serving.as_slice() {
                    facts[*only].backs_constraint = true;
                }
                let definition = format!(
                    "FOREIGN KEY ({columns}) REFERENCES {references} ({}){rule}{state}",
                    referenced_columns.join(", ")
                );
                foreign_keys.push(ForeignKeyInfo {
                    name: k.name.clone(),
                    columns: k.columns.clone(),
                    references,
                    referenced_columns,
                    has_index: !serving.is_empty(),
                });
                (ConstraintKind::ForeignKey, definition)
            }
        };
        constraints.push(ConstraintInfo { name: k.name.clone(), kind, definition });
    }
    analyse_indexes(&mut infos, &facts);
    table.has_primary_key = table_keys.iter().any(|k| k.kind == 'P');
    table.index_bytes = infos.iter().map(|i| i.size_bytes).sum();
    table.indexes = infos;
    table.constraints = constraints;
    table.foreign_keys = foreign_keys;
}

/// `CREATE UNIQUE INDEX SALES.ORDERS_PK ON SALES.ORDERS (ID)`, with what else the
/// dictionary says of it (bitmap, reverse, partitioned, invisible). Usability is not
/// part of it: `IndexInfo::valid` says that.
fn definition(ix: &OraIndex) -> String {
    let kind = match ix.index_type.as_str() {
        t if t.contains("BITMAP") => "BITMAP ",
        _ if ix.unique => "UNIQUE ",
        _ => "",
    };
    let keys: Vec<String> =
        ix.keys.iter().map(|(c, d)| if *d { format!("{c} DESC") } else { c.clone() }).collect();
    let mut text = format!(
        "CREATE {kind}INDEX {}.{} ON {}.{} ({})",
        ix.owner,
        ix.name,
        ix.table.0,
        ix.table.1,
        keys.join(", ")
    );
    if ix.index_type.contains("/REV") {
        text.push_str(" REVERSE");
    }
    if ix.index_type == "DOMAIN" {
        text.push_str(" INDEXTYPE (domain)");
    }
    if ix.partitioned {
        text.push_str(" PARTITIONED");
    }
    if !ix.visible {
        text.push_str(" INVISIBLE");
    }
    text
}
