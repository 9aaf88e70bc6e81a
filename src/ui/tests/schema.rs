//! Schema tab: a hand-built inventory the collector will emit, rendered and driven by keys.

use super::fixtures::{self, NOW};
pub use super::fixtures_schema::snapshot;
use super::fixtures_schema::{changes, small};
use super::render::screen_text;
use crate::model::{Sample, SampleBody, TargetId, Tier, Timestamp};
use crate::ui::UiUpdate;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::tabs::Tab;
use std::sync::Arc;

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
    assert!(screen.contains("shop.public.orders +1 not read this round, last values shown"), "{screen}");
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

/// Collections of an engine without optimizer statistics are never "stale stats"; a
/// table never analysed while its engine counts changes is.
#[test]
fn stale_stats_only_where_the_engine_has_statistics() {
    use crate::ui::views::schema_tree::stale_stats;
    let now = 1_800_000_000_000;
    let collection = crate::model::TableInfo { name: "orders".into(), ..Default::default() };
    assert!(!stale_stats(&collection, now));
    let never_analysed = crate::model::TableInfo { n_mod_since_analyze: Some(5), ..collection.clone() };
    assert!(stale_stats(&never_analysed, now));
    let fresh = crate::model::TableInfo { last_analyze_ms: Some(now - 1_000), ..never_analysed };
    assert!(!stale_stats(&fresh, now));
}
