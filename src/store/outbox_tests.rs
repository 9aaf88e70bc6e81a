//! The forwarding outbox against a real SQLite file: queued with the round, batches
//! keyed before sending, acknowledged, parked, bounded.

use super::fixtures::*;
use super::*;
use crate::model::{SampleBody, Tier};
use crate::telemetry::Telemetry;
use std::sync::Arc;
use tempfile::TempDir;

const ROOMY: OutboxBounds =
    OutboxBounds { max_rows: 1_000, max_bytes: 1 << 30, max_age: Duration::from_secs(86_400 * 365 * 50) };

fn numbered(i: i64) -> Vec<Sample> {
    vec![sample(Tier::High, i, metrics(i as f64))]
}

fn values(batch: &OutboxBatch) -> Vec<i64> {
    batch.samples.iter().map(|s| s.taken_at.0).collect()
}

#[tokio::test]
async fn nothing_is_queued_until_forwarding_is_enabled() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.record(numbered(1)).await.unwrap();
    assert_eq!(store.outbox_next(10, 1 << 20).await.unwrap(), None);
    assert_eq!(store.outbox_stats().await.unwrap().rows, 0);
}

#[tokio::test]
async fn batches_go_oldest_first_and_keep_their_key_until_acknowledged() {
    let store = Store::open_in_memory(DAY).unwrap();
    let telemetry = Arc::new(Telemetry::default());
    let agent = store.enable_outbox(ROOMY, telemetry.clone()).await.unwrap();
    assert_eq!(agent.len(), 32, "{agent}");
    for i in 1..=5 {
        store.record(numbered(i)).await.unwrap();
    }
    assert_eq!(Telemetry::get(&telemetry.outbox_depth), 5);
    let first = store.outbox_next(2, 1 << 20).await.unwrap().unwrap();
    assert_eq!(values(&first), [1, 2]);
    assert_eq!(first.samples[0], numbered(1)[0], "the whole sample comes back");
    // Not acknowledged (a lost answer): the same batch, with the same key, again.
    let again = store.outbox_next(2, 1 << 20).await.unwrap().unwrap();
    assert_eq!((again.key.as_str(), values(&again)), (first.key.as_str(), vec![1, 2]));
    assert_eq!(store.outbox_ack(&first.key).await.unwrap(), 2);
    assert_eq!(store.outbox_ack(&first.key).await.unwrap(), 0, "a second ack is harmless");
    let second = store.outbox_next(2, 1 << 20).await.unwrap().unwrap();
    assert_ne!(second.key, first.key);
    assert_eq!(values(&second), [3, 4]);
    assert_eq!(Telemetry::get(&telemetry.outbox_depth), 3);
}

#[tokio::test]
async fn a_batch_holds_one_row_at_least_then_stays_under_the_byte_limit() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.enable_outbox(ROOMY, Arc::new(Telemetry::default())).await.unwrap();
    for i in 1..=3 {
        store.record(vec![sample(Tier::High, i, activity(20))]).await.unwrap();
    }
    let batch = store.outbox_next(100, 1).await.unwrap().unwrap();
    assert_eq!(values(&batch), [1]);
    assert!(batch.bytes > 1);
}

#[tokio::test]
async fn parked_batches_stay_aside_with_their_reason() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.enable_outbox(ROOMY, Arc::new(Telemetry::default())).await.unwrap();
    for i in 1..=3 {
        store.record(numbered(i)).await.unwrap();
    }
    let refused = store.outbox_next(1, 1 << 20).await.unwrap().unwrap();
    assert_eq!(store.outbox_park(&refused.key, "HTTP 400: bad sample").await.unwrap(), 1);
    let next = store.outbox_next(5, 1 << 20).await.unwrap().unwrap();
    assert_eq!(values(&next), [2, 3]);
    store.outbox_ack(&next.key).await.unwrap();
    assert_eq!(store.outbox_next(5, 1 << 20).await.unwrap(), None, "parked rows are not resent");
    let stats = store.outbox_stats().await.unwrap();
    assert_eq!((stats.rows, stats.parked), (1, 1));
    assert_eq!(stats.parked_reason.as_deref(), Some("HTTP 400: bad sample"));

    // The next start (the forwarder enables the outbox again) gives it one more try, same key.
    store.enable_outbox(ROOMY, Arc::new(Telemetry::default())).await.unwrap();
    let again = store.outbox_next(5, 1 << 20).await.unwrap().unwrap();
    assert_eq!((again.key.as_str(), values(&again)), (refused.key.as_str(), vec![1]));
    assert_eq!(store.outbox_stats().await.unwrap().parked, 0);
}

#[tokio::test]
async fn the_bound_drops_the_oldest_and_the_count_survives_a_restart() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let bounds = OutboxBounds { max_rows: 3, ..ROOMY };
    {
        let store = Store::open(&path, DAY).unwrap();
        let telemetry = Arc::new(Telemetry::default());
        store.enable_outbox(bounds, telemetry.clone()).await.unwrap();
        for i in 1..=5 {
            store.record(numbered(i)).await.unwrap();
        }
        assert_eq!(Telemetry::get(&telemetry.outbox_dropped_total), 2);
        assert_eq!(Telemetry::get(&telemetry.outbox_depth), 3);
    }
    let store = Store::open(&path, DAY).unwrap();
    let telemetry = Arc::new(Telemetry::default());
    store.enable_outbox(bounds, telemetry.clone()).await.unwrap();
    assert_eq!(Telemetry::get(&telemetry.outbox_dropped_total), 2, "loaded from the file");
    store.record(numbered(6)).await.unwrap();
    let stats = store.outbox_stats().await.unwrap();
    assert_eq!((stats.rows, stats.dropped_total), (3, 3));
    let batch = store.outbox_next(10, 1 << 30).await.unwrap().unwrap();
    assert_eq!(values(&batch), [4, 5, 6]);
}

#[tokio::test]
async fn byte_and_age_bounds_drop_the_oldest_too() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.enable_outbox(ROOMY, Arc::new(Telemetry::default())).await.unwrap();
    store.record(numbered(1)).await.unwrap();
    let one_row = store.outbox_stats().await.unwrap().bytes;

    let store = Store::open_in_memory(DAY).unwrap();
    let by_bytes = OutboxBounds { max_bytes: one_row * 2 + one_row / 2, ..ROOMY };
    store.enable_outbox(by_bytes, Arc::new(Telemetry::default())).await.unwrap();
    for i in 1..=4 {
        store.record(numbered(i)).await.unwrap();
    }
    let stats = store.outbox_stats().await.unwrap();
    assert_eq!((stats.rows, stats.dropped_total), (2, 2));

    let store = Store::open_in_memory(DAY).unwrap();
    let by_age = OutboxBounds { max_age: Duration::ZERO, ..ROOMY };
    store.enable_outbox(by_age, Arc::new(Telemetry::default())).await.unwrap();
    store.record(numbered(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    store.record(numbered(2)).await.unwrap();
    // Queued "now", the second row is not older than the cutoff yet; the first is.
    let stats = store.outbox_stats().await.unwrap();
    assert_eq!((stats.rows, stats.dropped_total), (1, 1), "{stats:?}");
    let left = store.outbox_next(10, 1 << 20).await.unwrap().unwrap();
    assert_eq!(values(&left), [2]);
}

#[tokio::test]
async fn raw_counters_are_neither_kept_nor_queued() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.enable_outbox(ROOMY, Arc::new(Telemetry::default())).await.unwrap();
    let counters =
        SampleBody::Counters(vec![crate::model::Metric::new(crate::model::counter::DEADLOCKS, 3.0)]);
    store.record(vec![sample(Tier::High, 1, counters), sample(Tier::High, 1, metrics(1.0))]).await.unwrap();
    let batch = store.outbox_next(100, 1 << 20).await.unwrap().unwrap();
    assert_eq!(batch.samples.len(), 1, "only the metrics: {:?}", batch.samples);
    assert!(matches!(batch.samples[0].body, SampleBody::Metrics(_)));
    let target = batch.samples[0].target.clone();
    assert_eq!(store.snapshot_at(&target, "counters", Timestamp(10)).await.unwrap(), None);
}
