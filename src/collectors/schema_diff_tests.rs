use super::*;
use crate::model::{
    ConstraintInfo, ForeignKeyInfo, FunctionInfo, IndexInfo, SequenceInfo, TableKind, ViewInfo,
};

fn col(name: &str, ty: &str) -> ColumnInfo {
    ColumnInfo { name: name.into(), data_type: ty.into(), nullable: true, default: None }
}

fn base() -> SchemaSnapshot {
    let orders = TableInfo {
        name: "orders".into(),
        total_bytes: 8192,
        live_tuples: Some(10),
        columns: vec![col("id", "bigint"), col("total", "numeric")],
        indexes: vec![IndexInfo {
            name: "orders_pkey".into(),
            definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)".into(),
            valid: true,
            ..Default::default()
        }],
        constraints: vec![
            ConstraintInfo {
                name: "orders_pkey".into(),
                kind: ConstraintKind::PrimaryKey,
                definition: "PRIMARY KEY (id)".into(),
            },
            ConstraintInfo {
                name: "orders_c_fk".into(),
                kind: ConstraintKind::ForeignKey,
                definition: "FOREIGN KEY (c) REFERENCES c(id)".into(),
            },
        ],
        foreign_keys: vec![ForeignKeyInfo {
            name: "orders_c_fk".into(),
            columns: vec!["c".into()],
            references: "public.c".into(),
            referenced_columns: vec!["id".into()],
            has_index: false,
        }],
        ..Default::default()
    };
    let public = SchemaInfo {
        name: "public".into(),
        owner: "app".into(),
        tables: vec![orders],
        views: vec![
            ViewInfo { name: "v".into(), materialized: false, size_bytes: 0, definition_hash: "aa".into() },
            ViewInfo { name: "mv".into(), materialized: true, size_bytes: 100, definition_hash: "bb".into() },
        ],
        functions: vec![FunctionInfo {
            name: "f".into(),
            arguments: "integer".into(),
            returns: "integer".into(),
            language: "sql".into(),
            definition_hash: "cc".into(),
        }],
        sequences: vec![SequenceInfo {
            name: "s".into(),
            data_type: "bigint".into(),
            last_value: Some(1),
            max_value: 100,
            increment: 1,
            pct_used: Some(1.0),
        }],
    };
    SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "app".into(),
            size_bytes: Some(1),
            error: None,
            schemas: vec![public],
            extensions: vec![("pg_stat_statements".into(), "1.10".into())],
            skipped: vec![],
        }],
    }
}

fn run(edit: impl FnOnce(&mut SchemaInfo)) -> Vec<SchemaChange> {
    let old = base();
    let mut new = base();
    edit(&mut new.databases[0].schemas[0]);
    diff(&old, &new, Timestamp(7))
}

fn one(changes: &[SchemaChange]) -> (&str, &str, ChangeKind, &str) {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!((c.at, c.database.as_str()), (Timestamp(7), "app"));
    (c.object_type.as_str(), c.object.as_str(), c.change, c.detail.as_str())
}

#[test]
fn statistics_and_sizes_are_not_changes() {
    let changes = run(|s| {
        let t = &mut s.tables[0];
        t.total_bytes = 1 << 30;
        t.live_tuples = Some(1_000_000);
        t.indexes[0].scans = Some(5);
        t.indexes[0].unused = true;
        s.views[1].size_bytes = 1 << 20;
        s.sequences[0].last_value = Some(99);
        s.sequences[0].pct_used = Some(99.0);
    });
    assert!(changes.is_empty(), "{changes:#?}");
}

#[test]
fn tables_added_removed_and_renamed() {
    let changes = run(|s| s.tables.push(TableInfo { name: "items".into(), ..Default::default() }));
    assert_eq!(one(&changes), ("table", "items", ChangeKind::Added, ""));
    let changes = run(|s| s.tables[0].name = "orders_old".into());
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().any(|c| c.object == "orders_old" && c.change == ChangeKind::Added));
    assert!(changes.iter().any(|c| c.object == "orders" && c.change == ChangeKind::Removed));
    let changes = run(|s| s.tables[0].kind = TableKind::Partitioned);
    assert_eq!(one(&changes).2, ChangeKind::Modified);
}

#[test]
fn a_storage_engine_change_is_seen_only_when_both_sides_know_it() {
    fn engine(s: &mut SchemaInfo, name: &str) {
        s.tables[0].storage_engine = name.into();
    }
    // The base has no engine (a snapshot older than the field): no change.
    assert!(run(|s| engine(s, "InnoDB")).is_empty());
    let mut old = base();
    engine(&mut old.databases[0].schemas[0], "MyISAM");
    let mut new = old.clone();
    engine(&mut new.databases[0].schemas[0], "InnoDB");
    let changes = diff(&old, &new, Timestamp(0));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!((changes[0].object.as_str(), changes[0].change), ("orders", ChangeKind::Modified));
    assert_eq!(changes[0].detail, "storage engine: MyISAM → InnoDB");
}

#[test]
fn column_type_change_is_a_modification() {
    let changes = run(|s| s.tables[0].columns[1].data_type = "bigint".into());
    assert_eq!(one(&changes), ("column", "orders.total", ChangeKind::Modified, "type: numeric → bigint"));
    let changes = run(|s| s.tables[0].columns[1].nullable = false);
    assert_eq!(one(&changes).3, "nullable: true → false");
    let changes = run(|s| s.tables[0].columns.push(col("note", "text")));
    assert_eq!(one(&changes), ("column", "orders.note", ChangeKind::Added, ""));
}

#[test]
fn indexes_by_definition_and_validity() {
    let changes = run(|s| s.tables[0].indexes.clear());
    assert_eq!(one(&changes), ("index", "orders.orders_pkey", ChangeKind::Removed, ""));
    let changes = run(|s| s.tables[0].indexes[0].valid = false);
    assert_eq!(one(&changes).3, "valid: true → false");
    // Dropped and re-created with other columns: same name, so modified.
    let changes = run(|s| s.tables[0].indexes[0].definition.push_str(" WHERE id > 0"));
    assert_eq!(one(&changes).2, ChangeKind::Modified);
}

#[test]
fn constraints_and_foreign_keys_report_once() {
    let changes = run(|s| s.tables[0].constraints[0].definition = "PRIMARY KEY (id, total)".into());
    assert_eq!(one(&changes).0, "constraint");
    let changes = run(|s| {
        s.tables[0].foreign_keys[0].references = "public.d".into();
        s.tables[0].constraints[1].definition = "FOREIGN KEY (c) REFERENCES d(id)".into();
    });
    assert_eq!(
        one(&changes),
        ("foreign key", "orders.orders_c_fk", ChangeKind::Modified, "references: public.c → public.d")
    );
    let changes = run(|s| s.tables[0].foreign_keys[0].has_index = true);
    assert!(changes.is_empty());
}

#[test]
fn views_functions_sequences() {
    let changes = run(|s| s.views[0].definition_hash = "ab".into());
    assert_eq!(one(&changes), ("view", "v", ChangeKind::Modified, "definition: aa → ab"));
    let changes = run(|s| s.views.retain(|v| !v.materialized));
    assert_eq!(one(&changes), ("materialized view", "mv", ChangeKind::Removed, ""));
    let changes = run(|s| s.functions[0].definition_hash = "cd".into());
    assert_eq!(one(&changes).1, "f(integer)");
    // An overload is a new function, not a change of the old one.
    let changes = run(|s| {
        let mut f = s.functions[0].clone();
        f.arguments = "bigint".into();
        s.functions.push(f);
    });
    assert_eq!(one(&changes), ("function", "f(bigint)", ChangeKind::Added, ""));
    let changes = run(|s| s.sequences[0].increment = 10);
    assert_eq!(one(&changes), ("sequence", "s", ChangeKind::Modified, "increment: 1 → 10"));
}

#[test]
fn schemas_and_extensions() {
    let old = base();
    let mut new = base();
    new.databases[0].extensions[0].1 = "1.11".into();
    new.databases[0].schemas.push(SchemaInfo { name: "audit".into(), ..Default::default() });
    let changes = diff(&old, &new, Timestamp(7));
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(changes.iter().any(|c| c.object_type == "extension" && c.detail == "version: 1.10 → 1.11"));
    assert!(
        changes
            .iter()
            .any(|c| c.object_type == "schema" && c.object == "audit" && c.change == ChangeKind::Added)
    );
    // A dropped schema is one change, not one per object in it.
    let changes = diff(&new, &old, Timestamp(7));
    assert!(changes.iter().any(|c| c.object == "audit" && c.change == ChangeKind::Removed));
}

#[test]
fn unreadable_database_is_not_a_removal() {
    let old = base();
    let mut new = base();
    new.databases[0].schemas.clear();
    new.databases[0].error = Some("permission denied for database \"app\"".into());
    assert!(diff(&old, &new, Timestamp(7)).is_empty());
    assert!(diff(&new, &old, Timestamp(7)).is_empty());
    let gone = SchemaSnapshot::default();
    let changes = diff(&old, &gone, Timestamp(7));
    assert_eq!(one(&changes), ("database", "app", ChangeKind::Removed, ""));
}

#[test]
fn routines_are_reported_by_kind_and_a_trigger_never_hides_a_procedure() {
    let routine = |name: &str, returns: &str, language: &str, hash: &str| FunctionInfo {
        name: name.into(),
        arguments: String::new(),
        returns: returns.into(),
        language: language.into(),
        definition_hash: hash.into(),
    };
    let old = |s: &mut SchemaInfo| {
        s.functions = vec![
            routine("audit", "procedure", "sql", "p1"),
            routine("audit", "AFTER INSERT ON orders", "trigger", "t1"),
            routine("orders_remote", "[remote].[dbo].[orders]", "synonym", "s1"),
        ]
    };
    let mut before = base();
    old(&mut before.databases[0].schemas[0]);
    let mut after = before.clone();
    let functions = &mut after.databases[0].schemas[0].functions;
    functions[0].definition_hash = "p2".into();
    functions[1].returns = "AFTER INSERT, UPDATE ON orders".into();
    functions[2].returns = "[archive].[dbo].[orders]".into();
    functions.push(routine("nightly", "EVERY 1 DAY, ENABLED", "event", "e1"));
    let mut seen: Vec<(String, String, ChangeKind, String)> = diff(&before, &after, Timestamp(7))
        .into_iter()
        .map(|c| (c.object_type, c.object, c.change, c.detail))
        .collect();
    seen.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let expected = [
        ("event", "nightly", ChangeKind::Added, ""),
        ("procedure", "audit()", ChangeKind::Modified, "definition: p1 → p2"),
        (
            "synonym",
            "orders_remote",
            ChangeKind::Modified,
            "refers to: [remote].[dbo].[orders] → [archive].[dbo].[orders]",
        ),
        (
            "trigger",
            "audit",
            ChangeKind::Modified,
            "fires: AFTER INSERT ON orders → AFTER INSERT, UPDATE ON orders",
        ),
    ];
    let expected: Vec<(String, String, ChangeKind, String)> =
        expected.iter().map(|(t, o, c, d)| ((*t).into(), (*o).into(), *c, (*d).into())).collect();
    assert_eq!(seen, expected);
}
