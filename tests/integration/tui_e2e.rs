//! The real binary in a pseudo-terminal against the real server: what a user sees.

use crate::support::postgres::TestCluster;
use crate::support::terminal::Terminal;
use std::time::Duration;

/// CI machines are slow and shared: wait generously, never assert timings.
const PATIENCE: Duration = Duration::from_secs(40);

fn start(cluster: &TestCluster, history: &std::path::Path, cols: u16, rows: u16) -> Terminal {
    let url = format!("postgresql://monitor@127.0.0.1:{}/app?sslmode=disable", cluster.port);
    let history = history.to_string_lossy().to_string();
    Terminal::spawn(&["--refresh", "1", "--history", &history, &url], &[("NO_COLOR", "")], cols, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_shows_a_running_query_and_q_quits() {
    let cluster = TestCluster::shared();
    let client = cluster.client("app").await;
    let sleeper =
        tokio::spawn(async move { client.simple_query("SELECT /* e2e-sleeper */ pg_sleep(60)").await });
    let dir = tempfile::tempdir().unwrap();
    let mut term = start(cluster, &dir.path().join("h.sqlite3"), 140, 30);

    let screen = term.wait_for("e2e-sleeper", PATIENCE);
    assert!(screen.contains("Activity"), "{screen}");
    assert!(screen.contains("[UP]"), "{screen}");
    assert!(screen.contains("active"), "{screen}");

    term.send("?");
    term.wait_for("Esc", PATIENCE);
    term.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    term.send("1");
    term.wait_for("Targets", PATIENCE);
    term.send("q");
    assert_eq!(term.wait_exit(PATIENCE), Some(true), "logstag did not quit on q:\n{}", term.screen());
    sleeper.abort();
}

#[test]
fn sigterm_quits_cleanly() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut term = start(cluster, &dir.path().join("h.sqlite3"), 80, 24);
    term.wait_for("[UP]", PATIENCE);
    let pid = term.pid().unwrap();
    // SAFETY: kill with a pid we spawned and a valid signal number.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    assert_eq!(term.wait_exit(PATIENCE), Some(true), "logstag did not exit on SIGTERM");
    // The history was written and closed.
    assert!(dir.path().join("h.sqlite3").exists());
}

#[test]
fn tiny_terminal_and_resizes_do_not_crash() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut term = start(cluster, &dir.path().join("h.sqlite3"), 20, 5);
    term.wait_for("too small", PATIENCE);
    term.resize(80, 24);
    // The screen model keeps the tiny screen's cells where the app repaints only what
    // changed: ask for full redraws (Ctrl-L) until the target is up, as a user would.
    let deadline = std::time::Instant::now() + PATIENCE;
    while !term.screen().contains("[UP]") && std::time::Instant::now() < deadline {
        term.send("\x0c");
        std::thread::sleep(Duration::from_millis(1000));
    }
    term.wait_for("[UP]", Duration::from_secs(1));
    for (cols, rows) in [(20, 5), (1, 1), (200, 50), (59, 11), (80, 24)] {
        term.resize(cols, rows);
        std::thread::sleep(Duration::from_millis(200));
    }
    // The app repaints only what changed; a screen model resized under bursts of output can
    // lose content, so ask for a full redraw (Ctrl-L) before reading it.
    std::thread::sleep(Duration::from_millis(500));
    term.send("\x0c");
    term.wait_for("Activity", PATIENCE);
    assert_eq!(term.wait_exit(Duration::from_millis(10)), None, "logstag exited during resizes");
    term.send("q");
    assert_eq!(term.wait_exit(PATIENCE), Some(true), "screen at exit:\n{}", term.screen());
}

/// The harness must be able to fail: waiting for text that never appears panics.
#[test]
#[should_panic(expected = "timed out")]
fn waiting_for_absent_text_fails() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let term = start(cluster, &dir.path().join("h.sqlite3"), 80, 24);
    term.wait_for("[UP]", PATIENCE);
    term.wait_for("this text is never on screen", Duration::from_secs(2));
}

/// A real alert pops up on screen: an idle transaction past a (config-lowered) threshold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_popup_appears_and_esc_dismisses_it() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("logstag.toml");
    std::fs::write(
        &config,
        format!(
            "[agent]\nhigh_frequency_interval = 1\n\n\
             [targets.popup]\nplatform = \"self-hosted\"\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\n\
             db_port = {}\ndb_username = \"monitor\"\ndb_password = \"\"\ndb_name = \"app\"\n\n\
             [targets.popup.tls]\nmode = \"disable\"\n\n\
             [targets.popup.alerts.thresholds.\"pg.idle_in_transaction\"]\nmedium = 1\n",
            cluster.port
        ),
    )
    .unwrap();
    let client = cluster.client("app").await;
    client.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let history = dir.path().join("h.sqlite3").to_string_lossy().to_string();
    let config = config.to_string_lossy().to_string();
    let mut term =
        Terminal::spawn(&["--config", &config, "--history", &history], &[("NO_COLOR", "")], 120, 30);
    term.wait_for("idle in transaction for", PATIENCE);
    term.send("\x1b");
    // Dismissed: the popup's message leaves the screen; the Alerts tab still lists it.
    let deadline = std::time::Instant::now() + PATIENCE;
    while term.screen().contains("idle in transaction for") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!term.screen().contains("idle in transaction for"), "popup still shown:\n{}", term.screen());
    term.send("5");
    let alerts = term.wait_for("Active alerts 1", PATIENCE);
    assert!(alerts.contains("Idle in transaction") && alerts.contains("Medium"), "{alerts}");
    client.batch_execute("COMMIT").await.unwrap();
    term.send("q");
    assert_eq!(term.wait_exit(PATIENCE), Some(true));
}

/// A fleet of unreachable servers on the Overview at 80×24: the summary counts them all
/// down, `/` narrows by tag, Esc clears, `b` groups, `f` jumps to a target by name.
#[test]
fn fleet_of_unreachable_targets_filter_group_and_jump() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    let mut text = String::new();
    // Ports 1–40 on the loopback: refused at once, nothing listens there.
    for i in 1..=40 {
        let tag = if i % 4 == 0 { "staging" } else { "prod" };
        text.push_str(&format!(
            "[targets.pg-{i:03}]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {i}\n\
             db_username = \"monitor\"\ndb_name = \"app\"\n[targets.pg-{i:03}.meta]\ntags = [\"{tag}\"]\n\n"
        ));
    }
    std::fs::write(&config, text).unwrap();
    let history = dir.path().join("h.sqlite3").to_string_lossy().to_string();
    let config = config.to_string_lossy().to_string();
    let mut term =
        Terminal::spawn(&["--config", &config, "--history", &history], &[("NO_COLOR", "")], 80, 24);
    let screen = term.wait_for("40 targets: 0 up · 40 down", PATIENCE);
    assert!(screen.contains("Targets · worst first"), "a fleet opens on the Overview:\n{screen}");
    term.send("/staging");
    term.wait_for("10/40 rows", PATIENCE);
    term.send("\x1b");
    // A key right after Esc would read as Alt-<key>: wait until the filter is gone.
    let deadline = std::time::Instant::now() + PATIENCE;
    while term.screen().contains("filter:") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!term.screen().contains("filter:"), "Esc clears the filter:\n{}", term.screen());
    std::thread::sleep(Duration::from_millis(300));
    term.send("b");
    term.wait_for("▾ PostgreSQL", PATIENCE);
    term.send("fg-03");
    term.wait_for("find target: g-03█ → pg-030 (+9 more)", PATIENCE);
    term.send("7\r");
    term.wait_for("pg-037 (PostgreSQL) [DOWN]", PATIENCE);
    term.send("q");
    assert_eq!(term.wait_exit(PATIENCE), Some(true), "screen at exit:\n{}", term.screen());
}

/// Time travel in the live program: Space pauses, ← steps back a round, `t` jumps to a
/// typed time, L returns to live; collection goes on meanwhile.
#[test]
fn pause_step_jump_to_a_time_and_back_to_live() {
    let cluster = TestCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut term = start(cluster, &dir.path().join("h.sqlite3"), 140, 30);
    term.wait_for("[UP]", PATIENCE);
    // A few one-second rounds to move through.
    std::thread::sleep(Duration::from_secs(5));
    term.send(" ");
    let paused = term.wait_for("PAUSED", PATIENCE);
    let banner = |screen: &str| {
        screen.lines().next().and_then(|l| l.split("PAUSED ").nth(1)).map(|rest| rest[..19].to_owned())
    };
    let first = banner(&paused).expect("a paused instant in the header");
    term.send("\x1b[D");
    let deadline = std::time::Instant::now() + PATIENCE;
    while banner(&term.screen()).as_deref() == Some(first.as_str()) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let stepped = banner(&term.screen()).expect("still paused");
    assert!(stepped < first, "← went back: {stepped} after {first}");
    term.send("t");
    term.wait_for("go to time (UTC)", PATIENCE);
    term.send("-3s\r");
    term.wait_for("PAUSED", PATIENCE);
    term.send("L");
    let deadline = std::time::Instant::now() + PATIENCE;
    while term.screen().contains("PAUSED") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!term.screen().contains("PAUSED"), "{}", term.screen());
    term.send("q");
    assert_eq!(term.wait_exit(PATIENCE), Some(true));
}
