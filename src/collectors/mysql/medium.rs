//! Medium tier: statement digests, replication, InnoDB status, database sizes.
//!
//! - `digests.rs` (`digest_deltas.rs`, `own_statements.rs`): statement digests as deltas.
//! - `replication.rs`: replica status per channel, connected replicas.
//! - `innodb_status.rs` (`deadlock.rs`): history list, checkpoint age, buffer pool, the
//!   latest deadlock.
//! - `sizes.rs`: data + index size per schema, every `sizes::EVERY_ROUNDS`th round.
//!
//! Cost on an idle server: six small statements per round (consumers, digests since the
//! previous read, replica status, binlog dump threads, InnoDB status, redo size), plus
//! digest texts the first time a digest shows up and the size reads every tenth round.

mod deadlock;
mod digest_deltas;
mod digests;
mod innodb_status;
mod own_statements;
mod replication;
mod sizes;

use super::MysqlCollector;
use super::version::Server;
use crate::collectors::{CollectError, Collected};
use crate::model::{DatabaseStat, Metric, PostureFact, Replication, SampleBody};

/// Every statement of this tier (for the read-only test). The digest and text reads are
/// sent with a server time or a list of hashes in place of their quoted placeholder.
pub const STATEMENTS: &[&str] = &[
    digests::DIGESTS,
    digests::DIGESTS_SINCE,
    digests::DIGESTS_CPU,
    digests::DIGESTS_CPU_SINCE,
    digests::DIGEST_TEXTS,
    digests::CONSUMERS,
    replication::REPLICA_STATUS,
    replication::SLAVE_STATUS,
    replication::ALL_REPLICAS_STATUS,
    replication::ALL_SLAVES_STATUS,
    replication::BINLOG_DUMPS,
    innodb_status::INNODB_STATUS,
    innodb_status::REDO_VARIABLES,
    sizes::TABLE_COUNT,
    sizes::SIZES,
    sizes::CURRENT_DATABASE_SIZE,
];

#[derive(Debug)]
pub struct MediumState {
    pub(super) digests: digest_deltas::DigestDeltas,
    texts: own_statements::DigestTexts,
    /// Medium rounds on this connection (sizes are read every tenth, from the first).
    round: u64,
    /// Told once per connection: replica status was refused.
    told_replica_status: bool,
    /// The latest deadlock InnoDB reported (None after a restart cleared it).
    deadlock: Option<deadlock::Deadlock>,
}

impl Default for MediumState {
    fn default() -> Self {
        Self {
            digests: Default::default(),
            texts: own_statements::DigestTexts::new(digests::TEXT_CACHE_CAP),
            round: 0,
            told_replica_status: false,
            deadlock: None,
        }
    }
}

impl MediumState {
    /// Texts and the deadlock stay valid across reconnects; counter baselines do not.
    pub fn forget(&mut self) {
        self.digests.clear();
        self.round = 0;
        self.told_replica_status = false;
    }

    /// Posture facts found by this tier (`deadlock.latest`), for the tier that sends the
    /// Posture body: a Posture body replaces the previous one whole, so every fact has to
    /// travel in the one the low tier sends.
    pub(super) fn posture_facts(&self) -> Vec<PostureFact> {
        self.deadlock.iter().map(deadlock::Deadlock::fact).collect()
    }
}

impl MysqlCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut metrics = Vec::new();
        let Some(server) = self.server().cloned() else {
            return Err(self.lost("not connected"));
        };
        let queries = self.read_digests(&server, &mut problems, &mut metrics).await?;
        let mut bodies = vec![SampleBody::Queries(queries)];
        if let Some(replication) = self.read_replication(&server, &mut problems, &mut metrics).await? {
            bodies.push(SampleBody::Replication(replication));
        }
        self.read_innodb_status(&server, &mut problems, &mut metrics).await?;
        if sizes::due(self.medium.round)
            && let Some(databases) = self.read_sizes(&server, &mut problems, &mut metrics).await?
        {
            bodies.push(SampleBody::Databases(databases));
        }
        self.medium.round += 1;
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_replication(
        &mut self,
        server: &Server,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<Option<Replication>, CollectError> {
        let channels = match self.query_raw(replication::replica_status_sql(server)).await? {
            Ok(rows) => Some(replication::channels(&rows)),
            Err(refusal) => {
                // Most sources are not replicas: being unable to tell is said once, not
                // every round.
                if !self.medium.told_replica_status {
                    self.medium.told_replica_status = true;
                    problems.push(format!(
                        "replica status: {} (error {}); to see replication, {}",
                        refusal.message,
                        refusal.code,
                        replication::grant_hint(server)
                    ));
                }
                None
            }
        };
        let replicas = self
            .rows("binlog dump threads", replication::BINLOG_DUMPS, problems)
            .await?
            .map(|rows| replication::replicas(&rows));
        let (body, replication_metrics) = replication::replication(channels.as_deref(), replicas);
        metrics.extend(replication_metrics);
        Ok(body)
    }

    async fn read_innodb_status(
        &mut self,
        server: &Server,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<(), CollectError> {
        let Some(rows) = self.rows("InnoDB status", innodb_status::INNODB_STATUS, problems).await? else {
            return Ok(());
        };
        let Some(status) = innodb_status::status_text(&rows).map(innodb_status::parse) else {
            return Ok(());
        };
        let capacity = self
            .rows("redo log size", innodb_status::REDO_VARIABLES, problems)
            .await?
            .and_then(|rows| innodb_status::redo_capacity(&rows));
        // MariaDB has the history list length as a status counter, read by the high tier.
        metrics.extend(innodb_status::metrics(&status, capacity, !server.is_mariadb()));
        self.medium.deadlock = status.deadlock;
        Ok(())
    }

    async fn read_sizes(
        &mut self,
        server: &Server,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<Option<Vec<DatabaseStat>>, CollectError> {
        let count = if sizes::opens_tables(server) {
            match self.rows("table count", sizes::TABLE_COUNT, problems).await? {
                Some(rows) => rows.first().and_then(|r| r.uint("tables")),
                None => return Ok(None),
            }
        } else {
            None
        };
        let Some(rows) = self.rows("database sizes", sizes::sizes_sql(count), problems).await? else {
            return Ok(None);
        };
        let (databases, size_metrics) = sizes::parse(&rows);
        metrics.extend(size_metrics);
        Ok(Some(databases))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_of_the_tier_is_listed() {
        let parts =
            [digests::TEMPLATES, replication::STATEMENTS, innodb_status::STATEMENTS, sizes::STATEMENTS];
        for sql in parts.iter().flat_map(|p| p.iter()) {
            assert!(STATEMENTS.contains(sql), "not in medium::STATEMENTS:\n{sql}");
        }
        assert_eq!(STATEMENTS.len(), parts.iter().map(|p| p.len()).sum::<usize>());
    }

    #[test]
    fn the_latest_deadlock_is_a_posture_fact() {
        let mut state = MediumState::default();
        assert!(state.posture_facts().is_empty());
        let text = include_str!("medium/fixtures/innodb_status_mysql_8_0.txt");
        state.deadlock = innodb_status::parse(text).deadlock;
        let facts = state.posture_facts();
        assert_eq!(facts.len(), 1);
        assert_eq!(
            (facts[0].name.as_str(), facts[0].key.as_str()),
            ("deadlock.latest", "2024-05-01 10:02:47")
        );
        state.forget();
        assert_eq!(state.posture_facts().len(), 1, "a reconnect does not forget it");
    }
}
