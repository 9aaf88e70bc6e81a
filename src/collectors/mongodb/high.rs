//! High tier (every 10 s): `serverStatus` as rates and gauges (mongostat,
//! `high/server_status.rs`), current operations through `$currentOp`
//! (`high/pipeline.rs`, `high/operations.rs`) with lock waits and who holds them where
//! derivable (`high/locks.rs`), the plan of slow operations' shapes (`high/explain.rs`,
//! `high/shape.rs`), and the instance facts.
//!
//! Cost per round: two commands (`serverStatus`, the `$currentOp` aggregation, at most
//! 5,000 operations), plus at most three `explain`s in queryPlanner mode while
//! operations of a new shape run longer than 5 s. docs/mongodb.md.

pub mod explain;
pub mod locks;
pub mod operations;
pub mod pipeline;
pub mod raw_counters;
pub mod server_status;
pub mod shape;

use super::{MongoCollector, ServerFacts, Topology, doc, metric as mg};
use crate::collectors::session_metrics::activity_metrics;
use crate::collectors::{CollectError, Collected};
use crate::model::{ActivitySnapshot, InstanceInfo, Metric, SampleBody, ServerRole, Session, SessionState};
use mongodb::bson::{Document, doc};
use operations::OpRead;
use std::time::Instant;

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct HighState {
    previous: Option<(Instant, server_status::Counters)>,
    plans: explain::PlanCache,
}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }

    /// The gauges of `status`, and the rates since the previous read (none on the first),
    /// over the server's interval between the reads (`uptimeMillis`), else ours.
    pub fn status_metrics(&mut self, status: &Document, now: Instant) -> Vec<Metric> {
        let current = server_status::Counters::read(status);
        let previous = self.previous.take();
        let mut out = server_status::gauge_metrics(status);
        out.extend(server_status::rate_metrics(
            previous.as_ref().map(|(then, counters)| {
                let local = now.duration_since(*then).as_secs_f64();
                (counters, current.server_secs_since(counters).unwrap_or(local))
            }),
            &current,
        ));
        self.previous = Some((now, current));
        out
    }
}

/// The sessions' gauges: states, waits, blocked, longest, and operations running ≥ 5 s.
pub fn operation_metrics(sessions: &[Session]) -> Vec<Metric> {
    let mut out = activity_metrics(sessions);
    let slow = sessions
        .iter()
        .filter(|s| matches!(s.state, SessionState::Active | SessionState::WaitingForLock))
        .filter(|s| s.query_ms.is_some_and(|ms| ms >= operations::SLOW_AFTER_MS))
        .count();
    out.push(Metric::new(mg::SLOW_OPERATIONS, slow as f64));
    out
}

/// The instance: version from the handshake, start from the server's own clock, the role
/// from `repl` (fresh every read) or else the handshake's topology.
pub fn instance(
    status: Option<&Document>,
    facts: &ServerFacts,
    operations_seen: Option<u64>,
) -> InstanceInfo {
    let secondary = status.and_then(server_status::is_secondary);
    let set = &facts.set_name;
    let (role, place) = match facts.topology {
        Topology::Router => (ServerRole::Primary, "mongos".to_owned()),
        Topology::Standalone => (ServerRole::Primary, "standalone".to_owned()),
        Topology::ReplicaSet { arbiter: true, .. } => {
            (ServerRole::Standby, format!("replica set {set}, arbiter"))
        }
        Topology::ReplicaSet { primary, .. } => match secondary.unwrap_or(!primary) {
            true => (ServerRole::Standby, format!("replica set {set}, secondary")),
            false => (ServerRole::Primary, format!("replica set {set}, primary")),
        },
    };
    let version = match facts.version.as_str() {
        "" => status.map(|s| doc::text(s, "version")).unwrap_or_default(),
        v => v.to_owned(),
    };
    let connections = status.and_then(|s| doc::uint(s, "connections.current"));
    let available = status.and_then(|s| doc::uint(s, "connections.available"));
    InstanceInfo {
        version_full: format!("MongoDB {version} ({place})"),
        version,
        started_at_ms: status.and_then(server_status::started_at_ms),
        max_connections: connections.zip(available).map(|(c, a)| c + a),
        role,
        database: "admin".to_owned(),
        // Our own connection is one of `connections.current`; operations are a floor.
        connections: connections.or(operations_seen).unwrap_or(0),
        product: "MongoDB".to_owned(),
    }
}

impl MongoCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();
        let facts = self.facts();

        let status =
            self.command("server status", "admin", doc! { "serverStatus": 1 }, &mut problems).await?;
        if let Some(status) = &status {
            metrics.extend(self.high.status_metrics(status, Instant::now()));
            bodies.push(SampleBody::Counters(raw_counters::raw_counters(status)));
        }

        let mut operations_seen = None;
        let command = pipeline::current_op_command(facts.topology == Topology::Router);
        if let Some(documents) = self
            .documents("current operations", "admin", command, pipeline::OPERATIONS_LIMIT, &mut problems)
            .await?
        {
            let mut reads = operations::parse(&documents);
            self.read_plans(&reads).await?;
            self.high.plans.attach(&mut reads);
            let sessions: Vec<Session> = reads.into_iter().map(|r| r.session).collect();
            metrics.extend(operation_metrics(&sessions));
            operations_seen = Some(sessions.len() as u64);
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }));
        }

        let instance = instance(status.as_ref(), &facts, operations_seen);
        // `top` counts since this start: a single reading's totals are dated by it.
        self.medium.started_at = instance.started_at_ms.map(crate::model::Timestamp);
        bodies.push(SampleBody::Instance(instance));
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    /// Plans of the slow operations' shapes not explained yet. A refusal (no `find` right
    /// on that database, a shape the planner rejects) is remembered: not asked again.
    async fn read_plans(&mut self, reads: &[OpRead]) -> Result<(), CollectError> {
        for key in self.high.plans.wanted(reads) {
            let (command, left_out) = key.command();
            let lines = match self.command_raw(&key.db, command).await? {
                Ok(reply) => explain::explained(&reply, &left_out),
                Err(refusal) => {
                    vec![format!("not available: {}", refusal.message.chars().take(160).collect::<String>())]
                }
            };
            self.high.plans.remember(key, lines);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "high_tests.rs"]
mod tests;
