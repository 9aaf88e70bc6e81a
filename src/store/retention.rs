//! Age-based retention. Deletes run in bounded batches, each its own short transaction,
//! so a prune after a long pause never blocks collection rounds for seconds.

use super::StoreError;
use super::chain;
use super::record::TEXT_SEEN_REFRESH_MS;
use crate::model::Timestamp;
use rusqlite::{Connection, params};

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneStats {
    pub points: u64,
    pub snapshots: u64,
    /// Series left without points.
    pub series: u64,
    /// Statement texts no kept reading names.
    pub query_texts: u64,
    pub alert_events: u64,
    pub schema_changes: u64,
}

impl std::ops::AddAssign for PruneStats {
    fn add_assign(&mut self, other: PruneStats) {
        self.points += other.points;
        self.snapshots += other.snapshots;
        self.series += other.series;
        self.query_texts += other.query_texts;
        self.alert_events += other.alert_events;
        self.schema_changes += other.schema_changes;
    }
}

/// Rows per DELETE statement (one autocommit each).
const BATCH: i64 = 5_000;

/// Deletes everything older than `cutoff` and the series/texts nothing refers to anymore.
pub fn prune(conn: &Connection, cutoff: Timestamp) -> Result<PruneStats, StoreError> {
    // When the outbox exists: its unacked rows must never be deleted here, whatever
    // their age ("nothing lost"); only acked rows past retention may go.
    // Whole blocks of points, each series on its own (figures.rs).
    let mut stats = PruneStats { points: super::figures::prune(conn, cutoff)?, ..PruneStats::default() };

    stats.snapshots = prune_snapshots(conn, cutoff)?;

    let mut delete_alerts = conn.prepare_cached(
        "DELETE FROM alert_events WHERE id IN (SELECT id FROM alert_events WHERE at < ?1 ORDER BY at LIMIT ?2)",
    )?;
    stats.alert_events = repeat(|| delete_alerts.execute(params![cutoff.0, BATCH]))?;

    let mut delete_changes = conn.prepare_cached(
        "DELETE FROM schema_changes WHERE id IN
             (SELECT id FROM schema_changes WHERE at < ?1 ORDER BY at LIMIT ?2)",
    )?;
    stats.schema_changes = repeat(|| delete_changes.execute(params![cutoff.0, BATCH]))?;

    super::sources::forget_empty(conn)?;
    stats.series = count(conn.execute(
        "DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM point_blocks b WHERE b.series_id = series.id)",
        [],
    )?);
    // Readings name their statements by id; a text goes once no reading within the kept
    // window (and the chains it keeps whole, at most a keyframe span) can have named it.
    let texts_cutoff = cutoff.0 - chain::KEYFRAME_SPAN_MS - 2 * TEXT_SEEN_REFRESH_MS;
    stats.query_texts =
        count(conn.execute("DELETE FROM query_texts WHERE seen_at < ?1", params![texts_cutoff])?);

    vacuum(conn)?;
    Ok(stats)
}

/// Each source's rows before the cutoff, in batches. The newest schema snapshot of each
/// target survives any age: change detection after a restart compares against it (schema
/// rounds may be days apart or stopped). A chain that straddles the cutoff stays whole
/// from its keyframe: its delta frames inside the window cannot be read without it
/// (chain.rs), so the window is kept entire at the price of at most one keyframe span more.
fn prune_snapshots(conn: &Connection, cutoff: Timestamp) -> Result<u64, StoreError> {
    let mut straddling_keyframe = conn.prepare_cached(
        "SELECT (SELECT encoding FROM snapshots WHERE source = ?1 AND at >= ?2 ORDER BY at LIMIT 1),
                (SELECT max(at) FROM snapshots WHERE source = ?1 AND at <= ?2 AND encoding <> ?3),
                (SELECT max(at) FROM snapshots WHERE source = ?1)",
    )?;
    let mut delete = conn.prepare_cached(
        "DELETE FROM snapshots WHERE id IN
             (SELECT id FROM snapshots WHERE source = ?1 AND at < ?2 ORDER BY at LIMIT ?3)",
    )?;
    let mut deleted = 0;
    for (source, kind) in super::sources::all(conn)? {
        let (next, keyframe, newest): (Option<i64>, Option<i64>, Option<i64>) = straddling_keyframe
            .query_row(params![source, cutoff.0, chain::ZSTD_DELTA], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let mut keep_from = match (next, keyframe) {
            (Some(chain::ZSTD_DELTA), Some(keyframe)) => keyframe.min(cutoff.0),
            _ => cutoff.0,
        };
        if kind == "schema"
            && let Some(newest) = newest
        {
            keep_from = keep_from.min(newest);
        }
        deleted += repeat(|| delete.execute(params![source, keep_from, BATCH]))?;
    }
    Ok(deleted)
}

/// Gives freed pages back to the file system (auto_vacuum = INCREMENTAL), a bounded
/// number of pages per transaction for the same reason the deletes are batched.
fn vacuum(conn: &Connection) -> Result<(), StoreError> {
    let free = |conn: &Connection| conn.query_row("PRAGMA freelist_count", [], |r| r.get::<_, i64>(0));
    let mut left = free(conn)?;
    while left > 0 {
        // The pragma frees one page per step: it must be stepped to the end
        // (execute_batch steps once and would free a single page).
        // Pragmas take no bound parameters, hence the literal page count.
        let mut stmt = conn.prepare_cached("PRAGMA incremental_vacuum(1000)")?;
        let mut steps = stmt.query([])?;
        while steps.next()?.is_some() {}
        let now = free(conn)?;
        if now >= left {
            break;
        }
        left = now;
    }
    Ok(())
}

/// Steps the size cap cuts the recorded span into: each prunes the oldest twentieth more.
const SIZE_STEPS: i64 = 20;

/// After the age cut: while the file holds more than `max_bytes`, the oldest data goes, a
/// twentieth of the recorded span at a time (never the newest schema inventory, which
/// `prune` keeps whatever its age). Returns what went, summed.
pub fn prune_to_size(conn: &Connection, max_bytes: u64) -> Result<PruneStats, StoreError> {
    let mut total = PruneStats::default();
    let Some((Timestamp(oldest), Timestamp(newest))) = super::sources::recorded_range(conn)? else {
        return Ok(total);
    };
    let step = ((newest - oldest) / SIZE_STEPS).max(1);
    let mut cutoff = oldest;
    while used_bytes(conn)? > max_bytes && cutoff < newest {
        cutoff = cutoff.saturating_add(step).min(newest);
        total += prune(conn, Timestamp(cutoff))?;
    }
    Ok(total)
}

/// Pages in use, in bytes: what the file holds once free pages are handed back.
fn used_bytes(conn: &Connection) -> Result<u64, StoreError> {
    let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
    let used = (pragma("page_count")? - pragma("freelist_count")?).max(0) * pragma("page_size")?;
    Ok(u64::try_from(used).unwrap_or(0))
}

fn repeat(mut batch: impl FnMut() -> rusqlite::Result<usize>) -> Result<u64, StoreError> {
    let mut total = 0;
    loop {
        let n = batch()?;
        total += count(n);
        if i64::try_from(n).unwrap_or(i64::MAX) < BATCH {
            return Ok(total);
        }
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
