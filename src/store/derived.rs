//! Figures that follow from others are left out of a body's stored form and computed
//! again on reading: a statement's mean time is its total over its calls (the collectors
//! compute it so), eight bytes of noise per statement and reading that no compressor can
//! shrink. Left out only where recomputing gives the same f64 bit for bit, so reading
//! gives back exactly what was recorded; any other mean is kept as it came.

use serde_json::Value;

const MEAN: &str = "mean_time_ms";

fn mean_of(stat: &serde_json::Map<String, Value>) -> Option<f64> {
    let calls = stat.get("calls")?.as_u64()?;
    let total = stat.get("total_time_ms")?.as_f64()?;
    Some(if calls > 0 { total / calls as f64 } else { 0.0 })
}

fn stats_mut(body: &mut Value) -> impl Iterator<Item = &mut serde_json::Map<String, Value>> {
    let stats = match body.get("kind").and_then(Value::as_str) {
        Some("queries") => body.pointer_mut("/data/stats").and_then(Value::as_array_mut),
        _ => None,
    };
    stats.into_iter().flatten().filter_map(Value::as_object_mut)
}

/// Removes each statement's mean where `restore` will compute the same value.
pub fn leave_out(body: &mut Value) {
    for stat in stats_mut(body) {
        let kept = stat.get(MEAN).and_then(Value::as_f64);
        if let (Some(kept), Some(computed)) = (kept, mean_of(stat))
            && kept.to_bits() == computed.to_bits()
        {
            // shift_remove: the counters after it keep their order (swap_remove would not).
            stat.shift_remove(MEAN);
        }
    }
}

/// Puts back what `leave_out` removed.
pub fn restore(body: &mut Value) {
    for stat in stats_mut(body) {
        if !stat.contains_key(MEAN)
            && let Some(mean) = mean_of(stat)
        {
            stat.insert(MEAN.into(), mean.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{QueryStat, QueryStatsSnapshot, SampleBody, StatsAvailability};

    fn body(stats: Vec<QueryStat>) -> Value {
        serde_json::to_value(SampleBody::Queries(QueryStatsSnapshot {
            availability: StatsAvailability::Available,
            since: None,
            stats,
            tracked: 0,
            reset_detected: false,
            evicted: None,
        }))
        .unwrap()
    }

    #[test]
    fn only_means_that_compute_back_exactly_are_left_out() {
        let stat = |calls: u64, total: f64, mean: f64| QueryStat {
            id: "q".into(),
            calls,
            total_time_ms: total,
            mean_time_ms: mean,
            ..QueryStat::default()
        };
        let original = body(vec![stat(3, 10.0, 10.0 / 3.0), stat(0, 0.0, 0.0), stat(4, 10.0, 7.0)]);
        let mut stored = original.clone();
        leave_out(&mut stored);
        let kept: Vec<bool> =
            (0..3).map(|i| stored.pointer(&format!("/data/stats/{i}/{MEAN}")).is_some()).collect();
        assert_eq!(kept, [false, false, true], "an engine's own mean stays");
        restore(&mut stored);
        assert_eq!(stored, original);
        let other =
            serde_json::json!({"kind": "activity", "data": {"stats": [{"calls": 1, "total_time_ms": 2.0}]}});
        let mut untouched = other.clone();
        restore(&mut untouched);
        assert_eq!(untouched, other);
    }
}
