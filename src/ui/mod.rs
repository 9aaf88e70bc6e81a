//! The terminal UI (SKELETON: the ui helper replaces this file).

use crate::model::{Sample, TargetInfo};
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// What the pipeline hands the UI.
#[derive(Debug, Clone)]
pub enum UiUpdate {
    /// One collection round of one target (already recorded in the store).
    Round(Arc<Vec<Sample>>),
}

/// Everything the UI task needs. The UI owns its state; nothing else writes it.
pub struct UiContext {
    pub targets: Vec<TargetInfo>,
    pub updates: mpsc::Receiver<UiUpdate>,
    /// For charts' history and scroll-back; queried off the UI task.
    pub store: Store,
    /// Redraw at most this often (data-driven redraws only).
    pub refresh: Duration,
    pub chart_window: Duration,
    /// Theme name or path (`--theme`, `[ui] theme`).
    pub theme: String,
    /// Set to true when the user quits; the UI also stops when it turns true.
    pub shutdown: watch::Sender<bool>,
}

/// Runs the UI until the user quits or shutdown is signalled.
pub async fn run(_ctx: UiContext) -> anyhow::Result<()> {
    Ok(())
}
