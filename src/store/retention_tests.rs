//! The size cap (`[history] max_mb`).

use super::super::fixtures::*;
use super::super::*;
use crate::model::{SampleBody, Tier};
use rusqlite::Connection;
use tempfile::TempDir;

/// `[history] max_mb`: past the size, the oldest rounds go first (the newest stay, and the
/// newest schema inventory whatever its age); under it nothing goes.
#[tokio::test]
async fn the_size_cap_prunes_oldest_first_and_keeps_the_newest_schema() {
    use crate::model::SchemaSnapshot;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let schema = SampleBody::Schema(SchemaSnapshot::default());
    store.record(vec![sample(Tier::Schema, 1_000, schema)]).await.unwrap();
    for at in 1..=400 {
        store.record(vec![sample(Tier::High, at * 10_000, busy_activity(at))]).await.unwrap();
    }
    let full = store.stats().await.unwrap().bytes;
    let now = Timestamp(401 * 10_000);
    assert_eq!(store.prune_within(now, Some(full * 2)).await.unwrap(), PruneStats::default());
    let stats = store.prune_within(now, Some(full / 2)).await.unwrap();
    assert!(stats.snapshots > 150, "{stats:?}");
    let after = store.stats().await.unwrap().bytes;
    assert!(after <= full / 2, "{after} > {}", full / 2);
    let newest = store.snapshot_at(&t(), "activity", now).await.unwrap().unwrap();
    assert_eq!(newest.taken_at, Timestamp(4_000_000));
    let oldest_kept: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT min(at) FROM snapshots_named WHERE kind = 'activity'", [], |r| r.get(0))
        .unwrap();
    assert!(oldest_kept > 1_000_000, "the oldest went first: {oldest_kept}");
    assert!(store.latest_schema(&t()).await.unwrap().is_some(), "the newest inventory stays");
}

/// A target whose every round aged out is no longer listed; recording it again after the
/// prune works (the writer forgot the source id the prune removed).
#[tokio::test]
async fn a_target_pruned_whole_is_forgotten_and_can_come_back() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let other = TargetId("other".into());
    let mut old = sample(Tier::High, 1_000, activity(3));
    old.target = other.clone();
    store.record(vec![old, sample(Tier::High, 500_000, activity(3))]).await.unwrap();
    let names =
        |targets: Vec<crate::model::TargetInfo>| targets.into_iter().map(|t| t.id.0).collect::<Vec<_>>();
    assert_eq!(names(store.recorded_targets().await.unwrap()), ["other", "prod"]);
    let stats = store.prune_within(Timestamp(100_000 + DAY.as_millis() as i64), None).await.unwrap();
    assert_eq!(stats.snapshots, 1, "{stats:?}");
    assert_eq!(names(store.recorded_targets().await.unwrap()), ["prod"]);
    let sources: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM snapshot_sources", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sources, 1);
    let mut back = sample(Tier::High, 600_000, activity(4));
    back.target = other.clone();
    store.record(vec![back.clone()]).await.unwrap();
    let read = store.snapshot_at(&other, "activity", Timestamp(600_000)).await.unwrap().unwrap();
    assert_eq!(read.body, back.body);
}
