//! MongoDB collector: one driver client per target (a pool of at most two connections),
//! named `logstag`, sending only the read commands `commands::check` lets through.
//!
//! - `options.rs`: the driver's options from the target (URL parameters or
//!   `[targets.<name>.mongodb]`): TLS, authentication, direct connection or discovery.
//! - `connect.rs`: TLS `prefer` and its fallback, the handshake facts, refusals vs a
//!   server that is gone.
//! - `commands.rs`: the allowlist every command passes before it is sent.
//! - `doc.rs`: reading replies by path, numbers of any BSON type, Extended JSON fixtures.
//! - `high.rs`, `medium.rs`, `low.rs`, `schema.rs`: what each tier reads.
//!
//! A command the server refuses (a role missing, a managed tier's restriction) is a
//! problem of the round: the target is DEGRADED with what is missing, never DOWN.
//! The data mapping is documented in docs/mongodb.md.

mod alert_templates;
pub mod commands;
mod connect;
pub mod doc;
pub mod health_checks;
pub mod high;
mod low;
mod medium;
pub mod metric;
mod normalize;
mod options;
mod present;
mod schema;
pub mod spec;
mod url;
mod wire_hooks;

pub use connect::{Refusal, ServerFacts, Topology};

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{SchemaSnapshot, Tier};
use connect::Conn;
use mongodb::bson::Document;

pub struct MongoCollector {
    target: TargetConfig,
    endpoint: String,
    conn: Option<Conn>,
    high: high::HighState,
    medium: medium::MediumState,
    low: low::LowState,
    /// The last schema snapshot, for change detection (kept across reconnects).
    previous_schema: Option<SchemaSnapshot>,
    /// Where the schema tier resumes, what it has said on this connection.
    schema: schema::SchemaState,
}

impl MongoCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            conn: None,
            high: high::HighState::default(),
            medium: medium::MediumState::default(),
            low: low::LowState::default(),
            previous_schema: None,
            schema: schema::SchemaState::default(),
        }
    }

    fn lost(&self, message: &str) -> CollectError {
        CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: message.to_owned() }
    }

    /// The handshake facts of the current connection.
    fn facts(&self) -> ServerFacts {
        self.conn.as_ref().map(|c| c.facts.clone()).unwrap_or_default()
    }

    /// Runs one command. Outer error: the server is gone (the client has been dropped).
    /// Inner error: the server refused this command.
    async fn command_raw(
        &mut self,
        db: &str,
        command: Document,
    ) -> Result<Result<Document, Refusal>, CollectError> {
        let Some(conn) = self.conn.as_ref() else {
            return Err(self.lost("not connected"));
        };
        let result = conn.run(db, command).await;
        if result.is_err() {
            self.disconnect();
        }
        result
    }

    /// Like `command_raw`, but a refusal becomes a problem line (what to grant).
    async fn command(
        &mut self,
        what: &str,
        db: &str,
        command: Document,
        problems: &mut Vec<String>,
    ) -> Result<Option<Document>, CollectError> {
        Ok(match self.command_raw(db, command).await? {
            Ok(reply) => Some(reply),
            Err(refusal) => {
                problems.push(refusal_problem(what, &refusal));
                None
            }
        })
    }

    /// A cursor command's documents (at most `limit`); a refusal becomes a problem line.
    async fn documents(
        &mut self,
        what: &str,
        db: &str,
        command: Document,
        limit: usize,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<Document>>, CollectError> {
        let Some(conn) = self.conn.as_ref() else {
            return Err(self.lost("not connected"));
        };
        let result = conn.documents(db, command, limit).await;
        if result.is_err() {
            self.disconnect();
        }
        Ok(match result? {
            Ok(documents) => Some(documents),
            Err(refusal) => {
                problems.push(refusal_problem(what, &refusal));
                None
            }
        })
    }
}

/// A refused command in words the user can act on.
pub fn refusal_problem(what: &str, refusal: &Refusal) -> String {
    use connect::code;
    match refusal.code {
        code::UNAUTHORIZED => format!(
            "{what}: not authorized ({}); grant the monitoring user the clusterMonitor role: \
             db.getSiblingDB(\"admin\").grantRolesToUser(\"<user>\", [{{role: \"clusterMonitor\", db: \"admin\"}}])",
            refusal.message
        ),
        code::ATLAS_ERROR | code::COMMAND_NOT_FOUND | code::COMMAND_NOT_SUPPORTED => {
            format!("{what}: not available on this server or tier ({})", refusal.message)
        }
        code::MAX_TIME_EXPIRED => format!("{what}: stopped by the server's time limit (maxTimeMS)"),
        code::CLIENT_TIMEOUT | code::UNREADABLE | code::NOT_ALLOWED => format!("{what}: {}", refusal.message),
        _ => format!("{what}: {} ({} {})", refusal.message, refusal.code_name, refusal.code),
    }
}

impl Collector for MongoCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.totals_on_baseline = true;
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if self.conn.is_none() {
            self.conn = Some(connect::connect(&self.target, &self.endpoint).await?);
        }
        Ok(self.facts().version)
    }

    async fn collect(&mut self, tier: Tier) -> Result<Collected, CollectError> {
        if self.conn.is_none() {
            self.ensure_connected().await?;
        }
        match tier {
            Tier::High => self.collect_high().await,
            Tier::Medium => self.collect_medium().await,
            Tier::Low => self.collect_low().await,
            Tier::Schema => self.collect_schema().await,
        }
    }

    fn disconnect(&mut self) {
        self.conn = None;
        self.high.forget();
        self.medium.forget();
        self.schema.forget();
        self.low.forget();
    }

    fn seed_previous_schema(&mut self, snapshot: SchemaSnapshot) {
        self.previous_schema = Some(snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing;

    #[tokio::test]
    async fn failed_connect_names_endpoint_but_never_the_password() {
        let target = testing::unreachable_target(&spec::SPEC);
        testing::failed_connect(MongoCollector::new(&target), Tier::High).await;
    }

    #[test]
    fn refusals_say_what_to_grant() {
        let r =
            Refusal { code: 13, code_name: "Unauthorized".into(), message: "not authorized on admin".into() };
        assert!(refusal_problem("current operations", &r).contains("clusterMonitor"));
        let atlas = Refusal {
            code: 8000,
            code_name: "AtlasError".into(),
            message: "not allowed in this atlas tier".into(),
        };
        assert!(refusal_problem("top", &atlas).contains("not available"));
    }
}
