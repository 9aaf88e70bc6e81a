//! Oracle collector: one read-only session per target, owned by the target's own thread
//! (the driver blocks; `worker.rs`), reached from the async scheduler over a channel.
//!
//! - `connect.rs`: the connect string (EZConnect Plus with timeouts, TCPS, tnsnames),
//!   credentials, call timeout, where the client library is.
//! - `driver.rs`: the `oracle` crate (ODPI-C): client library loading (DPI-1047 is an
//!   ordinary error on the target, never a crash), session setup, rows as `TextRow`s.
//! - `failure.rs`: what an error means: client missing, statement refused (DEGRADED with
//!   the exact GRANT), connection lost (DOWN, reconnect).
//! - `queries.rs`: every statement, and the tests that each is a read.
//! - `high.rs`, `medium.rs`, `low.rs`, `schema.rs`: what each tier reads and parses.
//!
//! The data mapping is documented in docs/oracle.md.

mod alert_templates;
mod connect;
#[cfg(test)]
mod dashboard_tests;
mod driver;
mod failure;
pub mod health_checks;
pub mod high;
mod low;
mod medium;
pub mod metric;
#[cfg(test)]
mod outside_input_tests;
mod present;
mod present_statements;
pub mod queries;
#[cfg(test)]
mod replay;
mod schema;
#[cfg(test)]
mod screen_tests;
pub mod spec;
pub mod statement_counters;
mod url;
mod worker;

use crate::collectors::text_rows::TextRow;
use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{SchemaSnapshot, Tier};
use connect::Settings;
use failure::Failure;
use std::sync::Arc;
use worker::{Bind, Request, ServerInfo, Worker};

/// Starts the thread that owns a target's session (given the thread's name): the real
/// driver, or in tests a backend that replays recorded rows (`replay.rs`).
pub type SpawnWorker = Arc<dyn Fn(String) -> std::io::Result<Worker> + Send + Sync>;

/// Rows kept from one statement unless the caller says otherwise.
const MAX_ROWS: usize = 5_000;

pub struct OracleCollector {
    target: TargetConfig,
    endpoint: String,
    settings: Settings,
    /// The thread that owns the session; started at the first connect, kept across
    /// reconnects (replaced only if it died).
    worker: Option<Worker>,
    spawn_worker: SpawnWorker,
    /// Set while connected.
    server: Option<ServerInfo>,
    /// `v$session.ACTION` of the statements of the round under way.
    action: &'static str,
    high: high::HighState,
    medium: medium::MediumState,
    low: low::LowState,
    schema: schema::SchemaState,
    /// The last schema snapshot, for change detection (kept across reconnects).
    previous_schema: Option<SchemaSnapshot>,
}

impl OracleCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self::with_worker(target, Arc::new(|name| Worker::spawn(driver::OracleDriver::new(), name)))
    }

    pub fn with_worker(target: &TargetConfig, spawn_worker: SpawnWorker) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            settings: Settings::from_target(target),
            worker: None,
            spawn_worker,
            server: None,
            action: "connect",
            high: Default::default(),
            medium: Default::default(),
            low: Default::default(),
            schema: Default::default(),
            previous_schema: None,
        }
    }

    fn lost(&self, message: &str) -> CollectError {
        CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: message.to_owned() }
    }

    /// Whether the target said it is licensed for the Diagnostics Pack (ASH).
    fn diagnostics_pack(&self) -> bool {
        self.target.options.flag(connect::option::DIAGNOSTICS_PACK)
    }

    /// The server's major version (19, 21, 23); 0 before the first connect.
    fn major(&self) -> u32 {
        self.server.as_ref().map_or(0, |s| s.major)
    }

    /// Runs one statement. Outer error: the connection is gone (and has been dropped).
    /// Inner error: the server refused this statement.
    async fn query_raw(
        &mut self,
        sql: &str,
        binds: Vec<Bind>,
        max_rows: usize,
    ) -> Result<Result<Vec<TextRow>, failure::Refusal>, CollectError> {
        let Some(worker) = self.worker.as_ref().filter(|_| self.server.is_some()) else {
            return Err(self.lost("not connected"));
        };
        let request = Request { sql: sql.to_owned(), binds, max_rows, action: self.action };
        match worker.query(request).await {
            Ok(rows) => Ok(Ok(rows)),
            Err(Failure::Refused(refusal)) => Ok(Err(refusal)),
            Err(Failure::Lost(message) | Failure::ClientMissing(message)) => {
                self.disconnect();
                Err(self.lost(&message))
            }
        }
    }

    /// Rows of a fixed statement; a refusal becomes a problem line (what to grant).
    async fn rows(
        &mut self,
        what: &str,
        sql: &str,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<TextRow>>, CollectError> {
        self.rows_bound(what, sql, Vec::new(), MAX_ROWS, problems).await
    }

    /// Like `rows`, with bound values (`:1`, `:2`…) and a row limit.
    async fn rows_bound(
        &mut self,
        what: &str,
        sql: &str,
        binds: Vec<Bind>,
        max_rows: usize,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<TextRow>>, CollectError> {
        Ok(match self.query_raw(sql, binds, max_rows).await? {
            Ok(rows) => Some(rows),
            Err(refusal) => {
                problems.push(failure::refusal_problem(what, &refusal, &self.target.username));
                None
            }
        })
    }

    fn worker(&mut self) -> Result<&Worker, CollectError> {
        if self.worker.as_ref().is_none_or(|w| !w.is_alive()) {
            // Linux keeps 15 bytes of a thread name.
            let name: String = format!("ora-{}", self.target.name).chars().take(15).collect();
            let worker = (self.spawn_worker)(name).map_err(|e| CollectError::Connect {
                endpoint: self.endpoint.clone(),
                message: format!("cannot start the Oracle worker thread: {e}"),
            })?;
            self.worker = Some(worker);
        }
        self.worker.as_ref().ok_or_else(|| self.lost("no worker thread"))
    }
}

impl Collector for OracleCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.workload.report_totals(true);
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if self.server.is_none() {
            let settings = self.settings.clone();
            let connected = self.worker()?.connect(settings).await;
            match connected {
                Ok(info) => self.server = Some(info),
                Err(Failure::ClientMissing(message)) => {
                    // A target from a URL has no table of its own to put the key in.
                    let bare_key =
                        self.target.name.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
                    let message =
                        if bare_key { message.replace("<name>", &self.target.name) } else { message };
                    return Err(CollectError::Connect { endpoint: self.endpoint.clone(), message });
                }
                Err(Failure::Lost(message)) => {
                    return Err(CollectError::Connect { endpoint: self.endpoint.clone(), message });
                }
                Err(Failure::Refused(refusal)) => {
                    return Err(CollectError::Connect {
                        endpoint: self.endpoint.clone(),
                        message: refusal.message,
                    });
                }
            }
        }
        Ok(self.server.as_ref().map(connect::short_version).unwrap_or_default())
    }

    async fn collect(&mut self, tier: Tier) -> Result<Collected, CollectError> {
        if self.server.is_none() {
            self.ensure_connected().await?;
        }
        self.action = tier.name();
        match tier {
            Tier::High => self.collect_high().await,
            Tier::Medium => self.collect_medium().await,
            Tier::Low => self.collect_low().await,
            Tier::Schema => self.collect_schema().await,
        }
    }

    fn disconnect(&mut self) {
        if let Some(worker) = &self.worker {
            worker.disconnect();
        }
        self.server = None;
        self.high.forget();
        self.medium.forget();
        self.low.forget();
        self.schema.forget();
    }

    fn seed_previous_schema(&mut self, snapshot: SchemaSnapshot) {
        self.previous_schema = Some(snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing;

    /// With no Oracle client library on this machine (CI has none), connecting fails with
    /// the DPI-1047 advice through the real driver, quickly, and never panics; with one,
    /// the unreachable address fails instead. Either way the password never shows.
    #[tokio::test]
    async fn failed_connect_names_endpoint_but_never_the_password() {
        let target = testing::unreachable_target(&spec::SPEC);
        testing::failed_connect(OracleCollector::new(&target), Tier::High).await;
    }
}
