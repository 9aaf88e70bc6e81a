//! Writing one collection round: metrics become points of their series' blocks, statement
//! readings a `queries` body, everything else a compressed snapshot. One transaction per round.

use super::StoreError;
use super::caches::{Caches, cache_key, name_id};
use super::codec::Encoder;
use super::outbox::Outbox;
use crate::model::{QueryStat, Sample, SampleBody, Tier, Timestamp};
use rusqlite::{Connection, TransactionBehavior, params};
use std::hash::{DefaultHasher, Hash, Hasher};

pub fn record_round(
    conn: &mut Connection,
    caches: &mut Caches,
    encoder: &mut Encoder,
    round: Vec<Sample>,
    mut outbox: Option<&mut Outbox>,
) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock up front instead of failing on upgrade under a reader.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = Timestamp::now();
    let (mut queued, mut queued_bytes) = (0u64, 0u64);
    // Raw counters live only on the board (the pipeline leaves them out): never kept here.
    for sample in round.into_iter().filter(|s| !matches!(s.body, SampleBody::Counters(_))) {
        // Same transaction as the recording: a sample is either kept and queued, or neither.
        if outbox.is_some() {
            queued_bytes += Outbox::enqueue(&tx, encoder, &sample, now)?;
            queued += 1;
        }
        let Sample { target, tier, taken_at, body } = sample;
        let target = target.0.as_str();
        match body {
            SampleBody::Metrics(metrics) => {
                for m in &metrics {
                    // SQLite would turn NaN into NULL; a gap in the chart is the honest rendering.
                    if m.value.is_nan() {
                        continue;
                    }
                    let id = series_id(&tx, caches, target, &m.name, &m.key)?;
                    super::figures::keep(&tx, &mut caches.blocks, id, taken_at.0, m.value)?;
                }
            }
            // Texts once per statement in query_texts; the readings in the body, where the
            // chain keeps what repeats from the previous reading once.
            SampleBody::Queries(mut snap) => {
                for stat in &mut snap.stats {
                    keep_text(&tx, caches, target, stat, taken_at)?;
                    stat.text.clear();
                }
                insert_snapshot(&tx, caches, target, tier, taken_at, &SampleBody::Queries(snap))?;
            }
            // Rows, not a snapshot: the Changes tab filters and counts them by window.
            SampleBody::SchemaChanges(changes) => super::schema_changes::insert(&tx, target, &changes)?,
            other => insert_snapshot(&tx, caches, target, tier, taken_at, &other)?,
        }
    }
    let dropped = match outbox.as_deref_mut() {
        Some(outbox) => outbox.enforce(&tx, queued, queued_bytes, now)?.0,
        None => 0,
    };
    tx.commit()?;
    if let Some(outbox) = outbox {
        outbox.committed(dropped);
    }
    Ok(())
}

fn series_id(
    conn: &Connection,
    caches: &mut Caches,
    target: &str,
    metric: &str,
    key: &str,
) -> Result<i64, StoreError> {
    name_id(&mut caches.series, &mut caches.scratch, [target, metric, key], || {
        if let Some(id) = super::history::series_id(conn, target, metric, key)? {
            return Ok(id);
        }
        let insert = "INSERT INTO series (target, metric, key) VALUES (?1, ?2, ?3) RETURNING id";
        Ok(conn.prepare_cached(insert)?.query_row(params![target, metric, key], |r| r.get(0))?)
    })
}

/// How stale `query_texts.seen_at` may get before a reading refreshes it: retention keeps
/// texts seen within its window plus twice this (texts are pruned by it, not by reference).
pub const TEXT_SEEN_REFRESH_MS: i64 = 3_600_000;

/// Writes the statement text only when it is new or changed since this writer last saw
/// it, and marks it seen (at most once per `TEXT_SEEN_REFRESH_MS`).
fn keep_text(
    conn: &Connection,
    caches: &mut Caches,
    target: &str,
    stat: &QueryStat,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut h = DefaultHasher::new();
    (&stat.text, &stat.database, &stat.user).hash(&mut h);
    let hash = h.finish();
    if let Some(&mut (id, known, ref mut seen)) =
        caches.texts.get_mut(cache_key(&mut caches.scratch, [target, &stat.id, ""]))
        && known == hash
    {
        if at.0.saturating_sub(*seen) >= TEXT_SEEN_REFRESH_MS {
            conn.prepare_cached("UPDATE query_texts SET seen_at = max(seen_at, ?2) WHERE id = ?1")?
                .execute(params![id, at.0])?;
            *seen = at.0;
        }
        return Ok(());
    }
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO query_texts (target, query_id, db_name, user_name, text, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (target, query_id) DO UPDATE
             SET db_name = excluded.db_name, user_name = excluded.user_name, text = excluded.text,
                 seen_at = max(seen_at, excluded.seen_at)
             RETURNING id",
        )?
        .query_row(
            params![target, stat.id, stat.database, stat.user, packed_text(&stat.text)?, at.0],
            |r| r.get(0),
        )?;
    let cache_key = cache_key(&mut caches.scratch, [target, &stat.id, ""]).to_owned();
    caches.texts.insert(cache_key, (id, hash, at.0));
    Ok(())
}

/// A statement's text as stored: deflated where that is smaller (an ORM's text repeats
/// its table and column names: a fourth of the size is usual), else as it is.
fn packed_text(text: &str) -> Result<rusqlite::types::Value, StoreError> {
    let mut packed = Vec::new();
    super::codec::deflate(text.as_bytes(), &mut packed)?;
    Ok(if packed.len() < text.len() {
        rusqlite::types::Value::Blob(packed)
    } else {
        rusqlite::types::Value::Text(text.to_owned())
    })
}

/// Counters are deltas and never near i64::MAX; saturating keeps a freak value from
/// failing the whole round.
pub fn to_sql_int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn insert_snapshot(
    conn: &Connection,
    caches: &mut Caches,
    target: &str,
    tier: Tier,
    at: Timestamp,
    body: &SampleBody,
) -> Result<(), StoreError> {
    let source = super::sources::source_id(conn, caches, target, body.kind())?;
    caches.chains.encode(target, at.0, body, |encoding, bytes| {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO snapshots (source, at, tier, encoding, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![source, at.0, super::sources::tier_code(tier), encoding, bytes])?;
        Ok(())
    })
}
