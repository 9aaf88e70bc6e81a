//! Schema changes and schema snapshots in the store: rows, newest snapshot, retention.

use super::fixtures::*;
use super::*;
use crate::model::{ChangeKind, DatabaseSchema, SampleBody, SchemaChange, SchemaSnapshot, Tier};
use std::time::Duration;

fn change(at: i64, object: &str, kind: ChangeKind) -> SchemaChange {
    SchemaChange {
        at: Timestamp(at),
        database: "app".into(),
        schema: "public".into(),
        object_type: "index".into(),
        object: object.into(),
        change: kind,
        detail: format!("detail {object}"),
    }
}

fn snapshot(db: &str) -> SampleBody {
    SampleBody::Schema(SchemaSnapshot {
        databases: vec![DatabaseSchema { name: db.into(), size_bytes: Some(1), ..Default::default() }],
    })
}

#[tokio::test]
async fn schema_changes_round_trip_newest_first() {
    let store = Store::open_in_memory(DAY).unwrap();
    let first = vec![change(1_000, "t.a", ChangeKind::Added), change(1_000, "t.b", ChangeKind::Removed)];
    let second = vec![change(2_000, "t.a", ChangeKind::Modified)];
    store.record(vec![sample(Tier::Schema, 1_000, SampleBody::SchemaChanges(first.clone()))]).await.unwrap();
    store.record(vec![sample(Tier::Schema, 2_000, SampleBody::SchemaChanges(second.clone()))]).await.unwrap();
    let all = store.schema_changes(&t(), Timestamp(0), Timestamp(5_000), 10).await.unwrap();
    assert_eq!(all, vec![second[0].clone(), first[1].clone(), first[0].clone()]);
    let window = store.schema_changes(&t(), Timestamp(0), Timestamp(1_500), 1).await.unwrap();
    assert_eq!(window, vec![first[1].clone()]);
    let other = TargetId("other".into());
    assert!(store.schema_changes(&other, Timestamp(0), Timestamp(5_000), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn latest_schema_is_the_newest_snapshot() {
    let store = Store::open_in_memory(DAY).unwrap();
    assert_eq!(store.latest_schema(&t()).await.unwrap(), None);
    store.record(vec![sample(Tier::Schema, 1_000, snapshot("one"))]).await.unwrap();
    store.record(vec![sample(Tier::Schema, 2_000, snapshot("two"))]).await.unwrap();
    let latest = store.latest_schema(&t()).await.unwrap().unwrap();
    assert_eq!(latest.databases[0].name, "two");
}

#[tokio::test]
async fn retention_keeps_the_newest_schema_snapshot_per_target() {
    let retention = Duration::from_secs(3_600);
    let store = Store::open_in_memory(retention).unwrap();
    let now: i64 = 100_000_000;
    let old = now - 3_600_000 - 10;
    let mut other = sample(Tier::Schema, old - 5, snapshot("other"));
    other.target = TargetId("other".into());
    store
        .record(vec![
            sample(Tier::Schema, old - 1, snapshot("older")),
            sample(Tier::Schema, old, snapshot("newest")),
            sample(Tier::Low, old, status(old)),
            other,
        ])
        .await
        .unwrap();
    store
        .record(vec![sample(
            Tier::Schema,
            old,
            SampleBody::SchemaChanges(vec![change(old, "t.x", ChangeKind::Added)]),
        )])
        .await
        .unwrap();
    let stats = store.prune(Timestamp(now)).await.unwrap();
    assert_eq!((stats.snapshots, stats.schema_changes), (2, 1));
    assert_eq!(store.latest_schema(&t()).await.unwrap().unwrap().databases[0].name, "newest");
    let kept = store.latest_schema(&TargetId("other".into())).await.unwrap().unwrap();
    assert_eq!(kept.databases[0].name, "other");
    assert!(store.schema_changes(&t(), Timestamp(0), Timestamp(now), 10).await.unwrap().is_empty());
    // A newer snapshot makes the old one prunable.
    store.record(vec![sample(Tier::Schema, now, snapshot("fresh"))]).await.unwrap();
    assert_eq!(store.prune(Timestamp(now)).await.unwrap().snapshots, 1);
    assert_eq!(store.latest_schema(&t()).await.unwrap().unwrap().databases[0].name, "fresh");
}
