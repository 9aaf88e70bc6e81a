//! The request bodies, versioned (`schema`) and documented in docs/forwarding.md.
//! Built only from model types and identities: no `Secret` is `Serialize`, so a
//! password or the API key cannot end up here.

use super::normalize::normalize_sample;
use super::settings::{AgentIdentity, TargetIdentity};
use crate::model::{Sample, Tier, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "logstag.forward.v1";
pub const HEARTBEAT_SCHEMA: &str = "logstag.heartbeat.v1";

#[derive(Serialize)]
struct Batch<'a> {
    schema: &'static str,
    batch_id: &'a str,
    sent_at: i64,
    agent: &'a AgentIdentity,
    samples: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    target: TargetRef,
    /// The `SampleBody` kind: activity, queries, metrics, status…
    collector: &'static str,
    tier: Tier,
    /// When the sample was taken, ms since the Unix epoch.
    ts: i64,
    data: serde_json::Value,
}

#[derive(Serialize)]
struct TargetRef {
    name: String,
    engine: String,
    platform: String,
}

/// The `POST {base}/metrics` body for one batch, as JSON bytes.
pub fn batch_body(
    key: &str,
    samples: Vec<Sample>,
    agent: &AgentIdentity,
    targets: &[TargetIdentity],
    normalize: bool,
    now: Timestamp,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut entries = Vec::with_capacity(samples.len());
    for mut sample in samples {
        let known = targets.iter().find(|t| t.name == sample.target.0);
        if normalize {
            // A target removed from the configuration while its samples waited: SQL's
            // rules are the strictest (every literal out).
            normalize_sample(&mut sample, known.map_or(super::normalize::sql, |t| t.normalize));
        }
        let collector = sample.body.kind();
        // SampleBody serialises as {"kind": …, "data": …}; the entry carries both apart.
        let data = match serde_json::to_value(&sample.body)? {
            serde_json::Value::Object(mut fields) => fields.remove("data").unwrap_or_default(),
            other => other,
        };
        let target = TargetRef {
            name: sample.target.0,
            // A target removed from the configuration while its samples waited.
            engine: known.map_or_else(|| "unknown".to_owned(), |t| t.engine.clone()),
            platform: known.map_or_else(|| "unknown".to_owned(), |t| t.platform.clone()),
        };
        entries.push(Entry { target, collector, tier: sample.tier, ts: sample.taken_at.0, data });
    }
    serde_json::to_vec(&Batch { schema: SCHEMA, batch_id: key, sent_at: now.0, agent, samples: entries })
}

#[derive(Serialize)]
struct Presence<'a> {
    schema: &'static str,
    /// `register` (once at start) or `heartbeat` (every heartbeat_interval).
    kind: &'static str,
    sent_at: i64,
    started_at: i64,
    agent: &'a AgentIdentity,
    /// Seconds per tier; 0 = tier off.
    intervals: &'a BTreeMap<&'static str, u64>,
    outbox: OutboxSummary,
    targets: Vec<TargetPresence<'a>>,
}

#[derive(Serialize)]
pub struct OutboxSummary {
    pub queued: u64,
    pub parked: u64,
    pub dropped_total: u64,
}

#[derive(Serialize)]
struct TargetPresence<'a> {
    #[serde(flatten)]
    target: &'a TargetIdentity,
    /// up, degraded, down, connecting, or unknown before the first round.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

/// Body of `register` and `heartbeat`. `statuses`: target name → (status, server version).
pub struct PresenceInput<'a> {
    pub kind: &'static str,
    pub agent: &'a AgentIdentity,
    pub intervals: &'a BTreeMap<&'static str, u64>,
    pub targets: &'a [TargetIdentity],
    pub statuses: BTreeMap<String, (String, Option<String>)>,
    pub outbox: OutboxSummary,
    pub started_at: Timestamp,
}

pub fn presence_body(mut input: PresenceInput<'_>, now: Timestamp) -> Result<Vec<u8>, serde_json::Error> {
    let targets = input
        .targets
        .iter()
        .map(|t| {
            let (status, version) =
                input.statuses.remove(&t.name).unwrap_or_else(|| ("unknown".into(), None));
            TargetPresence { target: t, status, version }
        })
        .collect();
    serde_json::to_vec(&Presence {
        schema: HEARTBEAT_SCHEMA,
        kind: input.kind,
        sent_at: now.0,
        started_at: input.started_at.0,
        agent: input.agent,
        intervals: input.intervals,
        outbox: input.outbox,
        targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metric, SampleBody, TargetId};
    use serde_json::Value;

    fn agent() -> AgentIdentity {
        AgentIdentity { id: "a1".into(), version: "0.1.0".into(), host: "db-host".into() }
    }

    #[test]
    fn batch_has_schema_agent_and_typed_entries() {
        let pg = TargetIdentity {
            name: "prod".into(),
            engine: "postgresql".into(),
            platform: "self-hosted".into(),
            intervals: BTreeMap::new(),
            normalize: super::super::normalize::sql,
        };
        let samples = vec![
            Sample {
                target: TargetId("prod".into()),
                tier: Tier::High,
                taken_at: Timestamp(5),
                body: SampleBody::Metrics(vec![Metric::new("tps", 2.5)]),
            },
            Sample {
                target: TargetId("gone".into()),
                tier: Tier::Low,
                taken_at: Timestamp(6),
                body: SampleBody::Settings(Vec::new()),
            },
        ];
        let json = batch_body("k1", samples, &agent(), &[pg], true, Timestamp(9)).unwrap();
        let v: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["schema"], "logstag.forward.v1");
        assert_eq!((v["batch_id"].as_str(), v["sent_at"].as_i64()), (Some("k1"), Some(9)));
        assert_eq!(v["agent"]["host"], "db-host");
        let first = &v["samples"][0];
        assert_eq!(first["target"]["engine"], "postgresql");
        assert_eq!((first["collector"].as_str(), first["tier"].as_str()), (Some("metrics"), Some("high")));
        assert_eq!(first["ts"], 5);
        assert_eq!(first["data"][0]["name"], "tps");
        assert_eq!(v["samples"][1]["target"]["engine"], "unknown");
    }
}
