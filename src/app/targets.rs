//! Which targets a run monitors: the configuration file, the URLs on the command line,
//! the command-line overrides, and, with neither, each engine's local discovery probes.

use super::EXIT_CONFIG;
use crate::cli::{Cli, TargetArgs};
use crate::collectors::discover::{self, Place};
use crate::collectors::registry;
use crate::config::{self, Config};
use std::process::ExitCode;
use std::time::Duration;

/// The config file (if any) plus URL targets. Errors are printed here.
pub fn resolve_config(args: &TargetArgs) -> Result<Config, ExitCode> {
    let mut cfg = match &args.config {
        Some(path) => config::load(path).map_err(|errors| {
            eprintln!("{}", crate::sanitize::text(&errors.to_string()));
            ExitCode::from(EXIT_CONFIG)
        })?,
        None => Config::default(),
    };
    cfg.targets_from_urls(&args.urls).map_err(|e| {
        eprintln!("{}", crate::sanitize::text(&e.to_string()));
        ExitCode::from(EXIT_CONFIG)
    })?;
    Ok(cfg)
}

pub fn apply_overrides(cfg: &mut Config, cli: &Cli) {
    if let Some(secs) = cli.refresh {
        // pg_activity's --refresh: the screen and the sessions view move together; 1 s floor.
        let every = Duration::from_secs(secs.max(1));
        cfg.ui.refresh = every;
        cfg.agent.intervals.high = Some(every);
        for t in &mut cfg.targets {
            t.intervals.high = Some(every);
        }
    }
    if let Some(path) = &cli.history {
        cfg.history.path = Some(path.clone());
    }
    if let Some(theme) = &cli.theme {
        cfg.ui.theme = theme.clone();
    }
}

/// No URL and no config: each engine's discovery probes (`EngineSpec::discovery`). An
/// engine's environment variables describe one target fully, so when they are set that
/// target is monitored alone. Prints what was tried when nothing answers.
pub async fn discover_targets(cfg: &mut Config) -> bool {
    let found = discover::discover_local(registry::ENGINES).await;
    let mut unusable_env = Vec::new();
    for f in found.found.iter().filter(|f| f.place == Place::Environment) {
        match config::target_from_url(&format!("{}://", f.engine.url_schemes[0]), cfg) {
            Ok(t) => {
                cfg.targets.push(t);
                return true;
            }
            Err(e) => {
                eprintln!("logstag: {} environment variables are set but unusable: {e}", f.engine.name);
                unusable_env.push(f.engine.name);
            }
        }
    }
    for f in &found.found {
        match f.place {
            Place::Environment => {}
            Place::Socket { dir, port } => push_local(cfg, f.engine, dir, port),
            Place::Tcp { host, port } => push_local(cfg, f.engine, host, port),
        }
    }
    if cfg.targets.is_empty() {
        eprintln!("logstag: no database server found. Tried:");
        for t in &found.tried {
            eprintln!("  - {t}");
        }
        let example = registry::ENGINES[0];
        eprintln!(
            "Point Logstag at a server with a URL, e.g.\n  logstag {}://monitor@db.example.com:{}/\n\
             or with a configuration file:\n  logstag --config /etc/logstag-agent.toml   (see config.example.toml)",
            example.url_schemes[0], example.default_port
        );
        return false;
    }
    true
}

/// A local server found by a probe, with the engine's defaults and no password; if it
/// wants one, the target says so. (A local Valkey answers on Redis' port: INFO tells,
/// and the target shows it as Valkey.)
fn push_local(cfg: &mut Config, engine: &registry::EngineSpec, host: &str, port: u16) {
    match config::target_from_url(&format!("{}://", engine.url_schemes[0]), cfg) {
        Ok(mut t) => {
            t.host = host.to_owned();
            t.port = port;
            t.name = if host.starts_with('/') { format!("local:{port}") } else { format!("{host}:{port}") };
            if !cfg.targets.iter().any(|o| o.name == t.name) {
                cfg.targets.push(t);
            }
        }
        Err(e) => eprintln!("logstag: {e}"),
    }
}
