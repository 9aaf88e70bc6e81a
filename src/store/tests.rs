use super::fixtures::*;
use super::*;
use crate::model::{Metric, QueryStatsSnapshot, SampleBody, StatsAvailability, Tier};
use rusqlite::Connection;
use tempfile::TempDir;

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

/// Points kept, over every block.
fn points(path: &Path) -> i64 {
    let c = Connection::open(path).unwrap();
    c.query_row("SELECT coalesce(sum(points), 0) FROM point_blocks", [], |r| r.get(0)).unwrap()
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
async fn a_failing_sample_rolls_back_the_whole_round_and_the_writer_recovers() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let side = Connection::open(&path).unwrap();
    side.execute_batch(
        "CREATE TRIGGER fail BEFORE INSERT ON snapshots
         WHEN NEW.source IN (SELECT id FROM snapshot_sources WHERE kind = 'status')
         BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
    )
    .unwrap();
    let err = store.record(round(1_000)).await.unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    for table in ["point_blocks", "series", "snapshots", "snapshot_sources", "query_texts"] {
        assert_eq!(count(&path, table), 0, "{table} kept part of a failed round");
    }
    side.execute_batch("DROP TRIGGER fail").unwrap();
    // Ids cached during the failed round point at rolled-back rows. A new series recorded
    // first takes the first of those ids again, so a stale cache would mix the two up.
    let mut next = vec![sample(Tier::High, 2_000, SampleBody::Metrics(vec![Metric::new("first", 9.0)]))];
    next.extend(round(2_000));
    store.record(next).await.unwrap();
    assert_eq!(points(&path), 4);
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
    assert_eq!(
        stats,
        PruneStats {
            // Only the point of `gone`: the others at `old` share a block with the
            // window's first round, and a block that straddles the cutoff stays whole.
            points: 1,
            // Only the statement snapshot at `old - 5`: the bodies at `old` are the
            // keyframes of the chains that the window's first round continues (chain.rs).
            snapshots: 1,
            series: 1,
            // Texts are kept by when they were last seen, with a margin (record.rs).
            query_texts: 0,
            alert_events: 0,
            schema_changes: 0
        }
    );
    assert_eq!(points(&path), 9);
    assert_eq!(count(&path, "snapshots"), 9);
    let first = store.snapshot_at(&t(), "activity", Timestamp(keep)).await.unwrap().unwrap();
    assert_eq!(first.body, activity(3));
    assert_eq!(count(&path, "series"), 3);
    assert_eq!(count(&path, "query_texts"), 3);
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(now)).await.unwrap();
    assert_eq!(tps, [old, keep, now].map(|at| (Timestamp(at), at as f64)));
    assert_eq!(store.prune(Timestamp(now)).await.unwrap(), PruneStats::default());
    let margin = super::chain::KEYFRAME_SPAN_MS + 2 * super::record::TEXT_SEEN_REFRESH_MS;
    assert_eq!(store.prune(Timestamp(now + margin)).await.unwrap().query_texts, 1, "the text of `gone`");
    assert_eq!(count(&path, "query_texts"), 2);
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
    let snaps: Vec<Sample> = (0..300).map(|i| sample(Tier::High, i, busy_activity(i))).collect();
    store.record(snaps).await.unwrap();
    store.flush().await.unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    assert_eq!(store.stats().await.unwrap().bytes, before);
    let stats = store.prune(Timestamp(11_000)).await.unwrap();
    // Whole blocks of 120 points: the one holding 9,960..10,079 straddles the cutoff.
    assert_eq!(stats.points, 9_960);
    assert_eq!(stats.snapshots, 300);
    assert_eq!(points(&path), 2_040);
    store.flush().await.unwrap();
    let after = std::fs::metadata(&path).unwrap().len();
    // What remains is about one page per table and index: the freed pages went back.
    assert!(after <= before / 2, "file did not shrink: {before} -> {after}");
    let free: i64 =
        Connection::open(&path).unwrap().query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert_eq!(free, 0);
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.bytes, stats.free_bytes, stats.schema_version), (after, 0, SCHEMA_VERSION));
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
    let auto_vacuum: i64 = c.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(auto_vacuum, 2);
    let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page_size, 16_384);
}

#[test]
fn newer_and_unwritable_files_are_refused_garbage_is_moved_aside() {
    let dir = TempDir::new().unwrap();
    let newer = dir.path().join("newer.db");
    {
        let c = Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        c.execute_batch("CREATE TABLE future (x)").unwrap();
    }
    let newer_bytes = std::fs::read(&newer).unwrap();
    match Store::open(&newer, DAY) {
        Err(StoreError::Open { path, message }) => {
            assert!(path.ends_with("newer.db"));
            assert!(message.contains("newer Logstag"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&newer).unwrap(), newer_bytes);
    assert!(!dir.path().join("newer.db-wal").exists());

    // Not a database: kept byte for byte under another name, and a fresh history starts.
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let store = Store::open(&garbage, DAY).unwrap();
    drop(store);
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("garbage.db.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), vec![0x5a; 8192]);
    let c = Connection::open(&garbage).unwrap();
    assert_eq!(migrate::user_version(&c).unwrap(), SCHEMA_VERSION);

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

#[tokio::test]
async fn every_snapshot_kind_round_trips() {
    use crate::model::{
        DatabaseStat, InstanceInfo, Replica, Replication, ReplicationSlot, ServerRole, Setting, WalReceiver,
    };
    let bodies = vec![
        SampleBody::Instance(InstanceInfo {
            version: "16.4".into(),
            version_full: "PostgreSQL 16.4 on x86_64".into(),
            started_at_ms: Some(1_700_000_000_000),
            max_connections: Some(100),
            role: ServerRole::Standby,
            database: "app".into(),
            connections: 12,
            product: String::new(),
        }),
        SampleBody::Databases(vec![DatabaseStat {
            name: "app".into(),
            size_bytes: Some(1 << 40),
            xact_commit: u64::MAX / 4,
            tps: Some(12.5),
            cache_hit_pct: None,
            ..DatabaseStat::default()
        }]),
        SampleBody::Replication(Replication {
            role: ServerRole::Primary,
            replicas: vec![Replica { name: "r1".into(), replay_lag_ms: Some(1.25), ..Replica::default() }],
            slots: vec![ReplicationSlot { name: "s".into(), active: true, ..ReplicationSlot::default() }],
            receiver: Some(WalReceiver { status: "streaming".into(), ..WalReceiver::default() }),
        }),
        SampleBody::Settings(vec![Setting {
            name: "work_mem".into(),
            value: "4096".into(),
            unit: "kB".into(),
            source: "default".into(),
        }]),
        SampleBody::Queries(QueryStatsSnapshot {
            availability: StatsAvailability::Unavailable("pg_stat_statements is not installed".into()),
            since: None,
            stats: Vec::new(),
            tracked: 0,
            reset_detected: false,
            evicted: None,
        }),
    ];
    let store = Store::open_in_memory(DAY).unwrap();
    let round: Vec<Sample> = bodies.into_iter().map(|b| sample(Tier::Low, 5_000, b)).collect();
    store.record(round.clone()).await.unwrap();
    for want in &round {
        let got = store.snapshot_at(&t(), want.body.kind(), Timestamp(6_000)).await.unwrap();
        assert_eq!(got.as_ref(), Some(want));
    }
    // Metrics are points, not snapshots.
    assert_eq!(store.snapshot_at(&t(), "metrics", Timestamp(6_000)).await.unwrap(), None);
}

#[tokio::test]
async fn nan_values_do_not_fail_a_round() {
    let store = Store::open_in_memory(DAY).unwrap();
    let mut odd = stat("q", 1);
    odd.mean_time_ms = f64::NAN;
    let round = vec![
        sample(
            Tier::High,
            1,
            SampleBody::Metrics(vec![Metric::new("cache_hit_pct", f64::NAN), Metric::new("tps", 3.0)]),
        ),
        sample(Tier::Medium, 1, queries(vec![odd])),
    ];
    store.record(round).await.unwrap();
    let hit = store.series(&t(), "cache_hit_pct", None, Timestamp(0), Timestamp(9)).await.unwrap();
    assert!(hit.is_empty());
    let tps = store.series(&t(), "tps", None, Timestamp(0), Timestamp(9)).await.unwrap();
    assert_eq!(tps, vec![(Timestamp(1), 3.0)]);
    let hist = store.query_history(&t(), "q", Timestamp(0), Timestamp(9)).await.unwrap();
    assert!(hist[0].1.mean_time_ms.is_nan());
    assert_eq!(hist[0].1.total_time_ms, 1.5);
}
