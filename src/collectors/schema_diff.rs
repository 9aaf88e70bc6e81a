//! Structural change detection between two schema snapshots. Objects are matched by
//! name and compared by a structural fingerprint (definition, columns, hashes), never
//! by size or statistics. A rename is a removal plus an addition; a drop and re-create
//! with another structure is a modification of the same name (the snapshots carry no
//! object identity, so a drop and re-create of the same structure is no change).
//! Routines are reported by kind: function, procedure, trigger, event, synonym. A database that could not
//! be read in either snapshot yields nothing: unknown is not removed.

use crate::model::{
    ChangeKind, ColumnInfo, ConstraintKind, DatabaseSchema, FunctionInfo, SchemaChange, SchemaInfo,
    SchemaSnapshot, TableInfo, Timestamp,
};
use std::collections::BTreeMap;

pub fn diff(old: &SchemaSnapshot, new: &SchemaSnapshot, at: Timestamp) -> Vec<SchemaChange> {
    let mut out = Changes { at, database: String::new(), list: Vec::new() };
    let old_dbs: BTreeMap<&str, &DatabaseSchema> =
        old.databases.iter().map(|d| (d.name.as_str(), d)).collect();
    let new_dbs: BTreeMap<&str, &DatabaseSchema> =
        new.databases.iter().map(|d| (d.name.as_str(), d)).collect();
    for (name, n) in &new_dbs {
        out.database = (*name).to_owned();
        match old_dbs.get(name) {
            None if n.error.is_none() => out.push("", "database", name, ChangeKind::Added, String::new()),
            None => {}
            Some(o) if o.error.is_none() && n.error.is_none() => diff_database(&mut out, o, n),
            Some(_) => {}
        }
    }
    for (name, o) in &old_dbs {
        if !new_dbs.contains_key(name) && o.error.is_none() {
            out.database = (*name).to_owned();
            out.push("", "database", name, ChangeKind::Removed, String::new());
        }
    }
    out.list
}

struct Changes {
    at: Timestamp,
    database: String,
    list: Vec<SchemaChange>,
}

impl Changes {
    fn push(&mut self, schema: &str, object_type: &str, object: &str, change: ChangeKind, detail: String) {
        self.list.push(SchemaChange {
            at: self.at,
            database: self.database.clone(),
            schema: schema.to_owned(),
            object_type: object_type.to_owned(),
            object: object.to_owned(),
            change,
            detail,
        });
    }

    /// Matches `old` and `new` by key; `modified` describes a difference or returns None.
    fn compare<'a, T>(
        &mut self,
        schema: &str,
        object_type: &str,
        old: impl IntoIterator<Item = &'a T>,
        new: impl IntoIterator<Item = &'a T>,
        key: impl Fn(&T) -> String,
        modified: impl Fn(&T, &T) -> Option<String>,
    ) where
        T: 'a,
    {
        let old: BTreeMap<String, &T> = old.into_iter().map(|x| (key(x), x)).collect();
        let new: BTreeMap<String, &T> = new.into_iter().map(|x| (key(x), x)).collect();
        for (k, n) in &new {
            match old.get(k) {
                None => self.push(schema, object_type, k, ChangeKind::Added, String::new()),
                Some(o) => {
                    if let Some(detail) = modified(o, n) {
                        self.push(schema, object_type, k, ChangeKind::Modified, detail);
                    }
                }
            }
        }
        for k in old.keys().filter(|k| !new.contains_key(*k)) {
            self.push(schema, object_type, k, ChangeKind::Removed, String::new());
        }
    }
}

/// "what: old → new" for each differing property, joined; None when all are equal.
fn changed(props: &[(&str, String, String)]) -> Option<String> {
    let parts: Vec<String> =
        props.iter().filter(|(_, o, n)| o != n).map(|(what, o, n)| format!("{what}: {o} → {n}")).collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn diff_database(out: &mut Changes, o: &DatabaseSchema, n: &DatabaseSchema) {
    out.compare(
        "",
        "extension",
        &o.extensions,
        &n.extensions,
        |e| e.0.clone(),
        |a, b| changed(&[("version", a.1.clone(), b.1.clone())]),
    );
    out.compare(
        "",
        "schema",
        &o.schemas,
        &n.schemas,
        |s| s.name.clone(),
        |a, b| changed(&[("owner", a.owner.clone(), b.owner.clone())]),
    );
    let old: BTreeMap<&str, &SchemaInfo> = o.schemas.iter().map(|s| (s.name.as_str(), s)).collect();
    for s in &n.schemas {
        if let Some(os) = old.get(s.name.as_str()) {
            diff_schema(out, os, s);
        }
    }
}

fn diff_schema(out: &mut Changes, o: &SchemaInfo, n: &SchemaInfo) {
    let schema = n.name.as_str();
    out.compare(
        schema,
        "table",
        &o.tables,
        &n.tables,
        |t| t.name.clone(),
        |a, b| {
            let mut props = vec![("kind", format!("{:?}", a.kind), format!("{:?}", b.kind))];
            // Compared only when both snapshots know it (older ones lack the field).
            if !a.storage_engine.is_empty() && !b.storage_engine.is_empty() {
                props.push(("storage engine", a.storage_engine.clone(), b.storage_engine.clone()));
            }
            changed(&props)
        },
    );
    let old: BTreeMap<&str, &TableInfo> = o.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &n.tables {
        if let Some(ot) = old.get(t.name.as_str()) {
            diff_table(out, schema, ot, t);
        }
    }
    let view_type = |materialized: bool| if materialized { "materialized view" } else { "view" };
    for materialized in [false, true] {
        let pick = |s: &'_ SchemaInfo| {
            s.views.iter().filter(|v| v.materialized == materialized).cloned().collect::<Vec<_>>()
        };
        let (ov, nv) = (pick(o), pick(n));
        out.compare(
            schema,
            view_type(materialized),
            &ov,
            &nv,
            |v| v.name.clone(),
            |a, b| changed(&[("definition", a.definition_hash.clone(), b.definition_hash.clone())]),
        );
    }
    for kind in RoutineKind::ALL {
        let pick = |s: &'_ SchemaInfo| {
            s.functions.iter().filter(|f| RoutineKind::of(f) == kind).cloned().collect::<Vec<_>>()
        };
        let (of, nf) = (pick(o), pick(n));
        out.compare(schema, kind.object_type(), &of, &nf, |f| kind.key(f), |a, b| kind.modified(a, b));
    }
    out.compare(
        schema,
        "sequence",
        &o.sequences,
        &n.sequences,
        |s| s.name.clone(),
        |a, b| {
            changed(&[
                ("type", a.data_type.clone(), b.data_type.clone()),
                ("increment", a.increment.to_string(), b.increment.to_string()),
                ("max", a.max_value.to_string(), b.max_value.to_string()),
            ])
        },
    );
}

/// What a `FunctionInfo` stands for. Engines store procedures, triggers, events and
/// synonyms as functions (the model has one list of routines); the kind comes from
/// what they put in `language` and `returns`, so each is reported by its own name and
/// a trigger never collides with a procedure of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoutineKind {
    Function,
    Procedure,
    Trigger,
    Event,
    Synonym,
}

impl RoutineKind {
    const ALL: [RoutineKind; 5] =
        [Self::Function, Self::Procedure, Self::Trigger, Self::Event, Self::Synonym];

    fn of(f: &FunctionInfo) -> Self {
        match (f.language.as_str(), f.returns.as_str()) {
            ("trigger", _) => Self::Trigger,
            ("event", _) => Self::Event,
            ("synonym", _) => Self::Synonym,
            (_, "procedure") => Self::Procedure,
            _ => Self::Function,
        }
    }

    fn object_type(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Procedure => "procedure",
            Self::Trigger => "trigger",
            Self::Event => "event",
            Self::Synonym => "synonym",
        }
    }

    /// Functions and procedures may be overloaded (PostgreSQL): the arguments are part
    /// of their name. Triggers, events and synonyms have none.
    fn key(self, f: &FunctionInfo) -> String {
        match self {
            Self::Function | Self::Procedure => format!("{}({})", f.name, f.arguments),
            _ => f.name.clone(),
        }
    }

    fn modified(self, a: &FunctionInfo, b: &FunctionInfo) -> Option<String> {
        // A synonym's "returns" is the object it stands for; a trigger's, when it fires.
        let returns = match self {
            Self::Synonym => "refers to",
            Self::Trigger => "fires",
            Self::Event => "schedule",
            Self::Function | Self::Procedure => "returns",
        };
        changed(&[
            (returns, a.returns.clone(), b.returns.clone()),
            ("language", a.language.clone(), b.language.clone()),
            ("definition", a.definition_hash.clone(), b.definition_hash.clone()),
        ])
    }
}

fn column_props(c: &ColumnInfo) -> [(&'static str, String); 3] {
    [
        ("type", c.data_type.clone()),
        ("nullable", c.nullable.to_string()),
        ("default", c.default.clone().unwrap_or_else(|| "none".to_owned())),
    ]
}

fn diff_table(out: &mut Changes, schema: &str, o: &TableInfo, n: &TableInfo) {
    let table = n.name.as_str();
    let qualified = |name: &str| format!("{table}.{name}");
    out.compare(
        schema,
        "column",
        &o.columns,
        &n.columns,
        |c| qualified(&c.name),
        |a, b| {
            let (pa, pb) = (column_props(a), column_props(b));
            let props: Vec<(&str, String, String)> =
                pa.into_iter().zip(pb).map(|((what, x), (_, y))| (what, x, y)).collect();
            changed(&props)
        },
    );
    out.compare(
        schema,
        "index",
        &o.indexes,
        &n.indexes,
        |i| qualified(&i.name),
        |a, b| {
            changed(&[
                ("definition", a.definition.clone(), b.definition.clone()),
                ("valid", a.valid.to_string(), b.valid.to_string()),
            ])
        },
    );
    // Foreign keys are compared below with their columns; skip them here to report once.
    let not_fk = |t: &'_ TableInfo| {
        t.constraints.iter().filter(|c| c.kind != ConstraintKind::ForeignKey).cloned().collect::<Vec<_>>()
    };
    let (oc, nc) = (not_fk(o), not_fk(n));
    out.compare(
        schema,
        "constraint",
        &oc,
        &nc,
        |c| qualified(&c.name),
        |a, b| changed(&[("definition", a.definition.clone(), b.definition.clone())]),
    );
    out.compare(
        schema,
        "foreign key",
        &o.foreign_keys,
        &n.foreign_keys,
        |f| qualified(&f.name),
        |a, b| {
            changed(&[
                ("columns", a.columns.join(", "), b.columns.join(", ")),
                ("references", a.references.clone(), b.references.clone()),
                ("referenced columns", a.referenced_columns.join(", "), b.referenced_columns.join(", ")),
            ])
        },
    );
}

#[cfg(test)]
#[path = "schema_diff_tests.rs"]
mod tests;
