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

mod alerts;
mod decrypt;
mod encrypted;
mod engine;
mod engine_options;
mod error;
mod file;
mod forwarding;
mod host_key;
mod known_keys;
#[cfg(test)]
mod message_tests;
mod permissions;
#[cfg(test)]
mod range_tests;
mod secret;
#[cfg(test)]
mod secrets_tests;
mod target;
#[cfg(test)]
mod tests;
mod url;
mod validate;
mod values;

pub use alerts::{AlertOverrides, AlertsConfig};
pub use encrypted::{DecryptError, decrypt, encrypt, is_encrypted};
pub use engine::{
    DatabaseRule, EngineOptions, OptionKey, OptionKind, OptionTable, OptionValue, UrlDialect, UrlParts,
    UrlRules,
};
pub(crate) use error::closest;
pub use error::{ConfigError, ConfigErrors};
pub use forwarding::{ForwardingConfig, check_base_url, is_loopback};
pub use host_key::{HOST_KEY_ENV, HostKey, HostKeyError, HostKeySource};
pub use secret::Secret;
pub use target::{CloudConfig, TargetConfig, TlsConfig, TlsMode};
#[cfg(test)]
pub(crate) use url::target_from_url_with_env;
pub use url::{parse_url_port, target_from_url};

use crate::model::Tier;
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
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = utf8(bytes, path)?;
    let mut config = parse_str_with(&text, path, keys)?;
    config.warnings.extend(permissions::warning(path, &config));
    Ok(config)
}

/// The file as text, or an error on the line of its first byte that is not UTF-8.
fn utf8(bytes: Vec<u8>, path: &Path) -> Result<String, ConfigError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
        let (line, column) = error::line_column(&valid, valid.len());
        let byte = bytes.get(at).copied().unwrap_or_default();
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            key: String::new(),
            message: format!("not UTF-8 text: byte 0x{byte:02x}; save the file as UTF-8"),
        }
    })
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

/// A configuration file given to `config check` or the agent must name its servers:
/// with none, the agent would monitor nothing (or, worse, whatever local discovery finds).
pub fn require_targets(config: &Config, path: &Path) -> Result<(), ConfigError> {
    if !config.targets.is_empty() {
        return Ok(());
    }
    Err(ConfigError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        key: "targets".to_owned(),
        message: "no targets: add a [targets.<name>] table per server (see config.example.toml)".to_owned(),
    })
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
            log_format: LogFormat::Text,
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
            max_bytes: Some(DEFAULT_HISTORY_MB << 20),
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
    /// Each target's busiest statements to expose, labelled only by statement id; 0 = none.
    pub top_statements: usize,
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
    /// Lines of text, or one JSON object per line for log shippers (our key `log_format`).
    pub log_format: LogFormat,
    /// The agent log is rotated when it would grow past this size.
    pub log_max_bytes: u64,
    /// Rotated agent logs older than this are deleted.
    pub log_retention: Duration,
}

/// How the agent's log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields.message`, `target`…), for
    /// Loki/Promtail, Vector, Fluent Bit or any shipper.
    Json,
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

/// `[history] max_mb` when the file does not say: a day of a small fleet fits, a disk never fills.
pub const DEFAULT_HISTORY_MB: u64 = 1024;

/// `[history]`: the local SQLite history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryConfig {
    /// None = `$XDG_STATE_HOME/logstag/history.sqlite3` (or `~/.local/state/…`).
    pub path: Option<PathBuf>,
    pub retention: Duration,
    pub prune_interval: Duration,
    /// Size the file is pruned down to, oldest first (`max_mb`); None: age alone.
    pub max_bytes: Option<u64>,
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
