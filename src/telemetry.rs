//! Logstag's own running costs and forwarding counters, shared by the parts that
//! produce them (forwarder, outbox) and the parts that show them (Prometheus endpoint,
//! Health tab, agent status log). Plain atomics: writers never wait on readers.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Telemetry {
    /// Rows waiting in the SQLite outbox (pending + parked).
    pub outbox_depth: AtomicU64,
    /// Outbox rows dropped because the size or age bound was hit.
    pub outbox_dropped_total: AtomicU64,
    /// Batches the backend acknowledged with a 2xx.
    pub forward_batches_total: AtomicU64,
    /// Samples inside those batches.
    pub forward_samples_total: AtomicU64,
    /// Failed send attempts (network errors, timeouts, non-2xx).
    pub forward_errors_total: AtomicU64,
    /// Batches parked after a non-retryable 4xx.
    pub forward_parked_total: AtomicU64,
    /// When the backend last acknowledged a batch, ms since the epoch; 0 = never.
    pub forward_last_ok_ms: AtomicI64,
}

impl Telemetry {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up() {
        let t = Telemetry::default();
        Telemetry::add(&t.forward_errors_total, 2);
        Telemetry::add(&t.forward_errors_total, 1);
        assert_eq!(Telemetry::get(&t.forward_errors_total), 3);
    }
}
