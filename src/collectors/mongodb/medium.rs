//! Medium tier (every 60 s): `top` deltas per collection (mongotop) and the profiler's
//! slow operations as the Queries tab, replica set and oplog state, a sharded cluster's
//! shards and balancer, database sizes.
//!
//! - `databases.rs`: `listDatabases` (sizes, and the names the profiler reads), `dbStats`
//!   of the target's own database.
//! - `top.rs`: per-namespace time and counts as deltas; `columns.rs`: the Queries tab.
//! - `profiler.rs`: `system.profile` where the user enabled profiling (never changed here).
//! - `replication.rs`: `replSetGetStatus`; `oplog.rs`: the oplog's window and size.
//! - `sharding.rs`: `listShards`, `balancerStatus` on mongos; `pools.rs`: `connPoolStats`.
//!
//! What runs where: a mongos has no `top`, no profiler collection and no replica set
//! status of its own (its shards do), so it reads shards and balancer instead and its
//! Queries tab says why it is empty, without a problem each minute. An arbiter holds no
//! data: only the replica set status. A standalone answers `replSetGetStatus` with
//! `NoReplicationEnabled`, which is not a problem.
//!
//! Cost of a round on a replica set member with a few databases: listDatabases, top,
//! replSetGetStatus, two one-entry oplog reads and one `$collStats`, one `profile: -1`
//! per database (at most 100), a `system.profile` read only where profiling is on,
//! connPoolStats.

pub(super) mod columns;
mod databases;
mod oplog;
mod pools;
mod profiler;
mod replication;
mod sharding;
mod top;

use super::{MongoCollector, ServerFacts, Topology, metric as mg, refusal_problem};
use crate::collectors::{CollectError, Collected, Collector};
use crate::model::{Metric, QueryStat, QueryStatsSnapshot, SampleBody, StatsAvailability, Timestamp};
use mongodb::bson::Document;

/// Why a mongos shows no collection time (no problem: it never has `top`).
pub const ROUTER_HAS_NO_TOP: &str = "mongos keeps no per-collection time (top runs on each shard's mongod): \
add the shards' members as targets to see their collections";

/// Baselines between rounds.
#[derive(Debug, Default)]
pub struct MediumState {
    top: Option<top::Baseline>,
    /// The baseline read reports the totals (a single reading: `logstag snapshot`).
    pub totals_on_baseline: bool,
    /// The server's start, from the high tier (what `top` counts from).
    pub started_at: Option<Timestamp>,
    profiler: profiler::Watermarks,
    profiler_read_at: Option<Timestamp>,
    elections: replication::Elections,
}

impl MediumState {
    /// Counter baselines do not survive a reconnect (the server may have restarted);
    /// the profiler's watermarks are server times and do.
    pub fn forget(&mut self) {
        self.top = None;
        self.profiler_read_at = None;
        self.elections = replication::Elections::default();
    }
}

fn unavailable(reason: String, stats: Vec<QueryStat>) -> QueryStatsSnapshot {
    QueryStatsSnapshot {
        availability: StatsAvailability::Unavailable(reason),
        since: None,
        stats,
        tracked: 0,
        reset_detected: false,
        evicted: None,
    }
}

/// Where this member stands: (mongos, arbiter).
fn roles(facts: &ServerFacts) -> (bool, bool) {
    match facts.topology {
        Topology::Router => (true, false),
        Topology::ReplicaSet { arbiter, .. } => (false, arbiter),
        Topology::Standalone => (false, false),
    }
}

impl MongoCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        if self.conn.is_none() {
            return Err(self.lost("not connected"));
        }
        let facts = self.facts();
        let (router, arbiter) = roles(&facts);
        let mut problems = Vec::new();
        let mut metrics = Vec::new();
        let mut bodies = Vec::new();
        if !arbiter {
            let mut names = Vec::new();
            let list = databases::list_command();
            if let Some(reply) =
                self.command("database sizes (listDatabases)", "admin", list, &mut problems).await?
            {
                let (stats, sizes) = databases::parse_list(&reply);
                names = databases::names(&stats);
                metrics.extend(sizes);
                bodies.push(SampleBody::Databases(stats));
            }
            let own = self.target.database.clone();
            if !own.is_empty()
                && let Some(reply) = self
                    .command("database stats (dbStats)", &own, databases::stats_command(), &mut problems)
                    .await?
            {
                metrics.extend(databases::stats_metrics(&reply));
            }
            let queries = if router {
                unavailable(ROUTER_HAS_NO_TOP.to_owned(), Vec::new())
            } else {
                let mut queries = self.read_top(&mut problems, &mut metrics).await?;
                let profiled = self.read_profiler(&facts, &names, &mut problems, &mut metrics).await?;
                queries.stats.extend(profiled);
                queries
            };
            bodies.push(SampleBody::Queries(queries));
        }
        if router {
            self.read_sharding(&mut problems, &mut metrics, &mut bodies).await?;
        } else {
            self.read_replica_set(arbiter, &mut problems, &mut metrics, &mut bodies).await?;
        }
        // A standalone has no pools worth telling; an arbiter none at all.
        if router || matches!(facts.topology, Topology::ReplicaSet { arbiter: false, .. }) {
            let pools = pools::command();
            if let Some(reply) =
                self.command("connection pools (connPoolStats)", "admin", pools, &mut problems).await?
            {
                metrics.extend(pools::metrics(&reply));
            }
        }
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_top(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        let at = Timestamp::now();
        match self.command_raw("admin", top::command()).await? {
            Ok(reply) => {
                let interval = if self.medium.top.is_none() && self.medium.totals_on_baseline {
                    top::totals(&mut self.medium.top, at, top::parse(&reply), self.medium.started_at)
                } else {
                    top::advance(&mut self.medium.top, at, top::parse(&reply))
                };
                let (snapshot, rates) = top::snapshot(&interval);
                metrics.extend(rates);
                Ok(snapshot)
            }
            Err(refusal) => {
                self.medium.top = None;
                let problem = refusal_problem("per-collection time (top)", &refusal);
                problems.push(problem.clone());
                Ok(unavailable(problem, Vec::new()))
            }
        }
    }

    /// Rows from `system.profile` of the databases where profiling is on.
    async fn read_profiler(
        &mut self,
        facts: &ServerFacts,
        databases: &[String],
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<Vec<QueryStat>, CollectError> {
        // A find projection takes expressions from 4.4 on; an unknown version is a new one.
        let expressions = facts.major == 0 || (facts.major, facts.minor) >= (4, 4);
        let now = Timestamp::now();
        let (mut entries, mut profiling, mut refused) = (Vec::new(), false, Vec::new());
        for db in profiler::profilable(databases) {
            let level = match self.command_raw(&db, profiler::level_command()).await? {
                Ok(reply) => profiler::level(&reply).unwrap_or(0),
                Err(refusal) => {
                    refused.push((db, refusal));
                    continue;
                }
            };
            if level <= 0 {
                self.medium.profiler.off(&db);
                continue;
            }
            profiling = true;
            let find = profiler::find_command(self.medium.profiler.after(&db, now.millis()), expressions);
            let what = format!("profiler entries ({db}.system.profile)");
            if let Some(found) = self.documents(&what, &db, find, profiler::LIMIT, problems).await? {
                let read = profiler::parse(&found);
                self.medium.profiler.saw(&db, &read);
                entries.extend(read);
            }
        }
        if let Some((first, refusal)) = refused.first() {
            let what = format!("profiling level of {} database(s), {first} first", refused.len());
            problems.push(refusal_problem(&what, refusal));
        }
        if profiling {
            let minutes =
                self.medium.profiler_read_at.map_or(1.0, |before| now.since(before).as_secs_f64() / 60.0);
            if minutes > 0.0 {
                metrics.push(Metric::new(mg::PROFILED_OPS_PER_MIN, entries.len() as f64 / minutes));
            }
            self.medium.profiler_read_at = Some(now);
        } else {
            self.medium.profiler_read_at = None;
        }
        Ok(profiler::query_stats(&entries))
    }

    async fn read_replica_set(
        &mut self,
        arbiter: bool,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
        bodies: &mut Vec<SampleBody>,
    ) -> Result<(), CollectError> {
        let status = match self.command_raw("admin", replication::status_command()).await? {
            Ok(reply) => replication::parse(&reply),
            Err(refusal) if replication::not_a_replica_set(&refusal) => return Ok(()),
            Err(refusal) => {
                problems.push(refusal_problem("replica set status (replSetGetStatus)", &refusal));
                return Ok(());
            }
        };
        metrics.extend(replication::metrics(&status));
        if let Some(per_min) = self.medium.elections.per_min(Timestamp::now(), status.term) {
            metrics.push(Metric::new(mg::ELECTIONS_PER_MIN, per_min));
        }
        bodies.push(SampleBody::Replication(replication::replication(&status)));
        if !arbiter && status.my_state != replication::ARBITER {
            self.read_oplog(problems, metrics).await?;
        }
        Ok(())
    }

    async fn read_oplog(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<(), CollectError> {
        let first =
            self.oplog_document("oplog window (oldest entry)", oplog::edge_command(false), problems).await?;
        let last = match first {
            Some(_) => {
                self.oplog_document("oplog window (newest entry)", oplog::edge_command(true), problems)
                    .await?
            }
            None => None,
        };
        if let (Some(first), Some(last)) = (first, last)
            && let Some(window) = oplog::window_s(&first, &last)
        {
            metrics.push(Metric::new(mg::OPLOG_WINDOW_S, window));
        }
        if let Some(stats) =
            self.oplog_document("oplog size ($collStats)", oplog::size_command(), problems).await?
        {
            metrics.extend(oplog::size_metrics(&stats));
        }
        Ok(())
    }

    /// The first document of a read on `local.oplog.rs`. Reading `local` may need more
    /// than clusterMonitor: the refusal says what to grant.
    async fn oplog_document(
        &mut self,
        what: &str,
        command: Document,
        problems: &mut Vec<String>,
    ) -> Result<Option<Document>, CollectError> {
        let Some(conn) = self.conn.as_ref() else { return Err(self.lost("not connected")) };
        let result = conn.documents("local", command, 1).await;
        if result.is_err() {
            self.disconnect();
        }
        Ok(match result? {
            Ok(documents) => documents.into_iter().next(),
            Err(refusal) if refusal.code == super::connect::code::UNAUTHORIZED => {
                problems.push(format!(
                    "{what}: not authorized ({}); grant the monitoring user read access to the oplog: \
                     db.getSiblingDB(\"admin\").grantRolesToUser(\"<user>\", [{{role: \"read\", db: \"local\"}}])",
                    refusal.message
                ));
                None
            }
            Err(refusal) => {
                problems.push(refusal_problem(what, &refusal));
                None
            }
        })
    }

    async fn read_sharding(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
        bodies: &mut Vec<SampleBody>,
    ) -> Result<(), CollectError> {
        if let Some(reply) =
            self.command("shards (listShards)", "admin", sharding::shards_command(), problems).await?
        {
            let (body, count) = sharding::shards(&sharding::parse_shards(&reply));
            metrics.push(count);
            bodies.push(SampleBody::Replication(body));
        }
        let balancer = sharding::balancer_command();
        if let Some(reply) = self.command("balancer (balancerStatus)", "admin", balancer, problems).await? {
            metrics.extend(sharding::balancer(&reply));
        }
        Ok(())
    }
}

/// Every command document this tier can send (for the allowlist test).
#[cfg(test)]
pub fn sent_commands() -> Vec<Document> {
    vec![
        databases::list_command(),
        databases::stats_command(),
        top::command(),
        profiler::level_command(),
        profiler::find_command(0, true),
        profiler::find_command(0, false),
        replication::status_command(),
        oplog::edge_command(false),
        oplog::edge_command(true),
        oplog::size_command(),
        pools::command(),
        sharding::shards_command(),
        sharding::balancer_command(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;

    #[test]
    fn every_command_of_the_tier_passes_the_allowlist() {
        for command in sent_commands() {
            assert!(commands::check(&command).is_ok(), "{command}");
        }
    }

    #[test]
    fn roles_decide_what_is_read() {
        let mut facts = ServerFacts { topology: Topology::Router, ..ServerFacts::default() };
        assert_eq!(roles(&facts), (true, false));
        facts.topology = Topology::ReplicaSet { primary: false, arbiter: true };
        assert_eq!(roles(&facts), (false, true));
        facts.topology = Topology::Standalone;
        assert_eq!(roles(&facts), (false, false));
        let router = unavailable(ROUTER_HAS_NO_TOP.to_owned(), Vec::new());
        assert!(matches!(router.availability, StatsAvailability::Unavailable(ref r) if r.contains("mongos")));
    }

    #[test]
    fn forgetting_keeps_the_profiler_marks_only() {
        let mut state = MediumState {
            top: Some(top::Baseline { at: Timestamp(1), usage: Default::default() }),
            profiler_read_at: Some(Timestamp(1)),
            ..MediumState::default()
        };
        state.profiler.saw("shop", &[profiler::Entry { ts_ms: Some(5_000), ..Default::default() }]);
        state.forget();
        assert!(state.top.is_none() && state.profiler_read_at.is_none());
        assert_eq!(state.profiler.after("shop", 100_000), 5_000);
    }
}
