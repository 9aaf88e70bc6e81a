//! The thread that owns the SQLite connection. Commands arrive on a channel, answers
//! leave on a oneshot each, so async callers only ever await and never block a runtime
//! worker on disk I/O. The thread ends when the last `Store` (sender) is dropped.

use super::caches::Caches;
use super::codec::Encoder;
use super::files::HistoryLock;
use super::outbox::{self, Outbox, OutboxBatch, OutboxBounds, OutboxStats};
use super::{
    PruneStats, StoreError, StoreStats, alerts, history, migrate, moment, record, retention, schema_changes,
    targets,
};
use crate::model::{AlertEvent, QueryStat, Sample, SchemaChange, SchemaSnapshot, Timestamp};
use crate::telemetry::Telemetry;
use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

pub type Reply<T> = oneshot::Sender<Result<T, StoreError>>;
pub type Points = Vec<(Timestamp, f64)>;

pub enum Command {
    Record(Vec<Sample>, Reply<()>),
    RecordAlerts(Vec<AlertEvent>, Reply<()>),
    AlertHistory {
        target: Option<String>,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
        reply: Reply<Vec<AlertEvent>>,
    },
    Series {
        target: String,
        metric: String,
        key: String,
        from: Timestamp,
        to: Timestamp,
        reply: Reply<Points>,
    },
    SeriesByKey {
        target: String,
        metric: String,
        from: Timestamp,
        to: Timestamp,
        reply: Reply<Vec<(String, Points)>>,
    },
    SnapshotAt {
        target: String,
        kind: String,
        at: Timestamp,
        reply: Reply<Option<Sample>>,
    },
    QueryHistory {
        target: String,
        query_id: String,
        from: Timestamp,
        to: Timestamp,
        reply: Reply<Vec<(Timestamp, QueryStat)>>,
    },
    SchemaChanges {
        target: String,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
        reply: Reply<Vec<SchemaChange>>,
    },
    LatestSchema {
        target: String,
        reply: Reply<Option<SchemaSnapshot>>,
    },
    Moment {
        target: String,
        at: Timestamp,
        depth: moment::Depth,
        changes_limit: usize,
        reply: Reply<moment::Moment>,
    },
    RoundNear {
        target: String,
        at: Timestamp,
        toward: moment::Toward,
        reply: Reply<Option<Timestamp>>,
    },
    RecordedRange(Reply<Option<(Timestamp, Timestamp)>>),
    Compare {
        target: String,
        now: (Timestamp, Timestamp),
        before: (Timestamp, Timestamp),
        reply: Reply<Vec<super::StatementChange>>,
    },
    Fleet {
        targets: Vec<(String, String)>,
        at: Timestamp,
        from: Timestamp,
        reply: Reply<Vec<moment::FleetMember>>,
    },
    RememberTargets(Vec<crate::model::TargetInfo>, Reply<()>),
    RecordedTargets(Reply<Vec<crate::model::TargetInfo>>),
    Prune {
        now: Timestamp,
        max_bytes: Option<u64>,
        reply: Reply<PruneStats>,
    },
    Flush(Reply<()>),
    Stats(Reply<StoreStats>),
    EnableOutbox {
        bounds: OutboxBounds,
        telemetry: Arc<Telemetry>,
        reply: Reply<String>,
    },
    OutboxNext {
        max_samples: usize,
        max_bytes: u64,
        reply: Reply<Option<OutboxBatch>>,
    },
    OutboxAck {
        key: String,
        reply: Reply<u64>,
    },
    OutboxPark {
        key: String,
        reason: String,
        reply: Reply<u64>,
    },
    OutboxStats(Reply<OutboxStats>),
}

pub struct Writer {
    pub conn: Connection,
    pub caches: Caches,
    pub encoder: Encoder,
    pub retention: Duration,
    /// Set once forwarding is on: rounds are then also queued for the backend.
    pub outbox: Option<Outbox>,
    /// The file and its lock (None in memory): held as long as the thread runs, and
    /// where a damaged file is replaced.
    pub file: Option<(PathBuf, HistoryLock)>,
}

pub fn spawn(
    conn: Connection,
    retention: Duration,
    file: Option<(PathBuf, HistoryLock)>,
) -> std::io::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel::<Command>();
    let mut writer =
        Writer { conn, caches: Caches::default(), encoder: Encoder::new(), retention, outbox: None, file };
    let handle = std::thread::Builder::new().name("logstag-store".into()).spawn(move || {
        while let Ok(cmd) = rx.recv() {
            writer.handle(cmd);
        }
        // Dropping the connection here checkpoints the WAL on a clean shutdown.
    })?;
    Ok((tx, handle))
}

impl Writer {
    fn handle(&mut self, cmd: Command) {
        // A caller that gave up waiting has dropped its receiver: nothing to tell it.
        match cmd {
            Command::Record(round, reply) => {
                let result = record::record_round(
                    &mut self.conn,
                    &mut self.caches,
                    &mut self.encoder,
                    round,
                    self.outbox.as_mut(),
                );
                if result.is_err() {
                    self.caches.clear();
                    if let Some(outbox) = self.outbox.as_mut() {
                        outbox.invalidate();
                    }
                }
                self.recover_if_damaged(&result);
                let _ = reply.send(result);
            }
            Command::RecordAlerts(events, reply) => {
                let _ = reply.send(alerts::record(&mut self.conn, events));
            }
            Command::AlertHistory { target, from, to, limit, reply } => {
                let _ = reply.send(alerts::history(&self.conn, target.as_deref(), from, to, limit));
            }
            Command::SchemaChanges { target, from, to, limit, reply } => {
                let _ = reply.send(schema_changes::history(&self.conn, &target, from, to, limit));
            }
            Command::LatestSchema { target, reply } => {
                let _ = reply.send(schema_changes::latest(&self.conn, &target));
            }
            Command::Moment { target, at, depth, changes_limit, reply } => {
                let _ = reply.send(moment::moment(&self.conn, &target, at, depth, changes_limit));
            }
            Command::RoundNear { target, at, toward, reply } => {
                let _ = reply.send(moment::round_near(&self.conn, &target, at, toward));
            }
            Command::Fleet { targets, at, from, reply } => {
                let _ = reply.send(moment::fleet(&self.conn, &targets, at, from));
            }
            Command::Compare { target, now, before, reply } => {
                let _ = reply.send(super::compare::compare(&self.conn, &target, now, before));
            }
            Command::RecordedRange(reply) => {
                let _ = reply.send(super::sources::recorded_range(&self.conn));
            }
            Command::RememberTargets(targets, reply) => {
                let _ = reply.send(targets::remember(&self.conn, &targets, Timestamp::now()));
            }
            Command::RecordedTargets(reply) => {
                let _ = reply.send(targets::recorded(&self.conn));
            }
            Command::Series { target, metric, key, from, to, reply } => {
                let _ = reply.send(history::series(&self.conn, &target, &metric, &key, from, to));
            }
            Command::SeriesByKey { target, metric, from, to, reply } => {
                let _ = reply.send(history::series_by_key(&self.conn, &target, &metric, from, to));
            }
            Command::SnapshotAt { target, kind, at, reply } => {
                let _ = reply.send(history::snapshot_at(&self.conn, &target, &kind, at));
            }
            Command::QueryHistory { target, query_id, from, to, reply } => {
                let _ = reply.send(history::query_history(&self.conn, &target, &query_id, from, to));
            }
            Command::Prune { now, max_bytes, reply } => {
                let result = retention::prune(&self.conn, now.minus(self.retention)).and_then(|mut stats| {
                    if let Some(max) = max_bytes {
                        stats += retention::prune_to_size(&self.conn, max)?;
                    }
                    Ok(stats)
                });
                // Chains go on across a prune (a keyframe after each would triple their
                // cost), unless their last body went with it.
                self.caches.forget_ids();
                let conn = &self.conn;
                self.caches.chains.retain(|target, kind, at| {
                    conn.prepare_cached(
                        "SELECT 1 FROM snapshots WHERE at = ?3
                         AND source = (SELECT id FROM snapshot_sources WHERE target = ?1 AND kind = ?2)",
                    )
                    .and_then(|mut s| s.exists(rusqlite::params![target, kind, at]))
                    .unwrap_or(false)
                });
                self.recover_if_damaged(&result);
                let _ = reply.send(result);
            }
            Command::Stats(reply) => {
                let _ = reply.send(stats(&self.conn));
            }
            Command::EnableOutbox { bounds, telemetry, reply } => {
                let result = Outbox::new(&self.conn, bounds, telemetry).and_then(|o| {
                    self.outbox = Some(o);
                    outbox::agent_id(&self.conn)
                });
                let _ = reply.send(result);
            }
            Command::OutboxNext { max_samples, max_bytes, reply } => {
                let _ = reply.send(outbox::next_batch(&mut self.conn, max_samples, max_bytes));
            }
            Command::OutboxAck { key, reply } => {
                let result = outbox::ack(&self.conn, &key);
                if let (Ok(freed), Some(o)) = (&result, self.outbox.as_mut()) {
                    o.released(*freed);
                }
                let _ = reply.send(result.map(|(rows, _)| rows));
            }
            Command::OutboxPark { key, reason, reply } => {
                let _ = reply.send(outbox::park(&self.conn, &key, &reason));
            }
            Command::OutboxStats(reply) => {
                let _ = reply.send(outbox::stats(&self.conn, self.outbox.as_mut()));
            }
            Command::Flush(reply) => {
                let result = self
                    .conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                    .map_err(StoreError::from);
                let _ = reply.send(result);
            }
        }
    }
}

impl Writer {
    /// Damaged pages found while running get the cure of a damaged file at start: the
    /// file is moved aside (reported once) and a fresh one takes its place, instead of
    /// an error on every round from then on.
    pub(super) fn recover_if_damaged<T>(&mut self, result: &Result<T, StoreError>) {
        let Err(StoreError::Damaged(why)) = result else {
            return;
        };
        let Some((path, _)) = &self.file else {
            return;
        };
        let path = path.clone();
        // Close the damaged file before renaming it.
        let Ok(placeholder) = Connection::open_in_memory() else {
            return;
        };
        drop(std::mem::replace(&mut self.conn, placeholder));
        let aside = match super::files::move_aside(&path, std::time::SystemTime::now()) {
            Ok(aside) => aside,
            Err(e) => {
                tracing::error!(
                    "the history file {} is damaged ({why}) and cannot be moved aside: {e}",
                    path.display()
                );
                return;
            }
        };
        match super::open_file(&path) {
            Ok(conn) => {
                self.conn = conn;
                tracing::warn!(
                    "the history file {} was damaged ({why}); it was moved to {} and a fresh one started",
                    path.display(),
                    aside.display()
                );
            }
            // The in-memory placeholder keeps recording going until the next start.
            Err(e) => {
                tracing::error!("cannot start a fresh history file {}: {}", path.display(), e.message())
            }
        }
        self.caches.clear();
        if let Some(old) = self.outbox.take() {
            self.outbox = Outbox::new(&self.conn, old.bounds, old.telemetry.clone()).ok();
        }
    }
}

fn stats(conn: &Connection) -> Result<StoreStats, StoreError> {
    let pragma = |name: &str| -> Result<u64, StoreError> {
        let v: i64 = conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
        Ok(u64::try_from(v).unwrap_or(0))
    };
    let page = pragma("page_size")?;
    Ok(StoreStats {
        bytes: pragma("page_count")?.saturating_mul(page),
        free_bytes: pragma("freelist_count")?.saturating_mul(page),
        schema_version: migrate::user_version(conn)?,
    })
}
