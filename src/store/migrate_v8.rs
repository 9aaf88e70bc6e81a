//! Migration to schema version 8: every series' points, a row each in version 7, are
//! packed into blocks as the writer packs them (`blocks.rs`), and the table goes.

use super::blocks::Block;
use rusqlite::{Transaction, params};

pub fn pack_points(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(include_str!("schema_v8.sql"))?;
    let mut points = tx.prepare("SELECT series_id, at, value FROM points ORDER BY series_id, at")?;
    let mut insert = tx.prepare(
        "INSERT INTO point_blocks (series_id, first_at, last_at, points, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut open: Option<(i64, Block)> = None;
    let mut write = |(id, block): &(i64, Block)| {
        insert
            .execute(params![id, block.first_at, block.last_at, block.count as i64, block.bytes])
            .map(|_| ())
    };
    let mut rows = points.query([])?;
    while let Some(r) = rows.next()? {
        let (id, at, value): (i64, i64, f64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        match &mut open {
            Some((series, block)) if *series == id && block.takes(at) => block.push(at, value),
            _ => {
                if let Some(done) = open.replace((id, Block::start(at, value))) {
                    write(&done)?;
                }
            }
        }
    }
    if let Some(done) = &open {
        write(done)?;
    }
    drop(rows);
    tx.execute_batch("DROP TABLE points")
}

#[cfg(test)]
mod tests {
    use crate::model::{TargetId, Timestamp};
    use crate::store::migrate::{LATEST, migrate, user_version};
    use crate::store::{Store, blocks};
    use rusqlite::Connection;
    use std::time::Duration;

    /// A version-7 file's points (two series, an hour and a half of 10 s rounds, a gap)
    /// read back the same after the migration, through the store's own reads.
    #[tokio::test]
    async fn a_v7_files_points_read_back_the_same() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("v7.sqlite3");
        let mut expected = Vec::new();
        {
            let mut c = Connection::open(&path).unwrap();
            crate::store::migrate::migrate_to(&mut c, 7).unwrap();
            c.execute("INSERT INTO series (id, target, metric, key) VALUES (1, 'db', 'tps', ''), (2, 'db', 'sessions', 'idle')", [])
                .unwrap();
            for i in 0..540i64 {
                let at = 1_000_000 + 10_000 * i + if i > 300 { 7_200_000 } else { 0 };
                let value = 100.0 + (i as f64).sin();
                c.execute("INSERT INTO points (series_id, at, value) VALUES (1, ?1, ?2)", (at, value))
                    .unwrap();
                c.execute(
                    "INSERT INTO points (series_id, at, value) VALUES (2, ?1, ?2)",
                    (at, (i % 7) as f64),
                )
                .unwrap();
                expected.push((Timestamp(at), value));
            }
        }
        {
            let mut c = Connection::open(&path).unwrap();
            migrate(&mut c).unwrap();
            assert_eq!(user_version(&c).unwrap(), LATEST);
            let gone: i64 = c
                .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'points'", [], |r| r.get(0))
                .unwrap();
            assert_eq!(gone, 0);
            let blocks: Vec<Vec<u8>> = c
                .prepare("SELECT body FROM point_blocks WHERE series_id = 2")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let count: usize = blocks.iter().map(|b| blocks::decode(b).unwrap().len()).sum();
            assert_eq!(count, 540);
        }
        let store = Store::open(&path, Duration::from_secs(100 * 86_400)).unwrap();
        let t = TargetId("db".into());
        let tps = store.series(&t, "tps", None, Timestamp(0), Timestamp(i64::MAX / 2)).await.unwrap();
        assert_eq!(tps, expected);
        let some = store.series(&t, "tps", None, expected[100].0, expected[400].0).await.unwrap();
        assert_eq!(some, expected[100..=400]);
    }
}
