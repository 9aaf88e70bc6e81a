//! Mode dispatch: turns the command line into a configuration and a mode, and runs it
//! (the TUI, the agent, a one-shot snapshot or health report, a config or template
//! check, `encrypt`). The modes share the running monitor (`monitor.rs`), not this file.

mod targets;

use targets::{apply_overrides, discover_targets, resolve_config};

use crate::agent;
use crate::cli::{Cli, Command, ConfigAction, SnapshotFormat, TargetArgs, TemplatesAction};
use crate::collectors::registry;
use crate::config;
use crate::snapshot;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes: 0 fine, 1 runtime failure or nothing to monitor, 2 bad configuration.
pub const EXIT_CONFIG: u8 = 2;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Config { action: ConfigAction::Check { file } }) => return Ok(check_config(file)),
        Some(Command::Templates { action: TemplatesAction::Check { dir } }) => {
            return Ok(check_templates(dir.as_deref()));
        }
        Some(Command::Encrypt { value }) => return Ok(crate::encrypt::run(value.as_deref())),
        Some(Command::Replay { file }) => return runtime()?.block_on(crate::replay::run(file)),
        Some(Command::Agent { config, check_config: check, foreground }) => {
            let (path, source) = agent::config_path(config.as_deref(), |v| std::env::var_os(v));
            if *check {
                return Ok(check_config(&path));
            }
            let (path, source, foreground) = (path, source, *foreground);
            return runtime()?.block_on(agent::run(path, source, foreground));
        }
        Some(Command::Snapshot { .. } | Command::Health { .. }) | None => {}
    }
    if cli.check_config {
        // --config and $LOGSTAG_CONFIG arrive through clap; then the agent's defaults.
        let file = file_to_check(&cli.targets).map_err(anyhow::Error::msg)?;
        let (path, _) = agent::config_path(file.as_deref(), |v| std::env::var_os(v));
        return Ok(check_config(&path));
    }
    runtime()?.block_on(async_main(cli))
}

/// The file `--check-config` validates: `--config FILE`, or the one positional argument
/// (`logstag --check-config /etc/logstag-agent.toml`, as one naturally types it), which
/// would otherwise be taken for a server URL and silently ignored.
fn file_to_check(args: &TargetArgs) -> Result<Option<PathBuf>, String> {
    match (&args.config, args.urls.as_slice()) {
        (config, []) => Ok(config.clone()),
        (None, [file]) => Ok(Some(PathBuf::from(file))),
        _ => Err("--check-config validates one configuration file: give it as --config FILE or as the only argument"
            .to_owned()),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn async_main(cli: Cli) -> anyhow::Result<ExitCode> {
    let target_args = match &cli.command {
        Some(Command::Snapshot { targets, .. } | Command::Health { targets, .. }) => targets.clone(),
        _ => cli.targets.clone(),
    };
    let mut cfg = match resolve_config(&target_args) {
        Ok(cfg) => cfg,
        Err(code) => return Ok(code),
    };
    apply_overrides(&mut cfg, &cli);
    if cfg.targets.is_empty() {
        let found = discover_targets(&mut cfg).await;
        if !found {
            return Ok(ExitCode::from(1));
        }
    }
    if matches!(cli.command, Some(Command::Snapshot { .. } | Command::Health { .. })) {
        // One-shot commands have no log file; the TUI logs these instead.
        for warning in &cfg.warnings {
            eprintln!("warning: {}", crate::sanitize::text(warning));
        }
    }
    match cli.command {
        Some(Command::Snapshot { format: SnapshotFormat::Json, interval, .. }) => {
            snapshot::print_json(&cfg, interval.map(std::time::Duration::from_secs)).await
        }
        Some(Command::Health { format, .. }) => crate::health::command::run(&cfg, format).await,
        _ => crate::tui_mode::run(cfg).await,
    }
}

fn check_templates(dir: Option<&Path>) -> ExitCode {
    let (rules, errors) = crate::alerts::load_rules(dir);
    for rule in &rules {
        println!("{}", crate::sanitize::text(&format!("{}: OK ({})", rule.code, rule.source)));
    }
    for error in &errors {
        eprintln!("{}", crate::sanitize::text(&error.to_string()));
    }
    if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CONFIG) }
}

fn check_config(file: &Path) -> ExitCode {
    let loaded = config::load(file).and_then(|cfg| {
        config::require_targets(&cfg, file)?;
        Ok(cfg)
    });
    match loaded {
        Ok(cfg) => {
            let names: Vec<String> = cfg
                .targets
                .iter()
                .map(|t| format!("{} ({})", t.name, registry::spec(t.engine).name))
                .collect();
            let ok = format!("{}: OK, {} target(s): {}", file.display(), names.len(), names.join(", "));
            println!("{}", crate::sanitize::text(&ok));
            for warning in &cfg.warnings {
                eprintln!("warning: {}", crate::sanitize::text(warning));
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{}", crate::sanitize::text(&errors.to_string()));
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

#[cfg(test)]
mod check_config_tests {
    use super::file_to_check;
    use crate::cli::TargetArgs;
    use std::path::PathBuf;

    fn args(config: Option<&str>, urls: &[&str]) -> TargetArgs {
        TargetArgs { config: config.map(PathBuf::from), urls: urls.iter().map(|u| (*u).to_owned()).collect() }
    }

    #[test]
    fn the_file_is_the_config_flag_or_the_only_argument() {
        assert_eq!(file_to_check(&args(None, &[])), Ok(None));
        assert_eq!(file_to_check(&args(Some("a.toml"), &[])), Ok(Some(PathBuf::from("a.toml"))));
        assert_eq!(file_to_check(&args(None, &["/etc/x.toml"])), Ok(Some(PathBuf::from("/etc/x.toml"))));
        assert!(file_to_check(&args(Some("a.toml"), &["b.toml"])).is_err());
        assert!(file_to_check(&args(None, &["a.toml", "b.toml"])).is_err());
    }
}
