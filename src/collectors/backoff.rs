//! Capped, jittered exponential backoff (also meant for the forwarder).

use std::time::Duration;

/// First wait before reconnecting to a target that went down.
pub const RECONNECT_BASE: Duration = Duration::from_secs(1);
/// Longest wait between reconnect attempts: a server that comes back is seen within
/// this plus one connect (well inside 15 s), however long it was away.
pub const RECONNECT_CAP: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
    seed: u64,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64 | 1)
            .unwrap_or(0x9E37_79B9);
        Self { base, cap, attempt: 0, seed }
    }

    /// Delay before the next attempt: base·2^n capped, minus up to 20 % jitter so that
    /// many targets that failed together do not retry in lock-step.
    pub fn next_delay(&mut self) -> Duration {
        let exp = self.base.saturating_mul(1u32.checked_shl(self.attempt.min(16)).unwrap_or(u32::MAX));
        let capped = exp.min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        // xorshift: cheap, deterministic per instance, good enough for jitter.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let jitter_permille = self.seed % 200;
        capped - capped.mul_f64(jitter_permille as f64 / 1000.0)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_with_bounded_jitter() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let d: Vec<Duration> = (0..8).map(|_| b.next_delay()).collect();
        assert!(d[0] <= Duration::from_secs(1) && d[0] >= Duration::from_millis(800));
        assert!(d[1] <= Duration::from_secs(2) && d[1] >= Duration::from_millis(1600));
        assert!(d[7] <= Duration::from_secs(30) && d[7] >= Duration::from_secs(24));
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }

    #[test]
    fn a_target_back_after_a_long_outage_is_retried_within_ten_seconds() {
        let mut b = Backoff::new(RECONNECT_BASE, RECONNECT_CAP);
        let longest = (0..1000).map(|_| b.next_delay()).max().unwrap_or_default();
        assert!(longest <= Duration::from_secs(10), "{longest:?}");
        assert!(longest >= Duration::from_secs(8), "{longest:?}");
    }
}
