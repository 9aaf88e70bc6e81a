//! Wait time by class (`v$system_wait_class`) and by event (`v$system_event`), the Idle
//! class left out, as milliseconds of waiting per second of wall clock between two reads.
//! Both views count since instance start; a total that went down means the instance (or
//! the PDB) started over, and that series gives no rate for the round.

use crate::collectors::text_rows::TextRow;
use crate::model::{Metric, counter};
use std::collections::BTreeMap;

use super::super::super::metric as ora;

/// `TIME_WAITED` is in centiseconds.
pub const WAIT_CLASSES: &str = "\
SELECT wait_class, total_waits, time_waited
FROM v$system_wait_class
WHERE wait_class <> 'Idle'";

/// Events that never waited are left out (a missing event had no wait time).
pub const EVENTS: &str = "\
SELECT event, wait_class, total_waits, time_waited_micro
FROM v$system_event
WHERE wait_class <> 'Idle'
  AND time_waited_micro > 0";

/// How many events `wait_ms_per_s_by_event` names per round: the few that weighed most,
/// not the hundreds an instance has.
pub const TOP_EVENTS: usize = 5;

/// Cumulative wait milliseconds by wait class or event, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitTotals(BTreeMap<String, f64>);

impl WaitTotals {
    /// `v$system_wait_class` rows (centiseconds → ms).
    pub fn classes(rows: &[TextRow]) -> Self {
        Self::read(rows, "wait_class", "time_waited", 10.0)
    }

    /// `v$system_event` rows (µs → ms).
    pub fn events(rows: &[TextRow]) -> Self {
        Self::read(rows, "event", "time_waited_micro", 0.001)
    }

    fn read(rows: &[TextRow], name: &str, time: &str, to_ms: f64) -> Self {
        let mut out = BTreeMap::new();
        for r in rows {
            let (Some(key), Some(value)) = (r.get(name), r.float(time)) else { continue };
            let key = key.trim();
            if key.is_empty() || key.eq_ignore_ascii_case("idle") || value < 0.0 {
                continue;
            }
            // A value near f64's limit (a garbled read) would sum to infinity: left out.
            let total = out.get(key).copied().unwrap_or(0.0) + value * to_ms;
            if total.is_finite() {
                out.insert(key.to_owned(), total);
            }
        }
        Self(out)
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).copied()
    }

    /// Milliseconds waited per second since `previous`, by key, for keys whose total did
    /// not go down (a key missing before had waited nothing).
    fn per_second(&self, previous: &WaitTotals, secs: f64) -> Vec<(&str, f64)> {
        self.0
            .iter()
            .filter_map(|(key, &now)| {
                let before = previous.get(key).unwrap_or(0.0);
                (now + 1e-9 >= before).then(|| (key.as_str(), (now - before).max(0.0) / secs))
            })
            .collect()
    }
}

/// Wait ms per second by class: every class of the current read, zeros included, so the
/// series stay continuous. Nothing on the first read: a total since startup is no rate.
pub fn class_rates(previous: Option<(&WaitTotals, f64)>, current: &WaitTotals) -> Vec<Metric> {
    let Some((previous, secs)) = previous.filter(|(_, secs)| *secs > 0.0) else {
        return Vec::new();
    };
    current
        .per_second(previous, secs)
        .into_iter()
        .map(|(class, rate)| Metric::keyed(ora::WAIT_MS_PER_S, class, rate))
        .collect()
}

/// Wait ms per second for the `TOP_EVENTS` events that waited most in the interval.
pub fn event_rates(previous: Option<(&WaitTotals, f64)>, current: &WaitTotals) -> Vec<Metric> {
    let Some((previous, secs)) = previous.filter(|(_, secs)| *secs > 0.0) else {
        return Vec::new();
    };
    let mut moved: Vec<(&str, f64)> =
        current.per_second(previous, secs).into_iter().filter(|(_, rate)| *rate > 0.0).collect();
    moved.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    moved
        .into_iter()
        .take(TOP_EVENTS)
        .map(|(event, rate)| Metric::keyed(ora::WAIT_MS_PER_S_BY_EVENT, event, rate))
        .collect()
}

/// Cumulative wait time by class, seconds, as the server counts it (Prometheus).
pub fn class_counters(current: &WaitTotals) -> Vec<Metric> {
    current
        .0
        .iter()
        .map(|(class, ms)| Metric::keyed(counter::WAIT_TIME_SECONDS, class, ms / 1000.0))
        .collect()
}

#[cfg(test)]
#[path = "waits_tests.rs"]
mod tests;
