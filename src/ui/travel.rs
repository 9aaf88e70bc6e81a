//! Time travel: the screen shows a past instant while collection goes on. The past is a
//! whole `Dashboard` rebuilt from the history file (every tab, every engine draws from
//! it as from the live one), read off the UI task and swapped in when it arrives; the
//! live board keeps taking rounds behind it.

use super::dashboard::{Dashboard, SCHEMA_CHANGES_CAP};
use crate::model::{AlertEvent, TargetId, Timestamp};
use crate::store::{Depth, Moment, Store, StoreError, Toward};

/// How far an alert's history is read back to know which alerts were active at an instant.
pub const ALERT_LOOKBACK_MS: i64 = 7 * 24 * 3_600_000;
/// Alert events read for that, at most.
pub const ALERT_EVENTS: usize = 5_000;
/// Shift-←/→ move by this much.
pub const MINUTE_MS: i64 = 60_000;

/// The screen is paused on a past instant.
pub struct Travel {
    /// The instant shown (or being loaded).
    pub at: Timestamp,
    /// The live board, still fed by every round while the past one is on screen.
    pub live: Dashboard,
    /// The request whose answer is awaited; answers to older ones are dropped.
    pub waiting: Option<u64>,
    pub requests: u64,
    /// Where the charts' time axis ends: a little after `at`, so the cursor at `at`
    /// shows what came next too.
    pub chart_end_ms: i64,
    /// The target and chart window the past board was read for.
    pub shown: Option<(TargetId, i64)>,
}

/// Key → points of one metric, the empty key for instance-wide values.
pub type KeyedPoints = Vec<(String, Vec<(Timestamp, f64)>)>;

/// What the loader reads for one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MomentRequest {
    pub id: u64,
    pub at: Timestamp,
    /// Move to the round nearest `at` in this direction first (stepping); None: `at` itself.
    pub toward: Option<Toward>,
    /// The target on screen: read whole, with its charts.
    pub focus: TargetId,
    pub charted: Vec<&'static str>,
    /// Every other target: its status and figures, and its headline trend.
    pub others: Vec<(TargetId, &'static str)>,
    pub window_ms: i64,
    /// The real clock, so charts never reach into the future.
    pub wall_ms: i64,
}

/// The loader's answer.
#[derive(Debug, Clone)]
pub struct MomentAnswer {
    pub id: u64,
    /// The instant found; None when there is no round that way (the screen stays put).
    pub at: Option<Timestamp>,
    pub moments: Vec<(TargetId, Moment)>,
    /// (target, metric, key → points) for the charts and trends around the instant.
    pub series: Vec<(TargetId, String, KeyedPoints)>,
    /// Alert events up to the instant, oldest first.
    pub alerts: Vec<AlertEvent>,
    pub chart_end_ms: i64,
    /// Why nothing could be read (the history file's error), for the status line.
    pub problem: Option<String>,
}

impl MomentAnswer {
    /// No instant that way (`problem` None), or none readable: the screen stays put.
    fn nothing(request: &MomentRequest, problem: Option<String>) -> MomentAnswer {
        MomentAnswer {
            id: request.id,
            at: None,
            moments: Vec::new(),
            series: Vec::new(),
            alerts: Vec::new(),
            chart_end_ms: request.at.millis(),
            problem,
        }
    }
}

/// Where the charts end for an instant: a fifth of the window after it, never past now.
pub fn chart_end(at: Timestamp, window_ms: i64, wall_ms: i64) -> i64 {
    at.millis().saturating_add(window_ms / 5).min(wall_ms).max(at.millis())
}

/// "2 h 13 min ago" for the banner.
pub fn distance(at_ms: i64, wall_ms: i64) -> String {
    let ago = u64::try_from(wall_ms.saturating_sub(at_ms)).unwrap_or(0);
    format!("{} ago", super::format::duration_ms(ago))
}

/// Reads everything the screen shows at a past instant; always answers, so the screen
/// can say what went wrong instead of waiting for ever. Runs off the UI task.
pub async fn read(store: &Store, request: &MomentRequest) -> MomentAnswer {
    match read_moment(store, request).await {
        Ok(answer) => answer,
        Err(e) => MomentAnswer::nothing(request, Some(format!("cannot read the history: {e}"))),
    }
}

async fn read_moment(store: &Store, request: &MomentRequest) -> Result<MomentAnswer, StoreError> {
    // A typed time or a minute's move stays where it was asked for (each kind shows its
    // newest reading at or before it); only a step lands on a round.
    let at = match request.toward {
        Some(Toward::AtOrBefore) => {
            store.round_near(&request.focus, request.at, Toward::AtOrBefore).await?.map(|_| request.at)
        }
        Some(toward) => store.round_near(&request.focus, request.at, toward).await?,
        None => Some(request.at),
    };
    let Some(at) = at else {
        return Ok(MomentAnswer::nothing(request, None));
    };
    let chart_end_ms = chart_end(at, request.window_ms, request.wall_ms);
    let (from, to) = (Timestamp(at.millis() - request.window_ms), Timestamp(chart_end_ms));
    let mut moments = Vec::with_capacity(request.others.len() + 1);
    let mut series = Vec::new();
    let focus = store.moment(&request.focus, at, Depth::Full, SCHEMA_CHANGES_CAP).await?;
    moments.push((request.focus.clone(), focus));
    for metric in &request.charted {
        let by_key = read_series(store, &request.focus, metric, from, to).await?;
        series.push((request.focus.clone(), (*metric).to_owned(), by_key));
    }
    let others = request.others.iter().map(|(t, headline)| (t.0.clone(), (*headline).to_owned())).collect();
    let fleet = store.fleet_at(others, at, from).await?;
    for ((target, headline), (moment, trend)) in request.others.iter().zip(fleet) {
        moments.push((target.clone(), moment));
        series.push((target.clone(), (*headline).to_owned(), trend));
    }
    let mut alerts =
        store.alert_history(None, Timestamp(at.millis() - ALERT_LOOKBACK_MS), at, ALERT_EVENTS).await?;
    alerts.reverse();
    Ok(MomentAnswer { id: request.id, at: Some(at), moments, series, alerts, chart_end_ms, problem: None })
}

/// A metric's keyed series, or its instance-wide one when it has no keys.
pub(super) async fn read_series(
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
