//! The Overview charts with the same window a day earlier drawn under them (`d`): is this
//! normal for this hour? Read off the UI task, shifted by a day, kept per (metric, key).

use super::series::Series;
use crate::model::{TargetId, Timestamp};
use std::collections::BTreeMap;

pub const DAY_MS: i64 = 24 * 3_600_000;

/// What the overlay holds, and for which target and window it was read.
#[derive(Debug, Clone, Default)]
pub struct DayOverlay {
    pub target: Option<TargetId>,
    /// The chart axis end it was read for, and the window.
    pub end_ms: i64,
    pub window_ms: i64,
    pub request: u64,
    /// (metric, key) → points of a day earlier, moved a day later so they line up.
    pub series: BTreeMap<(String, String), Series>,
}

impl DayOverlay {
    /// Whether the charts moved far enough (a tenth of the window) to read again.
    pub fn stale(&self, target: &TargetId, end_ms: i64, window_ms: i64) -> bool {
        self.target.as_ref() != Some(target)
            || self.window_ms != window_ms
            || (end_ms - self.end_ms).abs() > window_ms / 10
    }
}

/// What the loader reads: `metrics` of `target` over the window ending a day before `end_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayRequest {
    pub id: u64,
    pub target: TargetId,
    pub end_ms: i64,
    pub window_ms: i64,
    pub metrics: Vec<&'static str>,
}

impl OverlayRequest {
    /// The window a day earlier, with a little room either side so lines reach the edges.
    pub fn range(&self) -> (Timestamp, Timestamp) {
        let end = self.end_ms - DAY_MS;
        (Timestamp(end - self.window_ms - self.window_ms / 10), Timestamp(end + self.window_ms / 10))
    }
}

/// (metric, key, points moved a day later): the loader's answer.
pub type DayEarlier = Vec<(String, String, Vec<(i64, f64)>)>;

/// Points of a day earlier, moved a day later.
pub fn shifted(points: &[(Timestamp, f64)]) -> Vec<(i64, f64)> {
    points.iter().map(|(at, v)| (at.millis() + DAY_MS, *v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_again_only_when_the_charts_moved_a_tenth_of_the_window() {
        let t = TargetId("a".into());
        let overlay = DayOverlay {
            target: Some(t.clone()),
            end_ms: 1_000_000,
            window_ms: 900_000,
            ..Default::default()
        };
        assert!(!overlay.stale(&t, 1_080_000, 900_000));
        assert!(overlay.stale(&t, 1_100_000, 900_000));
        assert!(overlay.stale(&t, 1_000_000, 3_600_000));
        assert!(overlay.stale(&TargetId("b".into()), 1_000_000, 900_000));
        let request = OverlayRequest {
            id: 1,
            target: t,
            end_ms: DAY_MS + 1_000_000,
            window_ms: 900_000,
            metrics: vec![],
        };
        assert_eq!(request.range(), (Timestamp(10_000), Timestamp(1_090_000)));
        assert_eq!(shifted(&[(Timestamp(5), 1.0)]), [(DAY_MS + 5, 1.0)]);
    }
}
