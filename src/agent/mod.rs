//! `logstag agent`: the monitor without a terminal, for running as a service. The same
//! collectors, pipeline, history, alerts and hooks as the TUI (`monitor::start`), plus a log
//! file, a periodic status line, the optional Prometheus endpoint, and an orderly stop on
//! SIGTERM/SIGINT: collectors stop, the pipeline drains, the history is flushed, exit 0.

mod status;

use crate::app::EXIT_CONFIG;
use crate::collectors::registry::RunMode;
use crate::config::{self, Config, LogOutput};
use crate::monitor;
use crate::{logging, prometheus};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The documented agent configuration (spec §1.5).
pub const DEFAULT_CONFIG: &str = "/etc/logstag-agent.toml";
/// How often the agent logs its status line.
const STATUS_EVERY: Duration = Duration::from_secs(300);

/// Where the configuration path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config`, or `$LOGSTAG_CONFIG` read by the command line parser.
    Given,
    /// `$CONFIG_FILE`, the documented Docker convention: logs then go to stderr by default.
    Container,
    Default,
}

/// `--config`, else `$LOGSTAG_CONFIG`, else `$CONFIG_FILE`, else `/etc/logstag-agent.toml`.
pub fn config_path(given: Option<&Path>, env: impl Fn(&str) -> Option<OsString>) -> (PathBuf, ConfigSource) {
    let env = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = given.map(Path::to_path_buf).or_else(|| env("LOGSTAG_CONFIG")) {
        return (path, ConfigSource::Given);
    }
    match env("CONFIG_FILE") {
        Some(path) => (path, ConfigSource::Container),
        None => (PathBuf::from(DEFAULT_CONFIG), ConfigSource::Default),
    }
}

/// Runs until SIGTERM/SIGINT. A bad configuration exits 2 before anything starts.
pub async fn run(path: PathBuf, source: ConfigSource, foreground: bool) -> anyhow::Result<ExitCode> {
    let loaded = config::load(&path).and_then(|cfg| {
        config::require_targets(&cfg, &path)?;
        Ok(cfg)
    });
    let mut cfg = match loaded {
        Ok(cfg) => cfg,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let to_stderr =
        foreground || (source == ConfigSource::Container && cfg.agent.log_file == LogOutput::Standard);
    let log = logging::for_agent(&cfg.agent, to_stderr);
    eprintln!(
        "logstag agent {}: configuration {}, logging to {}",
        env!("CARGO_PKG_VERSION"),
        path.display(),
        log.destination
    );
    for problem in &log.problems {
        tracing::warn!("{problem}; logging to {} instead", log.destination);
    }
    tracing::info!("logstag agent {} starting with {}", env!("CARGO_PKG_VERSION"), path.display());
    for warning in &cfg.warnings {
        tracing::warn!("{warning}");
    }
    if cfg.history.path.is_none() {
        cfg.history.path = service_history_path(|v| std::env::var_os(v));
    }
    let result = serve(&cfg).await;
    if let Err(e) = &result {
        tracing::error!("{e:#}");
    }
    drop(log.guard);
    result
}

async fn serve(cfg: &Config) -> anyhow::Result<ExitCode> {
    status::log_plan(cfg);
    let listener = prometheus::bind(&cfg.prometheus).await?;
    let store = monitor::open_store(cfg)?;
    if let Some(path) = monitor::history_path(cfg) {
        tracing::info!("history at {}", path.display());
    }
    let (engine, _) = monitor::alert_engine(cfg);
    let running = monitor::start(cfg, store.clone(), None, Some(engine), RunMode::Continuous).await;
    let exporter = listener.map(|l| prometheus::serve(l, running.board.clone()));
    let status = tokio::spawn(status::every(running.board.clone(), STATUS_EVERY));
    let mut stopped = running.shutdown.subscribe();
    let signals = tokio::spawn(logging::shutdown_on_signal(running.shutdown.clone()));
    while !*stopped.borrow_and_update() {
        if stopped.changed().await.is_err() {
            break;
        }
    }
    let started = std::time::Instant::now();
    let board = running.board.clone();
    running.stop().await;
    signals.abort();
    status.abort();
    exporter.iter().for_each(tokio::task::JoinHandle::abort);
    if let Err(e) = store.flush().await {
        tracing::warn!("could not flush the history: {e}");
    }
    let view = board.view();
    tracing::info!(
        "stopped in {} ms; {}",
        started.elapsed().as_millis(),
        status::line(&view, crate::telemetry::Telemetry::get(&board.telemetry().outbox_depth), None)
    );
    Ok(ExitCode::SUCCESS)
}

/// A service has no XDG state directory; systemd's `StateDirectory=` gives `$STATE_DIRECTORY`.
fn service_history_path(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let dir = env("STATE_DIRECTORY").filter(|v| !v.is_empty())?;
    // systemd joins several directories with ':'; the first is ours.
    let first = dir.to_string_lossy().split(':').next().map(PathBuf::from)?;
    Some(first.join("history.sqlite3"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn config_path_prefers_the_flag_then_the_environment_then_etc() {
        let both = [("LOGSTAG_CONFIG", "/a.toml"), ("CONFIG_FILE", "/b.toml")];
        assert_eq!(
            config_path(Some(Path::new("/c.toml")), env(&both)),
            ("/c.toml".into(), ConfigSource::Given)
        );
        assert_eq!(config_path(None, env(&both)), ("/a.toml".into(), ConfigSource::Given));
        assert_eq!(
            config_path(None, env(&[("CONFIG_FILE", "/app/config/logstag-agent.toml")])),
            ("/app/config/logstag-agent.toml".into(), ConfigSource::Container)
        );
        assert_eq!(
            config_path(None, env(&[("CONFIG_FILE", "")])),
            (DEFAULT_CONFIG.into(), ConfigSource::Default)
        );
    }

    #[test]
    fn a_service_keeps_its_history_in_the_state_directory() {
        assert_eq!(
            service_history_path(env(&[("STATE_DIRECTORY", "/var/lib/logstag-agent:/var/lib/other")])),
            Some(PathBuf::from("/var/lib/logstag-agent/history.sqlite3"))
        );
        assert_eq!(service_history_path(env(&[])), None);
    }
}
