//! Chart figures on disk: each series' points in blocks (`blocks.rs`), one row per series
//! and stretch of time. The writer keeps each series' newest block in memory and appends
//! to it; reads decode the blocks a range touches.

use super::StoreError;
use super::blocks::{self, BLOCK_SPAN_MS, Block};
use super::writer::Points;
use crate::model::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// Every read is an index seek on (series_id, first_at), never a scan of the blocks.
const BLOCK_AT_OR_BEFORE: &str =
    "SELECT first_at, body FROM point_blocks WHERE series_id = ?1 AND first_at <= ?2
             ORDER BY first_at DESC LIMIT 1";

const BLOCKS_BETWEEN: &str =
    "SELECT body FROM point_blocks WHERE series_id = ?1 AND first_at BETWEEN ?2 AND ?3 AND last_at >= ?4
         ORDER BY first_at";

const NEWEST_EACH: &str = "SELECT s.metric, s.key, b.body FROM series s JOIN point_blocks b ON b.series_id = s.id
             AND b.first_at = (SELECT max(first_at) FROM point_blocks WHERE series_id = s.id AND first_at <= ?3)
         WHERE s.target = ?1 AND b.last_at >= ?2";

/// A block's first instant and its points.
type Found = Option<(i64, Vec<(i64, f64)>)>;

/// Each series' newest block, as the writer last wrote it.
pub type OpenBlocks = HashMap<i64, Block>;

/// Records `value` of series `id` at `at`: appended to the series' newest block when it is
/// later than its last point, else written into the block that holds its instant (a
/// repeated instant replaces the value, as a row per point did).
pub fn keep(
    conn: &Connection,
    open: &mut OpenBlocks,
    id: i64,
    at: i64,
    value: f64,
) -> Result<(), StoreError> {
    if !open.contains_key(&id)
        && let Some((first_at, points)) = block_at_or_before(conn, id, i64::MAX)?
        && let Some(block) = Block::from_points(&points)
    {
        debug_assert_eq!(first_at, block.first_at);
        open.insert(id, block);
    }
    match open.get_mut(&id) {
        Some(block) if block.takes(at) => {
            block.push(at, value);
            return store(conn, id, block);
        }
        Some(block) if at <= block.last_at => {}
        _ => {
            let block = Block::start(at, value);
            store(conn, id, &block)?;
            open.insert(id, block);
            return Ok(());
        }
    }
    // Late or repeated: rewrite the block that holds the instant, or begin one there.
    let mut points = match block_at_or_before(conn, id, at)? {
        Some((first_at, points)) if at - first_at < BLOCK_SPAN_MS => points,
        _ => Vec::new(),
    };
    match points.binary_search_by_key(&at, |p| p.0) {
        Ok(i) => points[i].1 = value,
        Err(i) => points.insert(i, (at, value)),
    }
    let Some(block) = Block::from_points(&points) else { return Ok(()) };
    store(conn, id, &block)?;
    if open.get(&id).is_some_and(|newest| newest.first_at == block.first_at) {
        open.insert(id, block);
    }
    Ok(())
}

fn store(conn: &Connection, id: i64, block: &Block) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO point_blocks (series_id, first_at, last_at, points, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, block.first_at, block.last_at, block.count as i64, block.bytes])?;
    Ok(())
}

/// The newest block of series `id` that begins at or before `at`, decoded.
fn block_at_or_before(conn: &Connection, id: i64, at: i64) -> Result<Found, StoreError> {
    let found: Option<(i64, Vec<u8>)> = conn
        .prepare_cached(BLOCK_AT_OR_BEFORE)?
        .query_row(params![id, at], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(first_at, body)| Ok((first_at, blocks::decode(&body)?))).transpose()
}

/// The points of series `id` within `[from, to]`, oldest first.
pub fn points_between(
    conn: &Connection,
    id: i64,
    from: Timestamp,
    to: Timestamp,
) -> Result<Points, StoreError> {
    let mut stmt = conn.prepare_cached(BLOCKS_BETWEEN)?;
    let mut rows = stmt.query(params![id, from.0.saturating_sub(BLOCK_SPAN_MS), to.0, from.0])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let points = blocks::decode(body(r, 0)?)?;
        out.extend(
            points
                .into_iter()
                .filter(|(at, _)| (from.0..=to.0).contains(at))
                .map(|(at, v)| (Timestamp(at), v)),
        );
    }
    Ok(out)
}

/// Each series of `target` with a point in `[from, at]`: (metric, key, its newest point there).
pub fn newest_each(
    conn: &Connection,
    target: &str,
    from: Timestamp,
    at: Timestamp,
) -> Result<Vec<(String, String, i64, f64)>, StoreError> {
    let mut stmt = conn.prepare_cached(NEWEST_EACH)?;
    let mut rows = stmt.query(params![target, from.0, at.0])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let points = blocks::decode(body(r, 2)?)?;
        // The block begins at or before `at`, so its newest point up to `at` is the series'.
        if let Some(&(taken, value)) = points.iter().rev().find(|(t, _)| *t <= at.0)
            && taken >= from.0
        {
            out.push((r.get(0)?, r.get(1)?, taken, value));
        }
    }
    Ok(out)
}

/// The newest instant at or before `bound` (`later` false) or the oldest at or after it
/// (`later` true) that any series of `target` has a point at.
pub fn nearest_instant(
    conn: &Connection,
    target: &str,
    bound: i64,
    later: bool,
) -> Result<Option<i64>, StoreError> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM series WHERE target = ?1")?
        .query_map(params![target], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut nearest: Option<i64> = None;
    for id in ids {
        let found = match block_at_or_before(conn, id, bound)? {
            Some((_, points)) if !later => points.iter().rev().map(|p| p.0).find(|at| *at <= bound),
            Some((_, points)) if points.last().is_some_and(|p| p.0 >= bound) => {
                points.iter().map(|p| p.0).find(|at| *at >= bound)
            }
            _ if later => conn
                .prepare_cached(
                    "SELECT min(first_at) FROM point_blocks WHERE series_id = ?1 AND first_at >= ?2",
                )?
                .query_row(params![id, bound], |r| r.get(0))?,
            _ => None,
        };
        nearest = match (nearest, found) {
            (Some(a), Some(b)) => Some(if later { a.min(b) } else { a.max(b) }),
            (a, b) => a.or(b),
        };
    }
    Ok(nearest)
}

/// A row's block, borrowed: a value of another type is a damaged row.
fn body<'a>(row: &'a rusqlite::Row<'_>, column: usize) -> Result<&'a [u8], StoreError> {
    row.get_ref(column)?.as_blob().map_err(|e| StoreError::Sqlite(format!("damaged chart block: {e}")))
}

/// Deletes the blocks whose every point is older than `cutoff` (a block that straddles it
/// stays whole). Returns the points that went.
pub fn prune(conn: &Connection, cutoff: Timestamp) -> Result<u64, StoreError> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM series")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    // Per series, so each delete is a range scan of its key.
    let mut delete = conn
        .prepare_cached("DELETE FROM point_blocks WHERE series_id = ?1 AND last_at < ?2 RETURNING points")?;
    let mut gone = 0u64;
    for id in ids {
        let counts = delete.query_map(params![id, cutoff.0], |r| r.get::<_, i64>(0))?;
        for n in counts {
            gone += u64::try_from(n?).unwrap_or(0);
        }
    }
    Ok(gone)
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
