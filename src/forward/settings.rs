//! What the forwarder needs from the configuration, resolved once: the backend URL and
//! key, limits, and the identities (agent, targets) that go into payloads. Never a
//! database password: targets are described by name, engine and platform only.

use super::ForwardError;
use crate::config::{Config, Intervals, Secret, check_base_url};
use crate::model::Tier;
use crate::store::OutboxBounds;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Who is sending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentIdentity {
    /// Random per history file (made by the store), stable across restarts.
    pub id: String,
    pub version: String,
    pub host: String,
}

/// A monitored target as the backend sees it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetIdentity {
    pub name: String,
    /// Configuration spelling: postgresql, mssql, mongodb, redis, valkey, oracle.
    pub engine: String,
    pub platform: String,
    /// Seconds per tier; 0 = tier off.
    pub intervals: BTreeMap<&'static str, u64>,
    /// The engine's query-text normaliser (`EngineSpec::normalize`).
    #[serde(skip)]
    pub normalize: fn(&str) -> String,
}

#[derive(Debug, Clone)]
pub struct ForwardSettings {
    /// `api_base_url` without a trailing slash; endpoints are `{base}/metrics` etc.
    pub base_url: String,
    pub api_key: Secret,
    pub compress: bool,
    /// Send nothing: batches are logged (debug), exported if asked, and removed.
    pub mock: bool,
    /// `export_to_file`: every payload is also written here as JSON.
    pub export_dir: Option<PathBuf>,
    pub normalize: bool,
    pub bounds: OutboxBounds,
    pub batch_max_samples: usize,
    pub batch_max_bytes: u64,
    pub request_timeout: Duration,
    pub heartbeat_interval: Duration,
    /// First retry delay; doubles per failure up to `max_backoff`.
    pub backoff_base: Duration,
    pub max_backoff: Duration,
    /// How often an idle forwarder looks for new samples.
    pub poll_interval: Duration,
    pub ca_file: Option<PathBuf>,
    pub targets: Vec<TargetIdentity>,
    pub agent_intervals: BTreeMap<&'static str, u64>,
    pub host: String,
}

impl ForwardSettings {
    /// None when `api_base_url` is not set (forwarding off).
    pub fn from_config(cfg: &Config) -> Result<Option<ForwardSettings>, ForwardError> {
        let Some(base) = &cfg.agent.api_base_url else {
            return Ok(None);
        };
        check_base_url(base).map_err(|e| ForwardError::Config(format!("agent.api_base_url: {e}")))?;
        let api_key = match (&cfg.agent.api_key, cfg.agent.mock_mode) {
            (Some(key), _) => key.clone(),
            (None, true) => Secret::default(),
            (None, false) => {
                return Err(ForwardError::Config("agent.api_key is required with api_base_url".into()));
            }
        };
        let f = &cfg.forwarding;
        let export_dir = cfg
            .agent
            .export_to_file
            .then(|| cfg.agent.export_path.clone().unwrap_or_else(|| PathBuf::from(".")));
        Ok(Some(ForwardSettings {
            base_url: base.trim_end_matches('/').to_owned(),
            api_key,
            compress: cfg.agent.compress_request_payload,
            mock: cfg.agent.mock_mode,
            export_dir,
            normalize: f.normalize_query_text,
            bounds: OutboxBounds {
                max_rows: f.outbox_max_rows,
                max_bytes: f.outbox_max_bytes,
                max_age: f.outbox_max_age,
            },
            batch_max_samples: f.batch_max_samples,
            batch_max_bytes: f.batch_max_bytes,
            request_timeout: f.request_timeout,
            heartbeat_interval: f.heartbeat_interval,
            backoff_base: Duration::from_secs(1),
            max_backoff: f.max_backoff,
            poll_interval: Duration::from_secs(1),
            ca_file: f.ca_file.clone(),
            targets: cfg
                .targets
                .iter()
                .map(|t| TargetIdentity {
                    name: t.name.clone(),
                    engine: t.engine.key().to_owned(),
                    platform: t.platform.clone(),
                    intervals: seconds(&t.intervals),
                    normalize: crate::collectors::registry::spec(t.engine).normalize,
                })
                .collect(),
            agent_intervals: seconds(&cfg.agent.intervals),
            host: hostname(),
        }))
    }
}

fn seconds(intervals: &Intervals) -> BTreeMap<&'static str, u64> {
    Tier::ALL.iter().map(|t| (t.name(), intervals.get(*t).map_or(0, |d| d.as_secs()))).collect()
}

/// The kernel's host name; `HOSTNAME` elsewhere; "unknown" when neither says.
pub fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}
