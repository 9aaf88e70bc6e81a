//! Reads for scroll-back: chart series, snapshots, statement history.

use super::StoreError;
use super::chain;
use super::writer::Points;
use crate::model::{QueryStat, Sample, SampleBody, TargetId, Tier, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

pub fn series(
    conn: &Connection,
    target: &str,
    metric: &str,
    key: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Points, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.at, p.value FROM points p
         WHERE p.series_id = (SELECT id FROM series WHERE target = ?1 AND metric = ?2 AND key = ?3)
           AND p.at BETWEEN ?4 AND ?5
         ORDER BY p.at",
    )?;
    let rows = stmt.query_map(params![target, metric, key, from.0, to.0], |r| {
        Ok((Timestamp(r.get(0)?), r.get::<_, f64>(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every non-empty key of `metric`, keys in order, points oldest first.
pub fn series_by_key(
    conn: &Connection,
    target: &str,
    metric: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(String, Points)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.key, p.at, p.value FROM series s JOIN points p ON p.series_id = s.id
         WHERE s.target = ?1 AND s.metric = ?2 AND s.key <> '' AND p.at BETWEEN ?3 AND ?4
         ORDER BY s.key, p.at",
    )?;
    let mut rows = stmt.query(params![target, metric, from.0, to.0])?;
    let mut out: Vec<(String, Points)> = Vec::new();
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let point = (Timestamp(r.get(1)?), r.get::<_, f64>(2)?);
        match out.last_mut() {
            Some((k, points)) if *k == key => points.push(point),
            _ => out.push((key, vec![point])),
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
    let tier = Tier::ALL
        .into_iter()
        .find(|t| t.name() == tier)
        .ok_or_else(|| StoreError::Sqlite(format!("unknown tier {tier:?} in snapshot")))?;
    let mut body = chain::decode(&frames)?;
    if let SampleBody::Queries(snap) = &mut body {
        fill_texts(conn, target, &mut snap.stats)?;
    }
    Ok(Some(Sample { target: TargetId(target.to_owned()), tier, taken_at, body }))
}

/// The stored frames that every body of `kind` in `[from, to]` is decoded from: the
/// newest keyframe at or before `from`, and every frame after it up to `to`; and the
/// tier of the last.
fn frames(
    conn: &Connection,
    target: &str,
    kind: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<(Vec<chain::Frame>, String), StoreError> {
    let keyframe: Option<i64> = conn
        .prepare_cached(
            "SELECT max(at) FROM snapshots WHERE target = ?1 AND kind = ?2 AND at <= ?3 AND encoding <> ?4",
        )?
        .query_row(params![target, kind, from.0, chain::ZSTD_DELTA], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, tier, encoding, body FROM snapshots
         WHERE target = ?1 AND kind = ?2 AND at BETWEEN ?3 AND ?4 ORDER BY at",
    )?;
    let mut rows = stmt.query(params![target, kind, keyframe.unwrap_or(from.0), to.0])?;
    let (mut frames, mut tier) = (Vec::new(), String::new());
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

/// Statement texts are kept once per statement in `query_texts`, not in every reading.
pub fn fill_texts<'a>(
    conn: &Connection,
    target: &str,
    stats: impl IntoIterator<Item = &'a mut QueryStat>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("SELECT text FROM query_texts WHERE target = ?1 AND query_id = ?2")?;
    for stat in stats.into_iter().filter(|s| s.text.is_empty()) {
        // A text pruned or never written reads as empty, not as an error.
        stat.text = stmt.query_row(params![target, stat.id], |r| r.get(0)).optional()?.unwrap_or_default();
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
