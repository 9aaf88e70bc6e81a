//! Turns the command line into a configuration and a mode, and runs it: the TUI, a
//! one-shot snapshot, or a config check. Owns start-up and orderly shutdown of every task.

mod alerting;
mod tui;

pub use alerting::alert_engine;
use alerting::notifier;

use crate::agent;
use crate::alerts::AlertEngine;
use crate::board::Board;
use crate::cli::{Cli, Command, ConfigAction, SnapshotFormat, TargetArgs, TemplatesAction};
use crate::collectors::discover::{self, Place};
use crate::collectors::registry::{self, RunMode};
use crate::collectors::scheduler::SchedulerHandles;
use crate::config::{self, Config, TargetConfig};
use crate::model::{Sample, SampleBody, Timestamp};
use crate::store::Store;
use crate::{pipeline, snapshot, ui};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Exit codes: 0 fine, 1 runtime failure or nothing to monitor, 2 bad configuration.
pub const EXIT_CONFIG: u8 = 2;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Config { action: ConfigAction::Check { file } }) => return Ok(check_config(file)),
        Some(Command::Templates { action: TemplatesAction::Check { dir } }) => {
            return Ok(check_templates(dir.as_deref()));
        }
        Some(Command::Encrypt { value }) => return Ok(crate::encrypt::run(value.as_deref())),
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
        let (path, _) = agent::config_path(cli.targets.config.as_deref(), |v| std::env::var_os(v));
        return Ok(check_config(&path));
    }
    runtime()?.block_on(async_main(cli))
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
        Some(Command::Snapshot { format: SnapshotFormat::Json, .. }) => snapshot::print_json(&cfg).await,
        Some(Command::Health { format, .. }) => crate::health::command::run(&cfg, format).await,
        _ => tui::run(cfg).await,
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

/// The config file (if any) plus URL targets. Errors are printed here.
fn resolve_config(args: &TargetArgs) -> Result<Config, ExitCode> {
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

fn apply_overrides(cfg: &mut Config, cli: &Cli) {
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
async fn discover_targets(cfg: &mut Config) -> bool {
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
        Err(e) => eprintln!("logstag: {}", crate::sanitize::text(&e.to_string())),
    }
}

/// Every task of a running monitor, for orderly shutdown.
pub struct Running {
    pub shutdown: watch::Sender<bool>,
    pub collectors: Vec<JoinHandle<()>>,
    pub pipeline: JoinHandle<()>,
    pub pruner: JoinHandle<()>,
    /// Per target: bump to run its schema tier now.
    pub schema_refresh: std::collections::BTreeMap<crate::model::TargetId, watch::Sender<u64>>,
    /// Latest values of every target, for the Prometheus endpoint and status lines.
    pub board: Board,
    /// Logstag's own counters (outbox, forwarding), for /metrics and the UI.
    pub telemetry: std::sync::Arc<crate::telemetry::Telemetry>,
    /// Present when `api_base_url` is set (continuous mode only); `status` feeds the UI.
    pub forward: Option<crate::forward::ForwardHandle>,
}

/// Starts collectors, pipeline and pruning. `ui` receives every round when given (and,
/// first, each target's last stored schema inventory); `alerts` evaluates every round.
pub async fn start(
    cfg: &Config,
    store: Store,
    ui: Option<mpsc::Sender<ui::UiUpdate>>,
    alerts: Option<AlertEngine>,
    mode: RunMode,
) -> Running {
    let notify = alerts.is_some().then(|| notifier(cfg)).flatten();
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (samples_tx, samples_rx) = mpsc::channel::<Vec<Sample>>(1024);
    let telemetry = std::sync::Arc::new(crate::telemetry::Telemetry::default());
    // Before any collector runs, so that the very first round is queued for the backend.
    let forward = match mode {
        RunMode::Continuous => {
            crate::forward::start_if_configured(cfg, &store, &telemetry, shutdown_rx.clone()).await
        }
        RunMode::Once => None,
    };
    let mut collectors = Vec::new();
    let mut schema_refresh = std::collections::BTreeMap::new();
    for t in &cfg.targets {
        let mut handles = handles_for(t, cfg, samples_tx.clone(), shutdown_rx.clone());
        let (refresh_tx, refresh_rx) = watch::channel(0u64);
        handles.schema_now = Some(refresh_rx);
        schema_refresh.insert(t.id(), refresh_tx);
        if let Some(stored) = stored_schema(&store, t).await {
            if let (Some(ui), SampleBody::Schema(snapshot)) = (&ui, &stored.body) {
                handles.previous_schema = Some(snapshot.clone());
                let _ = ui.send(ui::UiUpdate::Round(std::sync::Arc::new(vec![stored.clone()]))).await;
            } else if let SampleBody::Schema(snapshot) = stored.body {
                handles.previous_schema = Some(snapshot);
            }
        }
        // Supervised: a panicking collector shows DOWN on its target and is restarted.
        let (target, for_spawn) = (t.clone(), handles.clone());
        let spawn = move || registry::spawn(&target, mode, for_spawn.clone());
        collectors.push(tokio::spawn(crate::collectors::supervise::supervise(spawn, handles, mode)));
    }
    drop(samples_tx);
    // One set of counters: the forwarder fills them, /metrics and the status line read them.
    let board = Board::new(&cfg.targets, telemetry.clone());
    let outputs = pipeline::Outputs { store: store.clone(), alerts, ui, notify, board: Some(board.clone()) };
    let pipeline = tokio::spawn(pipeline::run(samples_rx, outputs));
    let pruner = tokio::spawn(prune_loop(store, cfg.history.prune_interval, shutdown_rx));
    Running { shutdown, collectors, pipeline, pruner, schema_refresh, board, telemetry, forward }
}

/// The newest stored schema inventory of a target, if the history has one.
async fn stored_schema(store: &Store, t: &TargetConfig) -> Option<Sample> {
    match store.snapshot_at(&t.id(), "schema", Timestamp::now()).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!("cannot read the stored schema of {}: {e}", t.name);
            None
        }
    }
}

pub fn handles_for(
    t: &TargetConfig,
    cfg: &Config,
    samples: mpsc::Sender<Vec<Sample>>,
    shutdown: watch::Receiver<bool>,
) -> SchedulerHandles {
    SchedulerHandles {
        target: t.id(),
        samples,
        shutdown,
        connect_timeout: t.connect_timeout,
        round_timeout: crate::collectors::scheduler::default_round_timeout(t.query_timeout),
        warmup: cfg.agent.startup_warmup_delay,
        previous_schema: None,
        schema_now: None,
        backoff_base: crate::collectors::backoff::RECONNECT_BASE,
        backoff_cap: crate::collectors::backoff::RECONNECT_CAP,
    }
}

impl Running {
    /// Signals shutdown and waits (bounded) for every task, so the last round is recorded.
    /// A collector stuck in a connect is aborted after the wait: that drops its sender,
    /// so the pipeline can drain what was sent and end.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let wait = Duration::from_secs(3);
        let deadline = tokio::time::Instant::now() + wait;
        for mut c in self.collectors {
            if tokio::time::timeout_at(deadline, &mut c).await.is_err() {
                tracing::warn!("a collector did not stop within {} s; aborted", wait.as_secs());
                c.abort();
            }
        }
        let _ = tokio::time::timeout(wait, self.pipeline).await;
        self.pruner.abort();
        // A batch in flight is abandoned; it is resent next time under the same key.
        if let Some(forward) = self.forward {
            forward.join(wait).await;
        }
    }
}

async fn prune_loop(store: Store, every: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match store.prune(Timestamp::now()).await {
                    Ok(stats) => tracing::debug!(?stats, "pruned history"),
                    Err(e) => tracing::warn!("history pruning failed: {e}"),
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

pub fn history_path(cfg: &Config) -> Option<PathBuf> {
    cfg.history.path.clone().or_else(config::default_history_path)
}

pub fn open_store(cfg: &Config) -> anyhow::Result<Store> {
    match history_path(cfg) {
        Some(path) => Store::open(&path, cfg.history.retention)
            .with_context(|| format!("cannot open the history at {} (use --history PATH)", path.display())),
        None => {
            tracing::warn!("no state directory ($XDG_STATE_HOME or $HOME): history kept in memory only");
            Ok(Store::open_in_memory(cfg.history.retention)?)
        }
    }
}
