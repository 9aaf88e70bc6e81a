//! PostgreSQL collector: one persistent, read-only connection per target.
//!
//! - `connect.rs`: driver config, TLS, prepared-statement client.
//! - `queries.rs`: every SQL text (read-only, version variants).
//! - `parse.rs`: pure row → model mapping.
//! - `statements.rs`: pg_stat_statements deltas and the text cache.
//! - `high.rs`, `medium.rs`: what each tier reads; the low tier is small enough to live here.
//! - `counters.rs`: raw cumulative counters for the Prometheus endpoint.
//! - `io.rs`: checkpointer and I/O counters (pg_stat_io, per-backend I/O) by version.
//! - `schema.rs`, `schema_queries.rs`, `schema_parse.rs`: the schema tier (per-database
//!   connections); change detection against the previous snapshot is `collectors::schema_diff`.
//! - `plan.rs`, `plan_text.rs`, `plan_json.rs`: plans on demand (EXPLAIN, never ANALYZE) on
//!   a connection of their own, the texts that may be planned, the JSON → plan tree.

mod alert_templates;
mod connect;
mod counters;
pub mod health_checks;
mod high;
pub mod io;
mod medium;
mod own;
pub mod parse;
pub mod plan;
pub mod plan_json;
pub mod plan_text;
pub mod posture;
mod present;
pub mod queries;
mod schema;
pub mod schema_parse;
pub mod schema_queries;
pub mod scope;
#[cfg(test)]
mod scope_tests;
pub mod spec;
pub mod statement_counters;
mod statement_queries;
mod statements;

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{SampleBody, SchemaSnapshot, Setting, Tier, Timestamp};
use connect::{Conn, ViewFailure};
use std::collections::HashMap;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

pub use connect::{describe_connect_error, driver_config, startup_options, tls_config};

/// Oldest server whose views our queries know.
const MIN_VERSION_NUM: i32 = 120_000;

pub struct PostgresCollector {
    target: TargetConfig,
    endpoint: String,
    /// The whole server or only the target's database (`scope.rs`).
    scope: scope::Scope,
    conn: Option<Conn>,
    /// `server_version_num` of the connected server.
    version_num: i32,
    high: high::HighState,
    medium: medium::MediumState,
    /// Database sizes from the low tier, shown next to the high-tier counters.
    sizes: HashMap<String, u64>,
    /// pg_roles / pg_database names by oid: the activity and statement reads return ids.
    role_names: HashMap<i64, String>,
    database_names: HashMap<i64, String>,
    /// The last schema snapshot, for change detection. Empty after start until
    /// `set_previous_schema` is given the newest stored one.
    previous_schema: Option<SchemaSnapshot>,
}

impl PostgresCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self {
            target: target.clone(),
            endpoint: target.endpoint(),
            scope: scope::Scope::of(target),
            conn: None,
            version_num: 0,
            high: high::HighState::default(),
            medium: medium::MediumState::default(),
            sizes: HashMap::new(),
            role_names: HashMap::new(),
            database_names: HashMap::new(),
            previous_schema: None,
        }
    }

    /// Seeds change detection with the newest stored schema snapshot
    /// (`Store::latest_schema`), so changes made while Logstag was stopped are reported
    /// by the first schema round. Without it that round reports no changes.
    pub fn set_previous_schema(&mut self, snapshot: SchemaSnapshot) {
        self.previous_schema = Some(snapshot);
    }

    /// Lists the databases on the main connection, reads each on its own connection,
    /// and compares with the previous snapshot (kept across reconnects: it is structure,
    /// not counters).
    async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let Some(rows) = self.rows("pg_database", schema_queries::DATABASES, &[], &mut problems).await?
        else {
            return Ok(Collected { bodies: Vec::new(), problems });
        };
        let mut list = map_rows(&rows, "pg_database", &mut problems, |r| {
            Ok(schema::DatabaseEntry { name: r.try_get("name")?, can_connect: r.try_get("can_connect")? })
        });
        if self.scope == scope::Scope::Database {
            list.retain(|entry| self.watches_database(&entry.name));
        }
        let (databases, notes) = schema::read_all(&self.target, list).await;
        problems.extend(notes);
        let mut snapshot = SchemaSnapshot { databases };
        super::schema_carry::carry_over(self.previous_schema.as_ref(), &mut snapshot);
        let changes = match &self.previous_schema {
            Some(previous) => super::schema_diff::diff(previous, &snapshot, Timestamp::now()),
            None => Vec::new(),
        };
        let mut bodies = vec![SampleBody::Schema(snapshot.clone())];
        if !changes.is_empty() {
            bodies.push(SampleBody::SchemaChanges(changes));
        }
        self.previous_schema = Some(snapshot);
        Ok(Collected { bodies, problems })
    }

    fn lost(&self, message: &str) -> CollectError {
        CollectError::ConnectionLost { endpoint: self.endpoint.clone(), message: message.to_owned() }
    }

    /// Runs one prepared monitoring query. Outer error: the connection is gone (and has
    /// been dropped). Inner error: only this query failed.
    async fn query_raw(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Result<Vec<Row>, ViewFailure>, CollectError> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(self.lost("not connected"));
        };
        if conn.is_closed() {
            self.conn = None;
            return Err(self.lost("the server closed the connection"));
        }
        let result = conn.query(sql, params, &self.endpoint).await;
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    /// Like `query_raw`, but a failed view becomes a problem line and no rows.
    async fn rows(
        &mut self,
        view: &str,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<Row>>, CollectError> {
        Ok(match self.query_raw(sql, params).await? {
            Ok(rows) => Some(rows),
            Err(failure) => {
                problems.push(view_problem(view, &failure));
                None
            }
        })
    }

    /// Refreshes the name caches when an id we have not seen shows up (a new role or
    /// database), so the catalogs are read rarely rather than every round.
    async fn resolve_names(
        &mut self,
        user_ids: impl IntoIterator<Item = i64>,
        database_ids: impl IntoIterator<Item = i64>,
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        if user_ids.into_iter().any(|id| !self.role_names.contains_key(&id)) {
            self.role_names = self.read_names(queries::ROLE_NAMES, problems).await?;
        }
        if database_ids.into_iter().any(|id| !self.database_names.contains_key(&id)) {
            self.database_names = self.read_names(queries::DATABASE_NAMES, problems).await?;
        }
        Ok(())
    }

    async fn read_names(
        &mut self,
        sql: &'static str,
        problems: &mut Vec<String>,
    ) -> Result<HashMap<i64, String>, CollectError> {
        let rows = self.rows("names", sql, &[], problems).await?.unwrap_or_default();
        let names = map_rows(&rows, "names", problems, |r| Ok((r.try_get("oid")?, r.try_get("name")?)));
        Ok(names.into_iter().collect())
    }

    /// The cached name of an id, or the id itself when the catalog did not know it.
    fn name_of(names: &HashMap<i64, String>, id: Option<i64>) -> String {
        match id {
            Some(id) => names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
            None => String::new(),
        }
    }

    async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut settings = Vec::new();
        if let Some(rows) = self.rows("pg_settings", queries::SETTINGS, &[], &mut problems).await? {
            settings.extend(map_rows(&rows, "pg_settings", &mut problems, |r| {
                Ok(Setting {
                    name: r.try_get("name")?,
                    value: r.try_get("setting")?,
                    unit: r.try_get("unit")?,
                    source: r.try_get("source")?,
                })
            }));
        }
        if let Some(rows) = self.rows("pg_extension", queries::EXTENSIONS, &[], &mut problems).await? {
            settings.extend(map_rows(&rows, "pg_extension", &mut problems, |r| {
                Ok(Setting {
                    name: format!("extension:{}", r.try_get::<_, String>("name")?),
                    value: r.try_get("version")?,
                    unit: String::new(),
                    source: "pg_extension".to_owned(),
                })
            }));
        }
        let mut metrics = Vec::new();
        self.read_sizes(&mut problems, &mut metrics).await?;
        let posture = self.read_posture(&mut problems).await?;
        let bodies =
            vec![SampleBody::Settings(settings), SampleBody::Posture(posture), SampleBody::Metrics(metrics)];
        Ok(Collected { bodies, problems })
    }
}

/// A failed view in words the user can act on.
fn view_problem(view: &str, failure: &ViewFailure) -> String {
    match &failure.code {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => format!(
            "{view}: permission denied ({}); grant pg_monitor to the monitoring role",
            failure.message
        ),
        Some(c) if *c == SqlState::QUERY_CANCELED => {
            format!("{view}: cancelled by statement_timeout (the server is slow or the view is large)")
        }
        _ => format!("{view}: {}", failure.message),
    }
}

/// Maps rows, turning a column that does not decode into one problem line for the view.
fn map_rows<T>(
    rows: &[Row],
    view: &str,
    problems: &mut Vec<String>,
    f: impl Fn(&Row) -> Result<T, tokio_postgres::Error>,
) -> Vec<T> {
    match rows.iter().map(f).collect::<Result<Vec<T>, _>>() {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{view}: unexpected reply: {}", connect::error_chain(&e)));
            Vec::new()
        }
    }
}

impl Collector for PostgresCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn report_totals(&mut self) {
        self.medium.statements.totals_on_baseline = true;
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        if let Some(conn) = &self.conn {
            if !conn.is_closed() {
                return Ok(parse::short_version(&conn.server_version).to_owned());
            }
            self.disconnect();
        }
        let conn = connect::connect(&self.target, &self.endpoint).await?;
        let Some(version_num) = parse::version_num(&conn.server_version) else {
            return Err(CollectError::Connect {
                endpoint: self.endpoint.clone(),
                message: format!("unrecognised server_version {:?}", conn.server_version),
            });
        };
        let short = parse::short_version(&conn.server_version).to_owned();
        if version_num < MIN_VERSION_NUM {
            return Err(CollectError::Connect {
                endpoint: self.endpoint.clone(),
                message: format!("PostgreSQL {short} is not supported; Logstag needs 12 or later"),
            });
        }
        self.version_num = version_num;
        self.conn = Some(conn);
        Ok(short)
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
        // Counters read on the next connection may come from a restarted server: start over.
        self.high.forget();
        self.medium.forget();
    }

    fn seed_previous_schema(&mut self, snapshot: SchemaSnapshot) {
        self.set_previous_schema(snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing;
    use crate::config::{TlsConfig, TlsMode};

    #[tokio::test]
    async fn failed_connect_names_endpoint_but_never_the_password() {
        let target = TargetConfig {
            database: "app".into(),
            tls: TlsConfig { mode: TlsMode::Disable, ca_file: None },
            ..testing::unreachable_target(&spec::SPEC)
        };
        let err = testing::failed_connect(PostgresCollector::new(&target), Tier::Schema).await;
        assert!(err.contains("monitor@127.0.0.1:1/app"), "{err}");
        assert!(err.contains("refused"), "{err}");
    }

    #[test]
    fn permission_problems_say_what_to_grant() {
        let f = ViewFailure {
            code: Some(SqlState::INSUFFICIENT_PRIVILEGE),
            message: "permission denied for view x".into(),
        };
        assert!(view_problem("pg_stat_replication", &f).contains("pg_monitor"));
    }
}
