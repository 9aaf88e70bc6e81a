//! Medium tier, storage part: the database's room and its standby.
//!
//! - `database.rs`: `v$database` (role, open and protection mode) and the data files'
//!   size → Databases, `database_size_bytes`.
//! - `tablespaces.rs`: use against the autoextend maximum, temp held by sessions.
//! - `memory.rs`: SGA and PGA; `redo.rs`: log switches per hour and the log groups;
//!   `limits.rs`: processes/sessions against their limits, the fast recovery area.
//! - `dataguard.rs`: standby lag and apply state, or the primary's archive destinations
//!   → Replication; `interval.rs`: the interval and date strings of `v$dataguard_stats`.
//!
//! A physical standby that is only MOUNTED refuses the data dictionary (ORA-01219): the
//! tablespace read is skipped with one problem line (the target is DEGRADED, not DOWN)
//! and every v$ view, which answers when mounted, is still read. docs/oracle.md
//! "Medium tier: storage and standby".

mod database;
mod dataguard;
mod interval;
mod limits;
mod memory;
mod redo;
mod tablespaces;

use super::super::{MAX_ROWS, OracleCollector, failure};
use crate::collectors::{CollectError, Collected};
use crate::model::{Metric, SampleBody};
use database::Database;

/// Every statement of this part (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    database::DATABASE,
    tablespaces::TABLESPACES,
    memory::MEMORY,
    redo::REDO_LOGS,
    limits::RESOURCE_LIMITS,
    limits::RECOVERY_AREA,
    dataguard::STANDBY_LAG,
    dataguard::APPLY_PROCESSES,
    dataguard::MANAGED_STANDBY,
    dataguard::ARCHIVE_DESTS,
];

/// The problem line of a mounted database (a standby without Active Data Guard).
pub const MOUNTED_PROBLEM: &str = "tablespaces: not read while the database is MOUNTED (not open): the data \
     dictionary answers only once it is open (ORA-01219); redo, memory, limits and Data Guard are read from the \
     v$ views";

/// What this part remembers between rounds.
#[derive(Debug, Default)]
pub struct StorageState {
    /// `v$dataguard_process` was refused and `v$managed_standby` answered: ask the
    /// older view first from now on.
    use_managed_standby: bool,
}

impl OracleCollector {
    pub(in crate::collectors::oracle) async fn read_storage(
        &mut self,
        out: &mut Collected,
    ) -> Result<(), CollectError> {
        let mut problems = Vec::new();
        let mut metrics = Vec::new();
        let db = self.rows("database role", database::DATABASE, &mut problems).await?;
        let db = db.as_deref().and_then(database::parse);
        if let Some((stat, size)) = db.as_ref().and_then(database::size) {
            out.bodies.push(SampleBody::Databases(vec![stat]));
            metrics.push(size);
        }
        if db.as_ref().is_some_and(Database::is_mounted_only) {
            problems.push(MOUNTED_PROBLEM.to_owned());
        } else if let Some(rows) = self.rows("tablespaces", tablespaces::TABLESPACES, &mut problems).await? {
            metrics.extend(tablespaces::metrics(&tablespaces::parse(&rows)));
        }
        self.read_instance_room(&mut metrics, &mut problems).await?;
        if let Some(db) = &db {
            self.read_dataguard(db, out, &mut metrics, &mut problems).await?;
        }
        out.bodies.push(SampleBody::Metrics(metrics));
        out.problems.extend(problems);
        Ok(())
    }

    /// Memory, redo, resource limits, recovery area: small v$ reads.
    async fn read_instance_room(
        &mut self,
        metrics: &mut Vec<Metric>,
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        if let Some(rows) = self.rows("SGA and PGA", memory::MEMORY, problems).await? {
            metrics.extend(memory::metrics(&memory::parse(&rows)));
        }
        if let Some(rows) = self.rows("redo logs", redo::REDO_LOGS, problems).await? {
            metrics.extend(redo::metrics(&redo::parse(&rows)));
        }
        if let Some(rows) = self.rows("resource limits", limits::RESOURCE_LIMITS, problems).await? {
            metrics.extend(limits::resource_metrics(&rows));
        }
        if let Some(rows) = self.rows("fast recovery area", limits::RECOVERY_AREA, problems).await? {
            metrics.extend(limits::recovery_area_metrics(limits::recovery_area(&rows).as_ref()));
        }
        Ok(())
    }

    async fn read_dataguard(
        &mut self,
        db: &Database,
        out: &mut Collected,
        metrics: &mut Vec<Metric>,
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        if db.is_primary() {
            let Some(rows) = self.rows("archive destinations", dataguard::ARCHIVE_DESTS, problems).await?
            else {
                return Ok(());
            };
            let (body, dest_metrics) = dataguard::primary(&dataguard::archive_dests(&rows));
            metrics.extend(dest_metrics);
            out.bodies.extend(body.map(SampleBody::Replication));
            return Ok(());
        }
        let lag = self.rows("Data Guard lag", dataguard::STANDBY_LAG, problems).await?;
        let lag = lag.as_deref().map(dataguard::standby_lag);
        let apply = self.read_apply_state(problems).await?;
        let (body, standby_metrics) = dataguard::standby(db, lag.as_ref(), apply.as_ref());
        metrics.extend(standby_metrics);
        out.bodies.push(SampleBody::Replication(body));
        Ok(())
    }

    /// Redo apply and receipt from `v$dataguard_process`, else `v$managed_standby`; one
    /// problem line (the first view's refusal) only when neither answers.
    async fn read_apply_state(
        &mut self,
        problems: &mut Vec<String>,
    ) -> Result<Option<dataguard::ApplyState>, CollectError> {
        let mut order = [dataguard::APPLY_PROCESSES, dataguard::MANAGED_STANDBY];
        if self.medium.storage.use_managed_standby {
            order.reverse();
        }
        let mut first_refusal = None;
        for sql in order {
            match self.query_raw(sql, Vec::new(), MAX_ROWS).await? {
                Ok(rows) => {
                    self.medium.storage.use_managed_standby = sql == dataguard::MANAGED_STANDBY;
                    return Ok(Some(dataguard::apply_state(&rows)));
                }
                Err(refusal) => {
                    first_refusal.get_or_insert(refusal);
                }
            }
        }
        if let Some(refusal) = first_refusal {
            problems.push(failure::refusal_problem(
                "Data Guard apply state",
                &refusal,
                &self.target.username,
            ));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod round_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_listed_once() {
        let mut all = STATEMENTS.to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), STATEMENTS.len());
        assert!(crate::collectors::oracle::queries::all().contains(&tablespaces::TABLESPACES));
    }
}
