//! The forwarding outbox: every recorded sample is queued here in the round's own
//! transaction, the forwarder takes batches oldest first, and a batch leaves only when
//! the backend acknowledged it. Bounded by rows, bytes and age: past a bound the oldest
//! rows are dropped, counted in `outbox_meta` (it survives restarts) and reported.

use super::StoreError;
use super::codec::{self, DEFLATE_JSON, Encoder};
use crate::model::{Sample, Timestamp};
use crate::telemetry::Telemetry;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const PENDING: i64 = 0;
const IN_BATCH: i64 = 1;
const PARKED: i64 = 2;

/// Limits of the outbox; whichever is hit first drops the oldest rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxBounds {
    pub max_rows: u64,
    /// Sum of the stored (compressed) bodies.
    pub max_bytes: u64,
    /// Rows queued longer than this are dropped.
    pub max_age: Duration,
}

/// A batch ready to send. `key` was committed with its rows before this was returned,
/// so a resend (after a lost acknowledgement, or a restart) carries the same key.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxBatch {
    pub key: String,
    pub samples: Vec<Sample>,
    /// Stored (compressed) size of the rows.
    pub bytes: u64,
}

/// What the outbox holds now, for status lines and telemetry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Every row: pending, in a batch and parked.
    pub rows: u64,
    pub bytes: u64,
    pub parked: u64,
    /// Reason of the newest parked batch.
    pub parked_reason: Option<String>,
    /// Rows ever dropped at a bound (persisted).
    pub dropped_total: u64,
}

/// How often a warning about dropped rows is logged at most; drops in between are
/// summed into the next one (a bound hit during a long outage drops every round).
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Writer-side state of an enabled outbox.
pub struct Outbox {
    pub bounds: OutboxBounds,
    pub telemetry: Arc<Telemetry>,
    /// (rows, bytes) of the table; None = unknown, recounted before use.
    totals: Option<(u64, u64)>,
    unreported_drops: u64,
    last_warning: Option<Instant>,
}

impl Outbox {
    pub fn new(
        conn: &Connection,
        bounds: OutboxBounds,
        telemetry: Arc<Telemetry>,
    ) -> Result<Self, StoreError> {
        let dropped = dropped_total(conn)?;
        telemetry.outbox_dropped_total.store(dropped, Ordering::Relaxed);
        // A refusal is often fixed by a restart (new API key, backend upgraded): parked
        // batches get one more try per start, under their own keys.
        let unparked = conn
            .prepare_cached("UPDATE outbox SET state = ?1, parked_reason = NULL WHERE state = ?2")?
            .execute(params![IN_BATCH, PARKED])?;
        if unparked > 0 {
            tracing::info!("{unparked} parked samples are sent again after the restart");
        }
        let mut outbox = Outbox { bounds, telemetry, totals: None, unreported_drops: 0, last_warning: None };
        outbox.totals(conn)?;
        Ok(outbox)
    }

    fn totals(&mut self, conn: &Connection) -> Result<(u64, u64), StoreError> {
        if let Some(t) = self.totals {
            return Ok(t);
        }
        let t = count(conn)?;
        self.set_totals(t);
        Ok(t)
    }

    fn set_totals(&mut self, t: (u64, u64)) {
        self.totals = Some(t);
        self.telemetry.outbox_depth.store(t.0, Ordering::Relaxed);
    }

    /// Forgets the cached totals (after a rolled-back transaction).
    pub fn invalidate(&mut self) {
        self.totals = None;
    }

    /// Queues one sample; part of the caller's transaction. Returns the stored size.
    pub fn enqueue(
        conn: &Connection,
        encoder: &mut Encoder,
        sample: &Sample,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        encoder.encode(sample, |bytes| {
            conn.prepare_cached(
                "INSERT INTO outbox (created_at, target, kind, bytes, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                now.0,
                sample.target.0,
                sample.body.kind(),
                bytes.len() as i64,
                bytes
            ])?;
            Ok(bytes.len() as u64)
        })
    }

    /// After `added` rows of `added_bytes` were queued in the open transaction `conn`:
    /// drops the oldest rows past any bound. Returns (rows, bytes) dropped.
    pub fn enforce(
        &mut self,
        conn: &Connection,
        added: u64,
        added_bytes: u64,
        now: Timestamp,
    ) -> Result<(u64, u64), StoreError> {
        let (rows, bytes) = match self.totals {
            Some((r, b)) => (r + added, b + added_bytes),
            // Recounting inside the transaction already sees the new rows.
            None => self.totals(conn)?,
        };
        let cutoff = now.minus(self.bounds.max_age).0;
        let (mut left_rows, mut left_bytes) = (rows, bytes);
        let mut last_dropped = None;
        {
            let mut oldest = conn.prepare_cached("SELECT id, bytes, created_at FROM outbox ORDER BY id")?;
            let mut cursor = oldest.query([])?;
            while let Some(row) = cursor.next()? {
                let over = left_rows > self.bounds.max_rows || left_bytes > self.bounds.max_bytes;
                let created_at: i64 = row.get(2)?;
                if !over && created_at >= cutoff {
                    break;
                }
                let size = u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
                last_dropped = Some(row.get::<_, i64>(0)?);
                left_rows = left_rows.saturating_sub(1);
                left_bytes = left_bytes.saturating_sub(size);
            }
        }
        let dropped = (rows - left_rows, bytes - left_bytes);
        if let Some(last) = last_dropped {
            conn.prepare_cached("DELETE FROM outbox WHERE id <= ?1")?.execute([last])?;
            conn.prepare_cached("UPDATE outbox_meta SET value = value + ?1 WHERE name = 'dropped_total'")?
                .execute([dropped.0 as i64])?;
        }
        self.totals = Some((left_rows, left_bytes));
        Ok(dropped)
    }

    /// After the transaction that queued and dropped rows committed: telemetry and a
    /// (rate-limited) warning. A drop is never silent.
    pub fn committed(&mut self, dropped_rows: u64) {
        if let Some(t) = self.totals {
            self.set_totals(t);
        }
        if dropped_rows == 0 {
            return;
        }
        Telemetry::add(&self.telemetry.outbox_dropped_total, dropped_rows);
        self.unreported_drops += dropped_rows;
        let due = self.last_warning.is_none_or(|at| at.elapsed() >= WARN_EVERY);
        if due {
            let b = self.bounds;
            tracing::warn!(
                dropped = self.unreported_drops,
                dropped_total = Telemetry::get(&self.telemetry.outbox_dropped_total),
                queued = self.totals.map_or(0, |t| t.0),
                max_rows = b.max_rows,
                max_bytes = b.max_bytes,
                max_age_s = b.max_age.as_secs(),
                "forwarding outbox bound hit: the oldest samples were dropped unsent \
                 (is the backend reachable? see [forwarding] outbox_max_*)"
            );
            self.unreported_drops = 0;
            self.last_warning = Some(Instant::now());
        }
    }
}

/// The batch to send next: the one already keyed and unacknowledged if there is one,
/// else up to `max_samples` oldest pending rows (at least one, then while under
/// `max_bytes`) under a new key. None when nothing is pending.
pub fn next_batch(
    conn: &mut Connection,
    max_samples: usize,
    max_bytes: u64,
) -> Result<Option<OutboxBatch>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let resumed: Option<String> = tx
        .prepare_cached("SELECT batch_id FROM outbox WHERE state = ?1 ORDER BY id LIMIT 1")?
        .query_row([IN_BATCH], |r| r.get(0))
        .optional()?;
    let key = match resumed {
        Some(key) => key,
        None => {
            let mut last = None;
            let mut total = 0u64;
            {
                let mut oldest =
                    tx.prepare_cached("SELECT id, bytes FROM outbox WHERE state = ?1 ORDER BY id LIMIT ?2")?;
                let mut cursor = oldest.query(params![PENDING, max_samples.max(1) as i64])?;
                while let Some(row) = cursor.next()? {
                    let size = u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
                    if last.is_some() && total + size > max_bytes {
                        break;
                    }
                    total += size;
                    last = Some(row.get::<_, i64>(0)?);
                }
            }
            let Some(last) = last else {
                return Ok(None);
            };
            let key: String = tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
            tx.prepare_cached("UPDATE outbox SET state = ?1, batch_id = ?2 WHERE state = ?3 AND id <= ?4")?
                .execute(params![IN_BATCH, key, PENDING, last])?;
            key
        }
    };
    let batch = load_batch(&tx, key)?;
    tx.commit()?;
    Ok(Some(batch))
}

impl Outbox {
    /// Rows acknowledged (see [`ack`]) no longer count against the bounds.
    pub fn released(&mut self, (rows, bytes): (u64, u64)) {
        if let Some((r, b)) = self.totals {
            self.set_totals((r.saturating_sub(rows), b.saturating_sub(bytes)));
        }
    }
}

/// The backend took the batch: its rows leave the outbox. Returns (rows, bytes) removed.
pub fn ack(conn: &Connection, key: &str) -> Result<(u64, u64), StoreError> {
    let removed: Vec<i64> = conn
        .prepare_cached("DELETE FROM outbox WHERE batch_id = ?1 RETURNING bytes")?
        .query_map([key], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let freed: i64 = removed.iter().sum();
    Ok((removed.len() as u64, u64::try_from(freed).unwrap_or(0)))
}

/// The backend refused the batch for good: its rows stay, marked with the reason,
/// and later batches go on.
pub fn park(conn: &Connection, key: &str, reason: &str) -> Result<u64, StoreError> {
    let n = conn
        .prepare_cached("UPDATE outbox SET state = ?1, parked_reason = ?2 WHERE batch_id = ?3")?
        .execute(params![PARKED, reason, key])?;
    Ok(n as u64)
}

/// Current content; `outbox` (when enabled) saves counting the rows.
pub fn stats(conn: &Connection, outbox: Option<&mut Outbox>) -> Result<OutboxStats, StoreError> {
    let (rows, bytes) = match outbox {
        Some(o) => o.totals(conn)?,
        None => count(conn)?,
    };
    let parked: i64 = conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE state = ?1")?
        .query_row([PARKED], |r| r.get(0))?;
    let parked_reason = conn
        .prepare_cached("SELECT parked_reason FROM outbox WHERE state = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([PARKED], |r| r.get(0))
        .optional()?;
    Ok(OutboxStats {
        rows,
        bytes,
        parked: u64::try_from(parked).unwrap_or(0),
        parked_reason,
        dropped_total: dropped_total(conn)?,
    })
}

/// (rows, bytes) in the outbox, counted.
fn count(conn: &Connection) -> Result<(u64, u64), StoreError> {
    let (rows, bytes): (i64, i64) =
        conn.query_row("SELECT count(*), coalesce(sum(bytes), 0) FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((u64::try_from(rows).unwrap_or(0), u64::try_from(bytes).unwrap_or(0)))
}

fn load_batch(conn: &Connection, key: String) -> Result<OutboxBatch, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT bytes, body FROM outbox WHERE batch_id = ?1 ORDER BY id")?;
    let mut rows = stmt.query([&key])?;
    let (mut samples, mut bytes) = (Vec::new(), 0u64);
    while let Some(row) = rows.next()? {
        bytes += u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0);
        let body: Vec<u8> = row.get(1)?;
        // One unreadable row must not stall forwarding: it leaves with its batch.
        match codec::decode_as::<Sample>(DEFLATE_JSON, &body) {
            Ok(sample) => samples.push(sample),
            Err(e) => tracing::warn!("outbox row skipped, batch {key}: {e}"),
        }
    }
    Ok(OutboxBatch { key, samples, bytes })
}

fn dropped_total(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn
        .query_row("SELECT value FROM outbox_meta WHERE name = 'dropped_total'", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// This history file's agent identity (random, made by the migration).
pub fn agent_id(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn.query_row("SELECT value FROM outbox_meta WHERE name = 'agent_id'", [], |r| r.get(0))?)
}
