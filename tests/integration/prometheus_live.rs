//! `/metrics` scraped from a running agent that monitors a real PostgreSQL cluster, asking
//! for OpenMetrics as Prometheus does, and parsed as strict OpenMetrics.

use crate::support::agent::{Agent, free_port};
use crate::support::openmetrics;
use crate::support::postgres::TestCluster;
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(40);
/// What Prometheus 2.x sends.
const OPENMETRICS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                                  version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_endpoint_serves_every_target_metric_as_openmetrics() {
    let cluster = TestCluster::shared();
    let port = free_port();
    let config = format!(
        "[agent]\nlog_file = \"-\"\nhigh_frequency_interval = 1\nmedium_frequency_interval = 1\n\
         low_frequency_interval = 0\nschema_frequency_interval = 0\n\
         [prometheus]\nlisten = \"127.0.0.1:{port}\"\n\
         [targets.prom-pg]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_name = \"app\"\n\
         [targets.prom-down]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n",
        cluster.port,
        free_port()
    );
    // An idle session of ours, to find in the sessions-by-state series.
    let _idle = cluster.client("app").await;
    let mut agent = Agent::spawn(&config, &[]);
    let url = format!("http://127.0.0.1:{port}/metrics");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    // Ready when the target is up and its counters are there.
    let (content_type, text, parsed) = loop {
        assert!(agent.is_running(), "{}", std::fs::read_to_string(&agent.stderr).unwrap_or_default());
        let request = client.get(&url).header("Accept", OPENMETRICS_ACCEPT);
        if let Ok(response) = request.send().await {
            let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
            let text = response.text().await.unwrap();
            let parsed = openmetrics::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            let committed = &[("target", "prom-pg"), ("key", "app")];
            let up = parsed.value("logstag_up", &[("target", "prom-pg"), ("engine", "postgresql")]);
            // Both: a target between connections (up 0, seen once in CI on a loaded machine)
            // still has its last counters served.
            if up == Some(1.0) && parsed.value("logstag_transactions_committed_total", committed).is_some() {
                break (content_type, text, parsed);
            }
        }
        assert!(Instant::now() < deadline, "no counters for prom-pg within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assert!(text.ends_with("# EOF\n"));
    let up = |target| parsed.value("logstag_up", &[("target", target), ("engine", "postgresql")]);
    assert_eq!(up("prom-pg"), Some(1.0), "{text}");
    assert_eq!(up("prom-down"), Some(0.0), "{text}");
    assert_eq!(parsed.families["logstag_up"].kind, "gauge");
    assert_eq!(parsed.families["logstag_transactions_committed"].kind, "counter");
    assert_eq!(parsed.families["logstag_longest_query_seconds"].unit.as_deref(), Some("seconds"));
    assert!(
        !text.contains("logstag_tps") && !text.contains("_per_s"),
        "rates are Prometheus' job:
{text}"
    );
    // Keyed metrics carry the key label; the session we hold open is counted.
    let idle = parsed.value("logstag_sessions_by_state", &[("target", "prom-pg"), ("key", "Idle")]);
    assert!(idle.is_some_and(|n| n >= 1.0), "{text}");
    let took = parsed.value("logstag_collect_duration_seconds", &[("target", "prom-pg"), ("tier", "high")]);
    assert!(took.is_some_and(|s| s > 0.0 && s < 30.0), "{text}");
    assert_eq!(parsed.families["logstag_collect_duration_seconds"].unit.as_deref(), Some("seconds"));
    assert!(parsed.value("logstag_samples_recorded_total", &[]).is_some_and(|n| n > 0.0), "{text}");
    for own in ["logstag_outbox_depth", "logstag_forward_errors_total", "process_resident_memory_bytes"] {
        assert!(parsed.value(own, &[]).is_some(), "no {own} in:\n{text}");
    }
    // A down target exports no stale values.
    assert!(parsed.value("logstag_connections", &[("target", "prom-down")]).is_none());

    let missing = client.get(format!("http://127.0.0.1:{port}/nope")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let (status, _) = agent.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
}

/// The board fed directly, served in-process as the TUI does: awkward label values
/// come out escaped, and the strict parser reads them back unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fed_board_is_served_with_escaped_labels() {
    use logstag::board::Board;
    use logstag::config::{Config, PrometheusConfig, target_from_url};
    use logstag::model::{Metric, Sample, SampleBody, TargetId, Tier, Timestamp};

    let name = "prod \"eu\" \\ main";
    let mut target = target_from_url("postgresql://localhost:5432/postgres", &Config::default()).unwrap();
    target.name = name.into();
    let board = Board::new(&[target], Default::default());
    let metrics = vec![Metric::keyed("waits_by_class", "Lock\nwait", 3.0), Metric::new("connections", 7.0)];
    board.observe(&[Sample {
        target: TargetId(name.into()),
        tier: Tier::High,
        taken_at: Timestamp::now(),
        body: SampleBody::Metrics(metrics),
    }]);
    let listener = logstag::prometheus::bind(&PrometheusConfig {
        listen: Some(([127, 0, 0, 1], 0).into()),
        ..Default::default()
    })
    .await
    .unwrap()
    .unwrap();
    let addr = listener.local_addr().unwrap();
    let server = logstag::prometheus::serve(listener, board);
    let client = reqwest::Client::new();
    let request = client.get(format!("http://{addr}/metrics")).header("Accept", OPENMETRICS_ACCEPT);
    let text = request.send().await.unwrap().text().await.unwrap();
    server.abort();
    let parsed = openmetrics::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(parsed.value("logstag_waits_by_class", &[("target", name), ("key", "Lock\nwait")]), Some(3.0));
    assert_eq!(parsed.value("logstag_connections", &[("target", name)]), Some(7.0));
    assert_eq!(parsed.value("logstag_up", &[("target", name)]), Some(0.0), "still connecting");
}
