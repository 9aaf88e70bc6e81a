//! Version 8 → 9 (schema_v9.sql): snapshot rows named by source id and tier number.

use super::chain::Chains;
use super::fixtures::{DAY, activity, t};
use super::migrate::{LATEST, migrate_to};
use super::*;
use crate::model::{InstanceInfo, Sample, SampleBody, Tier};
use rusqlite::params;

fn instance(connections: usize) -> SampleBody {
    SampleBody::Instance(InstanceInfo {
        version: "16.4".into(),
        connections: connections as u64,
        ..InstanceInfo::default()
    })
}

/// A version-8 file's chains (keyframes and deltas of two kinds on two tiers) read back
/// the same after the migration; the index by time is gone, the range and the targets
/// are still found, and recording goes on.
#[tokio::test]
async fn a_v8_files_snapshots_read_back_the_same() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("v8.sqlite3");
    let mut expected: Vec<(i64, Tier, SampleBody)> = Vec::new();
    {
        let mut c = Connection::open(&path).unwrap();
        migrate_to(&mut c, 8).unwrap();
        let mut chains = Chains::default();
        for round in 0..30i64 {
            let at = 1_000_000 + round * 10_000;
            let mut bodies = vec![(Tier::High, activity(3 + round % 4))];
            if round % 6 == 0 {
                bodies.push((Tier::Medium, instance(round as usize)));
            }
            for (tier, body) in bodies {
                chains
                    .encode("prod", at, &body, |encoding, bytes| {
                        c.execute(
                            "INSERT INTO snapshots (target, kind, at, tier, encoding, body) VALUES ('prod', ?1, ?2, ?3, ?4, ?5)",
                            params![body.kind(), at, tier.name(), encoding, bytes],
                        )?;
                        Ok(())
                    })
                    .unwrap();
                expected.push((at, tier, body));
            }
        }
        let deltas: i64 = c
            .query_row("SELECT count(*) FROM snapshots WHERE encoding = ?1", [chain::ZSTD_DELTA], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(deltas > 20, "the file holds chains, not only keyframes: {deltas}");
    }
    {
        let mut c = Connection::open(&path).unwrap();
        migrate_to(&mut c, LATEST).unwrap();
        let indexes: Vec<String> = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'snapshots'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(indexes.len(), 1, "only the unique (source, at): {indexes:?}");
        let named: (i64, String) = c
            .query_row("SELECT count(*), min(kind) FROM snapshots_named WHERE target = 'prod'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(named, (expected.len() as i64, "activity".to_owned()));
    }
    let store = Store::open(&path, DAY * 10_000).unwrap();
    for (at, tier, body) in &expected {
        let read = store.snapshot_at(&t(), body.kind(), Timestamp(*at)).await.unwrap().unwrap();
        assert_eq!((read.taken_at, read.tier, &read.body), (Timestamp(*at), *tier, body), "at {at}");
    }
    let range = store.recorded_range().await.unwrap();
    assert_eq!(range, Some((Timestamp(1_000_000), Timestamp(1_290_000))));
    let targets: Vec<String> = store.recorded_targets().await.unwrap().into_iter().map(|t| t.id.0).collect();
    assert_eq!(targets, ["prod"]);

    let next = Sample { target: t(), tier: Tier::High, taken_at: Timestamp(1_300_000), body: activity(9) };
    store.record(vec![next.clone()]).await.unwrap();
    let read = store.snapshot_at(&t(), "activity", Timestamp(1_300_000)).await.unwrap().unwrap();
    assert_eq!(read.body, next.body);
}
