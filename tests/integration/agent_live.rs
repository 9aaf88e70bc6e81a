//! `logstag agent` as a service runs it: the real binary, a config in the documented
//! agent format, a real PostgreSQL cluster, SIGTERM at the end.

use crate::support::agent::{Agent, free_port};
use crate::support::postgres::TestCluster;
use logstag::model::{TargetId, Timestamp, metric};
use logstag::store::Store;
use std::process::Command;
use std::time::Duration;

/// CI machines are slow and shared: wait generously, never assert fine timings.
const PATIENCE: Duration = Duration::from_secs(40);
/// Trust authentication never asks for it, so it must appear nowhere.
const UNUSED_PASSWORD: &str = "never-printed-pw-5d1f";

/// Only keys of the documented agent format: an existing agent config, unchanged.
fn documented_config(port: u16) -> String {
    format!(
        "[agent]\napi_base_url = \"https://api.logstag.com/agent-api/v1\"\napi_key = \"0123456789abcdef0123456789abcdef\"\n\
         log_level = \"info\"\nhigh_frequency_interval = 1\nmedium_frequency_interval = 1\n\
         low_frequency_interval = 0\nschema_frequency_interval = 0\nstartup_warmup_delay = 0\n\
         compress_request_payload = true\nupdate_check_enabled = true\nauto_install_updates = true\n\
         export_to_file = false\nmock_mode = true\n\n\
         [targets.agent-pg]\nplatform = \"self-hosted\"\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\n\
         db_port = {port}\ndb_username = \"monitor\"\ndb_password = \"{UNUSED_PASSWORD}\"\ndb_name = \"app\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_records_history_and_exits_0_on_sigterm() {
    let cluster = TestCluster::shared();
    let started = Timestamp::now();
    let mut agent = Agent::spawn(&documented_config(cluster.port), &["--foreground"]);
    let stderr = agent.stderr.clone();
    agent.wait_for_text(&stderr, "target agent-pg: UP", 1, PATIENCE);
    // The high tier runs every second: wait for a few rounds to be recorded.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(agent.is_running());
    let (status, took) = agent.terminate(Duration::from_secs(15));
    let log = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(took < Duration::from_secs(8), "took {took:?} to stop:\n{log}");
    for line in [
        "SIGTERM: shutting down",
        "low, schema skipped (interval 0)",
        "Logstag does not update itself",
        "samples recorded",
    ] {
        assert!(log.contains(line), "no {line:?} in:\n{log}");
    }
    assert!(!log.contains(UNUSED_PASSWORD) && !log.contains("0123456789abcdef0123"), "{log}");

    // What the agent recorded is on disk after it exited.
    let store = Store::open(&agent.history_path(), Duration::from_secs(3600)).unwrap();
    let id = TargetId("agent-pg".into());
    let rounds =
        store.series(&id, metric::COLLECT_MS, Some("high"), started, Timestamp::now()).await.unwrap();
    assert!(rounds.len() >= 2, "high rounds recorded: {rounds:?}\n{log}");
    let tps = store.series(&id, metric::TPS, None, started, Timestamp::now()).await.unwrap();
    assert!(!tps.is_empty(), "{log}");
}

#[test]
fn agent_with_an_unreachable_target_keeps_retrying_and_logs_to_its_file() {
    let port = free_port();
    let log_file = "agent-logs/agent.log";
    let config = format!(
        "[agent]\nhigh_frequency_interval = 1\nlog_file = \"LOGDIR/{log_file}\"\nlog_max_bytes = 1048576\n\
         [targets.nowhere]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {port}\n\
         db_username = \"monitor\"\ndb_password = \"{UNUSED_PASSWORD}\"\ndb_name = \"app\"\n"
    );
    // The log directory lives in the agent's temp dir, known only once it exists.
    let dir = tempfile::tempdir().unwrap();
    let config = config.replace("LOGDIR", &dir.path().display().to_string());
    let mut agent = Agent::spawn(&config, &[]);
    let log_path = dir.path().join(log_file);
    // Backoff starts at 1 s: two failed attempts arrive within seconds.
    let log = agent.wait_for_text(&log_path, "connection refused", 2, PATIENCE);
    assert!(log.contains("target nowhere: DOWN"), "{log}");
    assert!(agent.is_running(), "an unreachable target must not end the agent");
    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let stderr = std::fs::read_to_string(&agent.stderr).unwrap();
    assert!(stderr.contains(&format!("logging to {}", log_path.display())), "{stderr}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("stopped in"), "{log}");
    assert!(!log.contains(UNUSED_PASSWORD) && !stderr.contains(UNUSED_PASSWORD));
}

/// `log_format = "json"`: every line of the agent's log is one JSON object a shipper can
/// parse (Loki/Promtail, Vector), with the level, the message and the target.
#[test]
fn agent_logs_json_lines_when_asked() {
    let port = free_port();
    let config = format!(
        "[agent]\nhigh_frequency_interval = 1\nlog_file = \"LOGDIR/agent.log\"\nlog_format = \"json\"\n\
         [targets.nowhere]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {port}\n\
         db_username = \"monitor\"\ndb_password = \"{UNUSED_PASSWORD}\"\ndb_name = \"app\"\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = config.replace("LOGDIR", &dir.path().display().to_string());
    let mut agent = Agent::spawn(&config, &[]);
    let log_path = dir.path().join("agent.log");
    agent.wait_for_text(&log_path, "connection refused", 1, PATIENCE);
    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3, "{log}");
    for line in &lines {
        assert!(line["timestamp"].is_string() && line["level"].is_string(), "{line}");
        assert!(line["fields"]["message"].is_string(), "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"].as_str().is_some_and(|m| m.contains("target nowhere: DOWN")))
    );
    assert!(!log.contains(UNUSED_PASSWORD));
}

/// A target nothing answers on (port 1): enough for an agent to start.
const UNREACHABLE: &str =
    "[targets.gone]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = 1\n";

#[test]
fn agent_without_targets_refuses_to_start() {
    // Monitoring nothing (or whatever local discovery finds) is never what a service meant.
    let mut agent = Agent::spawn("[agent]\nlog_file = \"-\"\n", &[]);
    let status = agent.child.wait().unwrap();
    let stderr = std::fs::read_to_string(&agent.stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("agent.toml:1:1: targets: no targets"), "{stderr}");
}

#[test]
fn a_taken_prometheus_port_is_a_clear_start_up_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let mut agent = Agent::spawn(
        &format!("[agent]\nlog_file = \"-\"\n[prometheus]\nlisten = \"{addr}\"\n{UNREACHABLE}"),
        &[],
    );
    let status = agent.child.wait().unwrap();
    let stderr = std::fs::read_to_string(&agent.stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot serve Prometheus metrics on {addr} ([prometheus] listen)")),
        "{stderr}"
    );
}

#[test]
fn check_config_finds_the_file_like_the_agent_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs");
    let valid = root.join("valid/agent_keys_only.toml");
    let invalid = root.join("invalid/bad_port.toml");
    let run = |args: &[&str], config_file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_logstag"))
            .args(args)
            .env_remove("LOGSTAG_CONFIG")
            .env("CONFIG_FILE", config_file)
            .output()
            .unwrap()
    };
    let out = run(&["agent", "--check-config"], &valid);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK, 3 target(s)"));
    assert_eq!(run(&["--check-config"], &valid).status.code(), Some(0));
    let out = run(&["--check-config"], &invalid);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad_port.toml:"));
    let valid_arg = valid.display().to_string();
    let out = run(&["agent", "--config", &valid_arg, "--check-config"], &invalid);
    assert_eq!(out.status.code(), Some(0), "--config wins over $CONFIG_FILE");
}
