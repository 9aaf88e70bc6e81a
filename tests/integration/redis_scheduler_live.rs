//! Redis targets through the scheduler and the whole pipeline: a narrow ACL degrades
//! (never downs) the target, a stopped server goes DOWN and comes back UP, and a Redis
//! and a PostgreSQL target are recorded side by side in the history.

use crate::support::postgres::TestCluster;
use crate::support::redis::{Server, TestRedis};
use logstag::collectors::redis::RedisCollector;
use logstag::collectors::registry::RunMode;
use logstag::collectors::scheduler::{self, SchedulerHandles};
use logstag::config::{Config, Intervals, Secret};
use logstag::model::{SampleBody, TargetStatus, Timestamp, metric};
use logstag::monitor;
use logstag::store::Store;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Runs the scheduler on `target` until `done` holds for what it emitted (or 20 s pass).
async fn run_until(
    target: logstag::config::TargetConfig,
    mut done: impl FnMut(&[SampleBody]) -> bool,
    mut between: impl FnMut(&[SampleBody]),
) -> Vec<SampleBody> {
    let (tx, mut rx) = mpsc::channel(256);
    let (stop, shutdown) = watch::channel(false);
    let handles = SchedulerHandles {
        target: target.id(),
        samples: tx,
        shutdown,
        connect_timeout: Duration::from_secs(2),
        round_timeout: Duration::from_secs(5),
        warmup: Duration::ZERO,
        stagger: Duration::ZERO,
        previous_schema: None,
        schema_now: None,
        retry_now: None,
        backoff_base: Duration::from_millis(200),
        backoff_cap: Duration::from_millis(500),
    };
    let task = tokio::spawn(scheduler::run(RedisCollector::new(&target), target.intervals.clone(), handles));
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(round)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            seen.extend(round.into_iter().map(|s| s.body));
            between(&seen);
            if done(&seen) {
                break;
            }
        }
    }
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(3), task).await;
    seen
}

fn labels(bodies: &[SampleBody]) -> Vec<&'static str> {
    bodies
        .iter()
        .filter_map(|b| if let SampleBody::Status(h) = b { Some(h.status.label()) } else { None })
        .collect()
}

pub async fn a_narrow_acl_degrades_the_target_and_says_what_is_unavailable(kind: Server) {
    let server = TestRedis::start_of(kind);
    redis::cmd("ACL")
        .arg("SETUSER")
        .arg("monitor")
        .arg("on")
        .arg(">monitor-pw")
        .arg("+ping")
        .arg("+info")
        .arg("+select")
        .arg("+client|list")
        .arg("+client|setname")
        .arg("+client|id")
        .exec(&mut server.admin())
        .unwrap();
    let mut target = server.target("narrow");
    target.username = "monitor".into();
    target.password = Secret::new("monitor-pw");
    let config_refused = |bodies: &[SampleBody]| {
        bodies.iter().any(|b| match b {
            SampleBody::Status(h) => match &h.status {
                TargetStatus::Degraded { problems, .. } => {
                    problems.iter().any(|p| p.starts_with("CONFIG GET"))
                }
                _ => false,
            },
            _ => false,
        })
    };
    let seen = run_until(target, config_refused, |_| {}).await;
    let statuses = labels(&seen);
    assert!(!statuses.contains(&"DOWN"), "{statuses:?}");
    let problems = seen
        .iter()
        .rev()
        .find_map(|b| match b {
            SampleBody::Status(h) => match &h.status {
                TargetStatus::Degraded { problems, .. } => Some(problems.clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("a degraded status");
    assert!(problems.iter().any(|p| p.starts_with("CONFIG GET is not permitted: NOPERM")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("SLOWLOG GET is not permitted")), "{problems:?}");
    let facts =
        seen.iter().rev().find_map(|b| if let SampleBody::Posture(f) = b { Some(f) } else { None }).unwrap();
    let unavailable: Vec<&str> =
        facts.iter().filter(|f| f.name == "unavailable").map(|f| f.key.as_str()).collect();
    for command in ["CONFIG GET", "SLOWLOG GET", "ACL USERS"] {
        assert!(unavailable.contains(&command), "{unavailable:?}");
    }
    // What INFO and CLIENT LIST give still arrives.
    assert!(seen.iter().any(|b| matches!(b, SampleBody::Activity(_))));
    assert!(seen.iter().any(|b| matches!(b, SampleBody::Instance(i) if i.product == kind.product())));
}

pub async fn a_stopped_server_goes_down_and_comes_back_up(kind: Server) {
    let mut server = TestRedis::start_of(kind);
    let mut target = server.target("flappy");
    target.intervals =
        Intervals { high: Some(Duration::from_millis(300)), medium: None, low: None, schema: None };
    let mut stopped = false;
    let mut restarted = false;
    let seen = run_until(
        target,
        |b| {
            let l = labels(b);
            l.iter().position(|s| *s == "DOWN").is_some_and(|down| l[down..].contains(&"UP"))
        },
        |b| {
            let l = labels(b);
            if !stopped && l.contains(&"UP") {
                server.stop();
                stopped = true;
            } else if stopped && !restarted && l.contains(&"DOWN") {
                server.start_again();
                restarted = true;
            }
        },
    )
    .await;
    let statuses = labels(&seen);
    let down = statuses.iter().position(|s| *s == "DOWN").expect("DOWN after the stop");
    assert!(statuses[down..].contains(&"UP"), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_and_postgres_targets_are_recorded_side_by_side() {
    let cluster = TestCluster::shared();
    let redis_server = TestRedis::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let fast = Intervals {
        high: Some(Duration::from_secs(1)),
        medium: Some(Duration::from_secs(1)),
        low: None,
        schema: None,
    };
    let mut pg = cluster.target_config("monitor", "app");
    pg.intervals = fast.clone();
    let mut cache = redis_server.target("cache");
    cache.intervals = fast;
    let (pg_id, cache_id) = (pg.id(), cache.id());
    let cfg = Config { targets: vec![pg, cache], ..Config::default() };
    let started = Timestamp::now();
    {
        let store = Store::open(&path, Duration::from_secs(3600)).unwrap();
        let running = monitor::start(&cfg, store, None, None, RunMode::Continuous).await;
        tokio::time::sleep(Duration::from_millis(3500)).await;
        running.stop().await;
    }
    let store = Store::open(&path, Duration::from_secs(3600)).unwrap();
    let now = Timestamp::now();
    for id in [&pg_id, &cache_id] {
        let tps = store.series(id, metric::TPS, None, started, now).await.unwrap();
        assert!(!tps.is_empty(), "{id}: TPS points: {tps:?}");
        let status = store.snapshot_at(id, "status", now).await.unwrap().unwrap();
        assert!(
            matches!(&status.body, SampleBody::Status(h) if matches!(h.status, TargetStatus::Up { .. })),
            "{id}: {status:?}"
        );
    }
    let instance = store.snapshot_at(&cache_id, "instance", now).await.unwrap().unwrap();
    assert!(
        matches!(&instance.body, SampleBody::Instance(i) if i.product == "Redis" && i.version.starts_with("7."))
    );
    let slowlog = store.snapshot_at(&cache_id, "slowlog", now).await.unwrap();
    assert!(slowlog.is_some(), "the slow-log body is stored");
    let keyspace = store.snapshot_at(&cache_id, "keyspace", now).await.unwrap();
    assert!(keyspace.is_some(), "the keyspace body is stored");
}
