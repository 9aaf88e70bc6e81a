//! MySQL and MariaDB collector: one read-only connection per target.
//!
//! - `connect.rs`: TCP/TLS or socket, the session fences, refusals vs a lost connection.
//! - `version.rs`: which server answered (MySQL or MariaDB, and its version).
//! - `queries.rs`: the high tier's statements and the read-only test over every tier's.
//! - `rows.rs`: replies as named text columns; fixtures in `mariadb --batch` format.
//! - `high.rs` (`sessions.rs`, `locks.rs`, `status.rs`): threads, blocking, global status.
//! - `medium.rs`, `low.rs` (`posture.rs`): what the other tiers read.
//! - `schema.rs` (`schema_queries.rs`, `schema_parse.rs`, `schema_keys.rs`): the schema
//!   tier, the whole server in one statement per kind of object.
//! - `health_checks/`: the health report's checks; `alert_templates.rs`: the embedded rules.
//!
//! A statement the server refuses (a missing grant, performance_schema off) is a problem
//! of the round: the target is DEGRADED with what to grant or enable, never DOWN.
//! The data mapping is documented in docs/mysql.md.

mod alert_templates;
mod connect;
mod counters;
pub mod health_checks;
mod high;
pub mod locks;
mod low;
mod medium;
pub mod metric;
pub mod plans;
mod posture;
mod present;
pub mod queries;
pub mod rows;
mod schema;
#[cfg(test)]
mod schema_fixtures;
mod schema_keys;
pub mod schema_parse;
pub mod schema_queries;
pub mod sessions;
pub mod spec;
pub mod statement_counters;
pub mod status;
pub mod version;

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{SchemaSnapshot, Tier};
use connect::{Conn, Refusal};
use rows::TextRow;

pub struct MysqlCollector {
    target: TargetConfig,
    endpoint: String,
    conn: Option<Conn>,
    high: high::HighState,
    medium: medium::MediumState,
    schema: schema::SchemaState,
    /// The last schema snapshot, for change detection (kept across reconnects).
    previous_schema: Option<SchemaSnapshot>,
}

impl MysqlCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            conn: None,
            high: high::HighState::default(),
            medium: medium::MediumState::default(),
            schema: schema::SchemaState::default(),
            previous_schema: None,
        }
    }

    fn lost(&self, message: &str) -> CollectError {
        CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: message.to_owned() }
    }

    fn conn(&mut self) -> Result<&mut Conn, CollectError> {
        let lost = self.lost("not connected");
        self.conn.as_mut().ok_or(lost)
    }

    /// Runs one statement. Outer error: the connection is gone (and has been dropped).
    /// Inner error: the server refused this statement.
    async fn query_raw(&mut self, sql: &str) -> Result<Result<Vec<TextRow>, Refusal>, CollectError> {
        let result = self.conn()?.query(sql).await;
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

    fn server(&self) -> Option<&version::Server> {
        self.conn.as_ref().map(|c| &c.server)
    }
}

/// A refused statement in words the user can act on.
pub fn refusal_problem(what: &str, refusal: &Refusal) -> String {
    use connect::code;
    match refusal.code {
        code::SPECIFIC_ACCESS_DENIED
        | code::TABLE_ACCESS_DENIED
        | code::DB_ACCESS_DENIED
        | code::ACCESS_DENIED => {
            format!(
                "{what}: permission denied ({}); run GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO <monitoring user>",
                refusal.message
            )
        }
        code::STATEMENT_TIMEOUT_MARIADB | code::QUERY_TIMEOUT_MYSQL => {
            format!("{what}: stopped by the statement time limit (the server is slow or the view is large)")
        }
        code::UNKNOWN_TABLE | code::NO_SUCH_TABLE => {
            format!("{what}: not available on this server ({})", refusal.message)
        }
        code::LOCK_WAIT_TIMEOUT => format!("{what}: gave up waiting for a metadata lock (lock_wait_timeout)"),
        _ => format!("{what}: {} (error {})", refusal.message, refusal.code),
    }
}

impl Collector for MysqlCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.digests.totals_on_baseline = true;
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if self.conn.is_none() {
            self.conn = Some(connect::connect(&self.target, &self.endpoint).await?);
        }
        Ok(self.server().map(|s| s.to_string()).unwrap_or_default())
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
        // Counters read on the next connection may come from a restarted server.
        self.high.forget();
        self.medium.forget();
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

    #[tokio::test]
    async fn failed_connect_names_endpoint_but_never_the_password() {
        let target = testing::unreachable_target(&spec::SPEC);
        let err = testing::failed_connect(MysqlCollector::new(&target), Tier::Schema).await;
        assert!(err.contains("refused"), "{err}");
    }

    #[test]
    fn refusals_say_what_to_grant() {
        let r = Refusal { code: 1227, message: "Access denied; you need the PROCESS privilege".into() };
        assert!(refusal_problem("processlist", &r).contains("GRANT PROCESS"));
    }
}
