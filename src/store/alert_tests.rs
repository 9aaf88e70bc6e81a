//! Alert events in the store: round trip, upgrade of v1 files, retention.

use super::fixtures::*;
use super::*;
use crate::model::{AlertCategory, AlertEventKind, Severity, Tier};
use rusqlite::Connection;
use tempfile::TempDir;

pub fn event(target: &str, rule: &str, kind: AlertEventKind, at: i64) -> AlertEvent {
    AlertEvent {
        rule: rule.into(),
        name: format!("Rule {rule}"),
        target: TargetId(target.into()),
        key: "1234".into(),
        kind,
        severity: Severity::High,
        category: AlertCategory::Performance,
        value: 42.5,
        threshold: 30.0,
        message: format!("{rule} at {at}"),
        first_seen: Timestamp(at - 10),
        last_seen: Timestamp(at),
        count: 3,
        at: Timestamp(at),
    }
}

#[tokio::test]
async fn alert_events_round_trip_newest_first_per_target() {
    let store = Store::open_in_memory(DAY).unwrap();
    let mut changed = event("prod", "pg.b", AlertEventKind::SeverityChanged, 2_000);
    changed.severity = Severity::BestPractice;
    changed.category = AlertCategory::Availability;
    changed.value = f64::NAN;
    let events = vec![
        event("prod", "pg.a", AlertEventKind::Fired, 1_000),
        changed.clone(),
        event("other", "pg.a", AlertEventKind::Resolved, 3_000),
    ];
    store.record_alerts(events.clone()).await.unwrap();
    store.record_alerts(Vec::new()).await.unwrap();

    let all = store.alert_history(None, Timestamp(0), Timestamp(10_000), 10).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], events[2]);
    assert_eq!(all[2], events[0]);
    // NaN cannot compare equal; everything else must survive exactly.
    assert!(all[1].value.is_nan());
    assert_eq!(all[1].severity, Severity::BestPractice);
    assert_eq!(
        (all[1].kind, all[1].category),
        (AlertEventKind::SeverityChanged, AlertCategory::Availability)
    );

    let prod = store.alert_history(Some(&t()), Timestamp(0), Timestamp(10_000), 10).await.unwrap();
    assert_eq!(prod.iter().map(|e| e.rule.as_str()).collect::<Vec<_>>(), ["pg.b", "pg.a"]);
    let limited = store.alert_history(None, Timestamp(0), Timestamp(10_000), 1).await.unwrap();
    assert_eq!(limited, vec![events[2].clone()]);
    let window = store.alert_history(None, Timestamp(1_500), Timestamp(2_500), 10).await.unwrap();
    assert_eq!(window.len(), 1);
    assert_eq!(window[0].rule, "pg.b");
}

#[tokio::test]
async fn the_causing_sample_is_found_from_the_event() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.record(vec![sample(Tier::High, 5_000, activity(2))]).await.unwrap();
    store.record_alerts(vec![event("prod", "pg.a", AlertEventKind::Fired, 5_000)]).await.unwrap();
    let fired = store.alert_history(None, Timestamp(0), Timestamp(9_000), 1).await.unwrap();
    let snap = store.snapshot_at(&fired[0].target, "activity", fired[0].at).await.unwrap();
    assert_eq!(snap.map(|s| s.taken_at), Some(Timestamp(5_000)));
}

#[tokio::test]
async fn a_v1_file_is_upgraded_and_keeps_its_samples() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v1.db");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "auto_vacuum", "INCREMENTAL").unwrap();
        c.execute_batch(include_str!("schema.sql")).unwrap();
        c.execute_batch(
            "INSERT INTO series (id, target, metric, key) VALUES (1, 'prod', 'tps', '');
             INSERT INTO points VALUES (1, 1000, 7.0);",
        )
        .unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
    }
    let store = Store::open(&path, DAY).unwrap();
    assert_eq!(store.stats().await.unwrap().schema_version, migrate::LATEST);
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(1_000), 7.0)]);
    store.record_alerts(vec![event("prod", "pg.a", AlertEventKind::Fired, 1_000)]).await.unwrap();
    assert_eq!(store.alert_history(None, Timestamp(0), Timestamp(5_000), 5).await.unwrap().len(), 1);
}

#[tokio::test]
async fn prune_drops_alert_events_past_retention() {
    let retention = Duration::from_secs(3_600);
    let store = Store::open_in_memory(retention).unwrap();
    let now: i64 = 10_000_000;
    let old = now - 3_600_000 - 1;
    let keep = now - 3_600_000;
    store
        .record_alerts(vec![
            event("prod", "pg.a", AlertEventKind::Fired, old),
            event("prod", "pg.a", AlertEventKind::Resolved, keep),
            event("prod", "pg.b", AlertEventKind::Fired, now),
        ])
        .await
        .unwrap();
    let stats = store.prune(Timestamp(now)).await.unwrap();
    assert_eq!(stats.alert_events, 1);
    let left = store.alert_history(None, Timestamp(0), Timestamp(now), 10).await.unwrap();
    assert_eq!(left.iter().map(|e| e.at.0).collect::<Vec<_>>(), [now, keep]);
}
