//! Collectors: one folder per engine, each turning its server's replies into `model`
//! types. The scheduler runs every target's collector on the four tiers; the registry
//! is the one place that lists the engines.

pub mod backoff;
pub mod columns;
pub mod counter_lines;
pub mod delta;
pub mod discover;
pub mod first_rounds;
pub mod mongodb;
pub mod mssql;
pub mod mysql;
pub mod oracle;
pub mod own_statements;
pub mod planner;
pub mod postgres;
pub mod redis;
pub mod registry;
pub mod scheduler;
pub mod schema_carry;
pub mod schema_diff;
pub mod schema_indexes;
pub mod session_metrics;
pub mod spec;
pub mod sql_present;
pub mod supervise;
#[cfg(test)]
pub mod testing;
pub mod text_rows;

use crate::model::{SampleBody, SchemaSnapshot, Tier};
use std::future::Future;

/// What one tier's collection produced. `problems` are partial failures (a view the
/// monitoring role may not read, an extension that is missing): the target stays up but
/// is shown as degraded with these messages.
#[derive(Debug, Default)]
pub struct Collected {
    pub bodies: Vec<SampleBody>,
    pub problems: Vec<String>,
}

/// Errors that end a collection round. Messages name the target by its sanitised
/// endpoint, never the password.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// Could not connect or authenticate; the scheduler backs off and retries.
    #[error("cannot connect to {endpoint}: {message}")]
    Connect { endpoint: String, message: String },
    /// The connection broke mid-round; the collector has dropped it and reconnects next time.
    #[error("connection to {endpoint} lost: {message}")]
    ConnectionLost { endpoint: String, message: String },
    /// A query failed in a way that makes the whole round useless.
    #[error("{name} failed on {endpoint}: {message}")]
    Query { endpoint: String, name: &'static str, message: String },
    #[error("collection of {tier} tier on {endpoint} timed out after {secs} s")]
    Timeout { endpoint: String, tier: &'static str, secs: u64 },
}

impl CollectError {
    /// Whether the connection must be treated as gone (the target is then shown as down).
    pub fn is_disconnect(&self) -> bool {
        matches!(
            self,
            CollectError::Connect { .. } | CollectError::ConnectionLost { .. } | CollectError::Timeout { .. }
        )
    }
}

/// The engine contract. Generic (no `dyn`, no async-trait): `scheduler::run` is
/// monomorphised per engine by the registry's spawn arm.
pub trait Collector: Send + 'static {
    /// Sanitised endpoint for messages, e.g. `monitor@db1:5432/app`.
    fn endpoint(&self) -> &str;

    /// Connects when not connected (lazily, so a server that is down does not block
    /// start-up). Returns the short server version for the status line.
    fn ensure_connected(&mut self) -> impl Future<Output = Result<String, CollectError>> + Send;

    /// Collects one tier. On a broken connection the collector drops its client and
    /// returns `ConnectionLost`, so that the next round reconnects.
    fn collect(&mut self, tier: Tier) -> impl Future<Output = Result<Collected, CollectError>> + Send;

    /// Drops the connection (after a timeout: a half-read reply cannot be trusted).
    fn disconnect(&mut self);

    /// Hands over the last stored schema inventory, so that the first schema round after
    /// a restart can report what changed meanwhile. Engines without a schema tier ignore it.
    fn seed_previous_schema(&mut self, _snapshot: SchemaSnapshot) {}

    /// A single reading follows (`logstag snapshot` without `--interval`): its statement
    /// statistics are the totals since the engine's counters were last reset, with `since`
    /// at that reset when the engine tells it, instead of an empty baseline. Engines that
    /// keep no statement statistics ignore it.
    fn report_totals(&mut self) {}
}
