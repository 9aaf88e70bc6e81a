//! The backend misbehaving: down for a while, a lost acknowledgement, 429 with
//! Retry-After, a 400 that parks one batch while later ones still flow.

use crate::support::forwarding::*;
use crate::support::receiver::{Receiver, Reply};
use logstag::forward;
use logstag::store::Store;
use logstag::telemetry::Telemetry;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const DAY: Duration = Duration::from_secs(86_400);

#[tokio::test]
async fn receiver_down_then_back_gets_every_sample_once_after_dedupe() {
    let mut receiver = Receiver::start().await;
    // The first batch is recorded by the backend, but its answer never arrives.
    receiver.script([Reply::HangUp]);
    let store = Store::open_in_memory(DAY).unwrap();
    let telemetry = Arc::new(Telemetry::default());
    let s = settings(&receiver.base_url(), "", "batch_max_samples = 2");
    let (_stop, shutdown) = watch::channel(false);
    let _handle = forward::start(s, store.clone(), telemetry.clone(), shutdown).await.unwrap();
    for n in 1..=3 {
        store.record(numbered(n)).await.unwrap();
    }
    receiver.wait_for("the first attempt", Duration::from_secs(10), |r| !r.is_empty()).await;
    let lost_key = receiver.requests("/metrics")[0].header("idempotency-key").unwrap().to_owned();

    receiver.stop();
    for n in 4..=7 {
        store.record(numbered(n)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(Telemetry::get(&telemetry.forward_errors_total) >= 2, "refused connections count as errors");
    receiver.restart().await;

    receiver
        .wait_for("all seven samples", Duration::from_secs(15), |r| {
            batches(r).values().flatten().count() == 7
        })
        .await;
    assert_eq!(delivered_once(&receiver), set(1..=7), "none lost, none counted twice");
    let resent = receiver
        .requests("/metrics")
        .iter()
        .filter(|r| r.header("idempotency-key") == Some(&lost_key))
        .count();
    assert!(resent >= 2, "the batch whose answer was lost is resent under the same key ({resent})");
    for _ in 0..100 {
        if store.outbox_stats().await.unwrap().rows == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(store.outbox_stats().await.unwrap().rows, 0);
}

#[tokio::test]
async fn too_many_requests_waits_as_long_as_retry_after_says() {
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(429, vec![("retry-after", "2".to_owned())])]);
    let store = Store::open_in_memory(DAY).unwrap();
    let (_stop, shutdown) = watch::channel(false);
    let _handle =
        forward::start(settings(&receiver.base_url(), "", ""), store.clone(), Arc::default(), shutdown)
            .await
            .unwrap();
    store.record(numbered(1)).await.unwrap();
    receiver.wait_for("the retry", Duration::from_secs(10), |r| r.len() >= 2).await;
    let requests = receiver.requests("/metrics");
    let gap = requests[1].at - requests[0].at;
    // The backoff alone would retry after about 50 ms.
    assert!(gap >= Duration::from_millis(1_950), "retried after {gap:?}");
    assert!(gap < Duration::from_secs(5), "retried after {gap:?}");
    assert_eq!(requests[0].header("idempotency-key"), requests[1].header("idempotency-key"));
    assert_eq!(delivered_once(&receiver), set(1..=1));
}

#[tokio::test]
async fn a_refused_batch_is_parked_with_its_reason_and_later_batches_flow() {
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(400, Vec::new())]);
    let store = Store::open_in_memory(DAY).unwrap();
    let telemetry = Arc::new(Telemetry::default());
    let s = settings(&receiver.base_url(), "", "batch_max_samples = 1");
    let (_stop, shutdown) = watch::channel(false);
    let handle = forward::start(s, store.clone(), telemetry.clone(), shutdown).await.unwrap();
    for n in 1..=3 {
        store.record(numbered(n)).await.unwrap();
    }
    receiver.wait_for("three requests", Duration::from_secs(10), |r| r.len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let requests = receiver.requests("/metrics");
    assert_eq!(requests.len(), 3, "a parked batch is not retried");
    let stats = store.outbox_stats().await.unwrap();
    assert_eq!((stats.rows, stats.parked), (1, 1), "the refused sample is kept, aside");
    assert_eq!(stats.parked_reason.as_deref(), Some("HTTP 400 Bad Request"));
    assert_eq!(Telemetry::get(&telemetry.forward_parked_total), 1);
    assert_eq!(Telemetry::get(&telemetry.forward_samples_total), 2);
    let status = handle.status.borrow().clone();
    assert_eq!(status.parked, 1);
    assert!(status.summary().contains("parked 1: HTTP 400 Bad Request"), "{}", status.summary());
}
