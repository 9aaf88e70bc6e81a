//! Where `logstag agent` logs: the documented file, its fallback, or stderr.

use super::{RotatingFile, filter};
use crate::config::{AgentConfig, LogFormat, LogOutput};
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;

/// The documented agent log (spec §1.5).
pub const STANDARD_LOG: &str = "/var/log/logstag-agent/agent.log";
/// Used when the standard (or configured) file cannot be written.
pub const FALLBACK_LOG: &str = "/tmp/logstag-agent/agent.log";

/// The installed agent log.
pub struct AgentLog {
    /// "standard error" or the file's path, for the start-up line.
    pub destination: String,
    /// Why earlier candidates were passed over; logged once logging works.
    pub problems: Vec<String>,
    /// Flushes the file writer when dropped: keep it for the whole run.
    pub guard: Option<WorkerGuard>,
}

/// Installs the agent's global logger. `foreground` forces stderr (as `log_file = "-"`).
pub fn for_agent(agent: &AgentConfig, foreground: bool) -> AgentLog {
    let candidates: Vec<PathBuf> = match (&agent.log_file, foreground) {
        (_, true) | (LogOutput::Stderr, _) => Vec::new(),
        (LogOutput::Standard, false) => vec![STANDARD_LOG.into(), FALLBACK_LOG.into()],
        (LogOutput::File(path), false) => vec![path.clone(), FALLBACK_LOG.into()],
    };
    let mut problems = Vec::new();
    for path in candidates {
        match RotatingFile::open(&path, agent.log_max_bytes, agent.log_retention) {
            Ok(file) => {
                let (writer, guard) = tracing_appender::non_blocking(file);
                let installed = install(agent, super::Clean(writer));
                return AgentLog {
                    destination: path.display().to_string(),
                    problems,
                    guard: installed.ok().map(|()| guard),
                };
            }
            Err(e) => problems.push(cannot_write(&path, &e)),
        }
    }
    let _ = install(agent, super::Clean(std::io::stderr));
    AgentLog { destination: "standard error".to_owned(), problems, guard: None }
}

/// The global logger writing to `writer`, as text lines or JSON lines.
fn install<W>(agent: &AgentConfig, writer: W) -> Result<(), tracing_subscriber::util::TryInitError>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::util::SubscriberInitExt;
    let builder = tracing_subscriber::fmt().with_env_filter(filter(&agent.log_level)).with_ansi(false);
    match agent.log_format {
        LogFormat::Text => builder.with_writer(writer).finish().try_init(),
        LogFormat::Json => builder.json().with_writer(writer).finish().try_init(),
    }
}

fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    format!("cannot write the log file {}: {e}", path.display())
}
