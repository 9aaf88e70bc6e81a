//! Schema tier: databases (one schema row each), their collections, views and indexes
//! with `$indexStats` usage, and change detection per collection.
//!
//! - `schema/listing.rs`: `listDatabases`, `listCollections` (types and options).
//! - `schema/stats.rs`: `$collStats` (summed over shards), `$indexStats`, `listIndexes`.
//! - `schema/build.rs`: the model, the shared index analysis, what not-read collections keep.
//! - `schema/round.rs`: the commands of one round, bounded, resuming where the last stopped.
//! - `schema/changes.rs`: collection-level changes from the shared `schema_diff`.
//!
//! Application documents are never read: counts and sizes are the storage engine's
//! metadata, a validator is only "present", a view's pipeline only its stage names and
//! a hash. Database sizes are the medium tier's (`dbStats`); this tier emits the
//! collection and index totals.

mod build;
mod changes;
mod listing;
mod round;
mod stats;

pub use round::SchemaState;

use super::MongoCollector;
use super::connect::Refusal;
use super::metric;
use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{Metric, SampleBody, SchemaSnapshot, Timestamp};
use mongodb::bson::Document;
use round::{Limits, Outcome, Source};
use std::time::Duration;
use tokio::time::Instant;

/// Time for the figures of one round: the scheduler cancels a schema round after
/// `scheduler::schema_round_timeout` and then treats the target as down, so no
/// collection's figures are asked for after four fifths of it.
pub fn round_budget(target: &TargetConfig) -> Duration {
    use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
    schema_round_timeout(default_round_timeout(target.query_timeout)) / 5 * 4
}

impl Source for MongoCollector {
    async fn command(
        &mut self,
        db: &str,
        command: Document,
    ) -> Result<Result<Document, Refusal>, CollectError> {
        self.command_raw(db, command).await
    }

    async fn cursor(
        &mut self,
        db: &str,
        command: Document,
        limit: usize,
    ) -> Result<Result<Vec<Document>, Refusal>, CollectError> {
        let Some(conn) = self.conn.as_ref() else {
            return Err(self.lost("not connected"));
        };
        let result = conn.documents(db, command, limit).await;
        if result.is_err() {
            self.disconnect();
        }
        result
    }
}

impl MongoCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let limits = Limits {
            databases: round::MAX_DATABASES,
            collections: round::MAX_COLLECTIONS,
            commands: round::MAX_COMMANDS,
            deadline: crate::collectors::scheduler::later(Instant::now(), round_budget(&self.target)),
        };
        let mut state = std::mem::take(&mut self.schema);
        let named = self.target.database.clone();
        let outcome = round::read(self, &mut state, &named, &limits).await;
        self.schema = state;
        let outcome = outcome?;
        // The round's cost, for whoever tunes the budget (trace level `debug`).
        tracing::debug!(
            endpoint = %self.endpoint,
            commands = outcome.commands,
            read = outcome.read,
            left = outcome.left,
            "mongodb schema round"
        );
        if !outcome.listed {
            return Ok(Collected { bodies: Vec::new(), problems: outcome.problems });
        }
        let (snapshot, metrics) = snapshot(&outcome, self.previous_schema.as_ref(), Timestamp::now().0);
        let changes = match &self.previous_schema {
            Some(previous) => changes::collection_level(previous, &snapshot, Timestamp::now()),
            None => Vec::new(),
        };
        let mut bodies = vec![SampleBody::Schema(snapshot.clone())];
        if !changes.is_empty() {
            bodies.push(SampleBody::SchemaChanges(changes));
        }
        if !metrics.is_empty() {
            bodies.push(SampleBody::Metrics(metrics));
        }
        self.previous_schema = Some(snapshot);
        Ok(Collected { bodies, problems: outcome.problems })
    }
}

/// The snapshot of a round, and the collection and index totals of the databases read.
fn snapshot(
    outcome: &Outcome,
    previous: Option<&SchemaSnapshot>,
    now_ms: i64,
) -> (SchemaSnapshot, Vec<Metric>) {
    let databases: Vec<_> = outcome
        .databases
        .iter()
        .map(|read| {
            let before = previous.and_then(|p| p.databases.iter().find(|d| d.name == read.name));
            build::database(read, before, now_ms)
        })
        .collect();
    let tables = || databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables);
    // Unknown is not zero: without one database read there are no totals.
    let metrics = match databases.iter().any(|d| d.error.is_none()) {
        true => vec![
            Metric::new(metric::COLLECTIONS, tables().count() as f64),
            Metric::new(metric::INDEXES, tables().map(|t| t.indexes.len()).sum::<usize>() as f64),
        ],
        false => Vec::new(),
    };
    (SchemaSnapshot { databases }, metrics)
}

#[cfg(test)]
#[path = "schema/tests.rs"]
mod tests;

#[cfg(test)]
#[path = "schema/parse_tests.rs"]
mod parse_tests;

#[cfg(test)]
#[path = "schema/fake_server.rs"]
mod fake_server;
