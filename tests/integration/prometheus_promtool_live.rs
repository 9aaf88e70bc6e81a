//! `/metrics` of a running agent watching a real PostgreSQL cluster and a real Redis
//! server, read the way Prometheus' own tools read it: `promtool check metrics` (Debian's
//! `prometheus` package) must have nothing to say, counters must be counters, and a
//! counter must not go down between two scrapes.

use crate::support::agent::{Agent, free_port};
use crate::support::postgres::TestCluster;
use crate::support::redis::TestRedis;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(60);

/// `promtool check metrics` on `text`: its exit status and everything it printed.
fn promtool_check(text: &str) -> (bool, String) {
    let spawned = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => panic!("cannot run promtool ({e}): install Debian's prometheus package"),
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), printed)
}

/// The value of the one sample line `name{…}` whose labels contain every `label="value"`.
fn value(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        if !rest.starts_with('{') && !rest.starts_with(' ') {
            return None;
        }
        let (series, v) = rest.rsplit_once(' ')?;
        labels.iter().all(|l| series.contains(l)).then(|| v.parse().ok())?
    })
}

async fn scrape(client: &reqwest::Client, url: &str, accept: Option<&str>) -> Option<(String, String)> {
    let mut request = client.get(url);
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.ok()?;
    let content_type = response.headers().get("content-type")?.to_str().ok()?.to_owned();
    Some((content_type, response.text().await.ok()?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promtool_finds_nothing_to_flag_with_postgresql_and_redis_targets() {
    // Before anything starts: without promtool this test cannot do its job.
    assert!(
        Command::new("promtool").arg("--version").output().is_ok(),
        "promtool not found: install Debian's prometheus package"
    );
    let cluster = TestCluster::shared();
    let redis = TestRedis::start();
    let port = free_port();
    let config = format!(
        "[agent]\nlog_file = \"-\"\nhigh_frequency_interval = 1\nmedium_frequency_interval = 1\n\
         low_frequency_interval = 0\nschema_frequency_interval = 0\n\
         [prometheus]\nlisten = \"127.0.0.1:{port}\"\ntop_statements = 3\n\
         [targets.tool-pg]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_name = \"app\"\n\
         [targets.tool-redis]\ndb_engine = \"redis\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n",
        cluster.port, redis.port
    );
    let mut agent = Agent::spawn(&config, &[]);
    let url = format!("http://127.0.0.1:{port}/metrics");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    // Ready when both targets' counters of both tiers are there (the medium tier's too),
    // and the statements' first interval is measured.
    let ready = [
        ("logstag_transactions_committed_total", "target=\"tool-pg\""),
        ("logstag_checkpoints_timed_total", "target=\"tool-pg\""),
        ("logstag_top_statement_interval_seconds", "target=\"tool-pg\""),
        ("logstag_commands_processed_total", "target=\"tool-redis\""),
        ("logstag_command_calls_total", "target=\"tool-redis\""),
    ];
    let (content_type, first) = loop {
        assert!(agent.is_running(), "{}", std::fs::read_to_string(&agent.stderr).unwrap_or_default());
        if let Some((content_type, text)) = scrape(&client, &url, None).await
            && ready.iter().all(|(name, target)| value(&text, name, &[target]).is_some())
        {
            break (content_type, text);
        }
        assert!(Instant::now() < deadline, "counters of both targets missing after {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let (ok, findings) = promtool_check(&first);
    assert!(ok && findings.trim().is_empty(), "promtool check metrics:\n{findings}\n--- scraped:\n{first}");

    for family in [
        "logstag_transactions_committed_total",
        "logstag_commands_processed_total",
        "logstag_network_received_bytes_total",
        "logstag_cpu_seconds_total",
        "logstag_samples_recorded_total",
    ] {
        assert!(first.lines().any(|l| l == format!("# TYPE {family} counter")), "{family}:\n{first}");
    }
    assert!(first.lines().any(|l| l == "# TYPE logstag_up gauge"));
    for rate in ["_per_s", "_per_min", "logstag_tps", "# UNIT", "# EOF"] {
        assert!(!first.contains(rate), "{rate} in the classic exposition:\n{first}");
    }
    // Statement ids only, never their text.
    assert!(!first.contains("SELECT"), "{first}");

    // Counters only go up between scrapes (the servers are not restarted here).
    let committed =
        |t: &str| value(t, "logstag_transactions_committed_total", &["target=\"tool-pg\"", "key=\"app\""]);
    let commands = |t: &str| value(t, "logstag_commands_processed_total", &["target=\"tool-redis\""]);
    let (pg_before, redis_before) = (committed(&first).unwrap(), commands(&first).unwrap());
    let second = loop {
        let (_, text) = scrape(&client, &url, None).await.unwrap();
        // The agent's own reads commit on PG and run commands on Redis: both move.
        if commands(&text).is_some_and(|n| n > redis_before)
            && committed(&text).is_some_and(|n| n > pg_before)
        {
            break text;
        }
        assert!(Instant::now() < deadline, "counters did not move:\n{text}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    for line in first.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, v)) = line.rsplit_once(' ') else { continue };
        let counter = series.split('{').next().unwrap_or("");
        if !counter.ends_with("_total") || counter.starts_with("process_") {
            continue;
        }
        let before: f64 = v.parse().unwrap();
        if let Some(after) = second.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')) {
            assert!(after.parse::<f64>().unwrap() >= before, "{series} went down: {before} → {after}");
        }
    }

    // Prometheus asks for OpenMetrics and gets it, from the same families.
    let prometheus_accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                             version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (content_type, open) = scrape(&client, &url, Some(prometheus_accept)).await.unwrap();
    assert_eq!(content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    let parsed = crate::support::openmetrics::parse(&open).unwrap_or_else(|e| panic!("{e}\n{open}"));
    assert_eq!(parsed.families["logstag_commands_processed"].kind, "counter");
    assert_eq!(parsed.families["logstag_network_received_bytes"].unit.as_deref(), Some("bytes"));

    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
}
