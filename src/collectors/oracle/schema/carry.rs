//! What a round could not read keeps the previous round's read, so change detection
//! never reports as dropped what was merely not seen: a refused view (ORA-00942/01031)
//! leaves its part unknown for every owner; a capped read leaves it unknown for the
//! owners from the one it was cut in; a part skipped because nothing changed (same
//! objects, same newest LAST_DDL_TIME) is unknown for all. Without a previous read of
//! that owner the part stays as read (empty, or partial up to the cap).

use crate::model::{SchemaInfo, SchemaSnapshot, TableInfo};

/// A class of objects one statement (or a pair) provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The owners themselves (a capped list leaves the later ones out).
    Schemas,
    /// The list of tables itself (and so everything in them).
    Tables,
    Columns,
    /// Indexes with their keys.
    Indexes,
    /// Primary, unique and foreign keys.
    Constraints,
    /// Views, materialized views, code, triggers, synonyms.
    Objects,
    Sequences,
}

/// Which owners a part is unknown for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// This owner and the ones after it (reads are ordered by owner, so a cap cuts the
    /// last owner it reached and leaves out the rest).
    From(String),
}

impl Scope {
    fn covers(&self, owner: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::From(first) => owner >= first.as_str(),
        }
    }
}

/// Replaces each unknown part of each owner it covers with the previous snapshot's copy,
/// when the previous snapshot read that database.
pub fn carry(previous: Option<&SchemaSnapshot>, new: &mut SchemaSnapshot, unknown: &[(Part, Scope)]) {
    let Some(previous) = previous else { return };
    if unknown.is_empty() {
        return;
    }
    for db in new.databases.iter_mut().filter(|d| d.error.is_none()) {
        let Some(old) = previous.databases.iter().find(|d| d.name == db.name && d.error.is_none()) else {
            continue;
        };
        for (_, scope) in unknown.iter().filter(|(part, _)| *part == Part::Schemas) {
            let missing: Vec<SchemaInfo> = old
                .schemas
                .iter()
                .filter(|s| scope.covers(&s.name) && !db.schemas.iter().any(|n| n.name == s.name))
                .cloned()
                .collect();
            db.schemas.extend(missing);
            db.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for schema in &mut db.schemas {
            let Some(old) = old.schemas.iter().find(|s| s.name == schema.name) else { continue };
            let parts: Vec<Part> = unknown
                .iter()
                .filter(|(_, scope)| scope.covers(&schema.name))
                .map(|(part, _)| *part)
                .collect();
            carry_schema(schema, old, &parts);
        }
    }
}

fn carry_schema(schema: &mut SchemaInfo, old: &SchemaInfo, parts: &[Part]) {
    if parts.contains(&Part::Tables) {
        schema.tables = old.tables.clone();
    }
    for part in parts {
        match part {
            Part::Schemas | Part::Tables => {}
            Part::Objects => (schema.views, schema.functions) = (old.views.clone(), old.functions.clone()),
            Part::Sequences => schema.sequences = old.sequences.clone(),
            Part::Columns | Part::Indexes | Part::Constraints => {
                for table in &mut schema.tables {
                    if let Some(o) = old.tables.iter().find(|o| o.name == table.name) {
                        carry_table(table, o, *part);
                    }
                }
            }
        }
    }
}

fn carry_table(table: &mut TableInfo, old: &TableInfo, part: Part) {
    match part {
        Part::Columns => table.columns = old.columns.clone(),
        Part::Indexes => table.indexes = old.indexes.clone(),
        Part::Constraints => {
            table.constraints = old.constraints.clone();
            table.foreign_keys = old.foreign_keys.clone();
            table.has_primary_key = old.has_primary_key;
        }
        Part::Schemas | Part::Tables | Part::Objects | Part::Sequences => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_covers_its_owner_and_the_later_ones() {
        let from = Scope::From("HR".into());
        assert!(from.covers("HR") && from.covers("SALES"));
        assert!(!from.covers("APP"));
        assert!(Scope::All.covers("APP"));
    }
}
