//! Change detection at collection level, as MongoDB's schema model has it: the shared
//! `schema_diff` compares the snapshots, then an index or option added, removed or
//! changed becomes one "Modified" change of its collection, its details joined. Sizes
//! and counts never take part. What was not known on one side is no change: a
//! collection whose indexes were never read (only listed, the budget ran out), options
//! and view pipelines where only names could be listed, and collections coming and
//! going in a database whose listing was cut at the limit.

use super::build::{MORE_THAN_LIMIT, OPTIONS_UNKNOWN};
use crate::collectors::schema_diff;
use crate::model::{ChangeKind, DatabaseSchema, SchemaChange, SchemaSnapshot, TableInfo, Timestamp};
use std::collections::BTreeMap;

pub fn collection_level(old: &SchemaSnapshot, new: &SchemaSnapshot, at: Timestamp) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    // (database, collection) → the Modified change being built.
    let mut modified: BTreeMap<(String, String), SchemaChange> = BTreeMap::new();
    for change in schema_diff::diff(old, new, at) {
        match change.object_type.as_str() {
            "table" | "view" => {
                let added_or_removed = change.change != ChangeKind::Modified;
                if added_or_removed && noted(old, new, &change.database, MORE_THAN_LIMIT) {
                    continue;
                }
                if change.object_type == "view"
                    && !added_or_removed
                    && noted(old, new, &change.database, OPTIONS_UNKNOWN)
                {
                    continue;
                }
                let mut c = change;
                if c.object_type == "table" {
                    c.object_type = "collection".to_owned();
                    c.detail = c.detail.replace("Partitioned", "time series").replace("Table", "collection");
                }
                out.push(c);
            }
            "index" | "constraint" => {
                let Some((collection, part)) = change.object.split_once('.') else { continue };
                let unknown = match change.object_type.as_str() {
                    "index" => {
                        !known(old, &change.database, collection) || !known(new, &change.database, collection)
                    }
                    _ => noted(old, new, &change.database, OPTIONS_UNKNOWN),
                };
                if unknown {
                    continue;
                }
                let what =
                    if change.object_type == "index" { format!("index {part}") } else { part.to_owned() };
                let detail = match change.change {
                    ChangeKind::Added => format!("{what} added"),
                    ChangeKind::Removed => format!("{what} removed"),
                    ChangeKind::Modified => {
                        let detail = change.detail.strip_prefix("definition: ").unwrap_or(&change.detail);
                        format!("{what}: {detail}")
                    }
                };
                let key = (change.database.clone(), collection.to_owned());
                let entry = modified.entry(key).or_insert_with(|| SchemaChange {
                    at: change.at,
                    database: change.database.clone(),
                    schema: change.schema.clone(),
                    object_type: "collection".to_owned(),
                    object: collection.to_owned(),
                    change: ChangeKind::Modified,
                    detail: String::new(),
                });
                if !entry.detail.is_empty() {
                    entry.detail.push_str("; ");
                }
                entry.detail.push_str(&detail);
            }
            // Databases come and go as themselves; a schema is its database here.
            "database" => out.push(change),
            _ => {}
        }
    }
    for ((database, collection), change) in modified {
        // Kind changes of the same collection are said in one change.
        match out
            .iter_mut()
            .find(|c| c.database == database && c.object == collection && c.object_type == "collection")
        {
            Some(same) => {
                same.detail.push_str("; ");
                same.detail.push_str(&change.detail);
            }
            None => out.push(change),
        }
    }
    out
}

/// Whether either side's read of `database` carries the `note` in `skipped`.
fn noted(old: &SchemaSnapshot, new: &SchemaSnapshot, database: &str, note: &str) -> bool {
    [old, new].iter().any(|s| find(s, database).is_some_and(|d| d.skipped.iter().any(|x| x == note)))
}

/// Whether a snapshot knows the collection's indexes: it was read, this round or
/// carried from an earlier one. A collection only listed so far has none to compare.
fn known(s: &SchemaSnapshot, database: &str, collection: &str) -> bool {
    let Some(db) = find(s, database) else { return false };
    let table: Option<&TableInfo> = db.schemas.iter().flat_map(|x| &x.tables).find(|t| t.name == collection);
    let skipped = db
        .skipped
        .iter()
        .any(|x| x.strip_prefix(database).and_then(|r| r.strip_prefix('.')) == Some(collection));
    table.is_some_and(|t| !(skipped && t.indexes.is_empty()))
}

fn find<'a>(s: &'a SchemaSnapshot, database: &str) -> Option<&'a DatabaseSchema> {
    s.databases.iter().find(|d| d.name == database)
}
