//! Time travel against a real PostgreSQL: a blocking chain that later ends and a
//! statement run N times in one interval and not in the next are recorded by the running
//! program; then the UI, paused at the earlier instant, shows the chain and the N calls,
//! and at the later one neither.

use crate::support::postgres::TestCluster;
use logstag::collectors::registry::RunMode;
use logstag::config::{Config, Intervals};
use logstag::model::{SampleBody, Timestamp};
use logstag::monitor;
use logstag::store::Store;
use logstag::ui::UiUpdate;
use logstag::ui::action::{Action, Effect};
use logstag::ui::app::App;
use logstag::ui::format::date_time;
use std::path::Path;
use std::time::Duration;

/// Run this many times in one statement interval, and never again.
const CALLS: u64 = 7;
const MARKER: &str = "tt_marker_7";

pub struct Recorded {
    pub target: logstag::model::TargetInfo,
    /// An instant while the chain held and the statement ran (whole second).
    pub during: Timestamp,
    /// An instant after both ended.
    pub after: Timestamp,
}

/// Runs the monitor on `path` while the incident happens; returns the two instants.
pub async fn record_incident(cluster: &TestCluster, path: &Path, name: &str) -> Recorded {
    let mut cfg = Config::default();
    let mut target = cluster.target_config("monitor", "app");
    target.name = name.into();
    target.intervals = Intervals {
        high: Some(Duration::from_secs(1)),
        medium: Some(Duration::from_secs(2)),
        low: None,
        schema: None,
    };
    let info = target.info();
    let id = target.id();
    cfg.targets.push(target);
    let table = format!("tt_{}", name.replace('-', "_"));
    let setup = cluster.client("app").await;
    setup
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id int PRIMARY KEY, n int);
             INSERT INTO {table} VALUES (1, 0); GRANT ALL ON {table} TO PUBLIC;"
        ))
        .await
        .unwrap();
    let store = Store::open(path, Duration::from_secs(3600)).unwrap();
    let running = monitor::start(&cfg, store.clone(), None, None, RunMode::Continuous).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;

    // The chain: a transaction holds the row, another waits for it.
    let holder = cluster.client("app").await;
    holder.batch_execute(&format!("BEGIN; UPDATE {table} SET n = n + 1 WHERE id = 1")).await.unwrap();
    let waiter = cluster.client("app").await;
    let blocked = {
        let sql = format!("UPDATE {table} SET n = n + 10 WHERE id = 1");
        tokio::spawn(async move { waiter.batch_execute(&sql).await })
    };
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // N calls in one go, so that one statement reading holds them all.
    let burst: String = (0..CALLS).map(|_| format!("SELECT 1 AS {MARKER};")).collect();
    let client = cluster.client("app").await;
    client.simple_query(&burst).await.unwrap();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    holder.batch_execute("ROLLBACK").await.unwrap();
    blocked.await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let after = Timestamp::now();
    running.stop().await;

    // The reading that holds the burst: the instant just before it lies in its interval.
    let mut reading = None;
    let mut at = Timestamp::now();
    while let Some(sample) = store.snapshot_at(&id, "queries", at).await.unwrap() {
        let SampleBody::Queries(q) = &sample.body else { break };
        if q.stats.iter().any(|s| s.text.contains(MARKER)) {
            reading = Some(sample.taken_at);
        }
        at = Timestamp(sample.taken_at.millis() - 1);
    }
    let reading = reading.expect("a statement reading with the burst");
    // A whole second, as typed at the `t` prompt; readings are 2 s apart, so the one
    // before lies before it.
    let during = Timestamp((reading.millis() - 1).div_euclid(1000) * 1000);
    Recorded { target: info, during, after }
}

/// The app at `at`, as the `t` prompt takes the user there, with the answer read from
/// `store` (the loader the UI runs off its task).
pub async fn app_at(store: &Store, target: &logstag::model::TargetInfo, at: Timestamp) -> App {
    let mut app =
        App::new(vec![target.clone()], logstag::ui::theme::Theme::default(), Duration::from_secs(900));
    app.time.tick(Timestamp::now().millis());
    app.apply(Action::StartTimeInput);
    for c in date_time(at.millis()).chars() {
        app.apply(Action::TimeInput(c));
    }
    let effects = app.apply(Action::TimeAccept);
    let Some(Effect::LoadMoment(request)) = effects.into_iter().find(|e| matches!(e, Effect::LoadMoment(_)))
    else {
        panic!("the prompt asked for no moment");
    };
    let answer = logstag::ui::travel::read(store, &request).await;
    assert_eq!(answer.problem, None);
    app.update(UiUpdate::Moment(Box::new(answer)));
    app
}

pub fn blocked_pairs(app: &App) -> Vec<(i64, Vec<i64>)> {
    app.sessions().iter().filter(|s| !s.blocked_by.is_empty()).map(|s| (s.id, s.blocked_by.clone())).collect()
}

pub fn marker_calls(app: &App) -> Option<u64> {
    app.query_stats().iter().find(|q| q.text.contains(MARKER)).map(|q| q.calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_at_the_incident_the_chain_and_the_calls_show_and_after_it_neither() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let recorded = record_incident(cluster, &path, "time-travel").await;
    let store = Store::open(&path, Duration::from_secs(3600)).unwrap();

    let during = app_at(&store, &recorded.target, recorded.during).await;
    assert!(during.time.paused());
    assert_eq!(during.time.travel.as_ref().map(|t| t.at), Some(recorded.during));
    let chain = blocked_pairs(&during);
    assert_eq!(chain.len(), 1, "one session waits for the holder: {chain:?}");
    let holder = chain[0].1[0];
    assert!(during.sessions().iter().any(|s| s.id == holder), "the holder is on screen too");
    assert_eq!(marker_calls(&during), Some(CALLS));

    let after = app_at(&store, &recorded.target, recorded.after).await;
    assert!(blocked_pairs(&after).is_empty(), "{:?}", after.sessions());
    assert_eq!(marker_calls(&after), None);
}
