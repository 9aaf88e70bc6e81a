//! Whole schema rounds on a fake server answering with the fixtures: the inventory and
//! totals, changes at collection level, refusals and their fallbacks, the budget and
//! where the next round resumes. Every command the round sends passes the allowlist.

use super::build::{MORE_THAN_LIMIT, OPTIONS_UNKNOWN};
use super::fake_server::{Fake, refused};
use super::parse_tests::NOW;
use super::round::{self, Limits, Outcome, SchemaState};
use super::*;
use crate::collectors::mongodb::commands;
use crate::collectors::mongodb::connect::code;
use crate::collectors::mongodb::doc;
use crate::model::{ChangeKind, IndexInfo, SchemaChange, TableInfo};

fn limits(commands: usize) -> Limits {
    Limits {
        databases: round::MAX_DATABASES,
        collections: round::MAX_COLLECTIONS,
        commands,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

async fn run(fake: &mut Fake, state: &mut SchemaState, limits: &Limits) -> Outcome {
    round::read(fake, state, "", limits).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn shop_snapshot() -> SchemaSnapshot {
    let outcome = run(&mut Fake::shop(), &mut SchemaState::default(), &limits(round::MAX_COMMANDS)).await;
    snapshot(&outcome, None, NOW).0
}

fn table<'a>(s: &'a mut SchemaSnapshot, name: &str) -> &'a mut TableInfo {
    s.databases[0].schemas[0].tables.iter_mut().find(|t| t.name == name).unwrap_or_else(|| panic!("{name}"))
}

fn seen(changes: &[SchemaChange]) -> Vec<(&str, &str, ChangeKind, &str)> {
    changes.iter().map(|c| (c.object_type.as_str(), c.object.as_str(), c.change, c.detail.as_str())).collect()
}

#[tokio::test]
async fn a_round_reads_the_inventory_and_its_totals() {
    let mut fake = Fake::shop();
    let mut state = SchemaState::default();
    let outcome = run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await;
    // listDatabases, two listings, then two commands per collection; none for the view.
    assert_eq!((outcome.commands, outcome.read, outcome.left, fake.sent.len()), (11, 4, 0, 11));
    assert_eq!(fake.count("order_totals"), 0);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(state.resume_after, None);
    let (mut s, metrics) = snapshot(&outcome, None, NOW);
    let names: Vec<&str> = s.databases.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["shop", "telemetry"]);
    let shop = &s.databases[0];
    assert_eq!((shop.schemas.len(), shop.schemas[0].name.as_str()), (1, "shop"));
    let tables: Vec<&str> = shop.schemas[0].tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["audit_log", "customers", "orders", "sensor_readings"]);
    assert_eq!(shop.schemas[0].views.len(), 1);
    assert!(shop.skipped.is_empty());
    assert_eq!(shop.size_bytes, Some(16_424_960 + 978_944 + 2 * 8192));
    assert_eq!(table(&mut s, "orders").indexes.len(), 7);
    assert_eq!(table(&mut s, "sensor_readings").row_estimate, None);
    let totals: Vec<(&str, f64)> = metrics.iter().map(|m| (m.name.as_str(), m.value)).collect();
    assert_eq!(totals, [(metric::COLLECTIONS, 4.0), (metric::INDEXES, 10.0)]);
}

#[tokio::test]
async fn an_index_change_is_a_modified_collection_and_size_drift_is_none() {
    let old = shop_snapshot().await;
    let mut drift = old.clone();
    let orders = table(&mut drift, "orders");
    orders.total_bytes *= 3;
    orders.row_estimate = Some(1.0);
    orders.idx_scans = Some(1);
    for i in &mut orders.indexes {
        i.size_bytes += 1;
        i.scans = Some(0);
        i.unused = true;
    }
    drift.databases[0].size_bytes = Some(1);
    assert!(
        changes::collection_level(&old, &drift, Timestamp(1)).is_empty(),
        "sizes and counts are no change"
    );

    let mut new = old.clone();
    let orders = table(&mut new, "orders");
    orders.indexes.push(IndexInfo {
        name: "sku_1".into(),
        definition: "{sku: 1}".into(),
        ..Default::default()
    });
    orders.indexes.retain(|i| i.name != "couponCode_1");
    if let Some(i) = orders.indexes.iter_mut().find(|i| i.name == "status_1") {
        i.definition = "{status: 1} hidden".into();
    }
    orders.constraints[0].definition = "level strict, action error".into();
    table(&mut new, "audit_log").constraints.clear();
    new.databases[0].schemas[0].tables.retain(|t| t.name != "customers");
    new.databases[0].schemas[0].views[0].definition_hash = "0123456789abcdef".into();
    let changes = changes::collection_level(&old, &new, Timestamp(1));
    let view =
        format!("definition: {} → 0123456789abcdef", old.databases[0].schemas[0].views[0].definition_hash);
    assert_eq!(
        seen(&changes),
        [
            ("collection", "customers", ChangeKind::Removed, ""),
            ("view", "order_totals", ChangeKind::Modified, view.as_str()),
            ("collection", "audit_log", ChangeKind::Modified, "capped removed"),
            (
                "collection",
                "orders",
                ChangeKind::Modified,
                "index sku_1 added; index status_1: {status: 1} → {status: 1} hidden; index couponCode_1 removed; \
                 validator: level moderate, action warn → level strict, action error"
            ),
        ]
    );
    assert!(changes.iter().all(|c| c.database == "shop" && c.schema == "shop"));
}

#[tokio::test]
async fn a_database_that_failed_is_an_error_not_a_removal() {
    let old = shop_snapshot().await;
    let mut fake = Fake::shop();
    fake.replies.insert("shop listCollections".into(), refused(code::UNAUTHORIZED));
    fake.replies.insert("shop listCollections nameOnly".into(), refused(code::UNAUTHORIZED));
    let outcome = run(&mut fake, &mut SchemaState::default(), &limits(round::MAX_COMMANDS)).await;
    let new = snapshot(&outcome, Some(&old), NOW).0;
    let shop = &new.databases[0];
    assert!(shop.schemas.is_empty() && shop.size_bytes.is_none());
    assert!(
        shop.error.as_deref().is_some_and(|e| e.contains("listCollections") && e.contains("not authorized"))
    );
    assert!(changes::collection_level(&old, &new, Timestamp(1)).is_empty());
    // And back: nothing "added" either.
    assert!(changes::collection_level(&new, &old, Timestamp(1)).is_empty());
}

#[tokio::test]
async fn a_names_only_listing_keeps_the_options_last_read() {
    let old = shop_snapshot().await;
    let mut fake = Fake::shop();
    fake.replies.insert("shop listCollections".into(), refused(code::UNAUTHORIZED));
    let mut state = SchemaState::default();
    let outcome = run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await;
    assert!(
        outcome
            .problems
            .iter()
            .any(|p| p.starts_with("collection options (listCollections): refused on shop"))
    );
    let new = snapshot(&outcome, Some(&old), NOW).0;
    assert_eq!(new.databases[0].schemas[0].views, old.databases[0].schemas[0].views);
    assert_eq!(table(&mut new.clone(), "orders").constraints, table(&mut old.clone(), "orders").constraints);
    assert!(new.databases[0].skipped.contains(&OPTIONS_UNKNOWN.to_owned()));
    assert!(changes::collection_level(&old, &new, Timestamp(1)).is_empty());
    // Without a last read the options are empty, and their first read is no change either.
    let first = snapshot(&outcome, None, NOW).0;
    assert!(table(&mut first.clone(), "orders").constraints.is_empty());
    let back = changes::collection_level(&first, &old, Timestamp(1));
    assert!(back.is_empty(), "{back:?}");
    assert!(changes::collection_level(&old, &first, Timestamp(1)).is_empty());
}

#[tokio::test]
async fn a_server_lost_midway_resumes_where_the_last_complete_round_stopped() {
    let mut fake = Fake::many(1, 10);
    let mut state = SchemaState { resume_after: Some(("db0".into(), "c03".into())), ..Default::default() };
    fake.lose_after = Some(6);
    let lost = round::read(&mut fake, &mut state, "", &limits(round::MAX_COMMANDS)).await;
    assert!(lost.is_err_and(|e| e.is_disconnect()));
    assert_eq!(state.resume_after, Some(("db0".into(), "c03".into())));
}

#[tokio::test]
async fn refused_index_usage_falls_back_to_list_indexes_once_per_database() {
    let mut fake = Fake::shop();
    for c in ["audit_log", "customers", "orders", "sensor_readings"] {
        fake.replies.insert(format!("shop.{c} $indexStats"), refused(code::UNAUTHORIZED));
    }
    let mut state = SchemaState::default();
    let outcome = run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await;
    assert_eq!((fake.count("$indexStats"), fake.count("listIndexes")), (1, 4));
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    assert!(
        outcome.problems[0].starts_with("index usage ($indexStats): refused on shop.audit_log; indexes read")
    );
    let (mut s, _) = snapshot(&outcome, None, NOW);
    assert_eq!(table(&mut s, "customers").indexes.len(), 7);
    assert!(s.databases[0].schemas[0].tables.iter().flat_map(|t| &t.indexes).all(|i| !i.unused));
    // Said once per connection.
    let again = run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await;
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    state.forget();
    assert_eq!(run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await.problems.len(), 1);
}

#[tokio::test]
async fn a_big_server_is_read_over_rounds_resuming_where_the_last_stopped() {
    let mut fake = Fake::many(3, 10);
    let mut state = SchemaState::default();
    // 4 listing commands, then 2 per collection while 3 more fit: 12 collections a round.
    let budget = limits(30);
    let first = run(&mut fake, &mut state, &budget).await;
    assert_eq!((first.read, first.left, first.commands), (12, 18, 28));
    assert_eq!(state.resume_after, Some(("db1".to_owned(), "c01".to_owned())));
    assert!(first.problems.iter().any(|p| p.contains("18 of 30 collections not read this round")));
    let one = snapshot(&first, None, NOW).0;
    assert_eq!(one.databases[1].skipped.len(), 8);
    assert_eq!(one.databases[2].schemas[0].tables.len(), 10, "listed though not read");

    fake.sent.clear();
    let second = run(&mut fake, &mut state, &budget).await;
    assert_eq!(
        fake.sent.iter().find(|k| k.ends_with("$collStats")).map(String::as_str),
        Some("db1.c02 $collStats")
    );
    let two = snapshot(&second, Some(&one), NOW).0;
    // Read for the first time, or kept from the last read: no index "appears".
    assert!(changes::collection_level(&one, &two, Timestamp(1)).is_empty());
    assert_eq!(two.databases[0].schemas[0].tables[0].indexes.len(), 1, "kept from round one");
    assert!(two.databases[0].skipped.contains(&"db0.c00".to_owned()));

    let third = run(&mut fake, &mut state, &budget).await;
    let three = snapshot(&third, Some(&two), NOW).0;
    assert!(
        three.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables).all(|t| t.indexes.len() == 1)
    );
    assert!(changes::collection_level(&two, &three, Timestamp(1)).is_empty());
    // With room for all, one round reads all and starts from the beginning next time.
    let all = run(&mut fake, &mut state, &limits(round::MAX_COMMANDS)).await;
    assert_eq!((all.read, all.left, state.resume_after.clone()), (30, 0, None));
}

#[tokio::test]
async fn listings_beyond_the_limits_are_unknown_not_removed() {
    let old = shop_snapshot().await;
    let mut fake = Fake::shop();
    let mut cut = limits(round::MAX_COMMANDS);
    cut.collections = 3;
    cut.databases = 1;
    let outcome = run(&mut fake, &mut SchemaState::default(), &cut).await;
    let new = snapshot(&outcome, Some(&old), NOW).0;
    assert_eq!(new.databases[0].skipped, [MORE_THAN_LIMIT]);
    assert_eq!(new.databases[0].schemas[0].tables.len() + new.databases[0].schemas[0].views.len(), 3);
    assert!(new.databases[1].error.as_deref().is_some_and(|e| e.contains("first 1 databases")));
    assert!(changes::collection_level(&old, &new, Timestamp(1)).is_empty());
    assert!(changes::collection_level(&new, &old, Timestamp(1)).is_empty());
}

#[test]
fn the_collection_figures_command_is_a_read() {
    for time_series in [false, true] {
        let command = round::coll_stats_command("orders", time_series);
        assert_eq!(commands::check(&command), Ok(()));
        assert!(commands::takes_time_limit(commands::name(&command)));
        let stage = doc::docs(&command, "pipeline").first().and_then(|s| doc::sub(s, "$collStats")).cloned();
        assert_eq!(
            stage.is_some_and(|s| s.contains_key("count")),
            !time_series,
            "a time series refuses count"
        );
    }
}

#[tokio::test]
async fn a_managed_tier_without_collection_figures_still_lists_and_reads_indexes() {
    let mut fake = Fake::shop();
    for c in ["audit_log", "customers", "orders", "sensor_readings"] {
        fake.replies.insert(format!("shop.{c} $collStats"), refused(code::ATLAS_ERROR));
    }
    let outcome = run(&mut fake, &mut SchemaState::default(), &limits(round::MAX_COMMANDS)).await;
    // Refused for the whole database: asked once, not once per collection.
    assert_eq!((fake.count("$collStats"), fake.count("$indexStats")), (1, 4));
    assert!(
        outcome
            .problems
            .iter()
            .any(|p| p.starts_with("collection sizes ($collStats): refused on shop.audit_log"))
    );
    let (mut s, _) = snapshot(&outcome, None, NOW);
    let orders = table(&mut s, "orders");
    assert_eq!((orders.row_estimate, orders.total_bytes, orders.indexes.len()), (None, 0, 7));
    assert!(s.databases[0].skipped.is_empty(), "indexes were read: nothing carried");
}

#[tokio::test]
async fn the_time_budget_stops_the_figures_then_the_listing() {
    let mut fake = Fake::many(2, 5);
    fake.figures_take = Duration::from_millis(250);
    let mut state = SchemaState::default();
    let mut budget = limits(round::MAX_COMMANDS);
    budget.deadline = Instant::now() + Duration::from_secs(1);
    let outcome = run(&mut fake, &mut state, &budget).await;
    assert!(outcome.read > 0 && outcome.read < 10 && outcome.left == 10 - outcome.read, "{outcome:?}");
    assert!(outcome.problems.iter().any(|p| p.contains("(the time budget:")), "{:?}", outcome.problems);
    let s = snapshot(&outcome, None, NOW).0;
    assert_eq!(s.databases.iter().map(|d| d.schemas[0].tables.len()).sum::<usize>(), 10, "all listed");
    // Out of time before the listing: unknown databases, not removed ones.
    let mut late = limits(round::MAX_COMMANDS);
    late.deadline = Instant::now();
    let none = run(&mut Fake::many(2, 5), &mut state, &late).await;
    let unknown = snapshot(&none, Some(&s), NOW).0;
    assert!(unknown.databases.iter().all(|d| d.error.as_deref().is_some_and(|e| e.contains("out of time"))));
    assert!(changes::collection_level(&s, &unknown, Timestamp(1)).is_empty());
}
