//! A lock on one object costs only that object: another session holding ACCESS EXCLUSIVE
//! on a table, a view and a sequence must not make the whole database unreadable.

use crate::support::postgres::TestCluster;
use logstag::collectors::Collector;
use logstag::collectors::postgres::PostgresCollector;
use logstag::model::{SampleBody, Tier};
use std::time::Instant;

const SETUP: &[&str] = &[
    "CREATE SCHEMA shop",
    "CREATE TABLE shop.orders (id bigint PRIMARY KEY, note text)",
    "INSERT INTO shop.orders SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g",
    "CREATE TABLE shop.busy (id bigint PRIMARY KEY, note text)",
    "INSERT INTO shop.busy SELECT g, 'b' FROM generate_series(1, 100) g",
    "CREATE VIEW shop.recent AS SELECT id FROM shop.orders WHERE id > 10",
    "CREATE VIEW shop.busy_view AS SELECT id FROM shop.orders",
    "CREATE VIEW shop.busy_names AS SELECT note FROM shop.busy",
    "CREATE MATERIALIZED VIEW shop.totals AS SELECT count(*) AS n FROM shop.orders",
    "CREATE SEQUENCE shop.tickets",
    "SELECT setval('shop.tickets', 42)",
    "CREATE SEQUENCE shop.busy_seq",
    "SELECT setval('shop.busy_seq', 7)",
    "ANALYZE",
];

pub async fn locked_table_view_and_sequence_are_skipped_not_the_database(major: u32) {
    let cluster = TestCluster::start_version(major);
    cluster.psql("postgres", "CREATE DATABASE lock_t");
    for sql in SETUP {
        cluster.psql("lock_t", sql);
    }
    let holder = cluster.client("lock_t").await;
    holder
        // LOCK TABLE refuses sequences and locks what a view reads as well; a change of
        // owner takes ACCESS EXCLUSIVE on the one object.
        .batch_execute(
            "BEGIN; LOCK TABLE shop.busy IN ACCESS EXCLUSIVE MODE;
             ALTER VIEW shop.busy_view OWNER TO monitor;
             ALTER SEQUENCE shop.busy_seq OWNER TO monitor",
        )
        .await
        .unwrap();

    let target = cluster.target_config("postgres", "postgres");
    let mut collector = PostgresCollector::new(&target);
    let started = Instant::now();
    let round = collector.collect(Tier::Schema).await.expect("schema round");
    let took = started.elapsed();
    let snap = round
        .bodies
        .iter()
        .find_map(|b| match b {
            SampleBody::Schema(s) => Some(s),
            _ => None,
        })
        .expect("a schema body");
    let d = snap.databases.iter().find(|d| d.name == "lock_t").expect("database lock_t");
    assert_eq!(d.error, None, "one locked table must not cost the database");
    let shop = d.schemas.iter().find(|s| s.name == "shop").expect("schema shop");
    let orders = shop.tables.iter().find(|t| t.name == "orders").expect("orders");
    assert!(orders.table_bytes > 200_000 && orders.index_bytes > 8192, "{orders:#?}");
    // The locked table is still listed (no false "dropped" change), only its sizes are unknown.
    let busy = shop.tables.iter().find(|t| t.name == "busy").expect("busy still listed");
    assert_eq!(busy.columns.len(), 2);
    assert_eq!(shop.views.len(), 4, "{:#?}", shop.views);
    let totals = shop.views.iter().find(|v| v.name == "totals").expect("matview");
    assert!(totals.size_bytes > 0);
    let tickets = shop.sequences.iter().find(|s| s.name == "tickets").expect("tickets");
    assert_eq!(tickets.last_value, Some(42));
    let busy_seq = shop.sequences.iter().find(|s| s.name == "busy_seq").expect("busy_seq listed");
    assert_eq!(busy_seq.last_value, None);
    let mut skipped = d.skipped.clone();
    skipped.sort();
    // busy_names reads busy: its definition cannot be printed without busy's lock.
    assert_eq!(skipped, ["shop.busy", "shop.busy_names", "shop.busy_seq", "shop.busy_view"]);
    // Nothing waited for a lock: well within one lock_timeout per object.
    assert!(took < target.lock_timeout * 3, "schema round took {took:?}");
    drop(holder);
}
