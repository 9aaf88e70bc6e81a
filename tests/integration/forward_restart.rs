//! Store-and-forward across a restart, and the outbox bound: the forwarder and the
//! history file are closed with samples queued (one batch's answer lost), reopened, and
//! the rest is delivered; past the bound the oldest samples are dropped and counted.

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
async fn a_restart_with_a_full_outbox_delivers_the_rest() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("history.sqlite3");
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(200, Vec::new()), Reply::HangUp, Reply::Status(503, Vec::new())]);
    let s = settings(&receiver.base_url(), "", "batch_max_samples = 2");
    let lost_key;
    {
        let store = Store::open(&path, DAY).unwrap();
        let (stop, shutdown) = watch::channel(false);
        let handle = forward::start(s.clone(), store.clone(), Arc::default(), shutdown).await.unwrap();
        for n in 1..=6 {
            store.record(numbered(n)).await.unwrap();
        }
        receiver.wait_for("three attempts", Duration::from_secs(10), |r| r.len() >= 3).await;
        stop.send(true).unwrap();
        handle.join(Duration::from_secs(3)).await;
        lost_key = receiver.requests("/metrics")[1].header("idempotency-key").unwrap().to_owned();
        assert!(store.outbox_stats().await.unwrap().rows >= 4, "samples are still queued");
    }
    // The writer thread ends with the last handle; the file is reopened as at a new start.
    let store = Store::open(&path, DAY).unwrap();
    let (_stop, shutdown) = watch::channel(false);
    let _handle = forward::start(s, store.clone(), Arc::default(), shutdown).await.unwrap();
    store.record(numbered(7)).await.unwrap();
    receiver
        .wait_for("every sample", Duration::from_secs(10), |r| batches(r).values().flatten().count() == 7)
        .await;
    assert_eq!(delivered_once(&receiver), set(1..=7));
    let resent = receiver
        .requests("/metrics")
        .iter()
        .filter(|r| r.header("idempotency-key") == Some(&lost_key))
        .count();
    assert!(resent >= 2, "after the restart the unacknowledged batch keeps its key ({resent})");
}

#[tokio::test]
async fn past_the_bound_the_oldest_are_dropped_and_counted() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut receiver = Receiver::start().await;
    receiver.stop();
    let s = settings(&receiver.base_url(), "", "outbox_max_rows = 3");
    let telemetry = Arc::new(Telemetry::default());
    let store = Store::open(&path, DAY).unwrap();
    store.enable_outbox(s.bounds, telemetry.clone()).await.unwrap();
    for n in 1..=6 {
        store.record(numbered(n)).await.unwrap();
    }
    assert_eq!(Telemetry::get(&telemetry.outbox_dropped_total), 3);
    assert_eq!(Telemetry::get(&telemetry.outbox_depth), 3);

    let (_stop, shutdown) = watch::channel(false);
    let handle = forward::start(s, store.clone(), telemetry.clone(), shutdown).await.unwrap();
    receiver.restart().await;
    receiver
        .wait_for("the three newest", Duration::from_secs(10), |r| batches(r).values().flatten().count() == 3)
        .await;
    assert_eq!(delivered_once(&receiver), set(4..=6), "the oldest went, the newest arrived");
    assert_eq!(Telemetry::get(&telemetry.outbox_dropped_total), 3, "counted once, loaded from the file");
    assert_eq!(handle.status.borrow().dropped_total, 3);
}
