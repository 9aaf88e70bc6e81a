//! Configuration: the documented Logstag agent format (`[agent]`, `[targets.<name>]`)
//! plus our own tables (`[history]`, `[ui]`, `[collect]`, per-target `tls`, `intervals`,
//! `meta`). `file.rs` holds the raw TOML shapes; this module holds the resolved,
//! validated `Config` the rest of the program uses.

mod secret;

pub use secret::Secret;

use crate::collectors::registry::Engine;
use crate::model::{TargetId, TargetInfo, Tier};
use std::path::PathBuf;
use std::time::Duration;

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    pub agent: AgentConfig,
    pub targets: Vec<TargetConfig>,
    pub history: HistoryConfig,
    pub ui: UiConfig,
    pub collect: CollectConfig,
}

/// `[agent]`: the documented agent keys.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    pub api_base_url: Option<String>,
    pub api_key: Option<Secret>,
    pub log_level: String,
    pub intervals: Intervals,
    pub startup_warmup_delay: Duration,
    pub compress_request_payload: bool,
    pub update_check_enabled: bool,
    pub update_channel: String,
    pub update_check_interval: Duration,
    pub auto_install_updates: bool,
    pub export_to_file: bool,
    pub export_path: Option<PathBuf>,
    pub mock_mode: bool,
}

/// How often each tier runs; `None` = tier off (`0` in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervals {
    pub high: Option<Duration>,
    pub medium: Option<Duration>,
    pub low: Option<Duration>,
    pub schema: Option<Duration>,
}

impl Intervals {
    pub fn get(&self, tier: Tier) -> Option<Duration> {
        match tier {
            Tier::High => self.high,
            Tier::Medium => self.medium,
            Tier::Low => self.low,
            Tier::Schema => self.schema,
        }
    }
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            high: Some(Duration::from_secs(10)),
            medium: Some(Duration::from_secs(60)),
            low: Some(Duration::from_secs(600)),
            schema: Some(Duration::from_secs(14_400)),
        }
    }
}

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

/// `[history]`: the local SQLite history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryConfig {
    /// None = `$XDG_STATE_HOME/logstag/history.sqlite3` (or `~/.local/state/…`).
    pub path: Option<PathBuf>,
    pub retention: Duration,
    pub prune_interval: Duration,
}

/// `[ui]`: the terminal UI.
#[derive(Debug, Clone, PartialEq)]
pub struct UiConfig {
    /// Screen refresh (at most; the screen redraws only when data changed).
    pub refresh: Duration,
    pub theme: String,
    /// Span of the live charts.
    pub chart_window: Duration,
}

/// `[collect]`: monitoring-connection limits applied to every target.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectConfig {
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    pub lock_timeout: Duration,
}
