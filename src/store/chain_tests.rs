//! Snapshot chains: every instant reads back exactly what was recorded, deltas are small,
//! and a chain that lost a link is an error, never a wrong picture.

use super::super::fixtures::*;
use super::super::*;
use super::{Frame, KEYFRAME_EVERY, ZSTD_DELTA, decode};
use crate::model::{ActivitySnapshot, SampleBody, SessionState, Tier};
use rusqlite::Connection;
use tempfile::TempDir;

/// Round `r` of a pool: ages grow with the round and a server clock `jitter` ms off ours;
/// every seventh round one session runs something new, every 25th one reconnects.
fn pool(r: i64, jitter: u64) -> SampleBody {
    let SampleBody::Activity(mut snapshot) = activity(100) else { unreachable!() };
    for (i, s) in snapshot.sessions.iter_mut().enumerate() {
        let i = i as i64;
        let grow = |age: Option<u64>| age.map(|a| a + (r as u64) * 10_000 + jitter);
        (s.query_ms, s.xact_ms, s.backend_ms, s.state_ms) =
            (grow(s.query_ms), grow(s.xact_ms), grow(s.backend_ms), grow(s.state_ms));
        if i == r % 100 && r % 7 == 0 {
            s.query = format!("UPDATE stock SET n = n - 1 WHERE sku = {r}");
            s.state = SessionState::Active;
            s.query_ms = Some(3);
        }
        if i == r % 100 && r % 25 == 0 {
            s.id += 100_000 + r;
            s.backend_ms = Some(1);
        }
    }
    SampleBody::Activity(ActivitySnapshot { sessions: snapshot.sessions, locks: snapshot.locks })
}

async fn record_pool(store: &Store, rounds: i64) -> Vec<SampleBody> {
    let mut bodies = Vec::new();
    for r in 0..rounds {
        let body = pool(r, (r as u64 * 37) % 41);
        store.record(vec![sample(Tier::High, r * 10_000, body.clone())]).await.unwrap();
        bodies.push(body);
    }
    bodies
}

fn frames(path: &std::path::Path) -> Vec<(i64, i64, usize)> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c
        .prepare("SELECT at, encoding, length(body) FROM snapshots_named WHERE kind = 'activity' ORDER BY at")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as usize)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test]
async fn every_instant_reads_back_exactly_what_was_recorded() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let bodies = record_pool(&store, 200).await;
    for (r, body) in bodies.iter().enumerate() {
        let at = Timestamp(r as i64 * 10_000);
        let read = store.snapshot_at(&t(), "activity", at).await.unwrap().unwrap();
        assert_eq!((read.taken_at, &read.body), (at, body), "round {r}");
    }
    // Between rounds: the round before.
    let read = store.snapshot_at(&t(), "activity", Timestamp(95_005)).await.unwrap().unwrap();
    assert_eq!(read.body, bodies[9]);
    store.flush().await.unwrap();
    let frames = frames(&path);
    let keyframes: Vec<i64> = frames.iter().filter(|f| f.1 != ZSTD_DELTA).map(|f| f.0).collect();
    assert_eq!(keyframes, [0, 900_000, 1_800_000], "a keyframe every {KEYFRAME_EVERY} rounds");
    // What the chain is for: a round where one session changed costs a small part of the whole.
    let (keyframe, delta) = (frames[0].2, frames[1..90].iter().map(|f| f.2).max().unwrap());
    assert!(delta * 8 < keyframe, "delta {delta} B against keyframe {keyframe} B");
}

#[tokio::test]
async fn a_new_writer_starts_with_a_keyframe_and_older_rows_still_read() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let first = record_pool(&Store::open(&path, DAY).unwrap(), 5).await;
    let store = Store::open(&path, DAY).unwrap();
    let body = pool(5, 0);
    store.record(vec![sample(Tier::High, 50_000, body.clone())]).await.unwrap();
    store.flush().await.unwrap();
    let encodings: Vec<i64> = frames(&path).iter().map(|f| f.1).collect();
    assert_eq!(encodings, [1, 2, 2, 2, 2, 1]);
    let old = store.snapshot_at(&t(), "activity", Timestamp(40_000)).await.unwrap().unwrap();
    assert_eq!(old.body, first[4]);
    let new = store.snapshot_at(&t(), "activity", Timestamp(50_000)).await.unwrap().unwrap();
    assert_eq!(new.body, body);
}

#[tokio::test]
async fn a_lost_link_is_an_error_and_retention_keeps_chains_whole() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    record_pool(&store, 20).await;
    store.flush().await.unwrap();
    Connection::open(&path).unwrap().execute("DELETE FROM snapshots WHERE at = 50000", []).unwrap();
    let err = store.snapshot_at(&t(), "activity", Timestamp(120_000)).await.unwrap_err();
    assert!(err.to_string().contains("corrupt snapshot chain"), "{err}");
    assert!(store.snapshot_at(&t(), "activity", Timestamp(40_000)).await.unwrap().is_some());

    // A cutoff inside the chain keeps it whole from its keyframe: the window stays readable.
    let stats = store.prune_within(Timestamp(DAY.as_millis() as i64 + 60_000), None).await.unwrap();
    assert_eq!(stats.snapshots, 0, "{stats:?}");
    assert!(store.snapshot_at(&t(), "activity", Timestamp(40_000)).await.unwrap().is_some());
    let stats = store.prune_within(Timestamp(DAY.as_millis() as i64 + 200_000), None).await.unwrap();
    assert_eq!(stats.snapshots, 19, "{stats:?}");
}

#[test]
fn hostile_frames_are_errors() {
    let keyframe = |body: &[u8]| {
        let mut out = Vec::new();
        crate::store::codec::deflate(body, &mut out).unwrap();
        Frame { at: 1, encoding: 1, bytes: out }
    };
    let json = br#"{"kind":"status","data":{"status":{"state":"connecting"},"at":1,"last_latency_ms":null}}"#;
    assert!(decode(&[keyframe(json)]).is_ok());
    let delta = |bytes: Vec<u8>| Frame { at: 2, encoding: ZSTD_DELTA, bytes };
    let based =
        |tail: &[u8]| [1_i64.to_le_bytes().as_slice(), &crc32fast::hash(json).to_le_bytes(), tail].concat();
    for frames in [
        vec![],
        vec![delta(based(b""))],
        vec![keyframe(json), delta(vec![1, 2])],
        vec![keyframe(json), delta(based(b"not zstd"))],
        // A frame claiming 2^40 bytes of content.
        vec![keyframe(json), delta(based(&[0x28, 0xB5, 0x2F, 0xFD, 0xC0, 0, 0, 0, 0, 0, 1, 0, 0]))],
        vec![keyframe(b"{\"kind\":")],
    ] {
        assert!(decode(&frames).is_err(), "{} frames", frames.len());
    }
}

/// A version-6 file as that build left it: the DDL of versions 1–6, activity bodies with
/// ages, statement readings as `query_stats` rows beside a `queries` body without them.
fn write_version_6_file(path: &std::path::Path, activity_body: &SampleBody) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    for ddl in [
        include_str!("schema.sql"),
        include_str!("schema_v2.sql"),
        include_str!("schema_v3.sql"),
        include_str!("schema_v4.sql"),
    ] {
        tx.execute_batch(ddl).unwrap();
    }
    crate::store::migrate_v5::fold_counters(&tx).unwrap();
    tx.execute_batch(include_str!("schema_v6.sql")).unwrap();
    tx.pragma_update(None, "user_version", 6).unwrap();
    let packed = |body: &SampleBody| {
        let mut bytes = Vec::new();
        crate::store::codec::deflate(&serde_json::to_vec(body).unwrap(), &mut bytes).unwrap();
        bytes
    };
    let SampleBody::Queries(mut bare) = queries(Vec::new()) else { unreachable!() };
    bare.stats.clear();
    for (kind, body) in [("activity", packed(activity_body)), ("queries", packed(&SampleBody::Queries(bare)))]
    {
        tx.execute(
            "INSERT INTO snapshots (target, kind, at, tier, encoding, body) VALUES ('prod', ?1, 30000, 'high', 1, ?2)",
            rusqlite::params![kind, body],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO query_texts (id, target, query_id, db_name, user_name, text) VALUES (7, 'prod', 'q1', 'app', 'web', 'SELECT 1')",
        [],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO query_stats (text_id, at, pos, calls, total_time_ms, mean_time_ms, min_time_ms, max_time_ms, rows, counters)
         VALUES (7, 30000, 0, 4, 10.0, 2.5, NULL, 9.0, 4, NULL)",
        [],
    )
    .unwrap();
    tx.commit().unwrap();
}

/// A file written before version 7 holds whole bodies with ages and statement readings
/// as rows; after the migration they read as they were, and the chains written next sit
/// beside them.
#[tokio::test]
async fn a_version_6_file_is_migrated_and_reads_as_it_was() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let old = pool(3, 0);
    write_version_6_file(&path, &old);
    let store = Store::open(&path, DAY).unwrap();
    let version: i64 =
        Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, crate::store::migrate::LATEST);
    assert_eq!(store.snapshot_at(&t(), "activity", Timestamp(35_000)).await.unwrap().unwrap().body, old);
    let Some(SampleBody::Queries(snap)) =
        store.snapshot_at(&t(), "queries", Timestamp(35_000)).await.unwrap().map(|s| s.body)
    else {
        panic!("no statements after the migration")
    };
    let q1 = &snap.stats[0];
    assert_eq!((q1.id.as_str(), q1.text.as_str(), q1.calls, q1.total_time_ms), ("q1", "SELECT 1", 4, 10.0));
    assert_eq!((q1.min_time_ms, q1.max_time_ms), (None, Some(9.0)));
    let new = pool(4, 9);
    store.record(vec![sample(Tier::High, 40_000, new.clone())]).await.unwrap();
    store.record(vec![sample(Tier::High, 50_000, pool(5, 3))]).await.unwrap();
    assert_eq!(store.snapshot_at(&t(), "activity", Timestamp(45_000)).await.unwrap().unwrap().body, new);
    assert_eq!(store.snapshot_at(&t(), "activity", Timestamp(35_000)).await.unwrap().unwrap().body, old);
    let history = store.query_history(&t(), "q1", Timestamp(0), Timestamp(60_000)).await.unwrap();
    assert_eq!(history.len(), 1);
}

/// A prune leaves the chains going (no keyframe after each), unless it took their last body.
#[tokio::test]
async fn a_prune_keeps_chains_going_unless_it_took_their_end() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    record_pool(&store, 3).await;
    store.prune(Timestamp(DAY.as_millis() as i64)).await.unwrap();
    store.record(vec![sample(Tier::High, 30_000, pool(3, 0))]).await.unwrap();
    // Everything older than a day past round 3 goes, the chain's end included.
    store.prune(Timestamp(DAY.as_millis() as i64 + 40_000)).await.unwrap();
    store.record(vec![sample(Tier::High, 50_000, pool(5, 0))]).await.unwrap();
    store.flush().await.unwrap();
    let encodings: Vec<(i64, i64)> = frames(&path).iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(encodings, [(50_000, 1)]);
    drop(store);
    let store = Store::open(&path, DAY).unwrap();
    record_pool(&store, 3).await;
    store.prune(Timestamp(DAY.as_millis() as i64)).await.unwrap();
    store.record(vec![sample(Tier::High, 30_000, pool(3, 0))]).await.unwrap();
    store.flush().await.unwrap();
    let encodings: Vec<i64> = frames(&path).iter().map(|f| f.1).collect();
    assert_eq!(encodings, [1, 2, 2, 2, 1], "round 3 continues the chain; 50 s began its own");
}

/// Rounds that arrive late, or twice, never leave a delta on the wrong base.
#[tokio::test]
async fn late_and_repeated_instants_keep_every_read_right() {
    let store = Store::open_in_memory(DAY).unwrap();
    for r in [0, 1, 2] {
        store.record(vec![sample(Tier::High, r * 10_000, pool(r, 0))]).await.unwrap();
    }
    // Late: between 1 and 2. Again: round 2 with other content. Then the chain goes on.
    store.record(vec![sample(Tier::High, 15_000, pool(7, 1))]).await.unwrap();
    store.record(vec![sample(Tier::High, 20_000, pool(8, 2))]).await.unwrap();
    store.record(vec![sample(Tier::High, 30_000, pool(3, 0))]).await.unwrap();
    for (at, want) in [(10_000, pool(1, 0)), (15_000, pool(7, 1)), (20_000, pool(8, 2)), (30_000, pool(3, 0))]
    {
        let read = store.snapshot_at(&t(), "activity", Timestamp(at)).await.unwrap().unwrap();
        assert_eq!(read.body, want, "at {at}");
    }
}
