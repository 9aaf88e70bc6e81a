//! One monitored server as the rest of the program sees it: `[targets.<name>]` with the
//! agent's defaults and the target's own overrides merged in.

use super::{EngineOptions, Intervals, Secret};
use crate::model::EngineKind;
use crate::model::{TargetId, TargetInfo};
use std::path::PathBuf;
use std::time::Duration;

/// One monitored server, `[targets.<name>]` with its overrides merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetConfig {
    pub name: String,
    pub engine: EngineKind,
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
    /// The engine's own option tables (`[targets.<name>.<table>]`), defaults filled in.
    pub options: EngineOptions,
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
            engine: crate::collectors::registry::spec(self.engine).name.to_owned(),
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
