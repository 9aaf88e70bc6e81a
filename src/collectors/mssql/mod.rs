//! SQL Server collector: one read-only connection per target (tiberius).
//!
//! - `connect.rs`: TCP or a named instance, TLS, login, the session fences, refusals vs
//!   a lost connection.
//! - `queries.rs`: the instance facts and the read-only test over every tier's statements.
//! - `rows.rs`: TDS values as the shared by-name text rows; fixtures as tab-separated text.
//! - `high.rs`, `medium.rs`, `low.rs`, `schema*.rs`: what each tier reads (the low tier's
//!   statements in `low_queries.rs`, its parsing in `posture.rs` and `posture_access.rs`).
//!
//! A statement the server refuses (VIEW SERVER STATE missing, Query Store off) is a
//! problem of the round: the target is DEGRADED with the exact GRANT, never DOWN.
//! The data mapping is documented in docs/mssql.md.

mod alert_templates;
mod connect;
pub mod health_checks;
pub mod high;
mod low;
mod low_queries;
mod medium;
pub mod metric;
mod posture;
mod posture_access;
mod present;
pub mod queries;
pub mod rows;
mod schema;
mod schema_keys;
mod schema_parse;
mod schema_queries;
mod schema_types;
pub mod spec;
pub mod statement_counters;
mod url;

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{SchemaSnapshot, Tier};
use connect::{Conn, Refusal};
use rows::TextRow;

pub struct MssqlCollector {
    target: TargetConfig,
    endpoint: String,
    conn: Option<Conn>,
    high: high::HighState,
    /// The last schema snapshot, for change detection (kept across reconnects).
    previous_schema: Option<SchemaSnapshot>,
    /// Where the schema tier resumes, what it has said on this connection.
    schema: schema::SchemaState,
    /// The medium tier's baselines and findings between rounds.
    medium: medium::MediumState,
}

impl MssqlCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            conn: None,
            high: high::HighState::default(),
            previous_schema: None,
            schema: schema::SchemaState::default(),
            medium: Default::default(),
        }
    }

    fn lost(&self, message: &str) -> CollectError {
        CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: message.to_owned() }
    }

    /// Runs one statement. Outer error: the connection is gone (and has been dropped).
    /// Inner error: the server refused this statement.
    async fn query_raw(&mut self, sql: &str) -> Result<Result<Vec<TextRow>, Refusal>, CollectError> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(self.lost("not connected"));
        };
        let result = conn.query(sql).await;
        if result.is_err() {
            self.disconnect();
        }
        result
    }

    /// Like `query_raw`, but a refusal becomes a problem line (what to grant or enable).
    async fn rows(
        &mut self,
        what: &str,
        sql: &str,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<TextRow>>, CollectError> {
        Ok(match self.query_raw(sql).await? {
            Ok(rows) => Some(rows),
            Err(refusal) => {
                problems.push(refusal_problem(what, &refusal));
                None
            }
        })
    }

    /// "2022 (16.0.4135.4)", from the connection's facts.
    fn short_version(&self) -> String {
        self.conn.as_ref().map(|c| connect::short_version(&c.product_version)).unwrap_or_default()
    }
}

/// A refused statement in words the user can act on.
pub fn refusal_problem(what: &str, refusal: &Refusal) -> String {
    use connect::code;
    match refusal.code {
        code::PERMISSION_DENIED | code::PERMISSION_DENIED_OBJECT | code::PERMISSION_DENIED_ACTION => format!(
            "{what}: permission denied ({}); run GRANT VIEW SERVER STATE TO <monitoring login> \
             (and GRANT VIEW DATABASE STATE in each database for Query Store)",
            refusal.message
        ),
        code::INVALID_OBJECT => {
            format!("{what}: not available on this server or edition ({})", refusal.message)
        }
        code::LOCK_TIMEOUT => format!("{what}: gave up waiting for a lock (LOCK_TIMEOUT)"),
        _ => format!("{what}: {} (error {})", refusal.message, refusal.code),
    }
}

impl Collector for MssqlCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.report_totals();
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if self.conn.is_none() {
            self.conn = Some(connect::connect(&self.target, &self.endpoint).await?);
        }
        Ok(self.short_version())
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
        self.schema.forget();
        self.medium.forget();
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
        testing::failed_connect(MssqlCollector::new(&target), Tier::High).await;
    }

    #[test]
    fn refusals_say_what_to_grant() {
        let r = Refusal { code: 300, message: "VIEW SERVER STATE permission was denied".into() };
        assert!(refusal_problem("sessions", &r).contains("GRANT VIEW SERVER STATE"));
    }
}
