//! One monitored server as the rest of the program sees it: `[targets.<name>]` with the
//! agent's defaults and the target's own overrides merged in.

use super::{CollectConfig, Intervals, Secret};
use crate::collectors::registry::Engine;
use crate::model::{TargetId, TargetInfo};
use std::path::PathBuf;
use std::time::Duration;

/// One monitored server, `[targets.<name>]` with its overrides merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetConfig {
    pub name: String,
    pub engine: Engine,
    pub platform: String,
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: Secret,
    pub database: String,
    pub tls: TlsConfig,
    /// Agent intervals with this target's overrides applied.
    pub intervals: Intervals,
    pub tags: Vec<String>,
    pub connect_timeout: Duration,
    /// Server-side statement timeout of every monitoring query, and our own deadline.
    pub query_timeout: Duration,
    pub lock_timeout: Duration,
    /// Managed-instance credentials (`cloud_*` keys); all `None` for self-hosted targets.
    pub cloud: CloudConfig,
    /// `[targets.<name>.keyspace]`: the Redis/Valkey big-key sampler (off by default).
    pub keyspace: KeyspaceSampling,
}

/// The optional big-key sampler of Redis/Valkey targets (schema tier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyspaceSampling {
    /// Run SCAN + TYPE + MEMORY USAGE over the monitored database.
    pub big_keys: bool,
    /// Keys looked at per pass.
    pub scan_limit: u64,
    /// Rate limit of the pass.
    pub keys_per_second: u64,
    /// Biggest keys kept.
    pub top: usize,
}

impl Default for KeyspaceSampling {
    fn default() -> Self {
        Self { big_keys: false, scan_limit: 10_000, keys_per_second: 500, top: 20 }
    }
}

/// The `cloud_*` keys of a managed target, used only to pull provider-side metrics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CloudConfig {
    pub region: Option<String>,
    pub instance_id: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<Secret>,
    /// Huawei Cloud only.
    pub project_id: Option<String>,
}

/// A local PostgreSQL target with default settings; handy as `..Default::default()`.
impl Default for TargetConfig {
    fn default() -> Self {
        let collect = CollectConfig::default();
        Self {
            name: "localhost:5432/postgres".to_owned(),
            engine: Engine::Postgres,
            platform: "self-hosted".to_owned(),
            host: "localhost".to_owned(),
            port: 5432,
            username: String::new(),
            password: Secret::default(),
            database: "postgres".to_owned(),
            tls: TlsConfig::default(),
            intervals: Intervals::default(),
            tags: Vec::new(),
            connect_timeout: collect.connect_timeout,
            query_timeout: collect.query_timeout,
            lock_timeout: collect.lock_timeout,
            cloud: CloudConfig::default(),
            keyspace: KeyspaceSampling::default(),
        }
    }
}

impl TargetConfig {
    pub fn id(&self) -> TargetId {
        TargetId(self.name.clone())
    }

    /// `user@host:port/db`, never the password.
    pub fn endpoint(&self) -> String {
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let user = if self.username.is_empty() { String::new() } else { format!("{}@", self.username) };
        if self.database.is_empty() {
            format!("{user}{host}:{}", self.port)
        } else {
            format!("{user}{host}:{}/{}", self.port, self.database)
        }
    }

    pub fn info(&self) -> TargetInfo {
        TargetInfo {
            id: self.id(),
            engine: self.engine.name().to_owned(),
            endpoint: self.endpoint(),
            tags: self.tags.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    Disable,
    /// Try TLS with verification, fall back to plain text if the server has none.
    #[default]
    Prefer,
    /// Encrypt, do not verify the certificate (libpq's `require`).
    Require,
    /// Encrypt and verify the chain and the host name.
    VerifyFull,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsConfig {
    pub mode: TlsMode,
    /// Extra CA bundle (PEM) trusted on top of the system roots.
    pub ca_file: Option<PathBuf>,
}
