//! Objects a schema round skipped because another session held them locked keep what
//! the previous round read of them. Their sizes, definitions and defaults were not read
//! this round; carrying the last read keeps change detection honest (a half-read table
//! would show every index definition as modified, twice) and the table's place in the
//! size order. They stay listed in `DatabaseSchema::skipped`, so the UI says they are
//! last round's values. Engine-neutral: it works on model types only.

use crate::model::SchemaSnapshot;
use std::collections::HashSet;

/// Replaces each skipped table, view and sequence of `new` with its copy in `previous`,
/// when the previous snapshot read that database. Without a previous copy the partial
/// object stays as read.
pub fn carry_over(previous: Option<&SchemaSnapshot>, new: &mut SchemaSnapshot) {
    let Some(previous) = previous else { return };
    for db in &mut new.databases {
        if db.skipped.is_empty() {
            continue;
        }
        let Some(old) = previous.databases.iter().find(|d| d.name == db.name && d.error.is_none()) else {
            continue;
        };
        let skipped: HashSet<String> = db.skipped.iter().cloned().collect();
        for schema in &mut db.schemas {
            let Some(old) = old.schemas.iter().find(|s| s.name == schema.name) else { continue };
            let is_skipped = |name: &str| skipped.contains(&format!("{}.{name}", old.name));
            for t in schema.tables.iter_mut().filter(|t| is_skipped(&t.name)) {
                if let Some(o) = old.tables.iter().find(|o| o.name == t.name) {
                    *t = o.clone();
                }
            }
            for v in schema.views.iter_mut().filter(|v| is_skipped(&v.name)) {
                if let Some(o) = old.views.iter().find(|o| o.name == v.name) {
                    *v = o.clone();
                }
            }
            for q in schema.sequences.iter_mut().filter(|q| is_skipped(&q.name)) {
                if let Some(o) = old.sequences.iter().find(|o| o.name == q.name) {
                    *q = o.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DatabaseSchema, IndexInfo, SchemaInfo, TableInfo};

    fn snapshot(index_definition: &str, total_bytes: u64, skipped: &[&str]) -> SchemaSnapshot {
        let table = |name: &str| TableInfo {
            name: name.into(),
            total_bytes,
            indexes: vec![IndexInfo {
                name: format!("{name}_pkey"),
                definition: index_definition.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        SchemaSnapshot {
            databases: vec![DatabaseSchema {
                name: "app".into(),
                schemas: vec![SchemaInfo {
                    name: "public".into(),
                    tables: vec![table("busy"), table("free")],
                    ..Default::default()
                }],
                skipped: skipped.iter().map(|s| (*s).to_owned()).collect(),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn a_skipped_table_keeps_the_last_read_and_no_change_is_seen() {
        let previous = snapshot("CREATE UNIQUE INDEX …", 100, &[]);
        let mut new = snapshot("", 0, &["public.busy"]);
        new.databases[0].schemas[0].tables[1] = previous.databases[0].schemas[0].tables[1].clone();
        carry_over(Some(&previous), &mut new);
        let tables = &new.databases[0].schemas[0].tables;
        assert_eq!(tables[0], previous.databases[0].schemas[0].tables[0]);
        assert_eq!(new.databases[0].skipped, ["public.busy"]);
        assert!(crate::collectors::schema_diff::diff(&previous, &new, crate::model::Timestamp(0)).is_empty());
    }

    #[test]
    fn without_a_previous_read_the_partial_object_stays() {
        let mut new = snapshot("", 0, &["public.busy"]);
        let before = new.clone();
        carry_over(None, &mut new);
        assert_eq!(new, before);
        carry_over(Some(&SchemaSnapshot::default()), &mut new);
        assert_eq!(new, before);
    }
}
