//! Who a snapshot row is of: its `snapshot_sources` id (a target and a kind) and its tier
//! as a number (schema_v9.sql). Reads find the source by (target, kind) first.

use super::StoreError;
use super::caches::{Caches, name_id};
use crate::model::{Tier, Timestamp};
use rusqlite::{Connection, params};

/// The number a tier is stored as. Never renumber: files keep them.
pub fn tier_code(tier: Tier) -> i64 {
    match tier {
        Tier::High => 1,
        Tier::Medium => 2,
        Tier::Low => 3,
        Tier::Schema => 4,
    }
}

pub fn tier_of(code: i64) -> Result<Tier, StoreError> {
    Tier::ALL
        .into_iter()
        .find(|&t| tier_code(t) == code)
        .ok_or_else(|| StoreError::Sqlite(format!("unknown tier {code} in snapshot")))
}

/// The source id of (target, kind), made on first use.
pub fn source_id(
    conn: &Connection,
    caches: &mut Caches,
    target: &str,
    kind: &str,
) -> Result<i64, StoreError> {
    name_id(&mut caches.sources, &mut caches.scratch, [target, kind, ""], || {
        if let Some(id) = super::history::source_id(conn, target, kind)? {
            return Ok(id);
        }
        let insert = "INSERT INTO snapshot_sources (target, kind) VALUES (?1, ?2) RETURNING id";
        Ok(conn.prepare_cached(insert)?.query_row(params![target, kind], |r| r.get(0))?)
    })
}

/// Every source: (id, kind).
pub fn all(conn: &Connection) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, kind FROM snapshot_sources ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The oldest and newest instants anything of any target was recorded: the range time
/// travel can move in, and where `replay` opens. An index seek at each end of each source
/// (there is no index by time alone).
pub fn recorded_range(conn: &Connection) -> Result<Option<(Timestamp, Timestamp)>, StoreError> {
    let (from, to): (Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT min(first), max(last) FROM
                 (SELECT (SELECT min(at) FROM snapshots WHERE source = s.id) AS first,
                         (SELECT max(at) FROM snapshots WHERE source = s.id) AS last
                  FROM snapshot_sources s)",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(from.zip(to).map(|(f, t)| (Timestamp(f), Timestamp(t))))
}

/// Sources left without rows go (a pruned target stops being listed); writers must
/// forget the ids they cached.
pub fn forget_empty(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM snapshot_sources WHERE NOT EXISTS (SELECT 1 FROM snapshots WHERE source = snapshot_sources.id)",
        [],
    )?;
    Ok(())
}
