//! What newer PostgreSQL versions add, read version-aware from real servers (run for
//! every version by `pg_versions.rs`), and a physical streaming replica.

use crate::support::postgres::TestCluster;
use logstag::collectors::postgres::PostgresCollector;
use logstag::collectors::postgres::io::pg_metric;
use logstag::collectors::{Collected, Collector};
use logstag::model::{Metric, Replication, SampleBody, ServerRole, Setting, Tier, metric};
use std::time::{Duration, Instant};
use tokio::time::sleep;

const PATIENCE: Duration = Duration::from_secs(30);

fn metrics(c: &Collected) -> Vec<Metric> {
    c.bodies
        .iter()
        .filter_map(|b| match b {
            SampleBody::Metrics(m) => Some(m.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn replication(c: &Collected) -> Option<Replication> {
    c.bodies.iter().find_map(|b| match b {
        SampleBody::Replication(r) => Some(r.clone()),
        _ => None,
    })
}

fn settings(c: &Collected) -> Vec<Setting> {
    c.bodies
        .iter()
        .find_map(|b| match b {
            SampleBody::Settings(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Checkpointer counters on every version, pg_stat_io from 16 (in bytes from 18), the
/// busiest backends and the asynchronous I/O settings from 18, and none of these where the
/// server has no such view.
pub async fn io_checkpointer_and_aio_follow_the_version(major: u32) {
    let cluster = TestCluster::shared_version(major);
    assert_eq!(cluster.major, major);
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "app"));
    let worker = cluster.client("app").await;
    let worker_pid: i32 = worker.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let baseline = collector.collect(Tier::Medium).await.expect("baseline");
    assert!(baseline.problems.is_empty(), "pg_monitor suffices: {:?}", baseline.problems);

    // Relation files grow (extends), then a requested checkpoint writes them out.
    worker
        .batch_execute(
            "CREATE TABLE io_matrix AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 40000) g;
             CHECKPOINT",
        )
        .await
        .unwrap();
    let extended = |m: &[Metric]| {
        m.iter().any(|x| {
            x.name == pg_metric::IO_EXTEND_BYTES_PER_S && x.key == "client backend/relation" && x.value > 0.0
        })
    };
    let checkpointed =
        |m: &[Metric]| m.iter().any(|x| x.name == metric::CHECKPOINTS_REQ_PER_MIN && x.value > 0.0);
    let busiest = |m: &[Metric]| {
        m.iter().any(|x| x.name == pg_metric::BACKEND_IO_BYTES_PER_S && x.key == worker_pid.to_string())
    };
    // Counters reach the views when a backend flushes its statistics (at idle, at most
    // once a second), so rounds are read until every expected rate has shown up once.
    let mut seen: Vec<Metric> = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        sleep(Duration::from_millis(500)).await;
        let round = collector.collect(Tier::Medium).await.expect("medium round");
        assert!(round.problems.is_empty(), "{:?}", round.problems);
        seen.extend(metrics(&round));
        let done = checkpointed(&seen) && (major < 16 || extended(&seen)) && (major < 18 || busiest(&seen));
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "PG {major}: rates not seen within {PATIENCE:?}: {seen:?}");
    }
    let has = |name: &str| seen.iter().any(|m| m.name == name);
    assert_eq!(has(pg_metric::IO_READ_BYTES_PER_S), major >= 16, "pg_stat_io exists from PG 16");
    assert_eq!(has(pg_metric::CHECKPOINTS_DONE_PER_MIN), major >= 18, "num_done exists from PG 18");
    assert_eq!(has(pg_metric::SLRU_WRITTEN_PER_S), major >= 18);
    assert_eq!(has(pg_metric::BACKEND_IO_BYTES_PER_S), major >= 18);
    if major >= 18 {
        let done = seen.iter().filter(|m| m.name == pg_metric::CHECKPOINTS_DONE_PER_MIN).map(|m| m.value);
        assert!(done.fold(0.0, f64::max) > 0.0, "the CHECKPOINT completed: {seen:?}");
        // PG 18 has WAL rows in pg_stat_io: the WAL of the table above was written.
        assert!(seen.iter().any(|m| m.name == pg_metric::IO_WRITE_BYTES_PER_S && m.key.ends_with("/wal")));
    }

    let low = collector.collect(Tier::Low).await.expect("low round");
    let settings = settings(&low);
    let get = |name: &str| settings.iter().find(|s| s.name == name).map(|s| s.value.clone());
    assert!(get("effective_io_concurrency").is_some());
    assert_eq!(get("io_method").is_some(), major >= 18, "asynchronous I/O settings from PG 18");
    if major >= 18 {
        assert_eq!(get("io_method").as_deref(), Some("worker"), "the default method");
        assert!(get("io_workers").is_some() && get("io_max_concurrency").is_some());
    }
    assert_eq!(get("io_combine_limit").is_some(), major >= 17);
}

/// A real standby made from the primary (pg_basebackup -R, or the backup API where the
/// client is older than the server), streaming through a slot: the primary sees the
/// replica, its lag and both slots; the standby sees its WAL receiver and a replay delay,
/// which is what the Overview's lag column shows.
pub async fn streaming_replica_shows_lag_slots_and_receiver(major: u32) {
    let primary = TestCluster::start_version(major);
    primary.psql("postgres", "SELECT pg_create_physical_replication_slot('standby_slot', true)");
    primary.psql("postgres", "SELECT pg_create_physical_replication_slot('forgotten_slot', true)");
    primary.psql("postgres", "CREATE TABLE replicated (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
    let replica = primary.start_replica("standby_slot");
    let writer = primary.client("postgres").await;

    let mut on_primary = PostgresCollector::new(&primary.target_config("monitor", "postgres"));
    let mut on_standby = PostgresCollector::new(&replica.target_config("monitor", "postgres"));
    let (mut primary_ok, mut standby_ok) = (None, None);
    let deadline = Instant::now() + PATIENCE;
    while primary_ok.is_none() || standby_ok.is_none() {
        // Write load keeps the lag columns of pg_stat_replication filled (they go NULL
        // once an idle standby has caught up).
        writer.batch_execute("INSERT INTO replicated DEFAULT VALUES").await.unwrap();
        let round = on_primary.collect(Tier::Medium).await.expect("primary medium");
        let lag =
            metrics(&round).iter().find(|m| m.name == metric::REPLICATION_LAG_S && m.key.is_empty()).cloned();
        if let Some(r) = replication(&round)
            && r.replicas.iter().any(|x| x.state == "streaming")
            && lag.is_some()
        {
            primary_ok = Some((r, lag, metrics(&round)));
        }
        let round = on_standby.collect(Tier::Medium).await.expect("standby medium");
        let lag =
            metrics(&round).iter().find(|m| m.name == metric::REPLICATION_LAG_S && m.key.is_empty()).cloned();
        if let Some(r) = replication(&round)
            && r.receiver.as_ref().is_some_and(|w| w.status == "streaming")
            && lag.is_some()
        {
            assert!(round.problems.is_empty(), "{:?}", round.problems);
            standby_ok = Some((r, lag));
        }
        assert!(
            Instant::now() < deadline,
            "PG {major}: replication not seen within {PATIENCE:?}: primary {primary_ok:?} standby {standby_ok:?}"
        );
        sleep(Duration::from_millis(200)).await;
    }
    let (r, lag, primary_metrics) = primary_ok.unwrap();
    assert_eq!(r.role, ServerRole::Primary);
    let streaming = r.replicas.iter().find(|x| x.state == "streaming").unwrap();
    assert_eq!(streaming.client, "127.0.0.1");
    assert!(streaming.replay_lag_bytes.is_some(), "{streaming:?}");
    assert!(lag.is_some_and(|m| m.value >= 0.0 && m.value < 30.0));
    let slot =
        |name: &str| r.slots.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name}: {r:?}"));
    assert!(slot("standby_slot").active && slot("standby_slot").slot_type == "physical");
    assert!(!slot("forgotten_slot").active, "nobody streams from it");
    // The unused slot holds back every byte written since it was made.
    assert!(slot("forgotten_slot").retained_bytes.is_some_and(|b| b > 0), "{r:?}");
    assert!(
        primary_metrics.iter().any(|m| m.name == metric::SLOT_RETAINED_BYTES && m.key == "forgotten_slot"),
        "{primary_metrics:?}"
    );

    let (r, lag) = standby_ok.unwrap();
    assert_eq!(r.role, ServerRole::Standby);
    let receiver = r.receiver.unwrap();
    assert_eq!(receiver.sender, "127.0.0.1");
    assert!(receiver.last_msg_age_s.is_some() && receiver.replay_delay_s.is_some(), "{receiver:?}");
    assert!(lag.is_some_and(|m| m.value >= 0.0 && m.value < 30.0), "the Overview's lag column");
    assert!(r.replicas.is_empty(), "a standby lists no replicas of its own");
    let high = on_standby.collect(Tier::High).await.expect("standby high");
    let role = high.bodies.iter().find_map(|b| match b {
        SampleBody::Instance(i) => Some(i.role),
        _ => None,
    });
    assert_eq!(role, Some(ServerRole::Standby));

    // And the rows really arrived on the standby.
    let wanted: i64 = writer.query_one("SELECT count(*) FROM replicated", &[]).await.unwrap().get(0);
    let reader = replica.client("postgres").await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let got: i64 = reader.query_one("SELECT count(*) FROM replicated", &[]).await.unwrap().get(0);
        if got >= wanted {
            break;
        }
        assert!(Instant::now() < deadline, "standby has {got} of {wanted} rows");
        sleep(Duration::from_millis(100)).await;
    }
}
