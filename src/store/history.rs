//! Reads for scroll-back: chart series, snapshots, statement history.

use super::StoreError;
use super::chain;
use super::codec;
use super::figures;
use super::sources;
use super::writer::Points;
use crate::model::{QueryStat, Sample, SampleBody, TargetId, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

pub fn series(
    conn: &Connection,
    target: &str,
    metric: &str,
    key: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Points, StoreError> {
    match series_id(conn, target, metric, key)? {
        Some(id) => figures::points_between(conn, id, from, to),
        None => Ok(Vec::new()),
    }
}

pub fn series_id(
    conn: &Connection,
    target: &str,
    metric: &str,
    key: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM series WHERE target = ?1 AND metric = ?2 AND key = ?3")?
        .query_row(params![target, metric, key], |r| r.get(0))
        .optional()?)
}

/// The snapshot source of (target, kind), if anything of it was recorded.
pub fn source_id(conn: &Connection, target: &str, kind: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM snapshot_sources WHERE target = ?1 AND kind = ?2")?
        .query_row(params![target, kind], |r| r.get(0))
        .optional()?)
}

/// Every non-empty key of `metric` with points in `[from, to]`, keys in order, points
/// oldest first.
pub fn series_by_key(
    conn: &Connection,
    target: &str,
    metric: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(String, Points)>, StoreError> {
    let keys: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, key FROM series WHERE target = ?1 AND metric = ?2 AND key <> '' ORDER BY key",
        )?
        .query_map(params![target, metric], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(keys.len());
    for (id, key) in keys {
        let points = figures::points_between(conn, id, from, to)?;
        if !points.is_empty() {
            out.push((key, points));
        }
    }
    Ok(out)
}

pub fn snapshot_at(
    conn: &Connection,
    target: &str,
    kind: &str,
    at: Timestamp,
) -> Result<Option<Sample>, StoreError> {
    let (frames, tier) = frames(conn, target, kind, at, at)?;
    let Some(taken_at) = frames.last().map(|f| Timestamp(f.at)) else {
        return Ok(None);
    };
    let tier = sources::tier_of(tier)?;
    let mut body = chain::decode(&frames)?;
    if let SampleBody::Queries(snap) = &mut body {
        fill_texts(conn, target, &mut snap.stats)?;
    }
    Ok(Some(Sample { target: TargetId(target.to_owned()), tier, taken_at, body }))
}

/// The stored frames that every body of `kind` in `[from, to]` is decoded from: the
/// newest keyframe at or before `from`, and every frame after it up to `to`; and the
/// tier of the last (as stored, `sources::tier_code`).
fn frames(
    conn: &Connection,
    target: &str,
    kind: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<(Vec<chain::Frame>, i64), StoreError> {
    let Some(source) = source_id(conn, target, kind)? else { return Ok((Vec::new(), 0)) };
    let keyframe: Option<i64> = conn
        .prepare_cached("SELECT max(at) FROM snapshots WHERE source = ?1 AND at <= ?2 AND encoding <> ?3")?
        .query_row(params![source, from.0, chain::ZSTD_DELTA], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, tier, encoding, body FROM snapshots WHERE source = ?1 AND at BETWEEN ?2 AND ?3 ORDER BY at",
    )?;
    let mut rows = stmt.query(params![source, keyframe.unwrap_or(from.0), to.0])?;
    let (mut frames, mut tier) = (Vec::new(), 0);
    while let Some(r) = rows.next()? {
        let encoding: i64 = r.get(2)?;
        // Deltas before the first keyframe (none at or before `from`) cannot be read.
        if frames.is_empty() && encoding == chain::ZSTD_DELTA {
            continue;
        }
        frames.push(chain::Frame { at: r.get(0)?, encoding, bytes: r.get(3)? });
        tier = r.get(1)?;
    }
    Ok((frames, tier))
}

/// Every body of `kind` taken in `[from, to]`, oldest first.
pub fn bodies_between(
    conn: &Connection,
    target: &str,
    kind: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(Timestamp, SampleBody)>, StoreError> {
    let (frames, _) = frames(conn, target, kind, from, to)?;
    let mut out = Vec::new();
    if !frames.is_empty() {
        chain::decode_each(&frames, from.0, |at, body| out.push((Timestamp(at), body)))?;
    }
    Ok(out)
}

/// Statement texts are kept once per statement in `query_texts`, not in every reading:
/// as text, or deflated (a blob) where that is smaller (record.rs).
pub fn fill_texts<'a>(
    conn: &Connection,
    target: &str,
    stats: impl IntoIterator<Item = &'a mut QueryStat>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("SELECT text FROM query_texts WHERE target = ?1 AND query_id = ?2")?;
    for stat in stats.into_iter().filter(|s| s.text.is_empty()) {
        // A text pruned or never written reads as empty, not as an error.
        let stored: Option<rusqlite::types::Value> =
            stmt.query_row(params![target, stat.id], |r| r.get(0)).optional()?;
        stat.text = match stored {
            Some(rusqlite::types::Value::Text(text)) => text,
            Some(rusqlite::types::Value::Blob(packed)) => {
                String::from_utf8_lossy(&codec::inflate(codec::DEFLATE_JSON, &packed)?).into_owned()
            }
            _ => String::new(),
        };
    }
    Ok(())
}

/// One statement's readings in `[from, to]`.
pub fn query_history(
    conn: &Connection,
    target: &str,
    query_id: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(Timestamp, QueryStat)>, StoreError> {
    let mut out = Vec::new();
    for (at, body) in bodies_between(conn, target, "queries", from, to)? {
        if let SampleBody::Queries(snap) = body
            && let Some(stat) = snap.stats.into_iter().find(|s| s.id == query_id)
        {
            out.push((at, stat));
        }
    }
    fill_texts(conn, target, out.iter_mut().map(|(_, s)| s))?;
    Ok(out)
}
