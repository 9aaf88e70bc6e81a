//! Store queries for charts and statement history. They run in spawned tasks and answer
//! through a channel as `UiUpdate`s, so the UI loop never awaits the disk.

use super::UiUpdate;
use super::compare::CompareRequest;
use super::overlay::OverlayRequest;
use super::travel::MomentRequest;
use crate::model::{TargetId, Timestamp};

/// How far back the Alerts tab's history reaches at start, and how many rows.
const ALERT_HISTORY: Duration = Duration::from_secs(7 * 24 * 3600);
const ALERT_HISTORY_ROWS: usize = 500;
use crate::store::Store;
use std::time::Duration;
use tokio::sync::mpsc;

/// The charted `metrics` of `target` over the last `window_ms`, keyed or not.
pub async fn load_series(
    store: Store,
    tx: mpsc::Sender<UiUpdate>,
    target: TargetId,
    window_ms: i64,
    metrics: Vec<&'static str>,
) {
    let to = Timestamp::now();
    let from = Timestamp(to.millis() - window_ms);
    for metric in metrics {
        let by_key = match store.series_by_key(&target, metric, from, to).await {
            Ok(by_key) if !by_key.is_empty() => Ok(by_key),
            Ok(_) => store.series(&target, metric, None, from, to).await.map(|p| vec![(String::new(), p)]),
            Err(e) => Err(e),
        };
        match by_key {
            Ok(by_key) if by_key.iter().any(|(_, p)| !p.is_empty()) => {
                let update = UiUpdate::Series { target: target.clone(), metric: metric.to_owned(), by_key };
                if tx.send(update).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("chart history of {metric} for {target}: {e}"),
        }
    }
}

/// The last 24 h of one statement's per-interval figures.
pub async fn load_query(store: Store, tx: mpsc::Sender<UiUpdate>, target: TargetId, query_id: String) {
    let to = Timestamp::now();
    let from = to.minus(Duration::from_secs(24 * 3600));
    match store.query_history(&target, &query_id, from, to).await {
        Ok(points) => {
            // A closed channel means the UI has quit; nothing is waiting for the answer.
            let _ = tx.send(UiUpdate::QueryHistory { target, query_id, points }).await;
        }
        Err(e) => tracing::warn!("query history of {query_id}: {e}"),
    }
}

/// Past alert events of every target, for the Alerts tab's history section.
pub async fn load_alerts(store: Store, tx: mpsc::Sender<UiUpdate>) {
    let to = Timestamp::now();
    match store.alert_history(None, to.minus(ALERT_HISTORY), to, ALERT_HISTORY_ROWS).await {
        Ok(events) => {
            let _ = tx.send(UiUpdate::AlertHistory(events)).await;
        }
        Err(e) => tracing::warn!("alert history: {e}"),
    }
}

/// The charts' window a day earlier (see `overlay.rs`); an unreadable metric is left out.
pub async fn load_overlay(store: Store, tx: mpsc::Sender<UiUpdate>, request: OverlayRequest) {
    let (from, to) = request.range();
    let mut series = Vec::new();
    for metric in &request.metrics {
        match super::travel::read_series(&store, &request.target, metric, from, to).await {
            Ok(by_key) => {
                for (key, points) in by_key {
                    series.push(((*metric).to_owned(), key, super::overlay::shifted(&points)));
                }
            }
            Err(e) => tracing::warn!("a day earlier of {metric} for {}: {e}", request.target),
        }
    }
    let _ = tx.send(UiUpdate::Overlay { id: request.id, series }).await;
}

/// Two windows of statements side by side (see `compare.rs`).
pub async fn load_comparison(store: Store, tx: mpsc::Sender<UiUpdate>, request: CompareRequest) {
    let result = store
        .compare_statements(&request.target, request.windows.now, request.windows.before)
        .await
        .map_err(|e| format!("cannot read the history: {e}"));
    let _ = tx.send(UiUpdate::Comparison { id: request.id, result }).await;
}

/// Everything the screen shows at a past instant (see `travel.rs`).
pub async fn load_moment(store: Store, tx: mpsc::Sender<UiUpdate>, request: MomentRequest) {
    let answer = super::travel::read(&store, &request).await;
    let _ = tx.send(UiUpdate::Moment(Box::new(answer))).await;
}
