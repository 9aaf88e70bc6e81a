use super::*;
use crate::model::{
    ActivitySnapshot, LockCount, Metric, QueryStatsSnapshot, SampleBody, Session, SessionState,
    StatsAvailability, TargetHealth, TargetStatus, Tier, Wait, WaitCategory,
};
use rusqlite::Connection;
use tempfile::TempDir;

pub const DAY: Duration = Duration::from_secs(86_400);

pub fn t() -> TargetId {
    TargetId("prod".into())
}

pub fn session(i: i64) -> Session {
    Session {
        id: 1000 + i,
        user: format!("app_user_{}", i % 7),
        database: "app".into(),
        application: "web-backend".into(),
        client: format!("10.0.{}.{}", i / 250, i % 250),
        state: if i % 3 == 0 { SessionState::Active } else { SessionState::Idle },
        native_state: if i % 3 == 0 { "active".into() } else { "idle".into() },
        wait: (i % 5 == 0).then(|| Wait { category: WaitCategory::Io, event: "IO:DataFileRead".into() }),
        query: format!(
            "SELECT o.id, o.total FROM orders o WHERE o.customer_id = {} AND o.status = 'open'",
            i
        ),
        query_ms: Some(10 * i as u64),
        xact_ms: Some(12 * i as u64),
        backend_ms: Some(3_600_000 + i as u64),
        state_ms: Some(5 * i as u64),
        blocked_by: if i == 7 { vec![1003] } else { Vec::new() },
        extra: vec![("backend_xmin".into(), format!("{}", 700 + i))],
    }
}

pub fn activity(n: i64) -> SampleBody {
    SampleBody::Activity(ActivitySnapshot {
        sessions: (0..n).map(session).collect(),
        locks: vec![LockCount {
            lock_type: "relation".into(),
            mode: "AccessShareLock".into(),
            granted: true,
            count: 4,
        }],
    })
}

pub fn stat(id: &str, calls: u64) -> QueryStat {
    QueryStat {
        id: id.into(),
        database: "app".into(),
        user: "app_user".into(),
        text: format!("SELECT * FROM t_{id} WHERE id = $1"),
        calls,
        total_time_ms: calls as f64 * 1.5,
        mean_time_ms: 1.5,
        min_time_ms: Some(0.25),
        max_time_ms: None,
        rows: calls * 2,
        shared_blks_hit: 100,
        shared_blks_read: 3,
        shared_blks_dirtied: 1,
        shared_blks_written: 2,
        local_blks_hit: 4,
        local_blks_read: 5,
        temp_blks_read: 6,
        temp_blks_written: 7,
        blk_read_time_ms: 0.125,
        blk_write_time_ms: 0.0,
    }
}

pub fn queries(stats: Vec<QueryStat>) -> SampleBody {
    SampleBody::Queries(QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: Some(Timestamp(1)),
        stats,
        tracked: 42,
        reset_detected: true,
        evicted: Some(3),
    })
}

pub fn sample(tier: Tier, at: i64, body: SampleBody) -> Sample {
    Sample { target: t(), tier, taken_at: Timestamp(at), body }
}

pub fn status(at: i64) -> SampleBody {
    SampleBody::Status(TargetHealth {
        status: TargetStatus::Up { version: "16.4".into() },
        at: Timestamp(at),
        last_latency_ms: Some(12),
    })
}

pub fn metrics(v: f64) -> SampleBody {
    SampleBody::Metrics(vec![
        Metric::new("tps", v),
        Metric::keyed("sessions_by_state", "Active", v + 1.0),
        Metric::keyed("sessions_by_state", "Idle", v + 2.0),
    ])
}

fn round(at: i64) -> Vec<Sample> {
    vec![
        sample(Tier::High, at, metrics(at as f64)),
        sample(Tier::High, at, activity(3)),
        sample(Tier::Medium, at, queries(vec![stat("q2", 5), stat("q1", at as u64)])),
        sample(Tier::High, at, status(at)),
    ]
}

fn count(path: &Path, table: &str) -> i64 {
    let c = Connection::open(path).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn round_trips_every_kind_exactly() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("h.db"), DAY).unwrap();
    store.record(round(1_000)).await.unwrap();
    store.record(round(2_000)).await.unwrap();

    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(1_000), 1_000.0), (Timestamp(2_000), 2_000.0)]);
    let tps = store.series(&t(), "tps", None, Timestamp(1_500), Timestamp(2_000)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(2_000), 2_000.0)]);
    assert!(store.series(&t(), "tps", Some("x"), Timestamp(0), Timestamp(5_000)).await.unwrap().is_empty());
    let other = TargetId("other".into());
    assert!(store.series(&other, "tps", None, Timestamp(0), Timestamp(5_000)).await.unwrap().is_empty());

    let by_key =
        store.series_by_key(&t(), "sessions_by_state", Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(
        by_key,
        vec![
            ("Active".to_string(), vec![(Timestamp(1_000), 1_001.0), (Timestamp(2_000), 2_001.0)]),
            ("Idle".to_string(), vec![(Timestamp(1_000), 1_002.0), (Timestamp(2_000), 2_002.0)]),
        ]
    );

    let expected = round(1_000);
    for (kind, at, want) in
        [("activity", 1_999, &expected[1]), ("queries", 1_500, &expected[2]), ("status", 1_000, &expected[3])]
    {
        let got = store.snapshot_at(&t(), kind, Timestamp(at)).await.unwrap();
        assert_eq!(got.as_ref(), Some(want), "{kind}");
    }
    assert_eq!(store.snapshot_at(&t(), "activity", Timestamp(999)).await.unwrap(), None);
    let newest = store.snapshot_at(&t(), "queries", Timestamp(9_999)).await.unwrap().unwrap();
    assert_eq!(newest, round(2_000).swap_remove(2));

    let hist = store.query_history(&t(), "q1", Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(hist, vec![(Timestamp(1_000), stat("q1", 1_000)), (Timestamp(2_000), stat("q1", 2_000))]);
}

#[tokio::test]
async fn texts_are_stored_once_and_follow_changes() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    for at in 1..=5 {
        store
            .record(vec![sample(Tier::Medium, at, queries(vec![stat("q1", 1), stat("q2", 1)]))])
            .await
            .unwrap();
    }
    let mut changed = stat("q1", 1);
    changed.text = "SELECT 2".into();
    store.record(vec![sample(Tier::Medium, 6, queries(vec![changed.clone()]))]).await.unwrap();
    assert_eq!(count(&path, "query_texts"), 2);
    assert_eq!(count(&path, "query_stats"), 11);
    let hist = store.query_history(&t(), "q1", Timestamp(6), Timestamp(6)).await.unwrap();
    assert_eq!(hist, vec![(Timestamp(6), changed)]);
}

#[tokio::test]
async fn a_failing_sample_rolls_back_the_whole_round_and_the_writer_recovers() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let side = Connection::open(&path).unwrap();
    side.execute_batch(
        "CREATE TRIGGER fail BEFORE INSERT ON snapshots WHEN NEW.kind = 'status'
         BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
    )
    .unwrap();
    let err = store.record(round(1_000)).await.unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    for table in ["points", "series", "snapshots", "query_stats", "query_texts"] {
        assert_eq!(count(&path, table), 0, "{table} kept part of a failed round");
    }
    side.execute_batch("DROP TRIGGER fail").unwrap();
    // Ids cached during the failed round point at rolled-back rows. A new series recorded
    // first takes the first of those ids again, so a stale cache would mix the two up.
    let mut next = vec![sample(Tier::High, 2_000, SampleBody::Metrics(vec![Metric::new("first", 9.0)]))];
    next.extend(round(2_000));
    store.record(next).await.unwrap();
    assert_eq!(count(&path, "points"), 4);
    assert_eq!(count(&path, "snapshots"), 3);
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(2_000), 2_000.0)]);
    let first = store.series(&t(), "first", None, Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(first, vec![(Timestamp(2_000), 9.0)]);
}

#[tokio::test]
async fn prune_keeps_the_window_and_drops_orphans() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let retention = Duration::from_secs(3_600);
    let store = Store::open(&path, retention).unwrap();
    let now: i64 = 10_000_000;
    let old = now - 3_600_000 - 1;
    let keep = now - 3_600_000;
    store.record(round(old)).await.unwrap();
    // A series and a statement that only exist in old rounds must go with them.
    store
        .record(vec![
            sample(Tier::High, old - 5, SampleBody::Metrics(vec![Metric::new("gone", 1.0)])),
            sample(Tier::Medium, old - 5, queries(vec![stat("gone", 1)])),
        ])
        .await
        .unwrap();
    store.record(round(keep)).await.unwrap();
    store.record(round(now)).await.unwrap();

    let stats = store.prune(Timestamp(now)).await.unwrap();
    assert_eq!(stats, PruneStats { points: 4, snapshots: 4, query_stats: 3, series: 1, query_texts: 1 });
    assert_eq!(count(&path, "points"), 6);
    assert_eq!(count(&path, "snapshots"), 6);
    assert_eq!(count(&path, "query_stats"), 4);
    assert_eq!(count(&path, "series"), 3);
    assert_eq!(count(&path, "query_texts"), 2);
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(now)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(keep), keep as f64), (Timestamp(now), now as f64)]);
    assert_eq!(store.prune(Timestamp(now)).await.unwrap(), PruneStats::default());
    // Caches were cleared with the orphans: recording the dropped series again works.
    store
        .record(vec![sample(Tier::High, now + 1, SampleBody::Metrics(vec![Metric::new("gone", 2.0)]))])
        .await
        .unwrap();
    store.record(vec![sample(Tier::Medium, now + 1, queries(vec![stat("gone", 1)]))]).await.unwrap();
}

#[tokio::test]
async fn prune_batches_past_the_batch_size_and_returns_space() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, Duration::from_secs(1)).unwrap();
    let many: Vec<Sample> = (0..12_000)
        .map(|i| sample(Tier::High, i, SampleBody::Metrics(vec![Metric::new("tps", i as f64)])))
        .collect();
    store.record(many).await.unwrap();
    let snaps: Vec<Sample> = (0..300).map(|i| sample(Tier::High, i, activity(20))).collect();
    store.record(snaps).await.unwrap();
    store.flush().await.unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    let stats = store.prune(Timestamp(11_000)).await.unwrap();
    assert_eq!(stats.points, 10_000);
    assert_eq!(stats.snapshots, 300);
    assert_eq!(count(&path, "points"), 2_000);
    store.flush().await.unwrap();
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(after < before, "file did not shrink: {before} -> {after}");
}

#[tokio::test]
async fn reopen_keeps_data_and_version() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("nested/dirs/h.db");
    {
        let store = Store::open(&path, DAY).unwrap();
        store.record(round(1_000)).await.unwrap();
    }
    let store = Store::open(&path, DAY).unwrap();
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(5_000)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(1_000), 1_000.0)]);
    // Caches start empty after a reopen: the existing series and text are found, not duplicated.
    store.record(round(2_000)).await.unwrap();
    assert_eq!(count(&path, "series"), 3);
    assert_eq!(count(&path, "query_texts"), 2);
    let c = Connection::open(&path).unwrap();
    assert_eq!(migrate::user_version(&c).unwrap(), SCHEMA_VERSION);
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_garbage_and_unwritable_files_are_refused() {
    let dir = TempDir::new().unwrap();
    let newer = dir.path().join("newer.db");
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    match Store::open(&newer, DAY) {
        Err(StoreError::Open { path, message }) => {
            assert!(path.ends_with("newer.db"));
            assert!(message.contains("newer Logstag"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    match Store::open(&garbage, DAY) {
        Err(StoreError::Open { path, message }) => {
            assert!(path.ends_with("garbage.db"));
            assert!(message.contains("not a database"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x5a; 8192]);

    // Tests run as root here, so permissions cannot make a directory unwritable: a
    // regular file in the way of the parent directory does.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, b"x").unwrap();
    match Store::open(&blocked.join("sub/h.db"), DAY) {
        Err(StoreError::Open { path, message }) => {
            assert!(path.ends_with("sub/h.db"));
            assert!(message.contains("cannot create directory"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn in_memory_store_works() {
    let store = Store::open_in_memory(DAY).unwrap();
    store.record(round(1_000)).await.unwrap();
    let got = store.snapshot_at(&t(), "status", Timestamp(1_000)).await.unwrap();
    assert_eq!(got, Some(round(1_000).swap_remove(3)));
    store.flush().await.unwrap();
}

#[tokio::test]
async fn dropping_every_handle_stops_the_writer() {
    let dir = TempDir::new().unwrap();
    let (store, thread) = Store::open_joinable(&dir.path().join("h.db"), DAY).unwrap();
    let clone = store.clone();
    clone.record(round(1)).await.unwrap();
    drop(store);
    assert!(!thread.is_finished());
    clone.flush().await.unwrap();
    drop(clone);
    tokio::task::spawn_blocking(move || thread.join()).await.unwrap().unwrap();
}
