//! The whole program against a real server: `logstag snapshot` through the binary,
//! and collectors → pipeline → SQLite history through `monitor::start`.

use crate::support::postgres::TestCluster;
use logstag::collectors::registry::RunMode;
use logstag::config::{Config, Intervals};
use logstag::model::{SampleBody, Timestamp, metric};
use logstag::monitor;
use logstag::store::Store;
use std::process::Command;
use std::time::Duration;

#[test]
fn snapshot_prints_one_round_of_every_tier_as_json() {
    let cluster = TestCluster::shared();
    let url = format!("postgresql://monitor@127.0.0.1:{}/app?sslmode=disable", cluster.port);
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["snapshot", &url, "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let target = &json["targets"][0];
    assert_eq!(target["engine"], "PostgreSQL");
    assert_eq!(target["status"]["state"], "up", "{target:#}");
    let kinds: Vec<&str> =
        target["samples"].as_array().unwrap().iter().filter_map(|s| s["body"]["kind"].as_str()).collect();
    for kind in
        ["instance", "activity", "databases", "queries", "replication", "settings", "metrics", "status"]
    {
        assert!(kinds.contains(&kind), "no {kind} sample in {kinds:?}");
    }
    let instance =
        target["samples"].as_array().unwrap().iter().find(|s| s["body"]["kind"] == "instance").unwrap();
    assert!(instance["body"]["data"]["version"].as_str().unwrap().starts_with(char::is_numeric));
}

/// `--interval`: the statement statistics read twice, and what ran in between printed;
/// without it the one reading's totals since the last reset, with that reset's time.
#[test]
fn snapshot_with_an_interval_lists_what_ran_in_between() {
    let cluster = TestCluster::shared();
    let url = format!("postgresql://monitor@127.0.0.1:{}/app?sslmode=disable", cluster.port);
    // Its own shape: pg_stat_statements merges statements by shape, not by alias.
    let marker = "length(md5(relname))";
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (stop, port) = (stop.clone(), cluster.port);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let conn = format!("host=127.0.0.1 port={port} user=monitor dbname=app");
                let (client, connection) =
                    tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    client.simple_query(&format!("SELECT {marker} FROM pg_class LIMIT 3")).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        })
    };
    let snapshot = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
            .args(["snapshot", &url])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let with_interval = snapshot(&["--interval", "3"]);
    let without = snapshot(&[]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    load.join().unwrap();

    let queries = |json: &serde_json::Value| -> Vec<serde_json::Value> {
        json["targets"][0]["samples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["body"]["kind"] == "queries")
            .cloned()
            .collect()
    };
    let delta = queries(&with_interval);
    assert_eq!(delta.len(), 1, "one statement list, the baseline left out: {delta:#?}");
    let statements = delta[0]["body"]["data"]["stats"].as_array().unwrap();
    let ours = statements.iter().find(|q| q["text"].as_str().is_some_and(|t| t.contains(marker)));
    let calls = ours.map(|q| q["calls"].as_u64().unwrap()).unwrap_or(0);
    assert!(calls >= 10, "the marker ran ~20 times a second for 3 s: {calls} calls in {statements:#?}");
    // Our own reads are there, marked as ours (Queries hides them by default); the
    // application's statement is not.
    let own = |q: &serde_json::Value| q["own_statement"].as_f64() == Some(1.0);
    assert!(ours.is_some_and(|q| !own(q)));
    let ours_read = statements
        .iter()
        .filter(|q| q["text"].as_str().is_some_and(|t| t.contains("FROM pg_stat_statements(")));
    assert!(ours_read.clone().count() > 0 && ours_read.clone().all(own), "{statements:#?}");
    assert_eq!(with_interval["targets"][0]["statement_statistics"], "deltas");
    assert_eq!(without["targets"][0]["statement_statistics"], "totals_since_reset");
    let totals = queries(&without);
    assert_eq!(totals.len(), 1, "{totals:#?}");
    // pg_stat_statements_info.stats_reset (PG 14+): the extension was created with the cluster.
    let reset = totals[0]["body"]["data"]["since"].as_i64().expect("the reset time");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!(reset > now - 24 * 3_600_000 && reset < now, "reset at {reset}, now {now}");
    let listed = totals[0]["body"]["data"]["stats"].as_array().unwrap();
    let total_calls = listed
        .iter()
        .find(|q| q["text"].as_str().is_some_and(|t| t.contains(marker)))
        .map(|q| q["calls"].as_u64().unwrap())
        .unwrap_or(0);
    assert!(total_calls >= calls, "totals since the reset ({total_calls}) hold the interval's {calls} calls");
}

#[test]
fn snapshot_of_an_unreachable_server_reports_it_down_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args([
            "snapshot",
            "postgresql://monitor:pw-secret@127.0.0.1:1/app?sslmode=disable&connect_timeout=2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["targets"][0]["status"]["state"], "down");
    assert!(json["targets"][0]["status"]["error"].as_str().unwrap().contains("127.0.0.1:1"));
    assert!(!stdout.contains("pw-secret") && !String::from_utf8_lossy(&out.stderr).contains("pw-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_round_lands_in_the_history() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut cfg = Config::default();
    let mut target = cluster.target_config("monitor", "app");
    target.intervals = Intervals {
        high: Some(Duration::from_secs(1)),
        medium: Some(Duration::from_secs(1)),
        low: None,
        schema: None,
    };
    let id = target.id();
    cfg.targets.push(target);
    let started = Timestamp::now();
    {
        let store = Store::open(&path, Duration::from_secs(3600)).unwrap();
        let running = monitor::start(&cfg, store, None, None, RunMode::Continuous).await;
        tokio::time::sleep(Duration::from_millis(3500)).await;
        running.stop().await;
    }
    // Reopen the file: what the running program recorded is on disk.
    let store = Store::open(&path, Duration::from_secs(3600)).unwrap();
    let now = Timestamp::now();
    let tps = store.series(&id, metric::TPS, None, started, now).await.unwrap();
    assert!(tps.len() >= 2, "TPS points: {tps:?}");
    let states = store.series_by_key(&id, metric::SESSIONS_BY_STATE, started, now).await.unwrap();
    assert!(states.iter().any(|(k, _)| k == "Active"), "{states:?}");
    let activity = store.snapshot_at(&id, "activity", now).await.unwrap().unwrap();
    assert!(matches!(activity.body, SampleBody::Activity(_)));
    let status = store.snapshot_at(&id, "status", now).await.unwrap().unwrap();
    assert!(matches!(status.body, SampleBody::Status(_)));
}

/// An idle transaction held past the threshold fires `pg.idle_in_transaction`, the event
/// is stored with the moment it fired; ending the transaction resolves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_in_transaction_alert_fires_is_stored_and_resolves() {
    use logstag::alerts::{AlertEngine, load_rules};
    use logstag::config::AlertOverrides;
    use logstag::model::{AlertEventKind, Severity};

    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut cfg = Config::default();
    let mut target = cluster.target_config("monitor", "app");
    target.name = "alerts-live".into();
    target.intervals =
        Intervals { high: Some(Duration::from_secs(1)), medium: None, low: None, schema: None };
    let id = target.id();
    cfg.targets.push(target);
    // The shipped threshold is a minute; one second keeps the test short.
    let mut overrides = AlertOverrides::default();
    overrides
        .thresholds
        .insert("pg.idle_in_transaction".into(), [(Severity::Medium, 1.0)].into_iter().collect());
    cfg.alerts.targets.insert("alerts-live".into(), overrides);
    let (rules, errors) = load_rules(None);
    assert!(errors.is_empty(), "{errors:?}");

    let client = cluster.client("app").await;
    client.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let started = Timestamp::now();
    let store = Store::open(&path, Duration::from_secs(3600)).unwrap();
    let running = monitor::start(
        &cfg,
        store.clone(),
        None,
        Some(AlertEngine::for_config(rules, &cfg)),
        RunMode::Continuous,
    )
    .await;

    let idle_alerts = |events: Vec<logstag::model::AlertEvent>| -> Vec<logstag::model::AlertEvent> {
        events
            .into_iter()
            .filter(|e| e.rule == "pg.idle_in_transaction" && e.key == pid.to_string())
            .collect()
    };
    let mut fired = Vec::new();
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        fired = idle_alerts(store.alert_history(Some(&id), started, Timestamp::now(), 100).await.unwrap());
        if !fired.is_empty() {
            break;
        }
    }
    let first = fired.last().expect("idle-in-transaction alert stored");
    assert_eq!(first.kind, AlertEventKind::Fired);
    assert_eq!(first.severity, Severity::Medium);
    assert!(first.value >= 1.0, "{first:?}");
    // The event points at the sample that caused it.
    let moment = store.snapshot_at(&id, "activity", first.at).await.unwrap().expect("activity at the alert");
    assert_eq!(moment.taken_at, first.at);

    client.batch_execute("COMMIT").await.unwrap();
    let mut resolved = false;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let events =
            idle_alerts(store.alert_history(Some(&id), started, Timestamp::now(), 100).await.unwrap());
        if events.iter().any(|e| e.kind == AlertEventKind::Resolved) {
            resolved = true;
            break;
        }
    }
    running.stop().await;
    assert!(resolved, "the alert resolved after COMMIT");
}
