//! Configuration: the documented Logstag agent format (`[agent]`, `[targets.<name>]`)
//! plus our own tables (`[history]`, `[ui]`, `[collect]`, per-target `tls`, `intervals`,
//! `meta`, `alerts`; `[alerts]`, `[forwarding]`). `file.rs` holds the raw TOML shapes;
//! this module holds the resolved, validated `Config` the rest of the program uses. `config.example.toml` at the repo
//! root documents every key (a test keeps it equal to the defaults).
//!
//! - [`load`] / [`parse_str`]: a file → `Config`, or [`ConfigErrors`] listing every
//!   problem as `path:line:column: key: message`.
//! - [`target_from_url`] / [`Config::targets_from_urls`]: command-line connection URLs.
//! - [`default_history_path`]: where the history goes when `[history] path` is unset.

mod decrypt;
mod encrypted;
mod error;
mod file;
mod forwarding;
mod host_key;
mod permissions;
mod sampler;
mod secret;
#[cfg(test)]
mod secrets_tests;
#[cfg(test)]
mod tests;
mod url;
mod validate;

pub use encrypted::{DecryptError, decrypt, encrypt, is_encrypted};
pub use error::{ConfigError, ConfigErrors};
pub use forwarding::{ForwardingConfig, check_base_url, is_loopback};
pub use host_key::{HOST_KEY_ENV, HostKey, HostKeyError, HostKeySource};
pub use secret::Secret;
pub use url::target_from_url;

use crate::collectors::registry::Engine;
use crate::model::{Severity, TargetId, TargetInfo, Tier};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Reads and resolves a configuration file. Every problem in the file is reported, each
/// as `path:line:column: key: message`; a missing or unreadable file is one error.
/// `enc:v1:` values are decrypted with this host's key (see [`HostKeySource::from_env`]).
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    load_with(path, &HostKeySource::from_env())
}

/// [`load`] with an explicit host-key source. Also fills `Config::warnings` (a file
/// holding secrets that others may read).
pub fn load_with(path: &Path, keys: &HostKeySource) -> Result<Config, ConfigErrors> {
    let unreadable = |e: std::io::Error| ConfigError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        key: String::new(),
        message: format!("cannot read the configuration file: {e}"),
    };
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let mut config = parse_str_with(&text, path, keys)?;
    config.warnings.extend(permissions::warning(path, &config));
    Ok(config)
}

/// Parses configuration text; `path` is only used to name the source in errors and in
/// `Config::source`.
pub fn parse_str(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    parse_str_with(text, path, &HostKeySource::from_env())
}

/// [`parse_str`] with an explicit host-key source for `enc:v1:` values.
pub fn parse_str_with(text: &str, path: &Path, keys: &HostKeySource) -> Result<Config, ConfigErrors> {
    let mut sink = error::Sink::new(path, text);
    let mut raw = file::read(text, &mut sink);
    decrypt::decrypt_secrets(&mut raw, keys, &mut sink);
    let mut config = validate::resolve(raw, &mut sink);
    if !sink.is_empty() {
        return Err(sink.finish());
    }
    config.source = Some(path.to_path_buf());
    Ok(config)
}

/// Where the history lives when `[history] path` is not set:
/// `$XDG_STATE_HOME/logstag/history.sqlite3`, else `$HOME/.local/state/logstag/history.sqlite3`.
pub fn default_history_path() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    // XDG says a relative value is invalid and must be ignored.
    let state = env("XDG_STATE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|home| home.join(".local").join("state")))?;
    Some(state.join("logstag").join("history.sqlite3"))
}

impl Config {
    /// Appends one target per connection URL (see [`target_from_url`]), taking intervals
    /// and timeouts from this config. Names are made unique against the targets already
    /// present by appending `#2`, `#3`…. On error nothing is added.
    pub fn targets_from_urls(&mut self, urls: &[String]) -> Result<(), ConfigError> {
        let mut added: Vec<TargetConfig> = Vec::with_capacity(urls.len());
        for url in urls {
            let mut target = target_from_url(url, self)?;
            let taken = |name: &str| self.targets.iter().chain(added.iter()).any(|t| t.name == name);
            if taken(&target.name) {
                let base = target.name.clone();
                let mut n = 2;
                while taken(&format!("{base}#{n}")) {
                    n += 1;
                }
                target.name = format!("{base}#{n}");
            }
            added.push(target);
        }
        self.targets.extend(added);
        Ok(())
    }
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            api_base_url: None,
            api_key: None,
            log_level: "info".to_owned(),
            intervals: Intervals::default(),
            startup_warmup_delay: Duration::ZERO,
            compress_request_payload: true,
            update_check_enabled: true,
            update_channel: "main".to_owned(),
            update_check_interval: Duration::from_secs(1440 * 60),
            auto_install_updates: true,
            export_to_file: false,
            export_path: None,
            mock_mode: false,
            log_file: LogOutput::Standard,
            log_max_bytes: 50 * 1024 * 1024,
            log_retention: Duration::from_secs(72 * 3600),
        }
    }
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            path: None,
            retention: Duration::from_secs(24 * 3600),
            prune_interval: Duration::from_secs(5 * 60),
        }
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            refresh: Duration::from_secs(2),
            theme: "default".to_owned(),
            chart_window: Duration::from_secs(15 * 60),
        }
    }
}

impl Default for CollectConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            query_timeout: Duration::from_secs(5),
            lock_timeout: Duration::from_secs(1),
        }
    }
}

/// The resolved configuration. `Config::default()` is what an empty file gives.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    pub agent: AgentConfig,
    pub targets: Vec<TargetConfig>,
    pub history: HistoryConfig,
    pub ui: UiConfig,
    pub collect: CollectConfig,
    pub alerts: AlertsConfig,
    /// Problems worth telling but not fatal (e.g. a config with secrets readable by
    /// others). Printed by `config check`, logged by normal runs.
    pub warnings: Vec<String>,
    pub prometheus: PrometheusConfig,
    pub forwarding: ForwardingConfig,
}

/// `[prometheus]`: the optional `/metrics` endpoint.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrometheusConfig {
    /// Address to serve `GET /metrics` on; None = no endpoint (the default).
    pub listen: Option<std::net::SocketAddr>,
}

/// `[alerts]` plus every `[targets.<name>.alerts]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertsConfig {
    /// Extra templates; a file whose `code` matches an embedded rule replaces it.
    pub templates_dir: Option<PathBuf>,
    /// Ring the terminal bell when an alert fires.
    pub bell: bool,
    /// Program (and arguments) run for every alert event, with the event as JSON on stdin.
    pub hook_command: Option<Vec<String>>,
    /// Slack-compatible incoming-webhook URL. It carries a token, so it is a secret.
    pub slack_webhook: Option<Secret>,
    /// Per-target overrides by target name; targets without overrides are absent.
    pub targets: BTreeMap<String, AlertOverrides>,
}

/// One target's alert policy: rules switched off, thresholds replaced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertOverrides {
    /// Rule codes not evaluated on this target.
    pub disable: Vec<String>,
    /// Rule code → severity → threshold, replacing (or adding) the template's value.
    pub thresholds: BTreeMap<String, BTreeMap<Severity, f64>>,
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
    /// Where `logstag agent` writes its log (our key `log_file`).
    pub log_file: LogOutput,
    /// The agent log is rotated when it would grow past this size.
    pub log_max_bytes: u64,
    /// Rotated agent logs older than this are deleted.
    pub log_retention: Duration,
}

/// The agent's log destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogOutput {
    /// `/var/log/logstag-agent/agent.log`, else `/tmp/logstag-agent/agent.log` (spec §1.5).
    Standard,
    /// Standard error (`log_file = "-"`): foreground runs, containers, systemd's journal.
    Stderr,
    File(PathBuf),
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
