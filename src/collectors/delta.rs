//! Turning cumulative counters into per-interval deltas, with counter resets handled.

/// Difference of a cumulative counter between two reads. A counter that went down was
/// reset (stats reset, restart, eviction): the new value is then the whole delta.
pub fn counter_delta(previous: u64, current: u64) -> (u64, bool) {
    if current >= previous { (current - previous, false) } else { (current, true) }
}

/// Same for floating counters (times in ms).
pub fn float_delta(previous: f64, current: f64) -> (f64, bool) {
    if current + 1e-9 >= previous { ((current - previous).max(0.0), false) } else { (current, true) }
}

/// Per-second rate of a counter over `secs`; None for an empty interval.
pub fn rate(previous: u64, current: u64, secs: f64) -> Option<f64> {
    (secs > 0.0).then(|| counter_delta(previous, current).0 as f64 / secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_counts_new_value_as_delta() {
        assert_eq!(counter_delta(10, 15), (5, false));
        assert_eq!(counter_delta(10, 3), (3, true));
        assert_eq!(float_delta(2.5, 1.0), (1.0, true));
        assert_eq!(rate(100, 160, 60.0), Some(1.0));
        assert_eq!(rate(1, 2, 0.0), None);
    }
}
