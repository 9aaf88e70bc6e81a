//! Helpers for the forwarding tests: settings from real configuration text, numbered
//! samples, and "what the backend saw once deduplicated by idempotency key".

use super::receiver::{Receiver, Request};
use logstag::config::parse_str;
use logstag::forward::ForwardSettings;
use logstag::model::{
    ActivitySnapshot, Metric, Sample, SampleBody, Session, SessionState, TargetId, Tier, Timestamp,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

pub const API_KEY: &str = "lsk_live_0123456789abcdef";
pub const PASSWORD: &str = "pw-hunter2-never-sent";

/// Settings as `logstag` would resolve them from a file pointing at `base`, with short
/// timings so the tests run in seconds. `extra` goes into `[forwarding]`.
pub fn settings(base: &str, agent_extra: &str, extra: &str) -> ForwardSettings {
    let text = format!(
        "[agent]\napi_base_url = \"{base}\"\napi_key = \"{API_KEY}\"\n{agent_extra}\n\
         [forwarding]\n{extra}\n\
         [targets.prod]\ndb_engine = \"postgresql\"\ndb_host = \"db.internal\"\ndb_port = 5432\n\
         db_username = \"monitor\"\ndb_password = \"{PASSWORD}\"\n"
    );
    let cfg = parse_str(&text, Path::new("forward-test.toml")).unwrap();
    let mut s = ForwardSettings::from_config(&cfg).unwrap().unwrap();
    s.poll_interval = Duration::from_millis(20);
    s.backoff_base = Duration::from_millis(50);
    s.max_backoff = Duration::from_millis(400);
    s.request_timeout = Duration::from_secs(5);
    s
}

/// Sample number `n`: its timestamp is `n`, so deliveries can be counted.
pub fn numbered(n: i64) -> Vec<Sample> {
    vec![Sample {
        target: TargetId("prod".into()),
        tier: Tier::High,
        taken_at: Timestamp(n),
        body: SampleBody::Metrics(vec![Metric::new("seq", n as f64)]),
    }]
}

pub fn activity_with_literal(n: i64) -> Vec<Sample> {
    let session = Session {
        id: 42,
        user: "app".into(),
        database: "shop".into(),
        application: "web".into(),
        client: "10.0.0.9".into(),
        state: SessionState::Active,
        native_state: "active".into(),
        wait: None,
        query: "SELECT * FROM users WHERE email = 'bob@example.com' AND id = 7".into(),
        query_ms: Some(5),
        xact_ms: None,
        backend_ms: None,
        state_ms: None,
        blocked_by: Vec::new(),
        extra: Vec::new(),
    };
    vec![Sample {
        target: TargetId("prod".into()),
        tier: Tier::High,
        taken_at: Timestamp(n),
        body: SampleBody::Activity(ActivitySnapshot { sessions: vec![session], locks: Vec::new() }),
    }]
}

/// Idempotency key → sample timestamps of the batch, over every `/metrics` request.
pub fn batches(requests: &[Request]) -> BTreeMap<String, Vec<i64>> {
    let mut by_key = BTreeMap::new();
    for r in requests {
        let json = r.json();
        let key = r.header("idempotency-key").unwrap().to_owned();
        assert_eq!(json["batch_id"].as_str(), Some(key.as_str()), "the body names the same batch");
        let ts: Vec<i64> =
            json["samples"].as_array().unwrap().iter().map(|s| s["ts"].as_i64().unwrap()).collect();
        if let Some(previous) = by_key.insert(key.clone(), ts.clone()) {
            assert_eq!(previous, ts, "a resent batch {key} must hold the same samples");
        }
    }
    by_key
}

/// What the backend keeps after deduplicating by key: every sample, asserting none twice.
pub fn delivered_once(receiver: &Receiver) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    for ts in batches(&receiver.requests("/metrics")).into_values().flatten() {
        assert!(seen.insert(ts), "sample {ts} is in two different batches");
    }
    seen
}

pub fn set(range: std::ops::RangeInclusive<i64>) -> BTreeSet<i64> {
    range.collect()
}
