//! Oracle through the real driver (the `oracle` crate, ODPI-C) as far as it goes on a
//! machine without an Oracle server: the client library is looked for and, where it is
//! missing (CI, and any host without Instant Client), the target shows as down with what
//! to install, is retried on the same one worker thread, and never stops the agent or
//! the other targets. On a host that has Instant Client the connect is refused by the
//! closed port instead, which these tests accept (`client_library_present`).

use crate::support::agent::{Agent, free_port};
use crate::support::openmetrics;
use crate::support::postgres::TestCluster;
use std::path::Path;
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(40);
const PASSWORD: &str = "ora-never-shown-7";
const ADVICE: &str = "Oracle client libraries not found (DPI-1047): install Instant Client";

/// Whether libclntsh.so can be loaded here the way ODPI-C looks for it.
fn client_library_present() -> bool {
    let mut dirs: Vec<String> = std::env::var("LD_LIBRARY_PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    if let Ok(home) = std::env::var("ORACLE_HOME") {
        dirs.push(format!("{home}/lib"));
    }
    let in_dirs = dirs.iter().any(|d| Path::new(d).join("libclntsh.so").exists());
    let in_cache = std::process::Command::new("ldconfig")
        .arg("-p")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("libclntsh.so"));
    in_dirs || in_cache
}

/// What the down target must say: the advice without a client library, else the
/// refused connection (ORA-12541 / a TNS error) from the real client.
fn check_down_message(text: &str) {
    assert!(!text.contains(PASSWORD), "the password leaked:\n{text}");
    if client_library_present() {
        assert!(text.contains("ORA-") || text.contains("TNS"), "{text}");
    } else {
        assert!(text.contains(ADVICE), "{text}");
        assert!(text.contains("[targets.ora.oracle] client_lib_dir"), "names this target's key:\n{text}");
        assert!(text.contains("libclntsh.so"), "the loader's own reason:\n{text}");
    }
}

#[test]
fn snapshot_of_an_oracle_target_says_what_to_install() {
    let url = format!("oracle://logstag:{PASSWORD}@127.0.0.1:{}/FREEPDB1", free_port());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["snapshot", &url, "--format", "json"])
        .output()
        .expect("run logstag snapshot");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a down target: exit 1\n{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let target = &json["targets"][0];
    assert_eq!(target["engine"], "Oracle");
    assert_eq!(target["status"]["state"], "down", "{stdout}");
    let error = target["status"]["error"].as_str().unwrap_or_default();
    assert!(!stderr.contains(PASSWORD) && !stdout.contains(PASSWORD));
    // The URL names no target, so the key is spelled with the URL's target name.
    assert!(!client_library_present() || error.contains("ORA-") || error.contains("TNS"), "{error}");
    if !client_library_present() {
        assert!(error.contains(ADVICE), "{error}");
    }
}

/// A running agent with a PostgreSQL target and an Oracle one: PostgreSQL is collected,
/// Oracle is down with the advice in the log and `logstag_up 0`, retried on one worker
/// thread (never one more per attempt), and the agent stops cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oracle_target_without_client_is_down_and_the_others_go_on() {
    let cluster = TestCluster::shared();
    let port = free_port();
    let config = format!(
        "[agent]\nlog_file = \"-\"\nhigh_frequency_interval = 1\nmedium_frequency_interval = 1\n\
         low_frequency_interval = 0\nschema_frequency_interval = 0\n\
         [prometheus]\nlisten = \"127.0.0.1:{port}\"\n\
         [targets.pg]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_name = \"app\"\n\
         [targets.ora]\ndb_engine = \"oracle\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"logstag\"\ndb_password = \"{PASSWORD}\"\ndb_name = \"FREEPDB1\"\n",
        cluster.port,
        free_port()
    );
    let mut agent = Agent::spawn(&config, &[]);
    let url = format!("http://127.0.0.1:{port}/metrics");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        assert!(agent.is_running(), "{}", std::fs::read_to_string(&agent.stderr).unwrap_or_default());
        let request = client.get(&url).header("Accept", "application/openmetrics-text;version=1.0.0");
        if let Ok(response) = request.send().await {
            let text = response.text().await.unwrap();
            let parsed = openmetrics::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            let pg_up = parsed.value("logstag_up", &[("target", "pg")]) == Some(1.0);
            let ora_down =
                parsed.value("logstag_up", &[("target", "ora"), ("engine", "oracle")]) == Some(0.0);
            let pg_collected = parsed.value("logstag_connections", &[("target", "pg")]).is_some();
            if pg_up && ora_down && pg_collected {
                break;
            }
        }
        assert!(Instant::now() < deadline, "pg collected and ora down not seen within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Retried: the advice is logged again, from the same single worker thread.
    let stderr = agent.stderr.clone();
    let first = if client_library_present() { "ora" } else { ADVICE };
    let log = agent.wait_for_text(&stderr, first, 2, PATIENCE);
    check_down_message(&log);
    let workers = oracle_worker_threads(agent.child.id());
    assert_eq!(workers, 1, "one worker thread for the Oracle target, whatever the retries");

    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(!log.contains(PASSWORD), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

/// Threads of `pid` named for an Oracle target's worker (`ora-<target>`).
fn oracle_worker_threads(pid: u32) -> usize {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("the agent's threads");
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("ora-"))
        .count()
}
