//! Command-line arguments. They only describe what the user asked for; `app.rs` turns
//! them into a `Config` and a mode.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "logstag",
    version,
    about = "Terminal database monitor: activity, blocking, top queries and live charts, read-only.",
    long_about = "Logstag monitors database servers from the terminal.\n\n\
        With no arguments it looks for local servers (PG* environment variables, the usual Unix \
        socket directories, 127.0.0.1:5432) and monitors those that answer. Give URLs \
        (postgresql://user@host:5432/db) or --config FILE to choose the servers.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub targets: TargetArgs,

    /// Screen refresh and high-tier collection interval in seconds (1 to 3600), for this run.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub refresh: Option<u64>,

    /// History database file (default: $XDG_STATE_HOME/logstag/history.sqlite3).
    #[arg(long, value_name = "PATH")]
    pub history: Option<PathBuf>,

    /// Colour theme: a built-in name (default, light, high-contrast) or a .toml file.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// Validate the configuration file and exit (agent compatibility): --config, else
    /// $LOGSTAG_CONFIG, else $CONFIG_FILE, else /etc/logstag-agent.toml.
    #[arg(long)]
    pub check_config: bool,
}

/// Which servers to watch: URLs, a config file, or neither (local discovery).
#[derive(Debug, Args, Clone, Default)]
pub struct TargetArgs {
    /// Server URLs, e.g. postgresql://monitor@db1:5432/app (several allowed).
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// Configuration file in the Logstag agent format (see config.example.toml).
    #[arg(long, short = 'c', value_name = "FILE", env = "LOGSTAG_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run headless as the monitoring agent: collectors, history, alerts and hooks,
    /// forwarding, the optional Prometheus endpoint; no terminal UI. Logs go to
    /// /var/log/logstag-agent/agent.log (see docs/agent.md). Stops cleanly on SIGTERM/SIGINT.
    Agent {
        /// Configuration file (default: $LOGSTAG_CONFIG, else $CONFIG_FILE, else
        /// /etc/logstag-agent.toml).
        #[arg(long, short = 'c', value_name = "FILE")]
        config: Option<PathBuf>,
        /// Validate the configuration and exit.
        #[arg(long)]
        check_config: bool,
        /// Log to standard error instead of the log file (as `log_file = "-"`).
        #[arg(long)]
        foreground: bool,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Alert template tools.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Encrypt a secret for this host's config file; prints `enc:v1:…` on stdout.
    #[command(long_about = "Encrypt a secret (api_key, db_password, cloud_secret_key, slack_webhook) \
        for a configuration file on this host; prints `enc:v1:…` on stdout, to paste in place of the \
        plain value.\n\n\
        Leave VALUE out (or give `-`) to type it at a hidden prompt or pipe it in on stdin \
        (one line): a value on the command line ends up in the shell history and is visible to \
        other users in the process list.\n\n\
        The value is bound to this host (its machine id, or a generated key file when there is \
        none; LOGSTAG_HOST_KEY_FILE names another key file): it does not decrypt on another \
        machine. See docs/secrets.md.")]
    Encrypt {
        /// The value to encrypt; omit it (or `-`) to read it from stdin without echo.
        #[arg(value_name = "VALUE")]
        value: Option<String>,
    },
    /// Run one round of every collection tier and print it (for scripts and bug reports).
    Snapshot {
        #[command(flatten)]
        targets: TargetArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SnapshotFormat::Json)]
        format: SnapshotFormat,
        /// Read the statement statistics twice, SECONDS apart, and print what ran in
        /// between (one reading holds only a baseline). 1 to 3600.
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
        interval: Option<u64>,
    },
    /// Open a history file (for instance one copied from an agent host) in the terminal UI,
    /// paused at its newest moment: every view at any recorded instant, no server contacted.
    Replay {
        /// The history file (`[history] path` of the program that recorded it).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Run every collection tier once and print the health check report (five areas,
    /// published scoring). Exit code 1 when any area has a Critical finding.
    Health {
        #[command(flatten)]
        targets: TargetArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = HealthFormat::Text)]
        format: HealthFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate a configuration file; every error names the file, the line and the key.
    Check {
        /// The file to check.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Validate the embedded alert templates plus those in DIR; exit 2 on any error.
    Check {
        /// A directory of extra `*.yaml` templates (as `[alerts] templates_dir`).
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotFormat {
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HealthFormat {
    Text,
    Md,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_refresh_and_subcommands_parse() {
        let cli =
            Cli::try_parse_from(["logstag", "postgresql://a@h/db", "postgres://b@h2/x", "--refresh", "1"])
                .unwrap();
        assert_eq!(cli.targets.urls.len(), 2);
        assert_eq!(cli.refresh, Some(1));
        let cli = Cli::try_parse_from(["logstag", "config", "check", "x.toml"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Config { action: ConfigAction::Check { .. } })));
        let cli =
            Cli::try_parse_from(["logstag", "snapshot", "postgresql://h/db", "--format", "json"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Snapshot { interval: None, .. })));
        let cli =
            Cli::try_parse_from(["logstag", "snapshot", "postgresql://h/db", "--interval", "30"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Snapshot { interval: Some(30), .. })));
        for bad in ["0", "3601", "-1", "soon"] {
            assert!(
                Cli::try_parse_from(["logstag", "snapshot", "postgresql://h/db", "--interval", bad]).is_err()
            );
        }
        let cli = Cli::try_parse_from(["logstag", "health", "postgresql://h/db", "--format", "md"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Health { format: HealthFormat::Md, .. })));
        let cli = Cli::try_parse_from(["logstag", "encrypt", "-"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Encrypt { value: Some(v) }) if v == "-"));
        let cli = Cli::try_parse_from(["logstag", "encrypt"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Encrypt { value: None })));
        let cli = Cli::try_parse_from(["logstag", "agent", "--config", "a.toml", "--foreground"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Agent { config: Some(_), foreground: true, .. })));
        let cli = Cli::try_parse_from(["logstag", "agent", "--check-config"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Agent { config: None, check_config: true, .. })));
        let cli = Cli::try_parse_from(["logstag", "templates", "check", "dir"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Templates { action: TemplatesAction::Check { dir: Some(_) } })
        ));
    }

    #[test]
    fn refresh_outside_one_second_to_one_hour_is_refused_with_the_range() {
        for bad in ["0", "3601", "9223372036854775807", "18446744073709551616", "-1"] {
            let arg = format!("--refresh={bad}");
            let err = Cli::try_parse_from(["logstag", arg.as_str()]).unwrap_err().to_string();
            assert!(err.contains("--refresh"), "{bad}: {err}");
        }
        let err =
            Cli::try_parse_from(["logstag", "--refresh", "9223372036854775807"]).unwrap_err().to_string();
        assert!(err.contains("1..=3600"), "{err}");
        assert_eq!(Cli::try_parse_from(["logstag", "--refresh", "3600"]).unwrap().refresh, Some(3600));
    }
}
