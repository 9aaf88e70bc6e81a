//! Pure schema-tier logic about keys: indexes from their columns (definition, size,
//! usage, duplicate and redundant ones), foreign keys and whether an index serves them,
//! PRIMARY KEY / UNIQUE / CHECK constraints, and the optimizer's missing-index
//! suggestions.
//!
//! Duplicate and redundant indexes are found by the shared rules
//! (`collectors::schema_indexes::analyse_indexes`): key columns become column ids, the
//! sort order of each becomes its "class", included columns are compared as a set, a
//! filtered index only matches one with the same filter. A clustered index is the
//! table itself, so like a constraint it is never unused nor redundant.

use super::rows::TextRow;
use crate::collectors::schema_indexes::{IndexFacts, analyse_indexes};
use crate::model::{ConstraintInfo, ConstraintKind, ForeignKeyInfo, IndexInfo, IndexSuggestion, TableInfo};
use std::collections::{BTreeMap, HashMap};

/// Suggestions kept per table, best first.
pub const MAX_SUGGESTIONS: usize = 5;

/// A column of an index: catalog id and name.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexColumn {
    pub id: i64,
    pub name: String,
    pub descending: bool,
}

/// An index as read, before the per-table analysis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyIndex {
    pub info: IndexInfo,
    pub index_id: i64,
    /// `CLUSTERED`, `NONCLUSTERED`, `CLUSTERED COLUMNSTORE`, `NONCLUSTERED HASH`, `XML`…
    pub type_desc: String,
    pub keys: Vec<IndexColumn>,
    pub includes: Vec<IndexColumn>,
    pub unique_constraint: bool,
    pub filter: String,
}

impl KeyIndex {
    pub fn columnstore(&self) -> bool {
        self.type_desc.contains("COLUMNSTORE")
    }

    fn clustered(&self) -> bool {
        self.type_desc.starts_with("CLUSTERED")
    }

    fn method(&self) -> &'static str {
        match self.type_desc.as_str() {
            "CLUSTERED" | "NONCLUSTERED" => "btree",
            t if t.contains("COLUMNSTORE") => "columnstore",
            t if t.contains("HASH") => "hash",
            t if t.contains("XML") => "xml",
            t if t.contains("SPATIAL") => "spatial",
            _ => "other",
        }
    }
}

/// Groups INDEXES rows (one per column) into indexes per table (object id), by index id.
pub fn indexes(rows: &[TextRow]) -> BTreeMap<i64, Vec<KeyIndex>> {
    let mut grouped: BTreeMap<(i64, i64), Vec<&TextRow>> = BTreeMap::new();
    for r in rows {
        let (Some(object), Some(index)) = (r.int("object_id"), r.int("index_id")) else { continue };
        grouped.entry((object, index)).or_default().push(r);
    }
    let mut out: BTreeMap<i64, Vec<KeyIndex>> = BTreeMap::new();
    for ((object, index_id), mut rows) in grouped {
        rows.sort_by_key(|r| (r.int("key_ordinal").unwrap_or(0), r.int("index_column_id").unwrap_or(0)));
        let Some(first) = rows.first() else { continue };
        let mut ix = KeyIndex {
            index_id,
            type_desc: first.text("type_desc").to_ascii_uppercase(),
            unique_constraint: first.flag("is_unique_constraint") == Some(true),
            filter: first.text("filter_definition"),
            ..Default::default()
        };
        for r in rows.iter().filter(|r| r.int("column_id").is_some()) {
            let column = IndexColumn {
                id: r.int("column_id").unwrap_or(0),
                name: r.text("column_name"),
                descending: r.flag("is_descending_key") == Some(true),
            };
            if r.flag("is_included_column") == Some(true) && !ix.columnstore() {
                ix.includes.push(column);
            } else if r.int("key_ordinal").unwrap_or(0) > 0 || ix.columnstore() {
                ix.keys.push(column);
            }
            // Otherwise a partitioning column SQL Server added: neither key nor included.
        }
        if ix.columnstore() {
            ix.keys.sort_by_key(|c| c.id);
        }
        ix.info = IndexInfo {
            name: first.text("index_name"),
            columns: ix.keys.iter().map(|c| c.name.clone()).collect(),
            valid: first.flag("is_disabled") != Some(true),
            unique: first.flag("is_unique") == Some(true),
            primary: first.flag("is_primary_key") == Some(true),
            ..Default::default()
        };
        out.entry(object).or_default().push(ix);
    }
    out
}

/// How the index would be written (names unquoted), e.g.
/// `CREATE NONCLUSTERED INDEX ix ON dbo.orders (customer_id, placed DESC) INCLUDE (total)`.
pub fn definition(table: &str, ix: &KeyIndex) -> String {
    let keys = |list: &[IndexColumn]| {
        let parts: Vec<String> =
            list.iter().map(|c| format!("{}{}", c.name, if c.descending { " DESC" } else { "" })).collect();
        parts.join(", ")
    };
    let name = &ix.info.name;
    if ix.info.primary || ix.unique_constraint {
        let what = if ix.info.primary { "PRIMARY KEY" } else { "UNIQUE" };
        return format!("CONSTRAINT {name} {what} {} ({})", ix.type_desc, keys(&ix.keys));
    }
    let unique = if ix.info.unique { "UNIQUE " } else { "" };
    let mut out = format!("CREATE {unique}{} INDEX {name} ON {table}", ix.type_desc);
    if !(ix.clustered() && ix.columnstore()) {
        out.push_str(&format!(" ({})", keys(&ix.keys)));
    }
    if !ix.includes.is_empty() {
        let names: Vec<&str> = ix.includes.iter().map(|c| c.name.as_str()).collect();
        out.push_str(&format!(" INCLUDE ({})", names.join(", ")));
    }
    if !ix.filter.is_empty() {
        out.push_str(&format!(" WHERE {}", ix.filter));
    }
    out
}

/// Operations per (object id, index id) from sys.dm_db_index_usage_stats:
/// (seeks, scans, lookups).
pub type Usage = HashMap<(i64, i64), (u64, u64, u64)>;

pub fn usage(rows: &[TextRow], database_id: i64) -> Usage {
    rows.iter()
        .filter(|r| r.int("database_id") == Some(database_id))
        .filter_map(|r| {
            let key = (r.int("object_id")?, r.int("index_id")?);
            let count = |c: &str| r.uint(c).unwrap_or(0);
            Some((key, (count("user_seeks"), count("user_scans"), count("user_lookups"))))
        })
        .collect()
}

/// Table-level reads from the usage rows: (scans of the heap or clustered index, seeks
/// of any index plus scans of the nonclustered ones). Lookups are left out: each is the
/// consequence of a nonclustered seek already counted.
pub fn table_scans(usage: &Usage, object_id: i64) -> (u64, u64) {
    let mut whole = 0;
    let mut index = 0;
    for ((object, index_id), (seeks, scans, _)) in usage {
        if *object != object_id {
            continue;
        }
        index += seeks;
        if *index_id < 2 { whole += scans } else { index += scans }
    }
    (whole, index)
}

/// Foreign keys per table (object id), columns in key order, with (ids of the columns,
/// the constraint's definition).
pub fn foreign_keys(rows: &[TextRow]) -> BTreeMap<i64, Vec<(ForeignKeyInfo, Vec<i64>, String)>> {
    let mut grouped: BTreeMap<(i64, String), Vec<&TextRow>> = BTreeMap::new();
    for r in rows {
        let Some(object) = r.int("object_id") else { continue };
        grouped.entry((object, r.text("fk_name"))).or_default().push(r);
    }
    let mut out: BTreeMap<i64, Vec<(ForeignKeyInfo, Vec<i64>, String)>> = BTreeMap::new();
    for ((object, name), mut rows) in grouped {
        rows.sort_by_key(|r| r.int("constraint_column_id").unwrap_or(0));
        let Some(first) = rows.first() else { continue };
        let fk = ForeignKeyInfo {
            name,
            columns: rows.iter().map(|r| r.text("column_name")).collect(),
            references: format!("{}.{}", first.text("referenced_schema"), first.text("referenced_table")),
            referenced_columns: rows.iter().map(|r| r.text("referenced_column")).collect(),
            has_index: false,
        };
        let mut definition = format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            fk.columns.join(", "),
            fk.references,
            fk.referenced_columns.join(", ")
        );
        for (words, column) in [("ON DELETE", "on_delete"), ("ON UPDATE", "on_update")] {
            let rule = first.text(column).replace('_', " ");
            if !rule.is_empty() && rule != "NO ACTION" {
                definition.push_str(&format!(" {words} {rule}"));
            }
        }
        definition.push_str(&state_note(first));
        let ids = rows.iter().filter_map(|r| r.int("column_id")).collect();
        out.entry(object).or_default().push((fk, ids, definition));
    }
    out
}

/// ` DISABLED` / ` NOT TRUSTED` (created or re-enabled WITH NOCHECK: the optimizer
/// cannot rely on it): a change of either is a change of the constraint.
fn state_note(r: &TextRow) -> String {
    if r.flag("is_disabled") == Some(true) {
        " DISABLED".to_owned()
    } else if r.flag("is_not_trusted") == Some(true) {
        " NOT TRUSTED".to_owned()
    } else {
        String::new()
    }
}

/// CHECK constraints per table (object id). The definition is NULL without VIEW DEFINITION.
pub fn checks(rows: &[TextRow]) -> BTreeMap<i64, Vec<ConstraintInfo>> {
    let mut out: BTreeMap<i64, Vec<ConstraintInfo>> = BTreeMap::new();
    for r in rows {
        let Some(object) = r.int("object_id") else { continue };
        let clause = r.get("definition").unwrap_or("(?)");
        out.entry(object).or_default().push(ConstraintInfo {
            name: r.text("constraint_name"),
            kind: ConstraintKind::Check,
            definition: format!("CHECK {clause}{}", state_note(r)),
        });
    }
    out
}

/// Fills a table's indexes, foreign keys and constraints: usage (None where unknown:
/// not read, or a memory-optimized table, whose indexes this DMV does not count),
/// definitions, unused / duplicate / redundant indexes, foreign keys without an index.
pub fn finish_table(
    table: &mut TableInfo,
    qualified: &str,
    indexes: Vec<KeyIndex>,
    usage: Option<&Usage>,
    object_id: i64,
    foreign_keys: Vec<(ForeignKeyInfo, Vec<i64>, String)>,
    checks: Vec<ConstraintInfo>,
) {
    let mut facts = Vec::with_capacity(indexes.len());
    let mut infos = Vec::with_capacity(indexes.len());
    for ix in &indexes {
        let method = ix.method();
        let mut info = ix.info.clone();
        info.definition = definition(qualified, ix);
        info.scans = usage.map(|u| {
            u.get(&(object_id, ix.index_id)).map_or(0, |(seeks, scans, lookups)| seeks + scans + lookups)
        });
        facts.push(IndexFacts {
            keys: ix.keys.iter().map(|c| i16::try_from(c.id).unwrap_or(0)).collect(),
            indclass: ix.keys.iter().map(|c| class(method, c)).collect::<Vec<_>>().join(" "),
            pred: ix.filter.clone(),
            method: method.to_owned(),
            backs_constraint: ix.info.primary || ix.unique_constraint || ix.clustered(),
            includes: ix.includes.iter().map(|c| i16::try_from(c.id).unwrap_or(0)).collect(),
            ..Default::default()
        });
        infos.push(info);
    }
    analyse_indexes(&mut infos, &facts);
    let mut constraints: Vec<ConstraintInfo> = indexes
        .iter()
        .zip(&infos)
        .filter(|(ix, _)| ix.info.primary || ix.unique_constraint)
        .map(|(ix, info)| ConstraintInfo {
            name: info.name.clone(),
            kind: if ix.info.primary { ConstraintKind::PrimaryKey } else { ConstraintKind::Unique },
            definition: info.definition.clone(),
        })
        .collect();
    constraints.extend(checks);
    let mut fks = Vec::with_capacity(foreign_keys.len());
    for (mut fk, ids, definition) in foreign_keys {
        fk.has_index = indexes.iter().any(|ix| serves(ix, &ids));
        constraints.push(ConstraintInfo {
            name: fk.name.clone(),
            kind: ConstraintKind::ForeignKey,
            definition,
        });
        fks.push(fk);
    }
    table.has_primary_key = infos.iter().any(|ix| ix.primary);
    table.indexes = infos;
    table.foreign_keys = fks;
    table.constraints = constraints;
}

/// An enabled b-tree index whose leading keys are the foreign key's columns, in any
/// order, serves the lookups a delete or update of the referenced row makes.
fn serves(ix: &KeyIndex, fk_columns: &[i64]) -> bool {
    ix.info.valid
        && ix.method() == "btree"
        && !fk_columns.is_empty()
        && ix.filter.is_empty()
        && ix.keys.len() >= fk_columns.len()
        && ix.keys[..fk_columns.len()].iter().all(|k| fk_columns.contains(&k.id))
}

fn class(method: &str, c: &IndexColumn) -> String {
    format!("{method}/{}", if c.descending { "D" } else { "A" })
}

/// Missing-index suggestions for one database, per table (object id), best first:
/// ordered by the advantage DBAs rank them by (uses × average cost × impact).
pub fn suggestions(rows: &[TextRow], database_id: i64) -> HashMap<i64, Vec<IndexSuggestion>> {
    let mut ranked: HashMap<i64, Vec<(f64, IndexSuggestion)>> = HashMap::new();
    for r in rows.iter().filter(|r| r.int("database_id") == Some(database_id)) {
        let Some(object) = r.int("object_id") else { continue };
        let mut key_columns = bracketed_list(&r.text("equality_columns"));
        key_columns.extend(bracketed_list(&r.text("inequality_columns")));
        let uses = r.uint("user_seeks").unwrap_or(0).saturating_add(r.uint("user_scans").unwrap_or(0));
        let impact_pct = r.float("avg_user_impact").unwrap_or(0.0).clamp(0.0, 100.0);
        let advantage = uses as f64 * r.float("avg_total_user_cost").unwrap_or(0.0) * impact_pct / 100.0;
        let suggestion = IndexSuggestion {
            key_columns,
            include_columns: bracketed_list(&r.text("included_columns")),
            impact_pct,
            uses,
        };
        ranked.entry(object).or_default().push((advantage, suggestion));
    }
    ranked
        .into_iter()
        .map(|(object, mut list)| {
            list.sort_by(|a, b| b.0.total_cmp(&a.0));
            (object, list.into_iter().take(MAX_SUGGESTIONS).map(|(_, s)| s).collect())
        })
        .collect()
}

/// `[a], [b]]c]` → `a`, `b]c`: the DMV's column lists are bracketed, `]` doubled.
pub fn bracketed_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '[' {
            continue;
        }
        let mut name = String::new();
        while let Some(inner) = chars.next() {
            if inner == ']' {
                if chars.peek() == Some(&']') {
                    chars.next();
                    name.push(']');
                    continue;
                }
                break;
            }
            name.push(inner);
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_lists_keep_odd_names_whole() {
        assert_eq!(bracketed_list("[CustomerID], [Order Date]"), ["CustomerID", "Order Date"]);
        assert_eq!(bracketed_list("[a]]b], [c,d]"), ["a]b", "c,d"]);
        assert!(bracketed_list("").is_empty());
    }

    #[test]
    fn a_foreign_key_needs_its_columns_leading_an_enabled_btree() {
        let col = |id, name: &str| IndexColumn { id, name: name.into(), descending: false };
        let mut ix = KeyIndex {
            info: IndexInfo { name: "ix".into(), valid: true, ..Default::default() },
            type_desc: "NONCLUSTERED".into(),
            keys: vec![col(3, "b"), col(2, "a"), col(5, "c")],
            ..Default::default()
        };
        assert!(serves(&ix, &[2, 3]));
        assert!(!serves(&ix, &[5]));
        ix.info.valid = false;
        assert!(!serves(&ix, &[2, 3]), "a disabled index serves nothing");
    }
}
