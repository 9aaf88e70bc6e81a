//! Reads for time travel: what one target looked like at one past instant, and which
//! collection rounds lie around it.

use super::StoreError;
use super::history::snapshot_at;
use crate::model::{Metric, SampleBody, SchemaChange, Tier, Timestamp};
use crate::model::{Sample, TargetId};
use rusqlite::{Connection, OptionalExtension, params};

/// A metric's newest point counts at an instant when it is at most this old: a little
/// more than two low-tier rounds (600 s), so figures read every 10 minutes still show.
pub const METRIC_HORIZON_MS: i64 = 25 * 60_000;

/// The statement deltas of the interval that contains an instant are those of the first
/// `queries` read after it, if it came within this long (a medium round and its lateness).
pub const QUERIES_AHEAD_MS: i64 = 2 * 60_000;

/// Which round `round_near` looks for, relative to an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    /// The newest round at or before it.
    AtOrBefore,
    /// The newest round strictly before it.
    Before,
    /// The oldest round strictly after it.
    After,
}

/// What a screen needs of one target at an instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moment {
    /// The newest body of each kind at or before the instant (statement deltas: the
    /// interval containing it), and one `Metrics` body with each series' newest point.
    pub samples: Vec<Sample>,
    /// Schema changes found up to the instant, newest first.
    pub schema_changes: Vec<SchemaChange>,
}

/// How much of a target to read: all of it for the target on screen, the figures the
/// Overview lists for the rest of the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Full,
    Overview,
}

pub fn moment(
    conn: &Connection,
    target: &str,
    at: Timestamp,
    depth: Depth,
    changes_limit: usize,
) -> Result<Moment, StoreError> {
    let kinds: &[&str] = match depth {
        Depth::Full => &SampleBody::SNAPSHOT_KINDS,
        Depth::Overview => &["instance", "status"],
    };
    let mut samples = Vec::with_capacity(kinds.len() + 2);
    for kind in kinds {
        if let Some(sample) = snapshot_at(conn, target, kind, at)? {
            samples.push(sample);
        }
    }
    if depth == Depth::Full
        && let Some(sample) = queries_covering(conn, target, at)?
    {
        samples.push(sample);
    }
    if let Some(sample) = metrics_at(conn, target, at)? {
        samples.push(sample);
    }
    // Oldest first, as rounds arrive: the board's "latest" keeps the newest of each kind.
    samples.sort_by_key(|s| s.taken_at);
    let schema_changes = match depth {
        Depth::Full => super::schema_changes::history(conn, target, Timestamp(0), at, changes_limit)?,
        Depth::Overview => Vec::new(),
    };
    Ok(Moment { samples, schema_changes })
}

/// The first statement read after `at` (its deltas cover the interval containing `at`),
/// else the newest before it.
fn queries_covering(conn: &Connection, target: &str, at: Timestamp) -> Result<Option<Sample>, StoreError> {
    let next: Option<i64> = conn
        .prepare_cached(
            "SELECT at FROM snapshots WHERE at > ?2 AND at <= ?3
             AND source = (SELECT id FROM snapshot_sources WHERE target = ?1 AND kind = 'queries')
             ORDER BY at LIMIT 1",
        )?
        .query_row(params![target, at.0, at.0.saturating_add(QUERIES_AHEAD_MS)], |r| r.get(0))
        .optional()?;
    snapshot_at(conn, target, "queries", next.map_or(at, Timestamp))
}

/// One target of a fleet at an instant: its Overview-depth moment and its headline trend
/// (key → points).
pub type FleetMember = (Moment, Vec<(String, super::writer::Points)>);

/// The rest of a fleet at `at`, in one pass on the writer thread: each target's Overview
/// depth and its `headline` series over `[from, at]` (keyed series, else the instance-wide one).
pub fn fleet(
    conn: &Connection,
    targets: &[(String, String)],
    at: Timestamp,
    from: Timestamp,
) -> Result<Vec<FleetMember>, StoreError> {
    let mut out = Vec::with_capacity(targets.len());
    for (target, headline) in targets {
        let found = moment(conn, target, at, Depth::Overview, 0)?;
        let mut trend = super::history::series_by_key(conn, target, headline, from, at)?;
        if trend.is_empty() {
            trend = vec![(String::new(), super::history::series(conn, target, headline, "", from, at)?)];
        }
        out.push((found, trend));
    }
    Ok(out)
}

/// Each series' newest point within `METRIC_HORIZON_MS` before `at`, as one body dated by
/// the newest of them.
fn metrics_at(conn: &Connection, target: &str, at: Timestamp) -> Result<Option<Sample>, StoreError> {
    let from = Timestamp(at.0.saturating_sub(METRIC_HORIZON_MS));
    let mut metrics = Vec::new();
    let mut newest = i64::MIN;
    for (metric, key, taken, value) in super::figures::newest_each(conn, target, from, at)? {
        newest = newest.max(taken);
        metrics.push(Metric::keyed(&metric, &key, value));
    }
    Ok((!metrics.is_empty()).then(|| Sample {
        target: TargetId(target.to_owned()),
        tier: Tier::High,
        taken_at: Timestamp(newest),
        body: SampleBody::Metrics(metrics),
    }))
}

/// The instant of the round of `target` nearest `at` in the direction asked: the times
/// of its session reads and of its metric points (every engine writes one or the other
/// each round).
pub fn round_near(
    conn: &Connection,
    target: &str,
    at: Timestamp,
    toward: Toward,
) -> Result<Option<Timestamp>, StoreError> {
    const BEFORE: &str = "SELECT max(at) FROM snapshots WHERE at <= ?2
         AND source = (SELECT id FROM snapshot_sources WHERE target = ?1 AND kind = 'activity')";
    const AFTER: &str = "SELECT min(at) FROM snapshots WHERE at >= ?2
         AND source = (SELECT id FROM snapshot_sources WHERE target = ?1 AND kind = 'activity')";
    let (snapshot_sql, bound) = match toward {
        Toward::AtOrBefore => (BEFORE, at.0),
        Toward::Before => (BEFORE, at.0.saturating_sub(1)),
        Toward::After => (AFTER, at.0.saturating_add(1)),
    };
    let later = matches!(toward, Toward::After);
    let a: Option<i64> =
        conn.prepare_cached(snapshot_sql)?.query_row(params![target, bound], |r| r.get(0))?;
    let b = super::figures::nearest_instant(conn, target, bound, later)?;
    let nearest = if later { a.into_iter().chain(b).min() } else { a.into_iter().chain(b).max() };
    Ok(nearest.map(Timestamp))
}

#[cfg(test)]
#[path = "moment_tests.rs"]
mod tests;
