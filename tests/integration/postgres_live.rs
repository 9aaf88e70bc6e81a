//! The PostgreSQL collector against a real server started by the harness.

use crate::support::postgres::{PWUSER_PASSWORD, TestCluster};
use logstag::collectors::postgres::statement_counters as counters;
use logstag::collectors::postgres::{PostgresCollector, driver_config};
use logstag::collectors::scheduler::{self, SchedulerHandles};
use logstag::collectors::{CollectError, Collected, Collector};
use logstag::config::{Intervals, Secret, TlsMode};
use logstag::model::{
    ActivitySnapshot, QueryStatsSnapshot, Sample, SampleBody, ServerRole, SessionState, StatsAvailability,
    TargetStatus, Tier, blocking_forest, metric,
};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, timeout};

const PATIENCE: Duration = Duration::from_secs(30);

fn activity(c: &Collected) -> Option<&ActivitySnapshot> {
    c.bodies.iter().find_map(|b| match b {
        SampleBody::Activity(a) => Some(a),
        _ => None,
    })
}

fn queries(c: &Collected) -> Option<&QueryStatsSnapshot> {
    c.bodies.iter().find_map(|b| match b {
        SampleBody::Queries(q) => Some(q),
        _ => None,
    })
}

/// Collects `tier` until `found` returns something (servers and CI are slow).
async fn collect_until<T>(
    collector: &mut PostgresCollector,
    tier: Tier,
    mut found: impl FnMut(&Collected) -> Option<T>,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let collected = collector.collect(tier).await.expect("collect");
        if let Some(t) = found(&collected) {
            return t;
        }
        assert!(Instant::now() < deadline, "not seen within {PATIENCE:?}: {:?}", collected.bodies);
        sleep(Duration::from_millis(100)).await;
    }
}

async fn backend_pid(client: &tokio_postgres::Client) -> i64 {
    i64::from(client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get::<_, i32>(0))
}

pub async fn sleeping_query_shows_as_active_with_text_and_age(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let sleeper = cluster.client("postgres").await;
    let sleeper_pid = backend_pid(&sleeper).await;
    let cancel = sleeper.cancel_token();
    let task = tokio::spawn(async move { sleeper.simple_query("SELECT pg_sleep(30) /* test-a */").await });

    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "postgres"));
    let version = collector.ensure_connected().await.expect("connect");
    assert!(version.starts_with(|c: char| c.is_ascii_digit()), "{version}");
    let session = collect_until(&mut collector, Tier::High, |c| {
        activity(c)?
            .sessions
            .iter()
            .find(|s| s.id == sleeper_pid && s.query.contains("pg_sleep(30)"))
            .cloned()
    })
    .await;
    assert_eq!(session.state, SessionState::Active);
    assert_eq!(session.native_state, "active");
    assert!(session.query_ms.is_some() && session.backend_ms.is_some());
    assert_eq!(session.wait.as_ref().map(|w| w.event.as_str()), Some("Timeout:PgSleep"));

    let _ = cancel.cancel_query(tokio_postgres::NoTls).await;
    let _ = task.await;
}

pub async fn row_lock_wait_shows_blocker_and_forest(major: u32) {
    let cluster = TestCluster::shared_version(major);
    cluster.psql("app", "CREATE TABLE lock_b (id int PRIMARY KEY, v int); INSERT INTO lock_b VALUES (1, 0);");
    let holder = cluster.client("app").await;
    let waiter = cluster.client("app").await;
    let holder_pid = backend_pid(&holder).await;
    let waiter_pid = backend_pid(&waiter).await;
    holder.batch_execute("BEGIN; UPDATE lock_b SET v = 1 WHERE id = 1").await.unwrap();
    let blocked =
        tokio::spawn(async move { waiter.batch_execute("UPDATE lock_b SET v = 2 WHERE id = 1").await });

    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "app"));
    let snapshot = collect_until(&mut collector, Tier::High, |c| {
        let a = activity(c)?;
        a.sessions
            .iter()
            .any(|s| s.id == waiter_pid && s.state == SessionState::WaitingForLock)
            .then(|| a.clone())
    })
    .await;
    let waiting = snapshot.sessions.iter().find(|s| s.id == waiter_pid).unwrap();
    assert_eq!(waiting.blocked_by, vec![holder_pid]);
    assert!(waiting.wait.as_ref().is_some_and(|w| w.event.starts_with("Lock:")));
    let holding = snapshot.sessions.iter().find(|s| s.id == holder_pid).unwrap();
    assert_eq!(holding.state, SessionState::IdleInTransaction);
    // Someone waits, so the lock summary was read in this very round.
    assert!(snapshot.locks.iter().any(|l| !l.granted));

    let forest = blocking_forest(&snapshot.sessions);
    let depth = |id| forest.iter().find(|n| n.session_id == id).map(|n| n.depth);
    assert_eq!(depth(holder_pid), Some(0));
    assert_eq!(depth(waiter_pid), Some(1));

    holder.batch_execute("ROLLBACK").await.unwrap();
    timeout(PATIENCE, blocked).await.unwrap().unwrap().unwrap();
}

pub async fn statement_calls_between_two_medium_rounds_are_exact(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "app"));
    let baseline = collector.collect(Tier::Medium).await.expect("baseline");
    let first = queries(&baseline).expect("queries body");
    assert_eq!(first.availability, StatsAvailability::Available);
    assert!(first.since.is_none() && first.stats.is_empty(), "first read is a baseline only");

    let app = cluster.client("app").await;
    for i in 0..7 {
        app.simple_query(&format!("SELECT {i} + 1000 AS test_c_marker")).await.unwrap();
    }
    let second = collector.collect(Tier::Medium).await.expect("second round");
    let snapshot = queries(&second).expect("queries body");
    assert!(snapshot.since.is_some());
    let stat = snapshot.stats.iter().find(|s| s.text.contains("test_c_marker")).expect("statement seen");
    assert_eq!(stat.calls, 7);
    assert!(stat.text.contains("$1"), "{}", stat.text);
    assert_eq!(stat.database, "app");
    assert_eq!(stat.user, "postgres");
    let has = |name| {
        second.bodies.iter().any(|b| matches!(b, SampleBody::Metrics(m) if m.iter().any(|m| m.name == name)))
    };
    assert!(has(metric::QUERY_CALLS_PER_S));
}

/// The harness runs PostgreSQL 15 (extension 1.10): buffer, WAL and temp-time columns
/// arrive as named counters.
#[tokio::test]
async fn statement_counters_carry_buffer_and_wal_figures() {
    let cluster = TestCluster::shared();
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "app"));
    collector.collect(Tier::Medium).await.expect("baseline");
    let app = cluster.client("app").await;
    app.simple_query("CREATE TABLE IF NOT EXISTS counters_probe (v int)").await.unwrap();
    for i in 0..5 {
        app.simple_query(&format!(
            "INSERT INTO counters_probe SELECT g + {i} FROM generate_series(1, 200) g"
        ))
        .await
        .unwrap();
    }
    let second = collector.collect(Tier::Medium).await.expect("second round");
    let snapshot = queries(&second).expect("queries body");
    let stat = snapshot.stats.iter().find(|s| s.text.contains("INSERT INTO counters_probe")).expect("seen");
    assert_eq!(stat.calls, 5);
    assert!(stat.counter(counters::WAL_RECORDS).is_some_and(|n| n >= 1_000.0), "{:?}", stat.counters);
    assert!(stat.counter(counters::WAL_BYTES).is_some_and(|n| n > 0.0), "{:?}", stat.counters);
    assert!(counters::hit_pct(&stat.counters).is_some(), "{:?}", stat.counters);
    // PG 18 columns are not asked of an older server.
    assert_eq!(stat.counter(counters::PARALLEL_WORKERS_LAUNCHED), None);
}

pub async fn database_without_extension_is_unavailable_not_down(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "nostats"));
    let collected = collector.collect(Tier::Medium).await.expect("medium round succeeds");
    let StatsAvailability::Unavailable(reason) = &queries(&collected).expect("queries body").availability
    else {
        panic!("expected Unavailable");
    };
    assert!(reason.contains("not installed in database nostats"), "{reason}");
    assert!(reason.contains("shared_preload_libraries") && reason.contains("CREATE EXTENSION"), "{reason}");
    assert!(collected.problems.iter().any(|p| p == reason));
    // The target stays usable.
    assert!(collector.collect(Tier::High).await.is_ok());
}

pub async fn wrong_password_is_a_clear_connect_error_without_the_password(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let mut target = cluster.target_config("pwuser", "postgres");
    target.password = Secret::new("wrong-Secret-42");
    let err = PostgresCollector::new(&target).ensure_connected().await.expect_err("must fail");
    assert!(matches!(err, CollectError::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("authentication failed"), "{text}");
    assert!(text.contains(&format!("pwuser@127.0.0.1:{}/postgres", cluster.port)), "{text}");
    assert!(!text.contains("wrong-Secret-42") && !format!("{err:?}").contains("wrong-Secret-42"));

    target.password = Secret::new(PWUSER_PASSWORD);
    PostgresCollector::new(&target).ensure_connected().await.expect("right password connects");
}

pub async fn monitoring_connection_is_read_only(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let target = cluster.target_config("postgres", "app");
    let (client, connection) = driver_config(&target).connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let err = client.batch_execute("CREATE TABLE must_not_exist ()").await.expect_err("read-only");
    assert_eq!(err.code(), Some(&tokio_postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION));
    let row = client.query_one("SHOW default_transaction_read_only", &[]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), "on");

    // Through the Unix socket directory this time (host starting with '/').
    let mut target = cluster.target_config("monitor", "app");
    target.host = cluster.socket_dir().display().to_string();
    let mut collector = PostgresCollector::new(&target);
    collector.ensure_connected().await.unwrap();
    let admin = cluster.client("postgres").await;
    let n: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'logstag' AND usename = 'monitor'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(n >= 1);
}

async fn next_status(rx: &mut mpsc::Receiver<Vec<Sample>>, label: &str) -> TargetStatus {
    let deadline = Instant::now() + PATIENCE;
    while let Ok(Some(round)) = timeout(deadline.saturating_duration_since(Instant::now()), rx.recv()).await {
        for sample in round {
            if let SampleBody::Status(h) = sample.body
                && h.status.label() == label
            {
                return h.status;
            }
        }
    }
    panic!("no {label} status within {PATIENCE:?}");
}

pub async fn server_stopped_mid_run_goes_down_and_comes_back(major: u32) {
    let cluster = TestCluster::start_version(major);
    let target = cluster.target_config("monitor", "postgres");
    let (tx, mut rx) = mpsc::channel(256);
    let (stop_tx, stop_rx) = watch::channel(false);
    let handles = SchedulerHandles {
        target: target.id(),
        samples: tx,
        shutdown: stop_rx,
        connect_timeout: Duration::from_secs(10),
        round_timeout: Duration::from_secs(10),
        warmup: Duration::ZERO,
        stagger: Duration::ZERO,
        previous_schema: None,
        schema_now: None,
        retry_now: None,
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(500),
    };
    let intervals =
        Intervals { high: Some(Duration::from_millis(200)), medium: None, low: None, schema: None };
    let task = tokio::spawn(scheduler::run(PostgresCollector::new(&target), intervals, handles));

    next_status(&mut rx, "UP").await;
    cluster.stop();
    let TargetStatus::Down { error, .. } = next_status(&mut rx, "DOWN").await else { unreachable!() };
    assert!(error.contains(&format!("127.0.0.1:{}", cluster.port)), "{error}");
    cluster.start_again();
    next_status(&mut rx, "UP").await;

    let _ = stop_tx.send(true);
    let _ = timeout(PATIENCE, task).await;
}

/// Server time our queries cost, as pg_stat_statements sees it (exec + plan), for 60
/// high-tier rounds plus one medium round with ~100 idle sessions. Prints, never asserts
/// timings. Also proves that pg_monitor is enough for every view we read.
#[tokio::test]
async fn server_cost_of_monitoring_queries() {
    let cluster = TestCluster::start();
    let mut idle = Vec::new();
    for _ in 0..100 {
        idle.push(cluster.client("app").await);
    }
    cluster.psql("postgres", "SELECT pg_stat_statements_reset()");
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "postgres"));
    collector.ensure_connected().await.unwrap();
    let started = Instant::now();
    for _ in 0..60 {
        let round = collector.collect(Tier::High).await.unwrap();
        assert!(round.problems.is_empty(), "pg_monitor should suffice: {:?}", round.problems);
        let sessions = activity(&round).map(|a| a.sessions.len()).unwrap_or(0);
        assert!(sessions >= 100, "{sessions}");
    }
    let admin = cluster.client("postgres").await;
    let monitor_ms = "SELECT coalesce(sum(total_exec_time + total_plan_time), 0)::float8
                      FROM pg_stat_statements WHERE userid = 'monitor'::regrole";
    let high_only: f64 = admin.query_one(monitor_ms, &[]).await.unwrap().get(0);
    let medium = collector.collect(Tier::Medium).await.unwrap();
    assert!(medium.problems.is_empty(), "pg_monitor should suffice: {:?}", medium.problems);
    let low = collector.collect(Tier::Low).await.unwrap();
    assert!(low.problems.is_empty(), "{:?}", low.problems);
    let wall = started.elapsed();

    let rows = admin
        .query(
            "SELECT calls, plans, total_exec_time, total_plan_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
             FROM pg_stat_statements WHERE userid = 'monitor'::regrole ORDER BY total_exec_time DESC",
            &[],
        )
        .await
        .unwrap();
    let mut total = 0.0;
    println!(
        "server time of the monitor role's queries (60 high rounds + 1 medium + 1 low, 100 idle sessions):"
    );
    for r in &rows {
        let (calls, plans, exec, plan): (i64, i64, f64, f64) = (r.get(0), r.get(1), r.get(2), r.get(3));
        total += exec + plan;
        println!(
            "  {calls:>4} calls {plans:>3} plans  exec {exec:>8.3} ms  plan {plan:>7.3} ms  {}",
            r.get::<_, String>(4)
        );
    }
    println!(
        "TOTAL server time: {high_only:.3} ms for 60 high-tier rounds; {total:.3} ms with 1 medium and 1 low \
         round; client wall {wall:?}"
    );
}

pub async fn tls_modes_encrypt_verify_and_fail_clearly(major: u32) {
    let cluster = TestCluster::start_tls_version(major);
    let admin = cluster.client("postgres").await;
    let uses_tls = |pid: i64| {
        let admin = &admin;
        async move {
            let row = admin
                .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = $1", &[&(pid as i32)])
                .await
                .unwrap();
            row.get::<_, bool>(0)
        }
    };
    let our_pid = |collected: &Collected| {
        // Our own backend is excluded from the activity list; find it by elimination.
        activity(collected).map(|a| a.sessions.iter().map(|s| s.id).collect::<Vec<_>>()).unwrap_or_default()
    };

    // Require: encrypted, certificate not checked (libpq semantics).
    let mut target = cluster.target_config("monitor", "postgres");
    target.tls.mode = TlsMode::Require;
    let mut collector = PostgresCollector::new(&target);
    collector.ensure_connected().await.expect("require connects to a self-signed server");
    let others = our_pid(&collector.collect(Tier::High).await.unwrap());
    let monitor_pids: Vec<i64> = admin
        .query("SELECT pid::int8 FROM pg_stat_activity WHERE usename = 'monitor'", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .filter(|p| !others.contains(p))
        .collect();
    assert_eq!(monitor_pids.len(), 1);
    assert!(uses_tls(monitor_pids[0]).await);

    // VerifyFull without our CA: a clear TLS failure naming the endpoint.
    target.tls.mode = TlsMode::VerifyFull;
    let err = PostgresCollector::new(&target).ensure_connected().await.expect_err("untrusted certificate");
    let text = err.to_string();
    assert!(text.contains("TLS") && text.contains(&format!("127.0.0.1:{}", cluster.port)), "{text}");

    // VerifyFull with the CA: chain and host name check out.
    target.tls.ca_file = Some(cluster.ca_cert());
    PostgresCollector::new(&target).ensure_connected().await.expect("verify-full with the CA");

    // Prefer verifies too, so with the CA it encrypts.
    target.tls.mode = TlsMode::Prefer;
    PostgresCollector::new(&target).ensure_connected().await.expect("prefer with the CA");
}

pub async fn medium_and_low_tiers_report_replication_settings_and_extensions(major: u32) {
    let cluster = TestCluster::shared_version(major);
    let mut collector = PostgresCollector::new(&cluster.target_config("monitor", "app"));
    let medium = collector.collect(Tier::Medium).await.unwrap();
    let replication = medium.bodies.iter().find_map(|b| match b {
        SampleBody::Replication(r) => Some(r),
        _ => None,
    });
    assert_eq!(replication.map(|r| r.role), Some(ServerRole::Primary));
    let low = collector.collect(Tier::Low).await.unwrap();
    assert!(low.problems.is_empty(), "{:?}", low.problems);
    let SampleBody::Settings(settings) = &low.bodies[0] else { panic!("settings first") };
    let get = |name: &str| settings.iter().find(|s| s.name == name).map(|s| s.value.clone());
    assert_eq!(get("shared_preload_libraries").as_deref(), Some("pg_stat_statements"));
    assert!(get("shared_buffers").is_some() && get("work_mem").is_some());
    assert!(get("extension:pg_stat_statements").is_some());
    let sizes = low.bodies.iter().find_map(|b| match b {
        SampleBody::Metrics(m) => Some(m.iter().filter(|m| m.name == metric::DATABASE_SIZE_BYTES).count()),
        _ => None,
    });
    // The first low round sizes the connected database only; the next one sizes them all.
    assert_eq!(sizes, Some(1), "database sizes on the first low round");
    let again = collector.collect(Tier::Low).await.unwrap();
    let sizes = again.bodies.iter().find_map(|b| match b {
        SampleBody::Metrics(m) => Some(m.iter().filter(|m| m.name == metric::DATABASE_SIZE_BYTES).count()),
        _ => None,
    });
    assert!(sizes.unwrap_or(0) >= 3, "every database sized on the second low round: {sizes:?}");
    // The high tier's second round has rates; the first has none.
    let first = collector.collect(Tier::High).await.unwrap();
    let second = collector.collect(Tier::High).await.unwrap();
    let has_tps = |c: &Collected| {
        c.bodies
            .iter()
            .any(|b| matches!(b, SampleBody::Metrics(m) if m.iter().any(|m| m.name == metric::TPS)))
    };
    assert!(!has_tps(&first) && has_tps(&second));
}
