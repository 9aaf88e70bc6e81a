//! The local history: a SQLite file (WAL) owned by one writer thread. `Store` is a
//! cheap-clone async handle; every call is a command sent to that thread, so neither
//! the collectors nor the UI ever touch the disk themselves.
//!
//! SKELETON: the store helper replaces the bodies below; the signatures are the contract.

use crate::model::{QueryStat, Sample, TargetId, Timestamp};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("history database {path}: {message}")]
    Open { path: String, message: String },
    #[error("history database: {0}")]
    Sqlite(String),
    #[error("history writer has stopped")]
    Closed,
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneStats {
    pub points: u64,
    pub snapshots: u64,
}

#[derive(Clone, Debug)]
pub struct Store {}

impl Store {
    /// Opens (creating and migrating) the history file. `retention` is how long samples are kept.
    pub fn open(_path: &Path, _retention: Duration) -> Result<Store, StoreError> {
        Ok(Store {})
    }

    /// A private in-memory history (tests, `snapshot`).
    pub fn open_in_memory(_retention: Duration) -> Result<Store, StoreError> {
        Ok(Store {})
    }

    /// Records one collection round in one transaction: metric points into the
    /// time-series table, every body as a JSON snapshot for scroll-back.
    pub async fn record(&self, _round: Vec<Sample>) -> Result<(), StoreError> {
        Ok(())
    }

    /// Points of one metric series in `[from, to]`, oldest first. `key` None = every key
    /// summed per timestamp is NOT done: None selects the empty key (instance-wide value).
    pub async fn series(
        &self,
        _target: &TargetId,
        _metric: &str,
        _key: Option<&str>,
        _from: Timestamp,
        _to: Timestamp,
    ) -> Result<Vec<(Timestamp, f64)>, StoreError> {
        Ok(Vec::new())
    }

    /// All keyed series of one metric in `[from, to]` (e.g. sessions by state): key → points.
    pub async fn series_by_key(
        &self,
        _target: &TargetId,
        _metric: &str,
        _from: Timestamp,
        _to: Timestamp,
    ) -> Result<Vec<(String, Vec<(Timestamp, f64)>)>, StoreError> {
        Ok(Vec::new())
    }

    /// The newest snapshot of `kind` (a `SampleBody::kind()`) taken at or before `at`,
    /// for scrolling back in time.
    pub async fn snapshot_at(
        &self,
        _target: &TargetId,
        _kind: &str,
        _at: Timestamp,
    ) -> Result<Option<Sample>, StoreError> {
        Ok(None)
    }

    /// Per-interval history of one statement (query detail view), oldest first.
    pub async fn query_history(
        &self,
        _target: &TargetId,
        _query_id: &str,
        _from: Timestamp,
        _to: Timestamp,
    ) -> Result<Vec<(Timestamp, QueryStat)>, StoreError> {
        Ok(Vec::new())
    }

    /// Deletes what is older than the retention, measured from `now`.
    pub async fn prune(&self, _now: Timestamp) -> Result<PruneStats, StoreError> {
        Ok(PruneStats::default())
    }
}
