//! The schema tier against a private server: flags, sizes, per-database errors and
//! change detection between two rounds.

use crate::support::postgres::TestCluster;
use logstag::collectors::postgres::PostgresCollector;
use logstag::collectors::{Collected, Collector};
use logstag::model::{
    ChangeKind, DatabaseSchema, Sample, SampleBody, SchemaChange, SchemaSnapshot, TableInfo, TargetId, Tier,
    Timestamp,
};
use logstag::store::Store;
use std::time::{Duration, Instant};

const SETUP: &[&str] = &[
    "CREATE SCHEMA shop",
    "CREATE TABLE shop.customers (id bigint PRIMARY KEY, name text NOT NULL)",
    "CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES shop.customers (id),
         total numeric DEFAULT 0, note text)",
    "CREATE INDEX orders_total ON shop.orders (total)",
    "CREATE INDEX orders_total_copy ON shop.orders (total)",
    "CREATE INDEX orders_note ON shop.orders (note)",
    "CREATE TABLE shop.events (at timestamptz, payload text)",
    "CREATE SEQUENCE shop.tickets MINVALUE 1 MAXVALUE 1000",
    "SELECT setval('shop.tickets', 951)",
    "INSERT INTO shop.customers SELECT g, 'c' || g FROM generate_series(1, 100) g",
    "INSERT INTO shop.orders SELECT g, 1 + g % 100, g, repeat('x', 200) FROM generate_series(1, 5000) g",
    "CREATE VIEW shop.big_orders AS SELECT id FROM shop.orders WHERE id > 100",
    "CREATE FUNCTION shop.double(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'",
    "ANALYZE",
];

fn schema_of(c: &Collected) -> &SchemaSnapshot {
    c.bodies
        .iter()
        .find_map(|b| match b {
            SampleBody::Schema(s) => Some(s),
            _ => None,
        })
        .expect("a schema body")
}

fn changes_of(c: &Collected) -> Vec<SchemaChange> {
    c.bodies
        .iter()
        .find_map(|b| match b {
            SampleBody::SchemaChanges(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn db<'a>(s: &'a SchemaSnapshot, name: &str) -> &'a DatabaseSchema {
    s.databases.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("database {name} in {s:#?}"))
}

fn table<'a>(d: &'a DatabaseSchema, name: &str) -> &'a TableInfo {
    let shop = d.schemas.iter().find(|s| s.name == "shop").expect("schema shop");
    shop.tables.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("table {name}"))
}

async fn server_size(cluster: &TestCluster, table: &str) -> u64 {
    let client = cluster.client("schema_t").await;
    let row =
        client.query_one(&format!("SELECT pg_total_relation_size('{table}')::int8"), &[]).await.unwrap();
    row.get::<_, i64>(0) as u64
}

/// Runs on a multi-threaded runtime (the version matrix gives every test one).
pub async fn schema_tier_flags_sizes_errors_and_changes(major: u32) {
    let cluster = TestCluster::start_version(major);
    cluster.psql("postgres", "CREATE DATABASE schema_t");
    cluster.psql("postgres", "CREATE DATABASE locked");
    cluster.psql("postgres", "REVOKE CONNECT ON DATABASE locked FROM PUBLIC");
    for sql in SETUP {
        cluster.psql("schema_t", sql);
    }
    let orders_size = server_size(&cluster, "shop.orders").await;

    for user in ["postgres", "monitor"] {
        let mut collector = PostgresCollector::new(&cluster.target_config(user, "postgres"));
        let started = Instant::now();
        let round = collector.collect(Tier::Schema).await.expect("schema round");
        eprintln!("schema round as {user}: {:?}", started.elapsed());
        assert!(changes_of(&round).is_empty(), "no changes without a previous snapshot");
        let snap = schema_of(&round);
        let locked = db(snap, "locked");
        if user == "monitor" {
            let error = locked.error.as_deref().unwrap_or_default();
            assert!(error.contains("permission denied") && error.contains("locked"), "{error}");
        } else {
            assert_eq!(locked.error, None);
        }
        let d = db(snap, "schema_t");
        assert_eq!(d.error, None, "{user}");
        assert!(d.size_bytes.is_some_and(|s| s > 1_000_000));
        assert!(d.schemas.iter().all(|s| !s.name.starts_with("pg_") && s.name != "information_schema"));

        let orders = table(d, "orders");
        assert!(orders.has_primary_key);
        assert_eq!(orders.total_bytes, orders_size, "{user}: same as pg_total_relation_size");
        assert_eq!(orders.total_bytes, orders.table_bytes + orders.index_bytes + orders.toast_bytes);
        assert!(orders.table_bytes > 500_000 && orders.index_bytes > 100_000, "{orders:#?}");
        assert!(orders.row_estimate.is_some_and(|r| (4000.0..6000.0).contains(&r)));
        assert_eq!(orders.live_tuples, Some(5000));
        assert_eq!(orders.columns.len(), 4);
        let total = &orders.columns[2];
        assert_eq!((total.data_type.as_str(), total.default.as_deref()), ("numeric", Some("0")));
        assert!(!table(d, "events").has_primary_key);

        let index = |name: &str| orders.indexes.iter().find(|i| i.name == name).expect(name);
        assert!(index("orders_note").unused && index("orders_total").unused);
        assert!(!index("orders_pkey").unused && index("orders_pkey").primary);
        assert_eq!(index("orders_total_copy").duplicate_of.as_deref(), Some("orders_total"));
        assert_eq!(index("orders_pkey").columns, vec!["id".to_owned()]);
        assert!(index("orders_note").size_bytes > 8192);

        let fk = &orders.foreign_keys[0];
        assert_eq!((fk.references.as_str(), fk.has_index), ("shop.customers", false));
        assert_eq!(fk.columns, vec!["customer_id".to_owned()]);

        let shop = d.schemas.iter().find(|s| s.name == "shop").unwrap();
        let seq = shop.sequences.iter().find(|s| s.name == "tickets").expect("sequence");
        if let Some(pct) = seq.pct_used {
            assert!((pct - 95.0).abs() < 0.2, "{pct}");
        } else {
            // pg_sequences hides last_value from a role without USAGE/SELECT on it.
            assert_eq!(user, "monitor");
        }
        assert_eq!(seq.max_value, 1000);
        assert_eq!(shop.views.len(), 1);
        assert_eq!(shop.views[0].definition_hash.len(), 16);
        assert_eq!(shop.functions.len(), 1);
        assert_eq!(shop.functions[0].arguments, "x integer");
        if user == "postgres" {
            let pct = seq.pct_used.unwrap_or_default();
            assert!((pct - 95.0).abs() < 0.2, "{pct}");
        }
    }

    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "postgres"));
    let first = collector.collect(Tier::Schema).await.expect("round 1");
    assert!(changes_of(&first).is_empty());
    // Scans and statistics moving are not changes.
    cluster.psql("schema_t", "SELECT count(*) FROM shop.orders WHERE total = 5");
    cluster.psql("schema_t", "DROP INDEX shop.orders_note");
    let second = collector.collect(Tier::Schema).await.expect("round 2");
    let changes = changes_of(&second);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!(
        (c.database.as_str(), c.schema.as_str(), c.object_type.as_str(), c.object.as_str(), c.change),
        ("schema_t", "shop", "index", "orders.orders_note", ChangeKind::Removed)
    );
    cluster.psql("schema_t", "ALTER TABLE shop.orders ALTER COLUMN total TYPE bigint");
    let third = collector.collect(Tier::Schema).await.expect("round 3");
    let changes = changes_of(&third);
    let column = changes.iter().find(|c| c.object_type == "column").expect("column change");
    assert_eq!((column.object.as_str(), column.change), ("orders.total", ChangeKind::Modified));
    assert!(column.detail.contains("numeric → bigint"), "{}", column.detail);
    assert!(changes.iter().all(|c| c.object_type != "table"), "{changes:#?}");
    let fourth = collector.collect(Tier::Schema).await.expect("round 4");
    assert!(changes_of(&fourth).is_empty());

    // After a restart: the collector is seeded from the newest stored snapshot, so the
    // first round reports what changed while it was not running.
    let store = Store::open_in_memory(Duration::from_secs(86_400)).unwrap();
    let target = TargetId("pg".into());
    let stored = Sample {
        target: target.clone(),
        tier: Tier::Schema,
        taken_at: Timestamp::now(),
        body: SampleBody::Schema(schema_of(&first).clone()),
    };
    store.record(vec![stored]).await.unwrap();
    let mut restarted = PostgresCollector::new(&cluster.target_config("monitor", "postgres"));
    restarted.set_previous_schema(store.latest_schema(&target).await.unwrap().expect("stored schema"));
    let changes = changes_of(&restarted.collect(Tier::Schema).await.expect("round after restart"));
    let mut objects: Vec<(&str, ChangeKind)> =
        changes.iter().map(|c| (c.object.as_str(), c.change)).collect();
    objects.sort_by_key(|o| o.0);
    assert_eq!(
        objects,
        [("orders.orders_note", ChangeKind::Removed), ("orders.total", ChangeKind::Modified)]
    );
}

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// 2,000 tables (20 schemas × 100, each with a PK, an FK to the previous one, an index
/// and a comment). Run alone: `cargo test --test integration schema_benchmark -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: creates 2,000 tables"]
async fn schema_benchmark_2000_tables() {
    let cluster = TestCluster::start();
    cluster.psql("postgres", "CREATE DATABASE bench");
    cluster.psql(
        "bench",
        "DO $$ BEGIN
           FOR s IN 1..20 LOOP
             EXECUTE format('CREATE SCHEMA s%s', s);
             FOR t IN 1..100 LOOP
               EXECUTE format('CREATE TABLE s%s.t%s (id bigint PRIMARY KEY, prev bigint %s, v text)', s, t,
                 CASE WHEN t > 1 THEN format('REFERENCES s%s.t%s (id)', s, t - 1) ELSE '' END);
               EXECUTE format('CREATE INDEX ON s%s.t%s (v)', s, t);
               EXECUTE format('COMMENT ON TABLE s%s.t%s IS %L', s, t, 'table ' || t);
             END LOOP;
           END LOOP;
         END $$",
    );
    cluster.psql("bench", "ANALYZE");
    cluster.psql("postgres", "SELECT pg_stat_statements_reset()");

    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "postgres"));
    collector.ensure_connected().await.unwrap();
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let round = collector.collect(Tier::Schema).await.expect("schema round");
    let (wall, cpu) = (wall.elapsed(), cpu_seconds() - cpu);
    let snap = schema_of(&round);
    let bench = db(snap, "bench");
    let tables: usize = bench.schemas.iter().map(|s| s.tables.len()).sum();
    assert_eq!(tables, 2000, "{:?} {:?}", bench.error, round.problems);

    let json = serde_json::to_vec(&SampleBody::Schema(snap.clone())).unwrap();
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(3));
    std::io::Write::write_all(&mut enc, &json).unwrap();
    let compressed = enc.finish().unwrap();

    let client = cluster.client("postgres").await;
    let rows = client
        .query(
            "SELECT d.datname::text, s.calls, s.total_exec_time, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 60)
             FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
             JOIN pg_database d ON d.oid = s.dbid
             WHERE r.rolname = 'monitor' ORDER BY s.total_exec_time DESC",
            &[],
        )
        .await
        .unwrap();
    let server_ms: f64 = rows.iter().map(|r| r.get::<_, f64>(2)).sum();
    eprintln!("schema round over {} databases, {tables} tables in bench:", snap.databases.len());
    eprintln!("  wall {:.3} s, client CPU {:.3} s, server exec {server_ms:.1} ms", wall.as_secs_f64(), cpu);
    eprintln!("  snapshot JSON {} bytes, deflated {} bytes", json.len(), compressed.len());
    // What the size functions cost against relpages (the choice documented in schema_queries.rs).
    let bench_client = cluster.client("bench").await;
    for (what, sql) in [
        (
            "relpages * block_size",
            "SELECT sum(relpages)::int8 FROM pg_class WHERE relkind IN ('r', 'i', 't')",
        ),
        (
            "pg_relation_size (tables, indexes, TOAST)",
            "SELECT sum(pg_relation_size(oid))::int8 FROM pg_class WHERE relkind IN ('r', 'i', 't')",
        ),
        (
            "pg_table_size + TOAST total (tables)",
            "SELECT sum(pg_table_size(oid) + coalesce(pg_total_relation_size(nullif(reltoastrelid, 0)), 0))::int8 FROM pg_class WHERE relkind = 'r'",
        ),
        (
            "pg_stats widths by table",
            "SELECT count(*) FROM (SELECT schemaname, tablename, sum(avg_width) FROM pg_stats GROUP BY 1, 2) x",
        ),
    ] {
        let started = Instant::now();
        bench_client.query_one(sql, &[]).await.unwrap();
        eprintln!("  {what}: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    }
    for r in rows.iter().take(8) {
        eprintln!(
            "  {:>8.1} ms {:>3} calls [{}] {}",
            r.get::<_, f64>(2),
            r.get::<_, i64>(1),
            r.get::<_, String>(0),
            r.get::<_, String>(3)
        );
    }
}
