//! Migration to schema version 7: each `queries` body takes its statement readings from
//! the `query_stats` rows of its instant (their texts stay in `query_texts`), and the
//! table goes. Rows are read as version 6 wrote them and bodies written as `chain.rs`
//! writes keyframes, so old and new instants read alike.

use super::codec::{self, DEFLATE_JSON};
use super::counters::{Names, to_sql_error};
use crate::model::{Counters, QueryStat, QueryStatsSnapshot, SampleBody, StatsAvailability};
use rusqlite::{OptionalExtension, Row, Transaction, params};

pub fn fold_statements(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(include_str!("schema_v7.sql"))?;
    let names = Names::load(tx)?;
    let mut instants = tx.prepare(
        "SELECT DISTINCT t.target, s.at FROM query_stats s JOIN query_texts t ON t.id = s.text_id",
    )?;
    let mut body = tx.prepare(
        "SELECT id, encoding, body FROM snapshots WHERE target = ?1 AND kind = 'queries' AND at = ?2",
    )?;
    let mut readings = tx.prepare(
        "SELECT t.query_id, t.db_name, t.user_name, s.calls, s.total_time_ms, s.mean_time_ms,
                s.min_time_ms, s.max_time_ms, s.rows, s.counters
         FROM query_stats s JOIN query_texts t ON t.id = s.text_id
         WHERE s.at = ?2 AND t.target = ?1 ORDER BY s.pos",
    )?;
    let mut update = tx.prepare("UPDATE snapshots SET encoding = ?2, body = ?3 WHERE id = ?1")?;
    let mut insert = tx.prepare(
        "INSERT INTO snapshots (target, kind, at, tier, encoding, body) VALUES (?1, 'queries', ?2, 'medium', ?3, ?4)",
    )?;
    let mut rows = instants.query([])?;
    while let Some(r) = rows.next()? {
        let (target, at): (String, i64) = (r.get(0)?, r.get(1)?);
        let found = body
            .query_row(params![target, at], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?))
            })
            .optional()?;
        let (id, mut snap) = match found {
            Some((id, encoding, bytes)) => match codec::decode_as::<SampleBody>(encoding, &bytes) {
                Ok(SampleBody::Queries(snap)) => (Some(id), snap),
                // A body this build cannot read stays as it is: reading it says why, later.
                _ => continue,
            },
            // Readings whose body was lost (or never written) still get one.
            None => (
                None,
                QueryStatsSnapshot {
                    availability: StatsAvailability::Available,
                    since: None,
                    stats: Vec::new(),
                    tracked: 0,
                    reset_detected: false,
                    evicted: None,
                },
            ),
        };
        snap.stats = readings
            .query_map(params![target, at], |r| reading(r, &names))?
            .collect::<rusqlite::Result<_>>()?;
        if id.is_none() {
            snap.tracked = snap.stats.len() as u64;
        }
        let json = serde_json::to_vec(&SampleBody::Queries(snap)).map_err(failed)?;
        let mut packed = Vec::new();
        codec::deflate(&json, &mut packed).map_err(failed)?;
        match id {
            Some(id) => update.execute(params![id, DEFLATE_JSON, packed])?,
            None => insert.execute(params![target, at, DEFLATE_JSON, packed])?,
        };
    }
    tx.execute_batch("DROP INDEX query_stats_at; DROP TABLE query_stats;")
}

fn failed(e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn reading(r: &Row<'_>, names: &Names) -> rusqlite::Result<QueryStat> {
    let count = |i: usize| Ok::<_, rusqlite::Error>(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0));
    // NULL is how SQLite stored a NaN.
    let real = |i: usize| Ok::<_, rusqlite::Error>(r.get::<_, Option<f64>>(i)?.unwrap_or(f64::NAN));
    let counters = match r.get_ref(9)?.as_blob_or_null()? {
        Some(bytes) => names.decode(bytes).map_err(|e| to_sql_error(9, e))?,
        None => Counters::default(),
    };
    Ok(QueryStat {
        id: r.get(0)?,
        database: r.get(1)?,
        user: r.get(2)?,
        // Kept once per statement in query_texts.
        text: String::new(),
        calls: count(3)?,
        total_time_ms: real(4)?,
        mean_time_ms: real(5)?,
        min_time_ms: r.get(6)?,
        max_time_ms: r.get(7)?,
        rows: count(8)?,
        counters,
    })
}
