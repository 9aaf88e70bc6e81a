//! Redis and Valkey collector: one multiplexed, read-only connection per target.
//!
//! - `commands.rs`: every command we send (checked read-only by a test).
//! - `connect.rs`: TCP/TLS, authentication, refusals, counting our own commands.
//! - `parse/`: pure reply parsers; `counters.rs`: raw counters for the Prometheus endpoint.
//! - `high.rs`, `medium.rs`, `low.rs`: what each tier reads; `sampler.rs`: the optional
//!   big-key sampler of the schema tier.
//!
//! A command the server refuses (ACL, renamed or missing on a managed service) is a
//! problem of the round and an `unavailable` posture fact; the target stays up.
//! The data mapping is documented in docs/redis.md.

mod alert_templates;
pub mod commands;
mod connect;
mod counters;
pub mod health_checks;
mod high;
mod low;
mod medium;
pub mod parse;
pub mod present;
pub mod sampler;
pub mod spec;

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{BigKey, KeyspaceDb, KeyspaceSnapshot, SampleBody, SamplerRun, Tier};
use commands::Command;
use connect::{Conn, Refusal};
use parse::Info;
use redis::Value;

pub struct RedisCollector {
    target: TargetConfig,
    endpoint: String,
    conn: Option<Conn>,
    /// "Redis" or "Valkey", from INFO (the configured engine until INFO answers).
    product: String,
    version: String,
    /// standalone, cluster or sentinel.
    mode: String,
    high: high::HighState,
    medium: medium::MediumState,
    /// Persistence status from the medium tier, reported by the low tier's posture.
    persistence: Vec<(String, String)>,
    /// The last sampler pass, repeated in every Keyspace sample so the newest one is complete.
    sampled: Option<(Vec<BigKey>, SamplerRun)>,
}

impl RedisCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            conn: None,
            product: crate::collectors::registry::spec(target.engine).name.to_owned(),
            version: String::new(),
            mode: String::new(),
            high: high::HighState::default(),
            medium: medium::MediumState::default(),
            persistence: Vec::new(),
            sampled: None,
        }
    }

    /// `Valkey 8.0.1`, or the product alone when INFO is not permitted.
    fn short_version(&self) -> String {
        if self.version.is_empty() {
            self.product.clone()
        } else {
            format!("{} {}", self.product, self.version)
        }
    }

    fn remember_server(&mut self, info: &Info) {
        if info.version().is_some() {
            self.product = info.product().to_owned();
        }
        if let Some(v) = info.version() {
            self.version = v.to_owned();
        }
        if let Some(m) = info.mode() {
            self.mode = m.to_owned();
        }
    }

    /// Sends one command. Outer error: the connection is gone (and has been dropped).
    /// Inner None: refused, with the problem line added to `problems`.
    async fn call(
        &mut self,
        command: &Command,
        args: &[&str],
        problems: &mut Vec<String>,
    ) -> Result<Option<Value>, CollectError> {
        match self.call_raw(command, args).await? {
            Ok(value) => Ok(Some(value)),
            Err(refusal) => {
                problems.push(refusal_problem(command, &refusal));
                Ok(None)
            }
        }
    }

    async fn call_raw(
        &mut self,
        command: &Command,
        args: &[&str],
    ) -> Result<Result<Value, Refusal>, CollectError> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(CollectError::ConnectionLost {
                endpoint: self.endpoint.clone(),
                message: "not connected".to_owned(),
            });
        };
        let result = conn.call(command, args).await;
        if result.is_err() {
            self.disconnect();
        }
        result
    }

    /// A text reply (INFO, CLIENT LIST, CLUSTER …), or None with a problem when refused
    /// or not text.
    async fn call_text(
        &mut self,
        command: &Command,
        problems: &mut Vec<String>,
    ) -> Result<Option<String>, CollectError> {
        let Some(value) = self.call(command, &[], problems).await? else {
            return Ok(None);
        };
        let text = parse::value::text(&value);
        if text.is_none() {
            problems.push(format!("{}: unexpected reply type", command.name));
        }
        Ok(text)
    }

    fn keyspace(&self, info: &Info) -> KeyspaceSnapshot {
        let databases = info
            .keyspace()
            .into_iter()
            .map(|l| KeyspaceDb {
                index: l.index,
                keys: l.keys,
                expires: l.expires,
                avg_ttl_ms: (l.avg_ttl_ms > 0).then_some(l.avg_ttl_ms),
            })
            .collect();
        let (big_keys, sampler) = match &self.sampled {
            Some((keys, run)) => (keys.clone(), Some(run.clone())),
            None => (Vec::new(), None),
        };
        KeyspaceSnapshot { databases, big_keys, sampler }
    }

    /// Schema tier: fresh key counts, plus a sampler pass when it is switched on.
    async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        if self.target.options.flag("keyspace.big_keys") {
            let run = self.sample_big_keys().await?;
            self.sampled = Some(run);
        }
        let mut bodies = Vec::new();
        if let Some(text) = self.call_text(&commands::INFO_KEYSPACE, &mut problems).await? {
            bodies.push(SampleBody::Keyspace(self.keyspace(&Info::parse(&text))));
        }
        Ok(Collected { bodies, problems })
    }
}

/// A refused command in words the user can act on.
fn refusal_problem(command: &Command, refusal: &Refusal) -> String {
    if refusal.unavailable {
        format!(
            "{} is not permitted: {} (grant it to the monitoring user, or accept reduced coverage)",
            command.name, refusal.reason
        )
    } else {
        format!("{} failed: {}", command.name, refusal.reason)
    }
}

impl Collector for RedisCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.totals_on_baseline = true;
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if self.conn.is_some() {
            return Ok(self.short_version());
        }
        self.conn = Some(connect::connect(&self.target, &self.endpoint).await?);
        let mut ignored = Vec::new();
        if let Some(text) = self.call_text(&commands::INFO_SERVER, &mut ignored).await? {
            self.remember_server(&Info::parse(&text));
        }
        Ok(self.short_version())
    }

    async fn collect(&mut self, tier: Tier) -> Result<Collected, CollectError> {
        if self.conn.is_none() {
            self.ensure_connected().await?;
        }
        match tier {
            Tier::High => self.collect_high().await,
            Tier::Medium => self.collect_medium().await,
            Tier::Low => self.collect_low().await,
            Tier::Schema => self.collect_schema().await,
        }
    }

    fn disconnect(&mut self) {
        self.conn = None;
        // The next connection may reach a restarted server: counters start over.
        self.high.forget();
        self.medium.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_permissions_to_grant() {
        let r = Refusal { reason: "NOPERM no permissions to run 'config|get'".into(), unavailable: true };
        let p = refusal_problem(&commands::CONFIG_GET, &r);
        assert!(p.starts_with("CONFIG GET is not permitted: NOPERM"), "{p}");
        let r = Refusal { reason: "LOADING loading".into(), unavailable: false };
        assert_eq!(refusal_problem(&commands::SLOWLOG_GET, &r), "SLOWLOG GET failed: LOADING loading");
    }

    #[test]
    fn the_server_refines_the_configured_engine() {
        let mut c = RedisCollector::new(&TargetConfig {
            engine: crate::collectors::redis::spec::REDIS.kind,
            ..TargetConfig::default()
        });
        assert_eq!(c.short_version(), "Redis");
        c.remember_server(&Info::parse(include_str!("fixtures/info_valkey_8.txt")));
        assert_eq!(c.short_version(), "Valkey 8.0.1");
        c.remember_server(&Info::parse(include_str!("fixtures/info_redis_7.txt")));
        assert_eq!((c.short_version().as_str(), c.mode.as_str()), ("Redis 7.0.15", "standalone"));
    }
}
