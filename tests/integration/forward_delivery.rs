//! Forwarding to a loopback receiver: what is sent (headers, payload schema, no
//! secrets, normalised query text), over plain http and over HTTPS with a private CA.

use crate::support::forwarding::*;
use crate::support::receiver::{Receiver, TestCa};
use logstag::forward::{self, ForwardSettings, USER_AGENT};
use logstag::store::Store;
use logstag::telemetry::Telemetry;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const DAY: Duration = Duration::from_secs(86_400);

#[tokio::test]
async fn batches_arrive_gzipped_with_headers_schema_and_no_secrets() {
    let receiver = Receiver::start().await;
    let store = Store::open_in_memory(DAY).unwrap();
    let telemetry = Arc::new(Telemetry::default());
    let (stop, shutdown) = watch::channel(false);
    let handle =
        forward::start(settings(&receiver.base_url(), "", ""), store.clone(), telemetry.clone(), shutdown)
            .await
            .unwrap();
    store.record(numbered(1)).await.unwrap();
    store.record(activity_with_literal(2)).await.unwrap();
    receiver
        .wait_for("both samples", Duration::from_secs(10), |r| batches(r).values().flatten().count() == 2)
        .await;

    let requests = receiver.requests("/metrics");
    let first = &requests[0];
    assert_eq!(first.path, "/agent-api/v1/metrics");
    assert_eq!(first.header("x-logstag-api-key"), Some(API_KEY));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.header("content-encoding"), Some("gzip"));
    assert_eq!(first.header("user-agent"), Some(USER_AGENT));
    assert_eq!(first.header("idempotency-key").map(str::len), Some(32));
    let json = first.json();
    assert_eq!(json["schema"], "logstag.forward.v1");
    assert!(json["sent_at"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(json["agent"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["agent"]["id"].as_str().map(str::len), Some(32));
    assert!(!json["agent"]["host"].as_str().unwrap().is_empty());
    let all: Vec<serde_json::Value> =
        requests.iter().flat_map(|r| r.json()["samples"].as_array().unwrap().clone()).collect();
    let metrics = all.iter().find(|s| s["collector"] == "metrics").unwrap();
    assert_eq!(
        metrics["target"],
        serde_json::json!({"name": "prod", "engine": "postgresql", "platform": "self-hosted"})
    );
    assert_eq!((metrics["tier"].as_str(), metrics["ts"].as_i64()), (Some("high"), Some(1)));
    assert_eq!(metrics["data"][0], serde_json::json!({"name": "seq", "value": 1.0}));
    let activity = all.iter().find(|s| s["collector"] == "activity").unwrap();
    assert_eq!(
        activity["data"]["sessions"][0]["query"], "SELECT * FROM users WHERE email = $1 AND id = $2",
        "literals are replaced before leaving the host"
    );

    // Registration went out too, with identities and never a secret. The heartbeat task
    // sends it on its own schedule: under load it can arrive after the batches.
    receiver.wait_for_on("/register", "the registration", Duration::from_secs(10), |r| !r.is_empty()).await;
    let register = receiver.requests("/register");
    assert!(!register.is_empty(), "no registration");
    let reg = register[0].json();
    assert_eq!(reg["schema"], "logstag.heartbeat.v1");
    assert_eq!(reg["agent"]["id"], json["agent"]["id"]);
    assert_eq!(reg["targets"][0]["name"], "prod");
    assert_eq!(reg["targets"][0]["engine"], "postgresql");
    assert_eq!(reg["intervals"]["high"], 10);
    for r in receiver.requests("") {
        let text = String::from_utf8_lossy(&r.body).into_owned() + &r.json().to_string();
        for secret in [PASSWORD, API_KEY, "bob@example.com"] {
            assert!(!text.contains(secret), "{secret} in a {} body", r.path);
        }
    }

    for _ in 0..100 {
        if handle.status.borrow().queued == 0 && handle.status.borrow().last_ok.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(handle.status.borrow().queued, 0, "acknowledged rows leave the outbox");
    assert!(handle.status.borrow().last_ok.is_some());
    assert_eq!(Telemetry::get(&telemetry.forward_samples_total), 2);
    assert!(Telemetry::get(&telemetry.forward_batches_total) >= 1);
    assert_eq!(Telemetry::get(&telemetry.forward_errors_total), 0);
    stop.send(true).unwrap();
    handle.join(Duration::from_secs(3)).await;
}

#[tokio::test]
async fn uncompressed_and_query_text_as_is_when_asked() {
    let receiver = Receiver::start().await;
    let store = Store::open_in_memory(DAY).unwrap();
    let s =
        settings(&receiver.base_url(), "compress_request_payload = false", "normalize_query_text = false");
    let (_stop, shutdown) = watch::channel(false);
    let _handle = forward::start(s, store.clone(), Arc::default(), shutdown).await.unwrap();
    store.record(activity_with_literal(1)).await.unwrap();
    receiver.wait_for("the sample", Duration::from_secs(10), |r| !r.is_empty()).await;
    let request = &receiver.requests("/metrics")[0];
    assert_eq!(request.header("content-encoding"), None);
    let query = request.json()["samples"][0]["data"]["sessions"][0]["query"].as_str().unwrap().to_owned();
    assert!(query.contains("'bob@example.com'"), "{query}");
}

#[tokio::test]
async fn mock_mode_sends_nothing_and_export_writes_the_payloads() {
    let receiver = Receiver::start().await;
    let dir = tempfile::TempDir::new().unwrap();
    let agent =
        format!("mock_mode = true\nexport_to_file = true\nexport_path = \"{}\"", dir.path().display());
    let store = Store::open_in_memory(DAY).unwrap();
    let (_stop, shutdown) = watch::channel(false);
    let handle =
        forward::start(settings(&receiver.base_url(), &agent, ""), store.clone(), Arc::default(), shutdown)
            .await
            .unwrap();
    store.record(activity_with_literal(1)).await.unwrap();
    let mut exported = Vec::new();
    for _ in 0..250 {
        exported = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("logstag-metrics-"))
            .collect();
        if !exported.is_empty() && handle.status.borrow().queued == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(exported.len(), 1, "{exported:?}");
    let text = std::fs::read_to_string(dir.path().join(&exported[0])).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["samples"][0]["collector"], "activity");
    assert!(!text.contains(API_KEY) && !text.contains(PASSWORD) && !text.contains("bob@example.com"));
    assert!(handle.status.borrow().mock);
    assert_eq!(store.outbox_stats().await.unwrap().rows, 0, "mock mode drops batches after logging them");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.requests("").is_empty(), "mock mode must not send anything");
}

#[tokio::test]
async fn https_with_the_private_ca_works_and_without_it_is_refused() {
    let ca = TestCa::new();
    let dir = tempfile::TempDir::new().unwrap();
    let ca_file = ca.write_ca(dir.path());
    let receiver = Receiver::start_tls(&ca).await;
    assert!(receiver.base_url().starts_with("https://"));

    // Without the CA: the certificate is not trusted, nothing is delivered, data is kept.
    let store = Store::open_in_memory(DAY).unwrap();
    let untrusted: ForwardSettings = settings(&receiver.base_url(), "", "");
    let (stop, shutdown) = watch::channel(false);
    let handle = forward::start(untrusted, store.clone(), Arc::default(), shutdown).await.unwrap();
    store.record(numbered(1)).await.unwrap();
    let mut error = None;
    for _ in 0..250 {
        error = handle.status.borrow().last_error.clone();
        if error.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let error = error.expect("the TLS failure is reported");
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert!(receiver.requests("").is_empty(), "no request may pass an untrusted certificate");
    assert_eq!(store.outbox_stats().await.unwrap().rows, 1, "the sample waits in the outbox");
    stop.send(true).unwrap();
    handle.join(Duration::from_secs(3)).await;

    // With ca_file: the same outbox is delivered.
    let trusted = settings(&receiver.base_url(), "", &format!("ca_file = \"{}\"", ca_file.display()));
    let (_stop, shutdown) = watch::channel(false);
    let _handle = forward::start(trusted, store.clone(), Arc::default(), shutdown).await.unwrap();
    receiver.wait_for("delivery over https", Duration::from_secs(10), |r| !r.is_empty()).await;
    assert_eq!(delivered_once(&receiver), set(1..=1));
    assert_eq!(receiver.requests("/metrics")[0].header("x-logstag-api-key"), Some(API_KEY));
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let text = "[agent]\napi_base_url = \"http://192.0.2.10/agent-api/v1\"\napi_key = \"k\"\n";
    let errors = logstag::config::parse_str(text, std::path::Path::new("p.toml")).unwrap_err().to_string();
    assert!(
        errors.contains("p.toml:2:16: agent.api_base_url: plain http:// is only accepted for loopback"),
        "{errors}"
    );
    let mut cfg = logstag::config::Config::default();
    cfg.agent.api_base_url = Some("http://192.0.2.10/agent-api/v1".into());
    cfg.agent.api_key = Some(logstag::config::Secret::new("k"));
    let err = ForwardSettings::from_config(&cfg).unwrap_err().to_string();
    assert!(err.contains("only accepted for loopback"), "{err}");
}
