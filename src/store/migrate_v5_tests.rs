//! A history file written by the build before named counters (schema version 4) opens
//! with this build and reads back its statement statistics, counters included.

use super::codec::{DEFLATE_JSON, Encoder};
use super::fixtures::{DAY, queries, t};
use super::*;
use crate::model::{SampleBody, Tier};
use rusqlite::params;
use tempfile::TempDir;

/// The version-4 writer's statement insert (src/store/record.rs before schema 5).
const OLD_INSERT: &str = "INSERT OR REPLACE INTO query_stats (text_id, at, pos, calls, total_time_ms,
     mean_time_ms, min_time_ms, max_time_ms, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied,
     shared_blks_written, local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
     blk_read_time_ms, blk_write_time_ms)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

/// A version-4 file: the DDL of versions 1–4 (append-only files, unchanged since that
/// build), one statement recorded at two times the way that build recorded it.
fn write_version_4_file(path: &std::path::Path) {
    let c = Connection::open(path).unwrap();
    for ddl in [
        include_str!("schema.sql"),
        include_str!("schema_v2.sql"),
        include_str!("schema_v3.sql"),
        include_str!("schema_v4.sql"),
    ] {
        c.execute_batch(ddl).unwrap();
    }
    c.pragma_update(None, "user_version", 4).unwrap();
    c.execute(
        "INSERT INTO query_texts (id, target, query_id, db_name, user_name, text)
         VALUES (1, 'prod', '42/10/5', 'app', 'app_user', 'SELECT $1')",
        [],
    )
    .unwrap();
    let insert = |at: i64, hit: i64, read: i64, read_ms: Option<f64>| {
        c.execute(
            OLD_INSERT,
            params![1, at, 0, 7, 10.5, 1.5, 0.25, None::<f64>, 14, hit, read, 0, 2, 0, 0, 6, 7, read_ms, 0.0],
        )
        .unwrap();
    };
    insert(60_000, 100, 3, Some(0.125));
    insert(120_000, 50, 0, None);
    // The queries snapshot of the first time (stats were never part of its body).
    let mut encoder = Encoder::new();
    let SampleBody::Queries(mut snap) = queries(Vec::new()) else { unreachable!() };
    snap.stats.clear();
    encoder
        .encode(&SampleBody::Queries(snap), |bytes| {
            c.execute(
                "INSERT INTO snapshots (target, kind, at, tier, encoding, body)
                 VALUES ('prod', 'queries', 60000, 'medium', ?1, ?2)",
                params![DEFLATE_JSON, bytes],
            )?;
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn version_4_history_file_reads_back_with_its_counters() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v4.db");
    write_version_4_file(&path);
    let store = Store::open(&path, DAY * 365 * 100).unwrap();
    assert_eq!(store.stats().await.unwrap().schema_version, SCHEMA_VERSION);

    let history = store.query_history(&t(), "42/10/5", Timestamp(0), Timestamp(200_000)).await.unwrap();
    assert_eq!(history.len(), 2);
    let (at, first) = &history[0];
    assert_eq!((*at, first.calls, first.rows, first.text.as_str()), (Timestamp(60_000), 7, 14, "SELECT $1"));
    assert_eq!((first.total_time_ms, first.min_time_ms, first.max_time_ms), (10.5, Some(0.25), None));
    let counters: Vec<(&str, f64)> = first.counters.iter().collect();
    assert_eq!(
        counters,
        [
            ("shared_blks_hit", 100.0),
            ("shared_blks_read", 3.0),
            ("shared_blks_written", 2.0),
            ("temp_blks_read", 6.0),
            ("temp_blks_written", 7.0),
            ("blk_read_time_ms", 0.125),
        ],
        "zero counters are left out"
    );
    // A NULL (a NaN stored by SQLite) stays NaN, as the old reader returned it.
    assert!(history[1].1.counter("blk_read_time_ms").is_some_and(f64::is_nan));
    assert_eq!(history[1].1.counter("shared_blks_read"), None);

    let sample = store.snapshot_at(&t(), "queries", Timestamp(90_000)).await.unwrap().unwrap();
    let SampleBody::Queries(snap) = sample.body else { panic!("not a queries body") };
    assert_eq!(snap.stats, vec![first.clone()]);

    // New rows land next to the folded ones and use the same names.
    let mut next = first.clone();
    next.counters.set("shared_blks_read", 9.0);
    let round = vec![Sample {
        target: t(),
        tier: Tier::Medium,
        taken_at: Timestamp(180_000),
        body: queries(vec![next.clone()]),
    }];
    store.record(round).await.unwrap();
    let history = store.query_history(&t(), "42/10/5", Timestamp(0), Timestamp(200_000)).await.unwrap();
    assert_eq!(history.last().map(|(_, s)| s), Some(&next));
    drop(store);
    let c = Connection::open(&path).unwrap();
    let names: i64 = c.query_row("SELECT count(*) FROM counter_names", [], |r| r.get(0)).unwrap();
    assert_eq!(names, 6, "one row per name, shared by old and new rows");
}
