//! The funnel: collection rounds → store (one transaction each) → UI. Owned by one task.

use crate::model::Sample;
use crate::store::Store;
use crate::ui::UiUpdate;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Runs until every collector has dropped its sender.
pub async fn run(mut rounds: mpsc::Receiver<Vec<Sample>>, store: Store, ui: Option<mpsc::Sender<UiUpdate>>) {
    while let Some(round) = rounds.recv().await {
        let round = Arc::new(round);
        if let Err(e) = store.record(round.as_ref().clone()).await {
            tracing::error!("could not record samples: {e}");
        }
        if let Some(ui) = &ui {
            // The UI may have quit already; collection goes on until shutdown completes.
            let _ = ui.send(UiUpdate::Round(round)).await;
        }
    }
}
