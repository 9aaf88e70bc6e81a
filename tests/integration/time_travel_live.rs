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

/// What names this recording's table and statement: tests share one server.
fn marker(name: &str) -> String {
    format!("tt_{}", name.replace('-', "_"))
}

pub struct Recorded {
    pub target: logstag::model::TargetInfo,
    /// The table the chain is on and the statement run `CALLS` times reads.
    pub marker: String,
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
    let table = marker(name);
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
    // Its own table gives it its own statement id (aliases do not: they are not jumbled).
    let burst: String = (0..CALLS).map(|_| format!("SELECT count(*) AS tt_count FROM {table};")).collect();
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
        if q.stats.iter().any(|s| s.text.contains(&format!("FROM {table}"))) {
            reading = Some(sample.taken_at);
        }
        at = Timestamp(sample.taken_at.millis() - 1);
    }
    let reading = reading.expect("a statement reading with the burst");
    // A whole second, as typed at the `t` prompt; readings are 2 s apart, so the one
    // before lies before it.
    let during = Timestamp((reading.millis() - 1).div_euclid(1000) * 1000);
    Recorded { target: info, marker: table, during, after }
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

/// Sessions waiting on this recording's table, with whom they wait for.
pub fn blocked_pairs(app: &App, marker: &str) -> Vec<(i64, Vec<i64>)> {
    app.sessions()
        .iter()
        .filter(|s| !s.blocked_by.is_empty() && s.query.contains(marker))
        .map(|s| (s.id, s.blocked_by.clone()))
        .collect()
}

pub fn marker_calls(app: &App, marker: &str) -> Option<u64> {
    app.query_stats().iter().find(|q| q.text.contains(&format!("tt_count FROM {marker}"))).map(|q| q.calls)
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
    let chain = blocked_pairs(&during, &recorded.marker);
    assert_eq!(chain.len(), 1, "one session waits for the holder: {chain:?}");
    let holder = chain[0].1[0];
    assert!(during.sessions().iter().any(|s| s.id == holder), "the holder is on screen too");
    assert_eq!(marker_calls(&during, &recorded.marker), Some(CALLS));

    let after = app_at(&store, &recorded.target, recorded.after).await;
    assert!(blocked_pairs(&after, &recorded.marker).is_empty(), "{:?}", after.sessions());
    assert_eq!(marker_calls(&after, &recorded.marker), None);
}

/// The copied file through `logstag replay` in a terminal, in a network namespace with no
/// network at all (`unshare -n`): the incident is there, every view is read from the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_shows_the_incident_from_a_copied_file_without_a_network() {
    use crate::support::terminal::Terminal;
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent-history.sqlite3");
    let recorded = record_incident(cluster, &path, "replayed").await;
    // Copied as an operator would copy it from the agent's host, its WAL folded in.
    let flushed = Store::open(&path, Duration::from_secs(3600)).unwrap();
    flushed.flush().await.unwrap();
    drop(flushed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    let untouched = std::fs::read(&copy).unwrap();
    let copied = copy.clone();
    let copy = copy.to_string_lossy().to_string();

    let isolated =
        std::process::Command::new("unshare").args(["-n", "true"]).status().is_ok_and(|s| s.success());
    let wrapper: &[&str] = if isolated { &["unshare", "-n"] } else { &[] };
    if !isolated {
        eprintln!("note: unshare -n is not allowed here; replay runs with the network present");
    }
    let patience = Duration::from_secs(40);
    let mut term = Terminal::spawn_wrapped(wrapper, &["replay", &copy], &[("NO_COLOR", "")], 140, 30);
    let screen = term.wait_for("REPLAY", patience);
    assert!(screen.contains(&recorded.target.id.0), "{screen}");
    term.send("t");
    term.send(&date_time(recorded.during.millis()));
    term.send("\r");
    let waiter = format!("UPDATE {} SET n = n + 10", recorded.marker);
    let screen = term.wait_for(&waiter, patience);
    assert!(screen.contains(&format!("REPLAY {} UTC", date_time(recorded.during.millis()))), "{screen}");
    let line = screen.lines().find(|l| l.contains(&waiter)).unwrap_or_default();
    assert!(line.contains("waiting") && line.contains("Lock:transactionid"), "{screen}");
    term.send("b");
    term.wait_for("Blocking chains", patience);
    term.send("3");
    term.wait_for(&format!("tt_count FROM {}", recorded.marker), patience);
    // A round later, and back to the file's newest moment: the chain is over.
    term.send("\x1b[C");
    term.send("L");
    term.send("2");
    let newest = term.wait_for("REPLAY", patience);
    let deadline = std::time::Instant::now() + patience;
    while term.screen().contains(&waiter) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!term.screen().contains(&waiter), "the chain is over at the newest moment:\n{newest}");
    term.send("q");
    assert_eq!(term.wait_exit(patience), Some(true), "replay did not quit on q:\n{}", term.screen());
    assert!(std::fs::read(&copied).unwrap() == untouched, "replay never writes the file it is given");
}

#[test]
fn replay_of_a_missing_or_foreign_file_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sqlite3");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["replay", &missing.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such history file"));
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["replay", &empty.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no recorded rounds"), "{out:?}");
}

/// The recorded incident that ships with the project (`examples/incident.sqlite3`, made by
/// `tools/record-incident.sh` from a real PostgreSQL) opens with this build, migrated if
/// an older one wrote it, and tells its story: the chain and its alerts at 17:28:50 UTC,
/// nothing of it at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_incident_opens_and_tells_its_story() {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incident.sqlite3");
    let before = std::fs::read(&shipped).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_copy(
        &shipped,
        &dir.path().join("copy.sqlite3"),
        Duration::from_secs(3600 * 24 * 365 * 50),
    )
    .unwrap();
    let targets = store.recorded_targets().await.unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!((targets[0].id.0.as_str(), targets[0].engine.as_str()), ("shop-db", "PostgreSQL"));
    let (_, end) = store.recorded_range().await.unwrap().unwrap();

    // 2026-12-06 17:28:50 UTC: three sessions wait behind an idle transaction on `stock`.
    let chain = app_at(&store, &targets[0], Timestamp(1_796_578_130_000)).await;
    assert_eq!(blocked_pairs(&chain, "UPDATE stock").len(), 3, "{:?}", chain.sessions());
    let active: Vec<&str> = chain.dashboard.alerts.active.values().map(|a| a.event.rule.as_str()).collect();
    assert!(
        active.contains(&"pg.blocked_sessions") && active.contains(&"pg.blocking_chain_depth"),
        "{active:?}"
    );
    assert!(chain.current().is_some_and(|t| t.health_report.is_some()));

    let over = app_at(&store, &targets[0], end).await;
    assert!(blocked_pairs(&over, "UPDATE stock").is_empty());
    assert!(over.dashboard.alerts.active.is_empty(), "{:?}", over.dashboard.alerts.active.keys());
    assert!(std::fs::read(&shipped).unwrap() == before, "the shipped file is never written");
}
