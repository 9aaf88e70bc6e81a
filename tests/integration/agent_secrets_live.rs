//! No secret leaves through any door: the real agent runs with a PostgreSQL password, a
//! Redis password, an encrypted API key and two targets with wrong passwords, at trace
//! level, exporting payloads and serving /metrics. Then every log, request, export file,
//! scrape, snapshot and byte of the history (compressed bodies inflated) is searched for
//! the plaintext values. The API key header proves the search finds what is there.

use crate::support::agent::{Agent, free_port};
use crate::support::postgres::{PWUSER_PASSWORD, TestCluster};
use crate::support::receiver::Receiver;
use crate::support::redis::TestRedis;
use flate2::read::{DeflateDecoder, GzDecoder};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(40);
const API_KEY: &str = "lsk_plain_9f8e7d6c5b4a39281706";
const REDIS_PASSWORD: &str = "redis-pw-0a1b2c3d4e";
const WRONG_PG_PASSWORD: &str = "wrong-pg-pw-77aa88bb";
const WRONG_REDIS_PASSWORD: &str = "wrong-redis-pw-99cc00dd";
/// Set as application_name of an idle session: collected, so it must be found in the
/// payloads, the exports and the history, proving the search reads their content.
const MARKER: &str = "leak-grep-marker-app";

fn secrets() -> [&'static str; 5] {
    [PWUSER_PASSWORD, REDIS_PASSWORD, WRONG_PG_PASSWORD, WRONG_REDIS_PASSWORD, API_KEY]
}

/// Everything that left the agent, by where it was found.
#[derive(Default)]
struct Haystack {
    pieces: Vec<(String, Vec<u8>)>,
}

impl Haystack {
    fn add(&mut self, source: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.pieces.push((source.into(), bytes.into()));
    }

    /// Sources (by name prefix) that contain `needle`.
    fn sources_with(&self, needle: &str) -> Vec<&str> {
        let needle = needle.as_bytes();
        self.pieces
            .iter()
            .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
            .map(|(source, _)| source.as_str())
            .collect()
    }

    fn found_in(&self, needle: &str, prefix: &str) -> bool {
        self.sources_with(needle).iter().any(|s| s.starts_with(prefix))
    }

    /// Every file below `dir`, raw bytes.
    fn add_files(&mut self, prefix: &str, dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                self.add_files(prefix, &path);
            } else {
                self.add(format!("{prefix} {}", path.display()), std::fs::read(&path).unwrap());
            }
        }
    }

    /// Every value of every table of the history; blobs also inflated (bodies are deflate JSON).
    fn add_history(&mut self, file: &Path) {
        let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for i in 0..columns {
                    match row.get_ref(i).unwrap() {
                        ValueRef::Text(text) => self.add(format!("history {table}"), text),
                        ValueRef::Blob(blob) => {
                            let mut inflated = Vec::new();
                            if DeflateDecoder::new(blob).read_to_end(&mut inflated).is_ok() {
                                self.add(format!("history {table} inflated"), inflated);
                            }
                            self.add(format!("history {table}"), blob);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn logstag(args: &[&str], host_key: &Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(args)
        .env("LOGSTAG_HOST_KEY_FILE", host_key)
        .env_remove("LOGSTAG_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn agent_config(
    receiver: &Receiver,
    api_key: &str,
    dir: &Path,
    prometheus_port: u16,
    pg_port: u16,
    redis_port: u16,
) -> String {
    let d = dir.display();
    let pg = |name: &str, password: &str| {
        format!(
            "[targets.{name}]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {pg_port}\n\
             db_username = \"pwuser\"\ndb_password = \"{password}\"\ndb_name = \"app\"\n"
        )
    };
    let redis = |name: &str, password: &str| {
        format!(
            "[targets.{name}]\ndb_engine = \"redis\"\ndb_host = \"127.0.0.1\"\ndb_port = {redis_port}\n\
             db_password = \"{password}\"\ndb_name = \"0\"\n"
        )
    };
    format!(
        "[agent]\napi_base_url = \"{}\"\napi_key = \"{api_key}\"\nlog_level = \"trace\"\n\
         log_file = \"{d}/logs/agent.log\"\nhigh_frequency_interval = 1\nmedium_frequency_interval = 1\n\
         low_frequency_interval = 2\nschema_frequency_interval = 0\nexport_to_file = true\n\
         export_path = \"{d}/export\"\n\
         [forwarding]\nheartbeat_interval = 1\nmax_backoff = 1\n\
         [history]\npath = \"{d}/state/history.sqlite3\"\n\
         [prometheus]\nlisten = \"127.0.0.1:{prometheus_port}\"\n{}{}{}{}",
        receiver.base_url(),
        pg("pg-good", PWUSER_PASSWORD),
        pg("pg-wrong-pw", WRONG_PG_PASSWORD),
        redis("redis-good", REDIS_PASSWORD),
        redis("redis-wrong-pw", WRONG_REDIS_PASSWORD),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_api_key_in_logs_payloads_exports_metrics_snapshot_or_history() {
    let cluster = TestCluster::shared();
    let redis = TestRedis::start_with_password(REDIS_PASSWORD);
    let receiver = Receiver::start().await;
    // As pwuser: the agent, without pg_read_all_stats, sees its own role's sessions in full.
    let (_marker, connection) = tokio_postgres::Config::new()
        .host("127.0.0.1")
        .port(cluster.port)
        .user("pwuser")
        .password(PWUSER_PASSWORD)
        .dbname("app")
        .application_name(MARKER)
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);

    let dir = tempfile::tempdir().unwrap();
    let host_key = dir.path().join("host.key");
    std::fs::write(&host_key, b"leak-test host key 0123456789abcdef").unwrap();
    let out = logstag(&["encrypt"], &host_key, &format!("{API_KEY}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let encrypted = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(encrypted.starts_with("enc:v1:") && !encrypted.contains(API_KEY), "{encrypted}");
    std::fs::create_dir_all(dir.path().join("export")).unwrap();

    let prometheus_port = free_port();
    let config = agent_config(&receiver, &encrypted, dir.path(), prometheus_port, cluster.port, redis.port);
    let env = [("LOGSTAG_HOST_KEY_FILE", host_key.as_path())];
    let mut agent = Agent::spawn_with_env(&config, &[], &env);
    let log_file = dir.path().join("logs/agent.log");
    // Both wrong passwords were refused (error paths logged), and a few batches went out
    // with samples of both good targets.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let log = std::fs::read_to_string(&log_file).unwrap_or_default();
        let batches = receiver.requests("/metrics");
        let sent = |target: &str| {
            batches.iter().any(|r| {
                r.json()["samples"].as_array().unwrap().iter().any(|s| s["target"]["name"] == target)
            })
        };
        let ready = log.contains("target pg-wrong-pw: DOWN")
            && log.contains("target redis-wrong-pw: DOWN")
            && batches.len() >= 3
            && sent("pg-good")
            && sent("redis-good")
            && !receiver.requests("/heartbeat").is_empty();
        if ready {
            break;
        }
        let stderr = std::fs::read_to_string(&agent.stderr).unwrap_or_default();
        assert!(agent.is_running(), "the agent exited:\n{stderr}\n{log}");
        assert!(Instant::now() < deadline, "not ready within {PATIENCE:?}:\n{stderr}\n{log}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Both formats the endpoint speaks: the classic text (curl, promtool) and OpenMetrics
    // (what Prometheus asks for).
    let metrics_url = format!("http://127.0.0.1:{prometheus_port}/metrics");
    let scrape = reqwest::get(&metrics_url).await.unwrap().text().await.unwrap();
    let openmetrics = reqwest::Client::new()
        .get(&metrics_url)
        .header("accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{}", std::fs::read_to_string(&agent.stderr).unwrap());
    let config_file = dir.path().join("agent.toml");
    std::fs::write(&config_file, &config).unwrap();
    std::fs::set_permissions(&config_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let snapshot =
        logstag(&["snapshot", "--config", config_file.to_str().unwrap(), "--format", "json"], &host_key, "");

    let mut seen = Haystack::default();
    let mut api_key_headers = Haystack::default();
    seen.add_files("log", &dir.path().join("logs"));
    seen.add("agent stderr", std::fs::read(&agent.stderr).unwrap());
    for request in receiver.requests("") {
        let mut body = request.body.clone();
        if request.header("content-encoding") == Some("gzip") {
            body.clear();
            GzDecoder::new(&request.body[..]).read_to_end(&mut body).unwrap();
        }
        seen.add(format!("request body {}", request.path), body);
        seen.add("request path", request.path.clone());
        for (name, value) in &request.headers {
            let into = if name == "x-logstag-api-key" { &mut api_key_headers } else { &mut seen };
            into.add(format!("request header {name}"), format!("{name}: {value}"));
        }
    }
    seen.add_files("export", &dir.path().join("export"));
    seen.add("metrics scrape", scrape.clone());
    seen.add("metrics scrape (OpenMetrics)", openmetrics.clone());
    seen.add("snapshot stdout", snapshot.stdout.clone());
    seen.add("snapshot stderr", snapshot.stderr.clone());
    seen.add_files("history file", &dir.path().join("state"));
    seen.add_history(&dir.path().join("state/history.sqlite3"));

    // The search works on real data: the key is in its header, the marker everywhere
    // collected data goes, the error paths are in the log.
    assert!(api_key_headers.found_in(API_KEY, "request header x-logstag-api-key"));
    for prefix in ["request body", "export", "history snapshots inflated", "snapshot stdout"] {
        assert!(seen.found_in(MARKER, prefix), "the marker is not in any {prefix}");
    }
    let log = std::fs::read_to_string(&log_file).unwrap();
    assert!(log.contains(" TRACE ") && log.contains(" DEBUG "), "trace level logs everything");
    assert!(log.contains("password authentication failed"), "{log}");
    assert!(scrape.contains("# TYPE logstag_up gauge"), "{scrape}");
    assert!(openmetrics.contains("logstag_up") && openmetrics.ends_with("# EOF\n"), "{openmetrics}");
    assert!(String::from_utf8_lossy(&snapshot.stdout).contains("redis-good"), "{snapshot:?}");

    for secret in secrets() {
        let found = seen.sources_with(secret);
        assert!(found.is_empty(), "{secret:?} leaked into: {found:?}");
    }
}
