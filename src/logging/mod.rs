//! Logging and process signals. The TUI owns the terminal, so its logs go to a file
//! next to the history; headless commands log to stderr; the agent logs to a
//! size-rotated file in the documented place (`agent.rs`).

mod agent;
mod clean;
pub(crate) mod rotate;

pub use agent::{AgentLog, FALLBACK_LOG, STANDARD_LOG, for_agent};
pub use clean::Clean;
pub use rotate::{RotatingFile, utc_stamp};

use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

/// The configured level, unless `LOGSTAG_LOG` or `RUST_LOG` says otherwise (full
/// `EnvFilter` syntax, e.g. `info,logstag::collectors=debug`).
fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_from_env("LOGSTAG_LOG")
        .or_else(|_| EnvFilter::try_from_env("RUST_LOG"))
        .unwrap_or_else(|_| EnvFilter::new(default_directives(level)))
}

/// A driver that logs what the collector already reports: tiberius logs every error a
/// server returns (a refused view, a missing grant) at ERROR, which the SQL Server
/// collector turns into the target's problem line with the fix. At debug and trace
/// levels everything is kept.
const DUPLICATE_DRIVER_ERRORS: &str = "tiberius::tds::stream::token=off";

fn default_directives(level: &str) -> String {
    match level {
        "debug" | "trace" => level.to_owned(),
        _ => format!("{level},{DUPLICATE_DRIVER_ERRORS}"),
    }
}

/// Logs to `logstag.log` in the history's directory. Returns the guard that flushes the
/// non-blocking writer; keep it alive for the whole run. No directory → no logs.
pub fn to_file(history: Option<&Path>, level: &str) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = history?.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    // Created 0600 before the appender opens it: logs can hold query text with literals.
    let path = dir.join("logstag.log");
    let _ = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(&path);
    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    let appender = tracing_appender::rolling::never(dir, "logstag.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .with_ansi(false)
        .with_writer(Clean(writer))
        .try_init();
    installed.ok().map(|()| guard)
}

/// Headless commands: warnings and errors to stderr.
pub fn to_stderr(level: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .with_ansi(false)
        .with_writer(Clean(std::io::stderr))
        .try_init();
}

/// Sets `shutdown` on SIGTERM or SIGINT.
pub async fn shutdown_on_signal(shutdown: watch::Sender<bool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        tracing::warn!("cannot install signal handlers; use q to quit");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        _ = int.recv() => tracing::info!("SIGINT: shutting down"),
    }
    let _ = shutdown.send(true);
}

#[cfg(test)]
mod filter_tests {
    use super::default_directives;

    #[test]
    fn driver_errors_the_collector_reports_are_left_out_below_debug() {
        assert_eq!(default_directives("info"), "info,tiberius::tds::stream::token=off");
        assert_eq!(default_directives("trace"), "trace");
        for level in ["error", "warn", "info", "debug", "trace"] {
            assert!(tracing_subscriber::EnvFilter::try_new(default_directives(level)).is_ok(), "{level}");
        }
    }
}
