//! The terminal UI mode: starts the monitor with the UI as one more output, runs the UI
//! until the user quits, then stops everything in order.

use crate::collectors::registry::RunMode;
use crate::config::{Config, TargetConfig};
use crate::forward::ForwardStatus;
use crate::monitor::{alert_engine, history_path, open_store, start};
use crate::ui::{self, UiUpdate};
use std::process::ExitCode;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub async fn run(cfg: Config) -> anyhow::Result<ExitCode> {
    let _log_guard = crate::logging::to_file(history_path(&cfg).as_deref(), &cfg.agent.log_level);
    for warning in &cfg.warnings {
        tracing::warn!("{warning}");
    }
    let store = open_store(&cfg)?;
    let (ui_tx, ui_rx) = mpsc::channel(256);
    let (engine, alert_catalog) = alert_engine(&cfg);
    let listener = crate::prometheus::bind(&cfg.prometheus).await?;
    let running = start(&cfg, store.clone(), Some(ui_tx.clone()), Some(engine), RunMode::Continuous).await;
    let forwarding =
        running.forward.as_ref().map(|f| tokio::spawn(relay_forward_status(f.status.clone(), ui_tx)));
    let exporter = listener.map(|l| crate::prometheus::serve(l, running.board.clone()));
    let signals = tokio::spawn(crate::logging::shutdown_on_signal(running.shutdown.clone()));
    let ctx = ui::UiContext {
        targets: cfg.targets.iter().map(TargetConfig::info).collect(),
        updates: ui_rx,
        store,
        refresh: cfg.ui.refresh,
        chart_window: cfg.ui.chart_window,
        theme: cfg.ui.theme.clone(),
        shutdown: running.shutdown.clone(),
        alert_catalog,
        bell: cfg.alerts.bell,
        schema_refresh: running.schema_refresh.clone(),
        retry_now: running.retry_now.clone(),
        replay_end: None,
        planners: crate::collectors::planner::Planner::of_all(&cfg.targets),
    };
    let result = ui::run(ctx).await;
    signals.abort();
    exporter.iter().for_each(JoinHandle::abort);
    forwarding.iter().for_each(JoinHandle::abort);
    running.stop().await;
    result.map(|()| ExitCode::SUCCESS)
}

/// Hands the UI every change of the forwarder's status (the current one first). The watch
/// keeps only the newest value, so a slow UI sees fewer, never stale, updates. Ends when
/// the forwarder or the UI goes away.
pub(super) async fn relay_forward_status(
    mut status: watch::Receiver<ForwardStatus>,
    ui: mpsc::Sender<UiUpdate>,
) {
    loop {
        let current = status.borrow_and_update().clone();
        if ui.send(UiUpdate::Forwarding(current)).await.is_err() || status.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn relay_sends_the_current_status_then_each_change() {
        let (tx, rx) = watch::channel(ForwardStatus { queued: 3, ..ForwardStatus::default() });
        let (ui_tx, mut ui_rx) = mpsc::channel(4);
        let relay = tokio::spawn(relay_forward_status(rx, ui_tx));
        let queued = |u: Option<UiUpdate>| match u {
            Some(UiUpdate::Forwarding(s)) => Some(s.queued),
            _ => None,
        };
        assert_eq!(queued(ui_rx.recv().await), Some(3));
        let _ = tx.send(ForwardStatus { queued: 7, ..ForwardStatus::default() });
        assert_eq!(queued(ui_rx.recv().await), Some(7));
        drop(tx);
        assert_eq!(queued(ui_rx.recv().await), None, "the relay ends with the forwarder");
        assert!(relay.await.is_ok());
    }
}
