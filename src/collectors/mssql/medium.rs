//! Medium tier: statement statistics, database files and space, deadlock reports,
//! Availability Groups.
//!
//! - `statements.rs`: Query Store per database (`query_store.rs`, `query_store_deltas.rs`,
//!   `query_store_state.rs`) or the plan cache (`plan_cache.rs`), as deltas; texts once
//!   per statement (`texts.rs`); the figures shared by both (`totals.rs`).
//! - `files.rs`: sizes per database and file, log and tempdb in use.
//! - `deadlocks.rs` (`deadlock.rs`, `deadlock_summary.rs`): the system_health ring
//!   buffer's deadlock reports, read when the deadlock counter moved.
//! - `availability_groups.rs`: replicas, synchronization, queues, estimated lag.
//! - `built.rs`: what may go into a statement built at run time.
//!
//! Cost of an idle round on a server with a few databases: the database list, one
//! Query Store read per recording database (or one plan-cache read), three file and
//! space reads, the deadlock counter, the AG read; texts only for statements never seen,
//! the ring buffer only when a deadlock happened.

mod availability_groups;
mod built;
mod deadlock;
mod deadlock_summary;
mod deadlocks;
mod files;
mod plan_cache;
mod query_store;
mod query_store_deltas;
mod query_store_state;
mod statements;
mod texts;
mod totals;

use super::metric as ms;
use super::{MssqlCollector, refusal_problem};
use crate::collectors::{CollectError, Collected};
use crate::model::{DatabaseStat, Metric, PostureFact, SampleBody};

/// Every statement of this tier (for the read-only test). Statements built at run time
/// are these with a bracket-quoted database name, a checked server time, numbers or
/// hashes in place of their `{…}` placeholders.
pub const STATEMENTS: &[&str] = &[
    query_store::DATABASES,
    query_store::RUNTIME_2016,
    query_store::RUNTIME_2016_SINCE,
    query_store::RUNTIME_2017,
    query_store::RUNTIME_2017_SINCE,
    query_store::TEXTS,
    plan_cache::QUERY_STATS,
    plan_cache::QUERY_STATS_SINCE,
    plan_cache::TEXTS,
    files::FILES,
    files::LOG_SPACE,
    files::TEMPDB_SPACE,
    deadlocks::COUNTER,
    deadlocks::LATEST,
    deadlocks::SINCE,
    availability_groups::REPLICAS,
];

#[derive(Debug, Default)]
pub struct MediumState {
    statements: statements::StatementsState,
    deadlocks: deadlocks::DeadlockWatch,
    /// Files that cannot grow or are almost at their max_size, as of the latest round.
    file_facts: Vec<PostureFact>,
}

impl MediumState {
    /// The first reads report their totals (`logstag snapshot` without `--interval`).
    pub fn report_totals(&mut self) {
        self.statements.report_totals();
    }

    /// Baselines do not survive a reconnect; texts and the latest deadlock do.
    pub fn forget(&mut self) {
        self.statements.forget();
        self.deadlocks.forget();
    }

    /// Posture facts found by this tier (`deadlock.latest`, `query_store.state`,
    /// `statements.source`, `database_file.full_risk`), for the tier that sends the
    /// Posture body: a Posture body replaces the previous one whole, so every fact has to
    /// travel in the one the low tier sends.
    // Called by the low tier, which sends the one Posture body.
    pub(super) fn posture_facts(&self) -> Vec<PostureFact> {
        let mut facts: Vec<PostureFact> = self.deadlocks.latest().cloned().into_iter().collect();
        facts.extend(self.statements.posture_facts());
        facts.extend(self.file_facts.iter().cloned());
        facts
    }
}

impl MssqlCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        if self.conn.is_none() {
            return Err(self.lost("not connected"));
        }
        let mut problems = Vec::new();
        let mut metrics = Vec::new();
        let queries = self.read_statements(&mut problems, &mut metrics).await?;
        let mut bodies = vec![SampleBody::Queries(queries)];
        if let Some(databases) = self.read_files(&mut problems, &mut metrics).await? {
            bodies.push(SampleBody::Databases(databases));
        }
        self.read_deadlocks(&mut problems, &mut metrics).await?;
        if let Some(rows) =
            self.rows("Availability Groups", availability_groups::REPLICAS, &mut problems).await?
        {
            let (body, ag_metrics) = availability_groups::replication(&availability_groups::parse(&rows));
            metrics.extend(ag_metrics);
            bodies.extend(body.map(SampleBody::Replication));
        }
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_files(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<Option<Vec<DatabaseStat>>, CollectError> {
        if let Some(rows) = self.rows("log space", files::LOG_SPACE, problems).await? {
            metrics.extend(files::log_used(&rows));
        }
        if let Some(rows) = self.rows("tempdb space", files::TEMPDB_SPACE, problems).await? {
            metrics.extend(files::tempdb_used(&rows));
        }
        let Some(rows) = self.rows("database files", files::FILES, problems).await? else {
            return Ok(None);
        };
        let list = files::files(&rows);
        // sys.master_files hides the files of databases the login may not see: no error.
        let hidden = self.medium.statements.databases_without(&list);
        if !hidden.is_empty() {
            problems.push(files::hidden_problem(&hidden, &self.target.username));
        }
        let (stats, size_metrics) = files::databases(&list);
        metrics.extend(size_metrics);
        self.medium.file_facts = files::full_risk(&list);
        Ok(Some(stats))
    }

    async fn read_deadlocks(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<(), CollectError> {
        let counter = match self.query_raw(deadlocks::COUNTER).await? {
            Ok(rows) => rows.first().and_then(|r| r.uint("deadlocks")),
            Err(refusal) => {
                problems.push(refusal_problem("deadlock counter", &refusal));
                None
            }
        };
        let reports = match self.medium.deadlocks.step(counter) {
            deadlocks::Step::Nothing => Some(deadlocks::Reports::default()),
            deadlocks::Step::Read(sql) => self
                .rows("deadlock reports (system_health ring buffer)", &sql, problems)
                .await?
                .map(|rows| deadlocks::parse_reports(&rows)),
        };
        if let Some(count) = reports.and_then(|r| self.medium.deadlocks.took(r)) {
            metrics.push(Metric::new(ms::DEADLOCK_REPORTS, count as f64));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "medium/outside_input_tests.rs"]
mod outside_input_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_of_the_tier_is_listed() {
        let parts = [
            query_store::STATEMENTS,
            plan_cache::STATEMENTS,
            files::STATEMENTS,
            deadlocks::STATEMENTS,
            availability_groups::STATEMENTS,
        ];
        for sql in parts.iter().flat_map(|p| p.iter()) {
            assert!(STATEMENTS.contains(sql), "not in medium::STATEMENTS:\n{sql}");
        }
        assert_eq!(STATEMENTS.len(), parts.iter().map(|p| p.len()).sum::<usize>());
        for sql in STATEMENTS {
            assert!(!sql.to_ascii_uppercase().contains("RECOMPILE") && !sql.contains("SELECT *"), "{sql}");
        }
    }

    #[test]
    fn posture_facts_gather_the_tier_findings() {
        let mut state = MediumState::default();
        assert!(state.posture_facts().is_empty());
        let xml = include_str!("medium/fixtures/deadlock_two_sessions_event.xml");
        let escaped = xml.replace('\t', "\\t").replace('\n', "\\n");
        let rows = super::super::rows::from_batch(&format!(
            "event_time\treports\treport_xml\n2024-05-01 10:14:07.311000\t1\t{escaped}\n"
        ));
        let _ = state.deadlocks.step(Some(1));
        state.deadlocks.took(deadlocks::parse_reports(&rows));
        state.file_facts = vec![PostureFact {
            name: files::FULL_RISK_FACT.into(),
            key: "shop/shop".into(),
            value: "x".into(),
        }];
        let names: Vec<String> = state.posture_facts().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["deadlock.latest", "database_file.full_risk"]);
        state.forget();
        assert_eq!(state.posture_facts().len(), 2, "a reconnect keeps them");
    }
}
