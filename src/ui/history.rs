//! Store queries for charts and statement history. They run in spawned tasks and answer
//! through a channel as `UiUpdate`s, so the UI loop never awaits the disk.

use super::UiUpdate;
use super::dashboard::SCHEMA_CHANGES_CAP;
use super::travel::{MomentAnswer, MomentRequest};
use crate::model::{TargetId, Timestamp};
use crate::store::{Depth, StoreError};

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

/// Everything the screen shows at a past instant (see `travel.rs`); always answers, so
/// the screen can say what went wrong instead of waiting for ever.
pub async fn load_moment(store: Store, tx: mpsc::Sender<UiUpdate>, request: MomentRequest) {
    let answer = match read_moment(&store, &request).await {
        Ok(answer) => answer,
        Err(e) => MomentAnswer {
            id: request.id,
            at: None,
            moments: Vec::new(),
            series: Vec::new(),
            alerts: Vec::new(),
            chart_end_ms: request.at.millis(),
            problem: Some(format!("cannot read the history: {e}")),
        },
    };
    let _ = tx.send(UiUpdate::Moment(Box::new(answer))).await;
}

async fn read_moment(store: &Store, request: &MomentRequest) -> Result<MomentAnswer, StoreError> {
    let at = match request.toward {
        Some(toward) => store.round_near(&request.focus, request.at, toward).await?,
        None => Some(request.at),
    };
    let Some(at) = at else {
        return Ok(MomentAnswer {
            id: request.id,
            at: None,
            moments: Vec::new(),
            series: Vec::new(),
            alerts: Vec::new(),
            chart_end_ms: request.at.millis(),
            problem: None,
        });
    };
    let chart_end_ms = super::travel::chart_end(at, request.window_ms, request.wall_ms);
    let (from, to) = (Timestamp(at.millis() - request.window_ms), Timestamp(chart_end_ms));
    let mut moments = Vec::with_capacity(request.others.len() + 1);
    let mut series = Vec::new();
    let focus = store.moment(&request.focus, at, Depth::Full, SCHEMA_CHANGES_CAP).await?;
    moments.push((request.focus.clone(), focus));
    for metric in &request.charted {
        let by_key = read_series(store, &request.focus, metric, from, to).await?;
        series.push((request.focus.clone(), (*metric).to_owned(), by_key));
    }
    for (target, headline) in &request.others {
        moments.push((target.clone(), store.moment(target, at, Depth::Overview, 0).await?));
        let by_key = read_series(store, target, headline, from, Timestamp(at.millis())).await?;
        series.push((target.clone(), (*headline).to_owned(), by_key));
    }
    let mut alerts = store
        .alert_history(
            None,
            Timestamp(at.millis() - super::travel::ALERT_LOOKBACK_MS),
            at,
            super::travel::ALERT_EVENTS,
        )
        .await?;
    alerts.reverse();
    Ok(MomentAnswer { id: request.id, at: Some(at), moments, series, alerts, chart_end_ms, problem: None })
}

/// A metric's keyed series, or its instance-wide one when it has no keys.
async fn read_series(
    store: &Store,
    target: &TargetId,
    metric: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(String, Vec<(Timestamp, f64)>)>, StoreError> {
    let by_key = store.series_by_key(target, metric, from, to).await?;
    if !by_key.is_empty() {
        return Ok(by_key);
    }
    Ok(vec![(String::new(), store.series(target, metric, None, from, to).await?)])
}
