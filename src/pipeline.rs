//! The funnel: collection rounds → store (one transaction each) → alert engine → UI.
//! Owned by one task, so the alert engine's state has exactly one writer.

use crate::alerts::AlertEngine;
use crate::board::Board;
use crate::model::{AlertEvent, Sample, SampleBody};
use crate::store::Store;
use crate::ui::UiUpdate;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where the pipeline sends what it produces; every part is optional (snapshot mode has
/// no alerts, the agent has no UI).
pub struct Outputs {
    pub store: Store,
    pub alerts: Option<AlertEngine>,
    pub ui: Option<mpsc::Sender<UiUpdate>>,
    /// Notification hooks; fed with `try_send` so a slow hook never holds up collection.
    pub notify: Option<mpsc::Sender<AlertEvent>>,
    /// Latest values for the Prometheus endpoint and the agent's status line.
    pub board: Option<Board>,
}

/// Runs until every collector has dropped its sender.
pub async fn run(mut rounds: mpsc::Receiver<Vec<Sample>>, mut out: Outputs) {
    while let Some(round) = rounds.recv().await {
        if let Some(board) = &out.board {
            board.observe(&round);
        }
        // Raw cumulative counters are for the board (Prometheus) only: the history, the
        // alerts, the outbox and the UI work from the rates.
        let round: Vec<Sample> =
            round.into_iter().filter(|s| !matches!(s.body, SampleBody::Counters(_))).collect();
        let count = round.len();
        match out.store.record(round.clone()).await {
            Ok(()) => out.board.iter().for_each(|b| b.recorded(count)),
            Err(e) => {
                out.board.iter().for_each(Board::record_failed);
                tracing::error!("could not record samples: {e}");
            }
        }
        let events = match out.alerts.as_mut() {
            Some(engine) => engine.observe(&round),
            None => Vec::new(),
        };
        if let Some(ui) = &out.ui {
            // The UI may have quit already; collection goes on until shutdown completes.
            let _ = ui.send(UiUpdate::Round(Arc::new(round))).await;
        }
        if !events.is_empty() {
            publish_alerts(&out, events).await;
        }
        if let (Some(board), Some(engine)) = (&out.board, &out.alerts) {
            board.alerts_active(&engine.active());
        }
        if let (Some(ui), Some(engine)) = (&out.ui, &out.alerts) {
            let active = engine.active();
            if !active.is_empty() {
                let _ = ui.send(UiUpdate::ActiveAlerts(active)).await;
            }
        }
    }
}

/// Alert events go to the history (with the time of the sample that caused them, so the
/// UI can jump there), the UI, and the hooks.
async fn publish_alerts(out: &Outputs, events: Vec<AlertEvent>) {
    for e in &events {
        tracing::info!(rule = %e.rule, target = %e.target, key = %e.key, kind = ?e.kind, "{}", e.message);
        if let Some(notify) = &out.notify
            && notify.try_send(e.clone()).is_err()
        {
            tracing::warn!("alert notification queue full: {} not sent to the hooks", e.rule);
        }
    }
    if let Err(e) = out.store.record_alerts(events.clone()).await {
        tracing::error!("could not record alert events: {e}");
    }
    if let Some(ui) = &out.ui {
        let _ = ui.send(UiUpdate::Alerts(events)).await;
    }
}
