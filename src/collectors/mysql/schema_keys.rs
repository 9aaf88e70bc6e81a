//! Pure schema-tier logic about keys: indexes from their key parts (definition, size,
//! usage, duplicate and redundant ones), foreign keys and whether an index serves them,
//! PRIMARY/UNIQUE/CHECK constraints, and how much of its range an AUTO_INCREMENT column
//! has used.
//!
//! Duplicate and redundant indexes are found by the same rules as PostgreSQL's
//! (`postgres::schema_parse::analyse_indexes`): key parts become column positions, and
//! what else must match (index type, sort order, prefix length) becomes the per-part
//! "class" that function compares, so a FULLTEXT or a prefix index is never mistaken
//! for a plain one.

use super::rows::TextRow;
use crate::collectors::postgres::schema_parse::{IndexFacts, analyse_indexes};
use crate::model::{ConstraintInfo, ConstraintKind, ForeignKeyInfo, IndexInfo, SequenceInfo, TableInfo};
use std::collections::{BTreeMap, HashMap};

/// (database, table).
pub type TableKey = (String, String);

/// (database, table, index).
type IndexKey = (String, String, String);

/// One key part: a column (or, MySQL 8.0.13+, an expression), maybe a prefix, maybe DESC.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPart {
    pub column: Option<String>,
    pub expression: Option<String>,
    pub sub_part: Option<u64>,
    pub descending: bool,
}

/// An index as read, before the per-table analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyIndex {
    pub info: IndexInfo,
    pub index_type: String,
    pub parts: Vec<KeyPart>,
    /// Row operations through it since startup (performance_schema); None when unknown.
    pub uses: Option<u64>,
}

/// Groups STATISTICS rows (one per key part) into indexes per table, PRIMARY first.
pub fn indexes(rows: &[TextRow]) -> BTreeMap<TableKey, Vec<KeyIndex>> {
    let mut parts: BTreeMap<(TableKey, String), Vec<(i64, &TextRow)>> = BTreeMap::new();
    for r in rows {
        let (db, table, name) = (r.text("db"), r.text("table_name"), r.text("name"));
        if table.is_empty() || name.is_empty() {
            continue;
        }
        parts.entry(((db, table), name)).or_default().push((r.int("seq").unwrap_or(0), r));
    }
    let mut out: BTreeMap<TableKey, Vec<KeyIndex>> = BTreeMap::new();
    for ((key, name), mut rows) in parts {
        rows.sort_by_key(|(seq, _)| *seq);
        let Some(&(_, first)) = rows.first() else { continue };
        let index_type = first.text("index_type").to_ascii_uppercase();
        let parts: Vec<KeyPart> = rows
            .iter()
            .map(|(_, r)| KeyPart {
                column: r.get("column_name").map(str::to_owned),
                expression: r.get("expression").filter(|e| !e.is_empty()).map(str::to_owned),
                sub_part: r.uint("sub_part"),
                descending: r.get("sort_order") == Some("D"),
            })
            .collect();
        let primary = name == "PRIMARY";
        let unique = first.int("non_unique") == Some(0);
        let hidden = match (first.get("visible"), first.flag("ignored")) {
            (Some(v), _) if v.eq_ignore_ascii_case("NO") => Some("INVISIBLE"),
            (_, Some(true)) => Some("IGNORED"),
            _ => None,
        };
        let info = IndexInfo {
            columns: parts.iter().map(part_name).collect(),
            definition: definition(&name, primary, unique, &index_type, &parts, hidden),
            name,
            valid: true,
            unique,
            primary,
            ..Default::default()
        };
        out.entry(key).or_default().push(KeyIndex { info, index_type, parts, uses: None });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (!a.info.primary, &a.info.name).cmp(&(!b.info.primary, &b.info.name)));
    }
    out
}

fn part_name(p: &KeyPart) -> String {
    match (&p.column, &p.expression) {
        (Some(c), _) => c.clone(),
        (None, Some(e)) => format!("({e})"),
        (None, None) => "?".to_owned(),
    }
}

/// `KEY idx (a,b(10) DESC)`, the way SHOW CREATE TABLE says it, without the quoting.
fn definition(
    name: &str,
    primary: bool,
    unique: bool,
    index_type: &str,
    parts: &[KeyPart],
    hidden: Option<&str>,
) -> String {
    let head = match index_type {
        _ if primary => "PRIMARY KEY".to_owned(),
        "FULLTEXT" => format!("FULLTEXT KEY {name}"),
        "SPATIAL" => format!("SPATIAL KEY {name}"),
        _ if unique => format!("UNIQUE KEY {name}"),
        _ => format!("KEY {name}"),
    };
    let keys: Vec<String> = parts
        .iter()
        .map(|p| {
            let sub = p.sub_part.map(|n| format!("({n})")).unwrap_or_default();
            let desc = if p.descending { " DESC" } else { "" };
            format!("{}{sub}{desc}", part_name(p))
        })
        .collect();
    let using = if index_type == "HASH" { " USING HASH" } else { "" };
    let hidden = hidden.map(|h| format!(" {h}")).unwrap_or_default();
    format!("{head} ({}){using}{hidden}", keys.join(","))
}

/// Adds sizes (pages from InnoDB's persistent statistics, partitions summed) to the indexes.
pub fn apply_sizes(indexes: &mut BTreeMap<TableKey, Vec<KeyIndex>>, rows: &[TextRow]) {
    let mut pages: HashMap<IndexKey, u64> = HashMap::new();
    for r in rows {
        let table = r.text("table_name");
        let page_size = r.uint("page_size").unwrap_or(16_384);
        let bytes = r.uint("pages").unwrap_or(0).saturating_mul(page_size);
        let key = (r.text("db"), partition_base(&table).to_owned(), r.text("name"));
        *pages.entry(key).or_default() += bytes;
    }
    for ((db, table), list) in indexes.iter_mut() {
        for ix in list {
            let key = (db.clone(), table.clone(), ix.info.name.clone());
            ix.info.size_bytes = pages.get(&key).copied().unwrap_or(0);
        }
    }
}

/// `orders#P#p2024` (MySQL 8: `#p#`, sub-partitions `#SP#`) → `orders`.
pub fn partition_base(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    lower.find("#p#").or_else(|| lower.find("#sp#")).map_or(name, |at| &name[..at])
}

/// Adds what performance_schema counted since startup: `scans` is rows read through
/// the index. An index without a row there (its table not opened since startup) stays
/// unknown.
pub fn apply_usage(indexes: &mut BTreeMap<TableKey, Vec<KeyIndex>>, rows: &[TextRow]) {
    let usage: HashMap<IndexKey, (Option<u64>, Option<u64>)> = rows
        .iter()
        .map(|r| {
            ((r.text("db"), r.text("table_name"), r.text("name")), (r.uint("uses"), r.uint("read_rows")))
        })
        .collect();
    for ((db, table), list) in indexes.iter_mut() {
        for ix in list {
            if let Some((uses, reads)) = usage.get(&(db.clone(), table.clone(), ix.info.name.clone())) {
                ix.uses = *uses;
                ix.info.scans = *reads;
            }
        }
    }
}

/// Foreign keys per table, columns in key order. Rules that are not the default are
/// kept for the constraint's definition (empty when the server hid them).
pub fn foreign_keys(rows: &[TextRow]) -> BTreeMap<TableKey, Vec<(ForeignKeyInfo, String)>> {
    let mut grouped: BTreeMap<(TableKey, String), Vec<(i64, &TextRow)>> = BTreeMap::new();
    for r in rows {
        let key = ((r.text("db"), r.text("table_name")), r.text("name"));
        grouped.entry(key).or_default().push((r.int("position").unwrap_or(0), r));
    }
    let mut out: BTreeMap<TableKey, Vec<(ForeignKeyInfo, String)>> = BTreeMap::new();
    for ((table, name), mut rows) in grouped {
        rows.sort_by_key(|(position, _)| *position);
        let Some(&(_, first)) = rows.first() else { continue };
        let rules: Vec<String> = [("ON UPDATE", "on_update_rule"), ("ON DELETE", "on_delete_rule")]
            .iter()
            .filter_map(|(words, column)| {
                let rule = first.get(column)?;
                (!matches!(rule, "RESTRICT" | "NO ACTION")).then(|| format!("{words} {rule}"))
            })
            .collect();
        let fk = ForeignKeyInfo {
            name,
            columns: rows.iter().map(|(_, r)| r.text("column_name")).collect(),
            references: format!("{}.{}", first.text("referenced_db"), first.text("referenced_table")),
            referenced_columns: rows.iter().map(|(_, r)| r.text("referenced_column")).collect(),
            has_index: false,
        };
        out.entry(table).or_default().push((fk, rules.join(" ")));
    }
    out
}

/// CHECK constraints per table.
pub fn checks(rows: &[TextRow]) -> BTreeMap<TableKey, Vec<ConstraintInfo>> {
    let mut out: BTreeMap<TableKey, Vec<ConstraintInfo>> = BTreeMap::new();
    for r in rows {
        out.entry((r.text("db"), r.text("table_name"))).or_default().push(ConstraintInfo {
            name: r.text("name"),
            kind: ConstraintKind::Check,
            definition: format!("CHECK ({})", r.text("clause")),
        });
    }
    out
}

/// Fills a table's indexes, foreign keys and constraints, and finds unused, duplicate
/// and redundant indexes and foreign keys without an index. Needs the table's columns.
pub fn finish_table(
    table: &mut TableInfo,
    indexes: Vec<KeyIndex>,
    foreign_keys: Vec<(ForeignKeyInfo, String)>,
    checks: Vec<ConstraintInfo>,
) {
    let position: HashMap<&str, i16> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i16::try_from(i + 1).unwrap_or(0)))
        .collect();
    let serves = |ix: &KeyIndex, fk: &ForeignKeyInfo| {
        let columns: Vec<&str> = ix.parts.iter().map(|p| p.column.as_deref().unwrap_or("")).collect();
        !fk.columns.is_empty()
            && columns.len() >= fk.columns.len()
            && columns.iter().zip(&fk.columns).all(|(a, b)| a == b)
    };
    let mut facts: Vec<IndexFacts> = indexes
        .iter()
        .map(|ix| {
            let method = if ix.index_type == "BTREE" {
                "btree".to_owned()
            } else {
                ix.index_type.to_ascii_lowercase()
            };
            IndexFacts {
                keys: ix
                    .parts
                    .iter()
                    .map(|p| p.column.as_deref().and_then(|c| position.get(c)).copied().unwrap_or(0))
                    .collect(),
                indclass: ix.parts.iter().map(|p| part_class(&method, p)).collect::<Vec<_>>().join(" "),
                exprs: ix.parts.iter().filter_map(|p| p.expression.clone()).collect::<Vec<_>>().join(", "),
                method,
                ..Default::default()
            }
        })
        .collect();
    let mut fks = Vec::with_capacity(foreign_keys.len());
    let mut constraints = Vec::new();
    for (mut fk, rules) in foreign_keys {
        let serving: Vec<usize> = (0..indexes.len()).filter(|&i| serves(&indexes[i], &fk)).collect();
        fk.has_index = !serving.is_empty();
        // The only index serving a foreign key cannot be dropped (InnoDB refuses), so it
        // is neither unused nor redundant, whatever its scans say.
        if let [only] = serving.as_slice() {
            facts[*only].backs_constraint = true;
        }
        let rules = if rules.is_empty() { String::new() } else { format!(" {rules}") };
        let definition = format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}){rules}",
            fk.columns.join(", "),
            fk.references,
            fk.referenced_columns.join(", ")
        );
        constraints.push(ConstraintInfo {
            name: fk.name.clone(),
            kind: ConstraintKind::ForeignKey,
            definition,
        });
        fks.push(fk);
    }
    let uses: Vec<Option<u64>> = indexes.iter().map(|ix| ix.uses).collect();
    let mut infos: Vec<IndexInfo> = indexes.into_iter().map(|ix| ix.info).collect();
    analyse_indexes(&mut infos, &facts);
    for ((ix, uses), f) in infos.iter_mut().zip(uses).zip(&facts) {
        // Unused: no operation at all since startup (sys.schema_unused_indexes' rule).
        ix.unused = uses == Some(0) && !ix.unique && !ix.primary && !f.backs_constraint;
    }
    let mut keys: Vec<ConstraintInfo> = infos
        .iter()
        .filter(|ix| ix.primary || ix.unique)
        .map(|ix| ConstraintInfo {
            name: ix.name.clone(),
            kind: if ix.primary { ConstraintKind::PrimaryKey } else { ConstraintKind::Unique },
            definition: format!(
                "{} ({})",
                if ix.primary { "PRIMARY KEY" } else { "UNIQUE" },
                ix.columns.join(", ")
            ),
        })
        .collect();
    keys.extend(checks);
    keys.extend(constraints);
    table.has_primary_key = infos.iter().any(|ix| ix.primary);
    table.indexes = infos;
    table.foreign_keys = fks;
    table.constraints = keys;
}

/// What must match, per key part, for two indexes to be the same: type, order, prefix.
fn part_class(method: &str, p: &KeyPart) -> String {
    let order = if p.descending { "D" } else { "A" };
    let prefix = p.sub_part.map_or_else(|| "full".to_owned(), |n| n.to_string());
    format!("{method}/{order}/{prefix}")
}

/// The largest value an AUTO_INCREMENT column of this type can hold (floats: the last
/// integer they hold exactly). None for a type that cannot be AUTO_INCREMENT.
pub fn auto_increment_max(column_type: &str) -> Option<u64> {
    let lower = column_type.to_ascii_lowercase();
    let base: String = lower.chars().take_while(char::is_ascii_alphabetic).collect();
    let unsigned = lower.contains("unsigned");
    let (signed, unsigned_max) = match base.as_str() {
        "tinyint" => (i8::MAX as u64, u8::MAX as u64),
        "smallint" => (i16::MAX as u64, u16::MAX as u64),
        "mediumint" => ((1 << 23) - 1, (1 << 24) - 1),
        "int" | "integer" => (i32::MAX as u64, u32::MAX as u64),
        "bigint" => (i64::MAX as u64, u64::MAX),
        "float" => (1 << 24, 1 << 24),
        "double" | "real" => (1 << 53, 1 << 53),
        _ => return None,
    };
    Some(if unsigned { unsigned_max } else { signed })
}

/// The AUTO_INCREMENT column of a table as a sequence `<table>.<column>`; `next` is the
/// value the next insert gets (information_schema's AUTO_INCREMENT).
pub fn auto_increment_sequence(
    table: &str,
    column: &str,
    column_type: &str,
    next: u64,
) -> Option<SequenceInfo> {
    let max = auto_increment_max(column_type)?;
    let last = next.saturating_sub(1);
    Some(SequenceInfo {
        name: format!("{table}.{column}"),
        data_type: column_type.to_owned(),
        last_value: (last > 0).then(|| i64::try_from(last).unwrap_or(i64::MAX)),
        max_value: i64::try_from(max).unwrap_or(i64::MAX),
        increment: 1,
        pct_used: (last > 0).then(|| (last as f64 / max as f64 * 100.0).clamp(0.0, 100.0)),
    })
}

#[cfg(test)]
#[path = "schema_keys_tests.rs"]
mod tests;
