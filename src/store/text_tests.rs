//! Statement texts in the history: once per statement, following changes, long ones deflated.

use super::fixtures::*;
use super::*;
use crate::model::Tier;
use rusqlite::Connection;
use tempfile::TempDir;

fn count(path: &Path, table: &str) -> i64 {
    let c = Connection::open(path).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
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
    let hist = store.query_history(&t(), "q1", Timestamp(6), Timestamp(6)).await.unwrap();
    assert_eq!(hist, vec![(Timestamp(6), changed)]);
}

/// A long ORM text is kept deflated and a short one as it is; both read back exactly.
#[tokio::test]
async fn long_texts_are_kept_deflated() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    let mut long = stat("orm", 1);
    long.text = format!(
        "SELECT {} FROM \"orders\" WHERE \"orders\".\"id\" = $1 -- ünïcode",
        (0..30)
            .map(|i| format!("\"orders\".\"column_{i}\" AS \"orders_column_{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let short = stat("q1", 1);
    store.record(vec![sample(Tier::Medium, 1, queries(vec![long.clone(), short.clone()]))]).await.unwrap();
    store.flush().await.unwrap();
    let kinds: Vec<(String, String, i64)> = Connection::open(&path)
        .unwrap()
        .prepare(
            "SELECT query_id, typeof(text), length(CAST(text AS BLOB)) FROM query_texts ORDER BY query_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds[0].0, "orm");
    assert_eq!(kinds[0].1, "blob");
    assert!(kinds[0].2 * 3 < long.text.len() as i64, "{} of {} bytes", kinds[0].2, long.text.len());
    assert_eq!((kinds[1].0.as_str(), kinds[1].1.as_str()), ("q1", "text"));
    for expected in [long, short] {
        let read = store.query_history(&t(), &expected.id, Timestamp(1), Timestamp(1)).await.unwrap();
        assert_eq!(read, vec![(Timestamp(1), expected)]);
    }
}
