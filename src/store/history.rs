//! Reads for scroll-back: chart series, snapshots, statement history.

use super::StoreError;
use super::chain;
use super::counters::{Names, to_sql_error};
use super::writer::Points;
use crate::model::{Counters, QueryStat, Sample, SampleBody, TargetId, Tier, Timestamp};
use rusqlite::{Connection, Row, params};

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
    // The newest keyframe at or before the instant, then every frame after it up to there.
    let keyframe: Option<i64> = conn
        .prepare_cached(
            "SELECT max(at) FROM snapshots WHERE target = ?1 AND kind = ?2 AND at <= ?3 AND encoding <> ?4",
        )?
        .query_row(params![target, kind, at.0, chain::ZSTD_DELTA], |r| r.get(0))?;
    let Some(keyframe) = keyframe else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT at, tier, encoding, body FROM snapshots
         WHERE target = ?1 AND kind = ?2 AND at BETWEEN ?3 AND ?4 ORDER BY at",
    )?;
    let mut rows = stmt.query(params![target, kind, keyframe, at.0])?;
    let (mut frames, mut tier) = (Vec::new(), String::new());
    while let Some(r) = rows.next()? {
        frames.push(chain::Frame { at: r.get(0)?, encoding: r.get(2)?, bytes: r.get(3)? });
        tier = r.get(1)?;
    }
    let Some(taken_at) = frames.last().map(|f| Timestamp(f.at)) else {
        return Ok(None);
    };
    let tier = Tier::ALL
        .into_iter()
        .find(|t| t.name() == tier)
        .ok_or_else(|| StoreError::Sqlite(format!("unknown tier {tier:?} in snapshot")))?;
    let mut body = chain::decode(&frames)?;
    if let SampleBody::Queries(snap) = &mut body {
        snap.stats = stats_at(conn, target, taken_at)?;
    }
    Ok(Some(Sample { target: TargetId(target.to_owned()), tier, taken_at, body }))
}

/// Columns read by `stat_from_row`, starting at index 1 (index 0 is `at`).
macro_rules! stat_columns {
    () => {
        "s.at, t.query_id, t.db_name, t.user_name, t.text, s.calls, s.total_time_ms, s.mean_time_ms,
         s.min_time_ms, s.max_time_ms, s.rows, s.counters"
    };
}

fn stats_at(conn: &Connection, target: &str, at: Timestamp) -> Result<Vec<QueryStat>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        stat_columns!(),
        " FROM query_stats s JOIN query_texts t ON t.id = s.text_id
          WHERE s.at = ?2 AND t.target = ?1 ORDER BY s.pos"
    ))?;
    let names = Names::load(conn)?;
    let rows = stmt.query_map(params![target, at.0], |r| stat_from_row(r, &names))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn query_history(
    conn: &Connection,
    target: &str,
    query_id: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(Timestamp, QueryStat)>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        stat_columns!(),
        " FROM query_texts t JOIN query_stats s ON s.text_id = t.id
          WHERE t.target = ?1 AND t.query_id = ?2 AND s.at BETWEEN ?3 AND ?4 ORDER BY s.at"
    ))?;
    let names = Names::load(conn)?;
    let rows = stmt.query_map(params![target, query_id, from.0, to.0], |r| {
        Ok((Timestamp(r.get(0)?), stat_from_row(r, &names)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn count(r: &Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
}

/// NULL is how SQLite stored a NaN.
fn real(r: &Row<'_>, i: usize) -> rusqlite::Result<f64> {
    Ok(r.get::<_, Option<f64>>(i)?.unwrap_or(f64::NAN))
}

fn stat_from_row(r: &Row<'_>, names: &Names) -> rusqlite::Result<QueryStat> {
    let counters = match r.get_ref(11)?.as_blob_or_null()? {
        Some(bytes) => names.decode(bytes).map_err(|e| to_sql_error(11, e))?,
        None => Counters::default(),
    };
    Ok(QueryStat {
        id: r.get(1)?,
        database: r.get(2)?,
        user: r.get(3)?,
        text: r.get(4)?,
        calls: count(r, 5)?,
        total_time_ms: real(r, 6)?,
        mean_time_ms: real(r, 7)?,
        min_time_ms: r.get(8)?,
        max_time_ms: r.get(9)?,
        rows: count(r, 10)?,
        counters,
    })
}
