//! Medium tier (60 s): the workload (`medium/workload.rs`: wait events and classes,
//! system statistics, top SQL from `v$sqlstats`, ASH when licensed) and the database's
//! room and standby (`medium/storage.rs`: tablespaces, temp, memory, redo, Data Guard,
//! resource limits). docs/oracle.md "Medium tier".

pub mod storage;
pub mod workload;

use super::OracleCollector;
use crate::collectors::{CollectError, Collected};

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct MediumState {
    pub workload: workload::WorkloadState,
    pub storage: storage::StorageState,
}

impl MediumState {
    /// Forgets the baselines; a single reading's wish for totals stays.
    pub fn forget(&mut self) {
        let totals = self.workload.totals_on_baseline();
        *self = Self::default();
        self.workload.report_totals(totals);
    }
}

impl OracleCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        let mut out = Collected::default();
        self.read_workload(&mut out).await?;
        self.read_storage(&mut out).await?;
        Ok(out)
    }
}
