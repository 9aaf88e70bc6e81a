//! The whole program against a real server: `logstag snapshot` through the binary,
//! and collectors → pipeline → SQLite history through `app::start`.

use crate::support::postgres::TestCluster;
use logstag::app;
use logstag::collectors::registry::RunMode;
use logstag::config::{Config, Intervals};
use logstag::model::{SampleBody, Timestamp, metric};
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
        let running = app::start(&cfg, store, None, None, RunMode::Continuous);
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
