//! The store's reads of the past: a screen at an instant and the rounds around it (time
//! travel), two windows of statements side by side, and what `replay` needs (a private
//! copy of a file, its targets and the span it covers).

use super::writer::Command;
use super::{BUSY_TIMEOUT, Moment, StatementChange, Store, StoreError, migrate, moment};
use super::{Depth, Toward};
use crate::model::{TargetId, TargetInfo, Timestamp};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

impl Store {
    /// A private copy of the history file at `source`, taken consistently (its WAL
    /// included, even while an agent writes it) into `into` and opened there: `replay`
    /// never changes, locks or migrates the file it was given. Blocking I/O.
    pub fn open_copy(source: &Path, into: &Path, retention: Duration) -> Result<Store, StoreError> {
        let open_err = |message: String| StoreError::Open { path: source.display().to_string(), message };
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(source, flags).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open_err(e.to_string()))?;
        migrate::check_version(&conn).map_err(|e| open_err(e.to_string()))?;
        let target = into.to_str().ok_or_else(|| open_err(format!("{} is not UTF-8", into.display())))?;
        conn.execute("VACUUM INTO ?1", [target]).map_err(|e| open_err(format!("cannot copy it: {e}")))?;
        drop(conn);
        Self::open(into, retention)
    }

    /// What `target` looked like at `at` (see `Moment`), with up to `changes_limit`
    /// schema changes found until then.
    pub async fn moment(
        &self,
        target: &TargetId,
        at: Timestamp,
        depth: Depth,
        changes_limit: usize,
    ) -> Result<Moment, StoreError> {
        let target = target.0.clone();
        self.call(|reply| Command::Moment { target, at, depth, changes_limit, reply }).await
    }

    /// Every target of `targets` (name, headline metric) at `at` as the Overview lists it:
    /// status and figures (`Depth::Overview`), and the headline's points over `[from, at]`.
    /// One command for the whole fleet, so a hundred targets cost one trip to the writer.
    pub async fn fleet_at(
        &self,
        targets: Vec<(String, String)>,
        at: Timestamp,
        from: Timestamp,
    ) -> Result<Vec<moment::FleetMember>, StoreError> {
        self.call(|reply| Command::Fleet { targets, at, from, reply }).await
    }

    /// The statements of two windows `(from, to]` side by side, ranked by the total time
    /// gained from `before` to `now` (see `compare.rs`).
    pub async fn compare_statements(
        &self,
        target: &TargetId,
        now: (Timestamp, Timestamp),
        before: (Timestamp, Timestamp),
    ) -> Result<Vec<StatementChange>, StoreError> {
        let target = target.0.clone();
        self.call(|reply| Command::Compare { target, now, before, reply }).await
    }

    /// The instant of `target`'s collection round nearest `at` in the direction asked.
    pub async fn round_near(
        &self,
        target: &TargetId,
        at: Timestamp,
        toward: Toward,
    ) -> Result<Option<Timestamp>, StoreError> {
        let target = target.0.clone();
        self.call(|reply| Command::RoundNear { target, at, toward, reply }).await
    }

    /// Notes the monitored targets (engine, endpoint, tags) in the file, for `replay`.
    pub async fn remember_targets(&self, targets: Vec<TargetInfo>) -> Result<(), StoreError> {
        self.call(|reply| Command::RememberTargets(targets, reply)).await
    }

    /// Every target the file holds data of, by name.
    pub async fn recorded_targets(&self) -> Result<Vec<TargetInfo>, StoreError> {
        self.call(Command::RecordedTargets).await
    }

    /// The oldest and newest snapshot instants of the whole file, if any.
    pub async fn recorded_range(&self) -> Result<Option<(Timestamp, Timestamp)>, StoreError> {
        self.call(Command::RecordedRange).await
    }
}

#[cfg(test)]
#[path = "past_tests.rs"]
mod tests;
