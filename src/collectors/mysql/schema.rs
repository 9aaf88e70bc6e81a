//! Schema tier: databases, tables, indexes and their problems; change detection.
//!
//! Unlike PostgreSQL, one connection sees every database, so the whole server is read
//! on the monitoring connection in one statement per class of objects
//! (`schema_queries`), mapped by `schema_parse` and `schema_keys`, and compared with the
//! previous snapshot by the shared `schema_diff`. A class every database needs (tables,
//! columns, indexes…) that the server refuses for the whole server (the statement time
//! limit on a big server, a metadata lock) is read again database by database, so a
//! database that still fails gets `error` and the others are complete. What only adds
//! figures (index sizes and usage, InnoDB's live counters) is optional: a problem line.

use super::MysqlCollector;
use super::rows::TextRow;
use super::schema_parse::{self, Hidden, Reads};
use super::schema_queries as q;
use super::version::{Server, Version};
use crate::collectors::{CollectError, Collected};
use crate::config::TargetConfig;
use crate::model::{SampleBody, SchemaSnapshot, Timestamp};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

pub use super::schema_queries::STATEMENTS;

/// What has been said once on this connection (it would otherwise be said every round).
#[derive(Debug, Default)]
pub struct SchemaState {
    told_no_usage: bool,
    told_hidden: Hidden,
}

impl SchemaState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

/// Time for the whole round: the scheduler cancels a schema round after
/// `scheduler::schema_round_timeout` and then treats the target as down, so databases
/// still to be read one by one after four fifths of it get an error entry instead.
pub fn round_budget(target: &TargetConfig) -> Duration {
    use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
    schema_round_timeout(default_round_timeout(target.query_timeout)) / 5 * 4
}

/// The statements that depend on the version.
pub struct Variants {
    pub indexes: &'static str,
    pub checks: Option<&'static str>,
    /// `EVENTS_TABLE`, or `EVENTS_VIEW` where there is no event table.
    pub events: &'static str,
    pub innodb_tables: &'static str,
}

pub fn variants(server: &Server) -> Variants {
    let v = server.version;
    let (indexes, checks, events, innodb_tables) = if server.is_mariadb() {
        let indexes = if v >= Version::new(10, 6, 0) { q::INDEXES_MARIADB_IGNORED } else { q::INDEXES };
        (indexes, Some(q::CHECKS_MARIADB), q::EVENTS_TABLE, q::INNODB_TABLES_SYS)
    } else if v >= Version::new(8, 0, 0) {
        let indexes = if v >= Version::new(8, 0, 13) { q::INDEXES_MYSQL8 } else { q::INDEXES };
        let checks = (v >= Version::new(8, 0, 16)).then_some(q::CHECKS_MYSQL);
        (indexes, checks, q::EVENTS_VIEW, q::INNODB_TABLES_MYSQL8)
    } else {
        (q::INDEXES, None, q::EVENTS_TABLE, q::INNODB_TABLES_SYS)
    };
    Variants { indexes, checks, events, innodb_tables }
}

impl MysqlCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let Some(server) = self.server().cloned() else {
            return Err(self.lost("not connected"));
        };
        let Some(rows) = self.rows("databases", q::DATABASES, &mut problems).await? else {
            return Ok(Collected { bodies: Vec::new(), problems });
        };
        let mut databases: Vec<String> =
            rows.iter().map(|r| r.text("name")).filter(|n| !n.is_empty()).collect();
        databases.sort();
        let reads = self.read_server(&server, databases, &mut problems).await?;
        let (mut snapshot, hidden) = schema_parse::build(&reads);
        self.tell_hidden(hidden, &mut problems);
        crate::collectors::schema_carry::carry_over(self.previous_schema.as_ref(), &mut snapshot);
        Ok(self.compare(snapshot, problems))
    }

    async fn read_server(
        &mut self,
        server: &Server,
        databases: Vec<String>,
        problems: &mut Vec<String>,
    ) -> Result<Reads, CollectError> {
        let deadline = Instant::now() + round_budget(&self.target);
        let variants = variants(server);
        let mut r = Reads { databases, ..Default::default() };
        let mut read = Required { databases: r.databases.clone(), failed: BTreeMap::new(), deadline };
        r.tables = self.required(&mut read, "tables", q::TABLES).await?;
        r.columns = self.required(&mut read, "columns", q::COLUMNS).await?;
        r.indexes = self.required(&mut read, "indexes", variants.indexes).await?;
        r.foreign_keys = self.required(&mut read, "foreign keys", q::FOREIGN_KEYS).await?;
        if let Some(sql) = variants.checks {
            r.checks = self.required(&mut read, "check constraints", sql).await?;
        }
        r.views = self.required(&mut read, "views", q::VIEWS).await?;
        r.routines = self.required(&mut read, "routines", q::ROUTINES).await?;
        r.parameters = self.required(&mut read, "routine parameters", q::PARAMETERS).await?;
        r.triggers = self.required(&mut read, "triggers", q::TRIGGERS).await?;
        // mysql.event needs SELECT on the mysql schema; information_schema.EVENTS shows
        // what the EVENT privilege allows instead of refusing.
        let event_table = match variants.events == q::EVENTS_TABLE {
            true => self.query_raw(q::EVENTS_TABLE).await?.ok(),
            false => None,
        };
        r.events = match event_table {
            Some(rows) => rows,
            None => self.required(&mut read, "events", q::EVENTS_VIEW).await?,
        };
        r.failed = read.failed;

        r.index_sizes = self.rows("index sizes (mysql.innodb_index_stats)", q::INDEX_SIZES, problems).await?;
        let performance_schema = self.conn.as_ref().is_some_and(|c| c.performance_schema);
        if performance_schema {
            r.index_usage = self.rows("index usage", q::INDEX_USAGE, problems).await?;
        } else if !self.schema.told_no_usage {
            self.schema.told_no_usage = true;
            problems.push(
                "index usage: unknown without performance_schema, so unused indexes are not reported \
                 (start the server with performance_schema=ON)"
                    .to_owned(),
            );
        }
        r.innodb_tables =
            self.rows("InnoDB tables", variants.innodb_tables, problems).await?.unwrap_or_default();
        Ok(r)
    }

    /// Reads a class of objects for the whole server; if the server refuses, database
    /// by database, and a database that still fails (or is not reached in time) is
    /// marked failed with why.
    async fn required(
        &mut self,
        read: &mut Required,
        what: &str,
        sql: &'static str,
    ) -> Result<Vec<TextRow>, CollectError> {
        let refusal = match self.query_raw(sql).await? {
            Ok(rows) => return Ok(rows),
            Err(refusal) => refusal,
        };
        let whole = super::refusal_problem(what, &refusal);
        let mut rows = Vec::new();
        for db in read.databases.clone() {
            if read.failed.contains_key(&db) {
                continue;
            }
            let Some(one) = q::per_database(sql, &db) else {
                read.failed.insert(db, whole.clone());
                continue;
            };
            if Instant::now() >= read.deadline {
                read.failed.insert(db, format!("{what}: not read, the schema round ran out of time"));
                continue;
            }
            match self.query_raw(&one).await? {
                Ok(found) => rows.extend(found),
                Err(refusal) => {
                    read.failed.insert(db, super::refusal_problem(what, &refusal));
                }
            }
        }
        Ok(rows)
    }

    /// Definitions the grants hide, said once per connection (and again if more hide).
    fn tell_hidden(&mut self, hidden: Hidden, problems: &mut Vec<String>) {
        let told = &mut self.schema.told_hidden;
        if hidden.views > told.views {
            problems.push(format!(
                "view definitions: hidden from this user for {} views, so changes to them are not \
                 detected (GRANT SHOW VIEW ON *.* TO <monitoring user>)",
                hidden.views
            ));
        }
        if hidden.routines > told.routines {
            problems.push(format!(
                "routine bodies: hidden from this user for {} stored routines, so changes to them are \
                 not detected (GRANT SELECT ON *.*, or on MySQL 8.0.20+ SHOW_ROUTINE, TO <monitoring user>)",
                hidden.routines
            ));
        }
        *told = Hidden { views: told.views.max(hidden.views), routines: told.routines.max(hidden.routines) };
    }

    /// The snapshot and the changes since the previous one (kept across reconnects: it
    /// is structure, not counters).
    fn compare(&mut self, snapshot: SchemaSnapshot, problems: Vec<String>) -> Collected {
        let changes = match &self.previous_schema {
            Some(previous) => crate::collectors::schema_diff::diff(previous, &snapshot, Timestamp::now()),
            None => Vec::new(),
        };
        let mut bodies = vec![SampleBody::Schema(snapshot.clone())];
        if !changes.is_empty() {
            bodies.push(SampleBody::SchemaChanges(changes));
        }
        self.previous_schema = Some(snapshot);
        Collected { bodies, problems }
    }
}

/// The databases a required read covers, those that failed so far, and when to stop
/// retrying one by one.
struct Required {
    databases: Vec<String>,
    failed: BTreeMap<String, String>,
    deadline: Instant,
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
