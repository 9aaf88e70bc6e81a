//! The local history: a SQLite file (WAL) owned by one writer thread. `Store` is a
//! cheap-clone async handle; every call is a command sent to that thread, so neither
//! the collectors nor the UI ever touch the disk themselves.

mod ages;
mod alerts;
mod blocks;
mod caches;
mod chain;
mod codec;
mod columns;
mod compare;
mod counters;
mod derived;
mod figures;
mod files;
mod history;
mod migrate;
mod migrate_v5;
mod migrate_v7;
mod migrate_v8;
mod moment;
mod outbox;
mod past;
mod record;
mod retention;
mod schema_changes;
mod sources;
mod targets;
mod writer;

#[cfg(test)]
mod alert_tests;
#[cfg(test)]
mod costs;
#[cfg(test)]
mod damage_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod migrate_v5_tests;
#[cfg(test)]
mod migrate_v9_tests;
#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;

use crate::model::{AlertEvent, QueryStat, Sample, SchemaChange, SchemaSnapshot, TargetId, Timestamp};
use rusqlite::{Connection, MAIN_DB};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;
use writer::{Command, Reply};

pub use codec::sizes as snapshot_sizes;
pub use compare::{StatementChange, WindowFigures};
pub use migrate::LATEST as SCHEMA_VERSION;
pub use moment::{Depth, FleetMember, Moment, Toward};
pub use outbox::{OutboxBatch, OutboxBounds, OutboxStats};
pub use retention::PruneStats;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("history database {path}: {message}")]
    Open { path: String, message: String },
    #[error("history database: {0}")]
    Sqlite(String),
    #[error("history writer has stopped")]
    Closed,
    /// The file is not (or no longer) a sound database; the writer replaces it.
    #[error("history database is damaged: {0}")]
    Damaged(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if is_damage(&e) { StoreError::Damaged(e.to_string()) } else { StoreError::Sqlite(e.to_string()) }
    }
}

/// Size of the history file, for status lines and `--once` reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Pages in use times page size (the WAL not counted).
    pub bytes: u64,
    /// Free pages inside the file that a prune has not handed back yet.
    pub free_bytes: u64,
    pub schema_version: i64,
}

#[derive(Clone, Debug)]
pub struct Store {
    commands: mpsc::Sender<Command>,
}

/// Snapshot rows run from tens of bytes to 4 KB (a minute's statement readings); rows
/// are appended in order, and in 4 KB pages a row that did not fit in what a page had
/// left began the next, leaving the rest empty: a fifth of the storage bench's day. In
/// 16 KB pages it is a twentieth (187 MB for the day instead of 231 MB).
const PAGE_SIZE: i64 = 16_384;

/// Page cache per connection, KiB: the whole program must stay under 20 MB RSS, and the
/// hot pages (latest points of each series) are few.
const CACHE_KIB: i64 = 2048;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating and migrating) the history file. `retention` is how long samples are kept.
    /// Blocking file I/O (a first open of an old file may VACUUM it): call it at startup,
    /// or through `spawn_blocking` from inside the runtime.
    pub fn open(path: &Path, retention: Duration) -> Result<Store, StoreError> {
        Self::open_joinable(path, retention).map(|(store, _)| store)
    }

    /// A private in-memory history (tests, `snapshot`).
    pub fn open_in_memory(retention: Duration) -> Result<Store, StoreError> {
        let open_err = |e: String| StoreError::Open { path: ":memory:".into(), message: e };
        let mut conn = Connection::open_in_memory().map_err(|e| open_err(e.to_string()))?;
        prepare(&mut conn).map_err(open_err)?;
        Self::start(conn, retention).map_err(open_err).map(|(store, _)| store)
    }

    /// `open`, also returning the writer thread, which ends once every clone is dropped.
    /// A file that is not a database, or is damaged, is moved aside and a fresh one
    /// started (logged once); a file another process writes is refused, naming its pid.
    fn open_joinable(path: &Path, retention: Duration) -> Result<(Store, JoinHandle<()>), StoreError> {
        let open_err = |message: String| StoreError::Open { path: path.display().to_string(), message };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_err(format!("cannot create directory {}: {e}", dir.display())))?;
        }
        let lock = files::lock(path).map_err(open_err)?;
        let conn = match open_file(path) {
            Ok(conn) => conn,
            Err(Opened::Damaged(why)) => {
                let aside = files::move_aside(path, std::time::SystemTime::now())
                    .map_err(|e| open_err(format!("{why}, and it cannot be moved aside: {e}")))?;
                tracing::warn!(
                    "the history file {} was unreadable ({why}); it was moved to {} and a fresh one started",
                    path.display(),
                    aside.display()
                );
                open_file(path).map_err(|e| open_err(e.message()))?
            }
            Err(other) => return Err(open_err(other.message())),
        };
        let (commands, handle) = writer::spawn(conn, retention, Some((path.to_path_buf(), lock)))
            .map_err(|e| open_err(format!("cannot start the writer thread: {e}")))?;
        Ok((Store { commands }, handle))
    }

    fn start(conn: Connection, retention: Duration) -> Result<(Store, JoinHandle<()>), String> {
        let (commands, handle) = writer::spawn(conn, retention, None)
            .map_err(|e| format!("cannot start the writer thread: {e}"))?;
        Ok((Store { commands }, handle))
    }

    async fn call<T>(&self, command: impl FnOnce(Reply<T>) -> Command) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(command(reply)).map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Records one collection round in one transaction: metric points into the
    /// time-series table, statement statistics into their table, every other body as a
    /// compressed JSON snapshot for scroll-back. On error nothing of the round is kept.
    pub async fn record(&self, round: Vec<Sample>) -> Result<(), StoreError> {
        self.call(|reply| Command::Record(round, reply)).await
    }

    /// Records alert lifecycle events, all or none (one transaction).
    pub async fn record_alerts(&self, events: Vec<AlertEvent>) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        self.call(|reply| Command::RecordAlerts(events, reply)).await
    }

    /// Alert events with `at` in `[from, to]`, newest first, at most `limit`; `target`
    /// None = every target. Each event's `at` finds its sample with `snapshot_at`.
    pub async fn alert_history(
        &self,
        target: Option<&TargetId>,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        let target = target.map(|t| t.0.clone());
        self.call(|reply| Command::AlertHistory { target, from, to, limit, reply }).await
    }

    /// Points of one metric series in `[from, to]`, oldest first. `key` None = every key
    /// summed per timestamp is NOT done: None selects the empty key (instance-wide value).
    pub async fn series(
        &self,
        target: &TargetId,
        metric: &str,
        key: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, f64)>, StoreError> {
        let (target, metric, key) = (target.0.clone(), metric.to_owned(), key.unwrap_or("").to_owned());
        self.call(|reply| Command::Series { target, metric, key, from, to, reply }).await
    }

    /// All keyed series of one metric in `[from, to]` (e.g. sessions by state): key → points.
    /// Keys sorted; the empty (instance-wide) key is left out, `series` reads it.
    pub async fn series_by_key(
        &self,
        target: &TargetId,
        metric: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(String, Vec<(Timestamp, f64)>)>, StoreError> {
        let (target, metric) = (target.0.clone(), metric.to_owned());
        self.call(|reply| Command::SeriesByKey { target, metric, from, to, reply }).await
    }

    /// The newest snapshot of `kind` (a `SampleBody::kind()`) taken at or before `at`,
    /// for scrolling back in time. `queries` comes back with its statements; `metrics`
    /// is not kept as snapshots (read it with `series`) and gives None.
    pub async fn snapshot_at(
        &self,
        target: &TargetId,
        kind: &str,
        at: Timestamp,
    ) -> Result<Option<Sample>, StoreError> {
        let (target, kind) = (target.0.clone(), kind.to_owned());
        self.call(|reply| Command::SnapshotAt { target, kind, at, reply }).await
    }

    /// Per-interval history of one statement (query detail view), oldest first.
    pub async fn query_history(
        &self,
        target: &TargetId,
        query_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, QueryStat)>, StoreError> {
        let (target, query_id) = (target.0.clone(), query_id.to_owned());
        self.call(|reply| Command::QueryHistory { target, query_id, from, to, reply }).await
    }

    /// Schema changes of `target` with `at` in `[from, to]`, newest first, at most `limit`.
    pub async fn schema_changes(
        &self,
        target: &TargetId,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<SchemaChange>, StoreError> {
        let target = target.0.clone();
        self.call(|reply| Command::SchemaChanges { target, from, to, limit, reply }).await
    }

    /// The newest schema snapshot of `target`, kept whatever the retention: give it to
    /// `PostgresCollector::set_previous_schema` at start so that changes made while
    /// Logstag was stopped are detected by the first schema round.
    pub async fn latest_schema(&self, target: &TargetId) -> Result<Option<SchemaSnapshot>, StoreError> {
        let target = target.0.clone();
        self.call(|reply| Command::LatestSchema { target, reply }).await
    }

    /// Deletes what is older than the retention, measured from `now`.
    pub async fn prune(&self, now: Timestamp) -> Result<PruneStats, StoreError> {
        self.call(|reply| Command::Prune { now, max_bytes: None, reply }).await
    }

    /// `prune`, then the oldest data until the file holds at most `max_bytes`
    /// (`[history] max_mb`; the newest schema inventory of each target always stays).
    pub async fn prune_within(
        &self,
        now: Timestamp,
        max_bytes: Option<u64>,
    ) -> Result<PruneStats, StoreError> {
        self.call(|reply| Command::Prune { now, max_bytes, reply }).await
    }

    /// Turns on the forwarding outbox: from now on every recorded sample is also queued
    /// (same transaction), within `bounds`. Returns this history file's agent id.
    pub async fn enable_outbox(
        &self,
        bounds: OutboxBounds,
        telemetry: std::sync::Arc<crate::telemetry::Telemetry>,
    ) -> Result<String, StoreError> {
        self.call(|reply| Command::EnableOutbox { bounds, telemetry, reply }).await
    }

    /// The next batch to forward (see `OutboxBatch`); None when nothing is pending.
    pub async fn outbox_next(
        &self,
        max_samples: usize,
        max_bytes: u64,
    ) -> Result<Option<OutboxBatch>, StoreError> {
        self.call(|reply| Command::OutboxNext { max_samples, max_bytes, reply }).await
    }

    /// Removes an acknowledged batch; returns how many samples it held.
    pub async fn outbox_ack(&self, key: &str) -> Result<u64, StoreError> {
        let key = key.to_owned();
        self.call(|reply| Command::OutboxAck { key, reply }).await
    }

    /// Keeps a refused batch aside with the reason; later batches go on.
    pub async fn outbox_park(&self, key: &str, reason: &str) -> Result<u64, StoreError> {
        let (key, reason) = (key.to_owned(), reason.to_owned());
        self.call(|reply| Command::OutboxPark { key, reason, reply }).await
    }

    pub async fn outbox_stats(&self) -> Result<OutboxStats, StoreError> {
        self.call(Command::OutboxStats).await
    }

    /// Folds the WAL into the main file and truncates it (shutdown, `snapshot`, measurements).
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.call(Command::Flush).await
    }

    /// File size from page counts: cheap, no table scans.
    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        self.call(Command::Stats).await
    }
}

/// Connection settings and schema; errors become the `Open` message.
/// Why a history file could not be opened.
enum Opened {
    /// Not a database, or damaged: moving it aside and starting afresh is the cure.
    Damaged(String),
    Other(String),
}

impl Opened {
    fn message(self) -> String {
        match self {
            Opened::Damaged(m) | Opened::Other(m) => m,
        }
    }
}

/// Opens (creating it private) and prepares the file at `path`.
fn open_file(path: &Path) -> Result<Connection, Opened> {
    files::make_private(path).map_err(|e| Opened::Other(format!("cannot create the file: {e}")))?;
    let mut conn = Connection::open(path).map_err(|e| classify(&e))?;
    // SQLite silently falls back to read-only; recording would then fail on every round.
    if conn.is_readonly(MAIN_DB).unwrap_or(true) {
        return Err(Opened::Other("the file is read-only".into()));
    }
    // No integrity check here: it reads the whole file at every start. Damage shows as
    // an error on first use instead, here or while running (see `writer.rs`).
    match setup(&mut conn) {
        Ok(()) => Ok(conn),
        Err(migrate::MigrateError::Sqlite(e)) => Err(classify(&e)),
        Err(e) => Err(Opened::Other(e.to_string())),
    }
}

fn classify(e: &rusqlite::Error) -> Opened {
    if is_damage(e) { Opened::Damaged(e.to_string()) } else { Opened::Other(e.to_string()) }
}

/// SQLite's verdicts for a file that is not (or no longer) a sound database.
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    matches!(e.sqlite_error_code(), Some(DatabaseCorrupt | NotADatabase))
}

fn prepare(conn: &mut Connection) -> Result<(), String> {
    setup(conn).map_err(|e| e.to_string())
}

fn setup(conn: &mut Connection) -> Result<(), migrate::MigrateError> {
    let setup = |conn: &mut Connection| -> Result<(), migrate::MigrateError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Before anything writes (switching to WAL rewrites the header): a non-SQLite
        // file or one from a newer build must be left exactly as it was.
        migrate::check_version(conn)?;
        // Only a new file takes it (before WAL and the first table); older ones keep theirs.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        // Keeps the WAL file from staying at its high-water mark after a burst.
        conn.query_row("PRAGMA journal_size_limit = 4194304", [], |_| Ok(()))?;
        conn.set_prepared_statement_cache_capacity(32);
        migrate::migrate(conn)
    };
    setup(conn)
}
