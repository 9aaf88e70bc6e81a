//! The private copy `replay` opens.

use super::super::fixtures::*;
use super::super::*;
use crate::model::{Sample, Tier};
use tempfile::TempDir;

fn round(at: i64) -> Vec<Sample> {
    vec![sample(Tier::High, at, metrics(at as f64)), sample(Tier::High, at, activity(3))]
}

/// `replay` reads a consistent private copy: what a running writer has in its WAL is
/// there, and the source file is neither locked, changed nor migrated.
#[tokio::test]
async fn a_copy_taken_while_the_writer_runs_holds_every_round_and_leaves_the_source_alone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    store.record(round(1_000)).await.unwrap();
    store.record(round(2_000)).await.unwrap();
    let before = std::fs::read(&path).unwrap();
    let copy = Store::open_copy(&path, &dir.path().join("copy.db"), DAY).unwrap();
    let newest = copy.snapshot_at(&t(), "activity", Timestamp(9_999)).await.unwrap().unwrap();
    assert_eq!(newest.taken_at, Timestamp(2_000), "rounds still in the WAL are copied too");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // The source stays the writer's: it records on.
    store.record(round(3_000)).await.unwrap();
    let missing = Store::open_copy(&dir.path().join("nope.db"), &dir.path().join("c2.db"), DAY);
    assert!(missing.is_err());
}
