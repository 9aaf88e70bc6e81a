//! `scope = "database"` against a real server with two databases: the target reads its
//! own database's schema, statements, sessions, counters and size, and nothing of the
//! other; a cluster-scoped target on the same server still reads everything.

use crate::support::postgres::TestCluster;
use logstag::collectors::postgres::PostgresCollector;
use logstag::collectors::postgres::scope::{CLUSTER, DATABASE};
use logstag::collectors::postgres::spec::SPEC;
use logstag::collectors::{Collected, Collector};
use logstag::config::{EngineOptions, OptionValue, TargetConfig};
use logstag::model::{Metric, SampleBody, Session, Tier, metric};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(30);

fn target(cluster: &TestCluster, scope: &str) -> TargetConfig {
    let mut options = EngineOptions::defaults(SPEC.options);
    options.set("postgresql", "scope", OptionValue::Text(scope.to_owned()));
    TargetConfig { options, ..cluster.target_config("monitor", "app") }
}

fn body<T>(c: &Collected, pick: impl Fn(&SampleBody) -> Option<&T>) -> &T {
    c.bodies.iter().find_map(pick).unwrap_or_else(|| panic!("body missing in {:?}", c.bodies))
}

fn schema_databases(c: &Collected) -> Vec<String> {
    let snapshot = body(c, |b| if let SampleBody::Schema(s) = b { Some(s) } else { None });
    snapshot.databases.iter().map(|d| d.name.clone()).collect()
}

fn statement_databases(c: &Collected, marker: &str) -> Vec<String> {
    let queries = body(c, |b| if let SampleBody::Queries(q) = b { Some(q) } else { None });
    queries.stats.iter().filter(|s| s.text.contains(marker)).map(|s| s.database.clone()).collect()
}

fn counter_databases(c: &Collected) -> Vec<String> {
    let databases = body(c, |b| if let SampleBody::Databases(d) = b { Some(d) } else { None });
    databases.iter().map(|d| d.name.clone()).collect()
}

fn sized_databases(c: &Collected) -> Vec<String> {
    let metrics: Vec<&Metric> = c
        .bodies
        .iter()
        .filter_map(|b| if let SampleBody::Metrics(m) = b { Some(m) } else { None })
        .flatten()
        .filter(|m| m.name == metric::DATABASE_SIZE_BYTES)
        .collect();
    metrics.iter().map(|m| m.key.clone()).collect()
}

/// High rounds until both sleepers have been seen by the cluster-scoped collector; the
/// scoped collector's sessions of the same moment.
async fn sessions_of_both(
    scoped: &mut PostgresCollector,
    whole: &mut PostgresCollector,
    pids: [i64; 2],
) -> (Vec<Session>, Vec<Session>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let sessions = |c: &Collected| {
            body(c, |b| if let SampleBody::Activity(a) = b { Some(a) } else { None }).sessions.clone()
        };
        let all = sessions(&whole.collect(Tier::High).await.expect("cluster high round"));
        let own = sessions(&scoped.collect(Tier::High).await.expect("scoped high round"));
        let seen = |list: &[Session], pid| list.iter().any(|s| s.id == pid && s.query.contains("pg_sleep"));
        if pids.iter().all(|pid| seen(&all, *pid)) && seen(&own, pids[0]) {
            return (own, all);
        }
        assert!(Instant::now() < deadline, "sleepers not seen within {PATIENCE:?}: {all:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn backend_pid(client: &tokio_postgres::Client) -> i64 {
    i64::from(client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get::<_, i32>(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_scoped_target_reads_only_its_database() {
    let cluster = TestCluster::start();
    cluster.psql("postgres", "CREATE DATABASE other");
    cluster.psql("app", "CREATE TABLE app_only (id int)");
    cluster.psql("other", "CREATE TABLE other_only (id int)");
    let mut scoped = PostgresCollector::new(&target(&cluster, DATABASE));
    let mut whole = PostgresCollector::new(&target(&cluster, CLUSTER));

    // Schema: one database against all that accept connections.
    let own = schema_databases(&scoped.collect(Tier::Schema).await.expect("scoped schema"));
    assert_eq!(own, ["app"]);
    let all = schema_databases(&whole.collect(Tier::Schema).await.expect("cluster schema"));
    for name in ["app", "other", "postgres"] {
        assert!(all.iter().any(|d| d == name), "{name} missing from {all:?}");
    }

    // Statements: a statement run in `other` is not the scoped target's.
    scoped.collect(Tier::Medium).await.expect("scoped baseline");
    whole.collect(Tier::Medium).await.expect("cluster baseline");
    let (app, other) = (cluster.client("app").await, cluster.client("other").await);
    for i in 0..3 {
        app.simple_query(&format!("SELECT {i} AS scope_marker")).await.unwrap();
        other.simple_query(&format!("SELECT {i} AS scope_marker")).await.unwrap();
    }
    let own =
        statement_databases(&scoped.collect(Tier::Medium).await.expect("scoped medium"), "scope_marker");
    assert_eq!(own, ["app"]);
    let mut all =
        statement_databases(&whole.collect(Tier::Medium).await.expect("cluster medium"), "scope_marker");
    all.sort();
    assert_eq!(all, ["app", "other"]);

    // Sessions: a sleeper in each database; the scoped target sees only its own.
    let (app_pid, other_pid) = (backend_pid(&app).await, backend_pid(&other).await);
    let (app_cancel, other_cancel) = (app.cancel_token(), other.cancel_token());
    let app_sleep = tokio::spawn(async move { app.simple_query("SELECT pg_sleep(30)").await });
    let other_sleep = tokio::spawn(async move { other.simple_query("SELECT pg_sleep(30)").await });
    let (own, all) = sessions_of_both(&mut scoped, &mut whole, [app_pid, other_pid]).await;
    assert!(own.iter().all(|s| s.database == "app"), "{own:?}");
    assert!(!own.iter().any(|s| s.id == other_pid), "{own:?}");
    assert!(all.iter().any(|s| s.database == "other"), "{all:?}");
    let _ = app_cancel.cancel_query(tokio_postgres::NoTls).await;
    let _ = other_cancel.cancel_query(tokio_postgres::NoTls).await;
    let _ = (app_sleep.await, other_sleep.await);

    // pg_stat_database counters and sizes.
    let own = counter_databases(&scoped.collect(Tier::High).await.expect("scoped high"));
    assert_eq!(own, ["app"]);
    let all = counter_databases(&whole.collect(Tier::High).await.expect("cluster high"));
    assert!(all.iter().any(|d| d == "other"), "{all:?}");
    // The second low round of a connection sizes every database (the first only its own).
    for _ in 0..2 {
        let own = sized_databases(&scoped.collect(Tier::Low).await.expect("scoped low"));
        assert_eq!(own, ["app"]);
    }
    whole.collect(Tier::Low).await.expect("cluster low, first");
    let all = sized_databases(&whole.collect(Tier::Low).await.expect("cluster low"));
    assert!(all.iter().any(|d| d == "other"), "{all:?}");
}
