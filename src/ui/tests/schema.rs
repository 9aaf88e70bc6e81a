//! Schema tab: a hand-built inventory the collector will emit, rendered and driven by keys.

use super::fixtures::{self, NOW};
use super::render::screen_text;
use crate::model::{
    ChangeKind, ColumnInfo, ConstraintInfo, ConstraintKind, DatabaseSchema, ForeignKeyInfo, FunctionInfo,
    IndexInfo, Sample, SampleBody, SchemaChange, SchemaInfo, SchemaSnapshot, SequenceInfo, TableInfo,
    TargetId, Tier, Timestamp, ViewInfo,
};
use crate::ui::UiUpdate;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::tabs::Tab;
use std::sync::Arc;

const DAY: i64 = 86_400_000;
const MIB: u64 = 1 << 20;

fn column(name: &str, data_type: &str, nullable: bool) -> ColumnInfo {
    ColumnInfo { name: name.into(), data_type: data_type.into(), nullable, default: None }
}

fn index(name: &str, table: &str, cols: &str, size: u64, scans: u64) -> IndexInfo {
    IndexInfo {
        name: name.into(),
        columns: cols.split(", ").map(String::from).collect(),
        definition: format!("CREATE INDEX {name} ON public.{table} USING btree ({cols})"),
        size_bytes: size,
        scans: Some(scans),
        valid: true,
        ..Default::default()
    }
}

fn orders() -> TableInfo {
    TableInfo {
        name: "orders".into(),
        row_estimate: Some(4_200_000.0),
        total_bytes: 1_900 * MIB,
        table_bytes: 1_200 * MIB,
        index_bytes: 640 * MIB,
        toast_bytes: 60 * MIB,
        live_tuples: Some(4_200_000),
        dead_tuples: Some(310_000),
        n_mod_since_analyze: Some(52_000),
        seq_scans: Some(120),
        idx_scans: Some(9_800_000),
        last_autovacuum_ms: Some(NOW - 3 * 3_600_000),
        last_autoanalyze_ms: Some(NOW - 2 * DAY),
        has_primary_key: true,
        bloat_bytes: Some(180 * MIB),
        columns: vec![
            column("id", "bigint", false),
            column("customer_id", "bigint", false),
            column("total", "numeric(12,2)", false),
            column("created_at", "timestamptz", false),
        ],
        indexes: vec![
            IndexInfo {
                primary: true,
                unique: true,
                ..index("orders_pkey", "orders", "id", 180 * MIB, 9_000_000)
            },
            index("orders_customer_idx", "orders", "customer_id", 150 * MIB, 800_000),
            IndexInfo {
                duplicate_of: Some("orders_customer_idx".into()),
                unused: true,
                ..index("orders_customer_id_idx", "orders", "customer_id", 150 * MIB, 0)
            },
            IndexInfo {
                redundant_with: Some("orders_customer_idx".into()),
                valid: false,
                ..index("orders_created_idx", "orders", "created_at", 160 * MIB, 0)
            },
        ],
        constraints: vec![ConstraintInfo {
            name: "orders_pkey".into(),
            kind: ConstraintKind::PrimaryKey,
            definition: "PRIMARY KEY (id)".into(),
        }],
        foreign_keys: vec![ForeignKeyInfo {
            name: "orders_customer_fk".into(),
            columns: vec!["customer_id".into()],
            references: "public.customers".into(),
            referenced_columns: vec!["id".into()],
            has_index: true,
        }],
        ..Default::default()
    }
}

fn small(name: &str, mib: u64, analyzed_days_ago: Option<i64>, pk: bool) -> TableInfo {
    TableInfo {
        name: name.into(),
        row_estimate: Some(mib as f64 * 9_000.0),
        total_bytes: mib * MIB,
        table_bytes: mib * MIB * 3 / 4,
        index_bytes: mib * MIB / 4,
        last_analyze_ms: analyzed_days_ago.map(|d| NOW - d * DAY),
        has_primary_key: pk,
        columns: vec![column("id", "bigint", false), column("payload", "jsonb", true)],
        ..Default::default()
    }
}

pub fn snapshot() -> SchemaSnapshot {
    let mut items = small("order_items", 700, Some(120), true);
    items.foreign_keys = vec![ForeignKeyInfo {
        name: "order_items_order_fk".into(),
        columns: vec!["order_id".into()],
        references: "public.orders".into(),
        referenced_columns: vec!["id".into()],
        has_index: false,
    }];
    let public = SchemaInfo {
        name: "public".into(),
        owner: "shop_owner".into(),
        tables: vec![
            small("customers", 300, Some(1), true),
            orders(),
            items,
            small("events_log", 90, None, false),
        ],
        views: vec![
            ViewInfo { name: "open_orders".into(), ..Default::default() },
            ViewInfo {
                name: "daily_sales".into(),
                materialized: true,
                size_bytes: 40 * MIB,
                ..Default::default()
            },
        ],
        functions: vec![FunctionInfo {
            name: "set_updated_at".into(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            ..Default::default()
        }],
        sequences: vec![
            SequenceInfo {
                name: "orders_id_seq".into(),
                data_type: "integer".into(),
                last_value: Some(2_080_000_000),
                max_value: i64::from(i32::MAX),
                increment: 1,
                pct_used: Some(96.9),
            },
            SequenceInfo { name: "events_log_id_seq".into(), pct_used: Some(82.0), ..Default::default() },
        ],
    };
    let audit = SchemaInfo {
        name: "audit".into(),
        owner: "auditor".into(),
        tables: vec![small("audit_trail", 120, Some(10), true)],
        ..Default::default()
    };
    SchemaSnapshot {
        databases: vec![
            DatabaseSchema {
                name: "shop".into(),
                size_bytes: Some(3_400 * MIB),
                schemas: vec![public, audit],
                extensions: vec![("pg_stat_statements".into(), "1.10".into())],
                error: None,
                skipped: vec![],
            },
            DatabaseSchema {
                name: "analytics".into(),
                size_bytes: Some(900 * MIB),
                error: Some("permission denied for database analytics".into()),
                ..Default::default()
            },
        ],
    }
}

fn changes() -> Vec<SchemaChange> {
    let change = |minutes: i64, object_type: &str, object: &str, change, detail: &str| SchemaChange {
        at: Timestamp(NOW - minutes * 60_000),
        database: "shop".into(),
        schema: "public".into(),
        object_type: object_type.into(),
        object: object.into(),
        change,
        detail: detail.into(),
    };
    vec![
        change(300, "table", "order_items", ChangeKind::Added, "4 columns"),
        change(30, "column", "orders.total", ChangeKind::Modified, "column total: numeric → bigint"),
        change(20, "index", "orders.orders_old_idx", ChangeKind::Removed, "dropped"),
    ]
}

fn send(app: &mut App, body: SampleBody) {
    let target = app.current().map_or(TargetId("prod-pg".into()), |t| t.info.id.clone());
    let sample = Sample { target, tier: Tier::Schema, taken_at: Timestamp(NOW - 12 * 60_000), body };
    app.update(UiUpdate::Round(Arc::new(vec![sample])));
}

pub fn schema_app() -> App {
    let mut app = fixtures::app();
    app.apply(Action::GoTab(Tab::Schema));
    send(&mut app, SampleBody::Schema(snapshot()));
    send(&mut app, SampleBody::SchemaChanges(changes()));
    app
}

fn select(app: &mut App, label: &str) {
    let pos = app.views.schema.rows.iter().position(|r| r.label == label);
    app.views.schema.list.selected = pos.unwrap_or_else(|| panic!("no row {label}"));
}

fn labels(app: &App) -> Vec<&str> {
    app.views.schema.rows.iter().map(|r| r.label.as_str()).collect()
}

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_20x5"), screen_text(app, 20, 5));
}

#[test]
fn snapshots_of_the_tree_details_and_changes() {
    let mut app = schema_app();
    snap("schema_tree_collapsed", &app);
    select(&mut app, "orders");
    app.apply(Action::Expand);
    snap("schema_table_expanded", &app);
    insta::assert_snapshot!("schema_table_detail_120x40", screen_text(&app, 120, 40));
    select(&mut app, "orders_created_idx");
    app.apply(Action::Expand);
    assert!(app.views.schema.detail_full, "Enter on a leaf opens the detail");
    snap("schema_index_detail", &app);
    app.apply(Action::Back);
    select(&mut app, "analytics");
    snap("schema_database_error", &app);
    app.apply(Action::ToggleSchemaChanges);
    snap("schema_changes", &app);
}

#[test]
fn no_schema_sample_says_when_it_comes() {
    let mut app = fixtures::app();
    app.apply(Action::GoTab(Tab::Schema));
    let screen = screen_text(&app, 120, 24);
    assert!(screen.contains("schema tier runs every 240 min (schema_frequency_interval)"), "{screen}");
}

#[test]
fn locked_objects_are_named_in_the_header() {
    let mut app = schema_app();
    let mut locked = snapshot();
    locked.databases[0].skipped = vec!["public.orders".into(), "public.order_totals".into()];
    send(&mut app, SampleBody::Schema(locked));
    let screen = screen_text(&app, 160, 24);
    assert!(screen.contains("shop.public.orders +1 locked, skipped this round"), "{screen}");
}

#[test]
fn expand_collapse_and_parent() {
    let mut app = schema_app();
    assert!(!labels(&app).contains(&"columns (4)"));
    select(&mut app, "orders");
    app.apply(Action::Expand);
    assert!(labels(&app).contains(&"columns (4)") && labels(&app).contains(&"orders_pkey"));
    select(&mut app, "orders_pkey");
    app.apply(Action::Collapse);
    assert_eq!(
        app.views.schema.selected().map(|r| r.label.as_str()),
        Some("indexes (4)"),
        "leaf goes to parent"
    );
    app.apply(Action::Collapse);
    assert!(!labels(&app).contains(&"orders_pkey"), "open node collapses");
    app.apply(Action::Collapse);
    assert_eq!(app.views.schema.selected().map(|r| r.label.as_str()), Some("orders"));
    app.apply(Action::Collapse);
    assert!(!labels(&app).contains(&"columns (4)"));
    app.apply(Action::Down);
    app.apply(Action::Bottom);
    assert_eq!(app.views.schema.list.selected + 1, app.views.schema.rows.len());
}

#[test]
fn sort_toggles_between_size_and_name() {
    let mut app = schema_app();
    let tables = |app: &App| -> Vec<String> {
        app.views
            .schema
            .rows
            .iter()
            .filter(|r| matches!(r.node, crate::ui::views::schema_tree::Node::Table(0, 0, _)))
            .map(|r| r.label.clone())
            .collect()
    };
    assert_eq!(tables(&app), ["orders", "order_items", "customers", "events_log"]);
    app.apply(Action::ToggleSchemaSort);
    assert_eq!(tables(&app), ["customers", "events_log", "order_items", "orders"]);
}

#[test]
fn filter_keeps_ancestors_and_selection_survives_new_snapshots() {
    let mut app = schema_app();
    app.apply(Action::StartFilter);
    for c in "customer_id_idx".chars() {
        app.apply(Action::FilterInput(c));
    }
    assert_eq!(
        labels(&app),
        ["prod-pg", "shop", "public", "orders", "indexes (4)", "orders_customer_id_idx"]
    );
    app.apply(Action::FilterKeep);
    app.apply(Action::Bottom);
    app.apply(Action::Back);
    assert_eq!(app.views.schema.selected().map(|r| r.label.as_str()), Some("orders_customer_id_idx"));
    let mut next = snapshot();
    next.databases[0].schemas[0].tables.insert(0, small("aaa_new", 5_000, Some(1), true));
    send(&mut app, SampleBody::Schema(next));
    assert_eq!(
        app.views.schema.selected().map(|r| r.key.as_str()),
        Some("shop/public/orders/i:orders_customer_id_idx")
    );
}

#[test]
fn changes_are_newest_first_and_filterable() {
    let mut app = schema_app();
    app.apply(Action::ToggleSchemaChanges);
    let screen = screen_text(&app, 120, 24);
    let removed = screen.find("Removed").unwrap_or(usize::MAX);
    let added = screen.find("Added").unwrap_or(0);
    assert!(removed < added, "{screen}");
    app.apply(Action::StartFilter);
    app.apply(Action::FilterInput('b'));
    app.apply(Action::FilterInput('i'));
    app.apply(Action::FilterInput('g'));
    assert_eq!(app.views.schema.changes_rows.len(), 1);
}

#[test]
fn no_panic_at_small_sizes_with_schema_data() {
    let mut sizes: Vec<(u16, u16)> = (0..=20).flat_map(|w| (0..=5).map(move |h| (w, h))).collect();
    sizes.extend([(60, 12), (99, 30), (100, 30), (200, 50), (7, 40), (1000, 1)]);
    let mut app = schema_app();
    for step in [None, Some(Action::Expand), Some(Action::Bottom), Some(Action::ToggleSchemaChanges)] {
        if let Some(action) = step {
            app.apply(action);
        }
        for (w, h) in &sizes {
            screen_text(&app, *w, *h);
        }
    }
}

#[test]
fn render_cost_of_ten_thousand_tables() {
    let started = std::time::Instant::now();
    let mut app = crate::ui::bench::schema_app(10_000);
    println!("apply + tree build of 10,000 tables: {:?}", started.elapsed());
    let first = crate::ui::bench::render_frame(200, 50, &app);
    let again = crate::ui::bench::render_frame(200, 50, &app);
    println!("schema frame 200x50 with 10,000 tables: {first:?} / {again:?}");
    let started = std::time::Instant::now();
    app.apply(Action::ToggleSchemaSort);
    println!("re-sort (rebuild) of 10,000 tables: {:?}", started.elapsed());
    app.apply(Action::StartFilter);
    let started = std::time::Instant::now();
    app.apply(Action::FilterInput('9'));
    println!("filter keystroke over 10,000 tables: {:?}", started.elapsed());
    assert!(app.views.schema.rows.len() > 1_000);
}

#[test]
fn every_node_has_a_unique_path_when_all_is_open() {
    let mut app = schema_app();
    while let Some(pos) = app.views.schema.rows.iter().position(|r| r.has_children && !r.open) {
        app.views.schema.list.selected = pos;
        app.apply(Action::Expand);
    }
    let mut keys: Vec<&str> = app.views.schema.rows.iter().map(|r| r.key.as_str()).collect();
    let all = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), all, "selection by path needs unique paths");
    assert!(labels(&app).contains(&"orders_id_seq") && labels(&app).contains(&"set_updated_at()"));
    for (label, shown) in
        [("orders_pkey", "PRIMARY KEY (id)"), ("total numeric(12,2) not null", "numeric(12,2)")]
    {
        let pos = app.views.schema.rows.iter().rposition(|r| r.label == label);
        app.views.schema.list.selected = pos.unwrap_or_default();
        let screen = screen_text(&app, 120, 40);
        assert!(screen.contains(shown), "{label}: {screen}");
    }
}

#[test]
fn help_lists_the_schema_keys_and_the_filter_input() {
    let mut app = schema_app();
    app.apply(Action::Help);
    let screen = screen_text(&app, 200, 120);
    for text in ["Schema", "expand / detail of a leaf", "collapse / go to parent", "sort by size / by name"] {
        assert!(screen.contains(text), "help misses {text}");
    }
    assert!(screen.contains("schema tree / recent changes") && screen.contains("keep filter"), "{screen}");
}
