//! The running monitor, the same graph for every continuous mode (TUI, agent) and for
//! one-shot collection (`snapshot`, `health`): collectors on their tiers, the pipeline,
//! the history store and its pruning, alerts and hooks, forwarding. Modes start it with
//! `start` and stop it with `Running::stop`; nothing here knows which mode runs it.

mod alerting;

pub use alerting::alert_engine;
use alerting::notifier;

use crate::alerts::AlertEngine;
use crate::board::Board;
use crate::collectors::registry::{self, RunMode};
use crate::collectors::scheduler::SchedulerHandles;
use crate::config::{self, Config, TargetConfig};
use crate::model::{Sample, SampleBody, Timestamp};
use crate::store::Store;
use crate::{pipeline, ui};
use anyhow::Context;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Every task of a running monitor, for orderly shutdown.
pub struct Running {
    pub shutdown: watch::Sender<bool>,
    pub collectors: Vec<JoinHandle<()>>,
    pub pipeline: JoinHandle<()>,
    pub pruner: JoinHandle<()>,
    /// Per target: bump to run its schema tier now.
    pub schema_refresh: std::collections::BTreeMap<crate::model::TargetId, watch::Sender<u64>>,
    /// Per target: bump to retry a target that is down now, without waiting out its backoff.
    pub retry_now: std::collections::BTreeMap<crate::model::TargetId, watch::Sender<u64>>,
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
        RunMode::Once | RunMode::OnceWithDeltas { .. } => None,
    };
    // So that `logstag replay` can show the file's targets with their engines.
    let infos = cfg.targets.iter().map(TargetConfig::info).collect();
    if let Err(e) = store.remember_targets(infos).await {
        tracing::warn!("cannot note the targets in the history: {e}");
    }
    let mut collectors = Vec::new();
    let mut schema_refresh = std::collections::BTreeMap::new();
    let mut retry_now = std::collections::BTreeMap::new();
    let mut targets = cfg.targets.clone();
    for decided in registry::fleet_defaults(&mut targets) {
        tracing::info!("{decided}");
    }
    for (index, t) in targets.iter().enumerate() {
        let mut handles = handles_for(t, cfg, samples_tx.clone(), shutdown_rx.clone());
        handles.stagger = crate::collectors::first_rounds::fleet_stagger(index);
        let (refresh_tx, refresh_rx) = watch::channel(0u64);
        handles.schema_now = Some(refresh_rx);
        schema_refresh.insert(t.id(), refresh_tx);
        let (retry_tx, retry_rx) = watch::channel(0u64);
        handles.retry_now = Some(retry_rx);
        retry_now.insert(t.id(), retry_tx);
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
    board.keep_top_statements(cfg.prometheus.top_statements);
    let outputs = pipeline::Outputs { store: store.clone(), alerts, ui, notify, board: Some(board.clone()) };
    let pipeline = tokio::spawn(pipeline::run(samples_rx, outputs));
    let pruner =
        tokio::spawn(prune_loop(store, cfg.history.prune_interval, cfg.history.max_bytes, shutdown_rx));
    Running { shutdown, collectors, pipeline, pruner, schema_refresh, retry_now, board, telemetry, forward }
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
        stagger: Duration::ZERO,
        previous_schema: None,
        schema_now: None,
        retry_now: None,
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

async fn prune_loop(
    store: Store,
    every: Duration,
    max_bytes: Option<u64>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match store.prune_within(Timestamp::now(), max_bytes).await {
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
