//! Schema tier: every user database's catalog, read on the monitoring connection
//! through three-part names (`schema_queries`), mapped by `schema_parse`, compared with
//! the previous snapshot by the shared `schema_diff`.
//!
//! A database costs nine statements (`PER_DATABASE`), then two server-wide reads cover
//! the round's databases (index usage, missing indexes). The round has a time budget
//! (`round_budget`); databases it does not reach keep their previous read and come
//! first next round, so a server with hundreds of databases is read over a few rounds
//! instead of timing out every time. A database that cannot be read (offline, no
//! access, refused, a statement timed out) gets `error` and the round goes on; a lost
//! connection is re-opened once per round.

use super::MssqlCollector;
use super::schema_parse::{self, DatabaseEntry, DatabaseReads, Hidden, Reads};
use super::schema_queries as q;
use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::{DatabaseSchema, SampleBody, SchemaSnapshot, Timestamp};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tokio::time::Instant;

pub use super::schema_queries::STATEMENTS;

/// What the schema tier remembers between rounds.
#[derive(Debug, Default)]
pub struct SchemaState {
    /// The last database the previous round reached, when it did not reach them all.
    resume_after: Option<String>,
    /// Permission notes already given on this connection (by topic).
    told: BTreeSet<&'static str>,
}

impl SchemaState {
    /// A new connection: say the permission notes again (where to resume is kept).
    pub fn forget(&mut self) {
        self.told.clear();
    }
}

/// Time for the whole round: the scheduler cancels a schema round after
/// `scheduler::schema_round_timeout` and then treats the target as down, so the round
/// stops reading new databases after four fifths of it.
pub fn round_budget(target: &TargetConfig) -> Duration {
    use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
    schema_round_timeout(default_round_timeout(target.query_timeout)) / 5 * 4
}

/// The databases in the order this round reads them: after `resume_after`, wrapping.
pub fn rotation(mut list: Vec<DatabaseEntry>, resume_after: Option<&str>) -> Vec<DatabaseEntry> {
    if let Some(last) = resume_after {
        let start = list.iter().position(|d| d.name.as_str() > last).unwrap_or(0);
        list.rotate_left(start);
    }
    list
}

/// The round's reads of each class that a database refused, for one note per class.
type Refused = BTreeMap<&'static str, Vec<String>>;

impl MssqlCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let Some(azure_sql) = self.conn.as_ref().map(|c| c.engine_edition == 5) else {
            return Err(self.lost("not connected"));
        };
        let list_sql = if azure_sql { q::DATABASES_AZURE_SQL } else { q::DATABASES };
        let Some(rows) = self.rows("databases", list_sql, &mut problems).await? else {
            return Ok(Collected { bodies: Vec::new(), problems });
        };
        let order = rotation(schema_parse::databases(&rows), self.schema.resume_after.as_deref());
        let deadline = crate::collectors::scheduler::later(Instant::now(), round_budget(&self.target));
        let mut reads = Reads { now_ms: Timestamp::now().0, ..Default::default() };
        let mut refused = Refused::new();
        let mut reconnected = false;
        let mut not_reached = Vec::new();
        for entry in order {
            if let Some(error) = entry.unreadable() {
                reads.databases.push(DatabaseReads { entry, error: Some(error), ..Default::default() });
            } else if Instant::now() >= deadline || self.conn.is_none() {
                not_reached.push(entry);
            } else {
                let db = self.read_database(entry, &mut refused, &mut reconnected).await?;
                self.schema.resume_after = Some(db.entry.name.clone());
                reads.databases.push(db);
            }
        }
        if not_reached.is_empty() {
            self.schema.resume_after = None;
        }
        let ids: Vec<i64> =
            reads.databases.iter().filter(|d| d.error.is_none()).map(|d| d.entry.id).collect();
        if !ids.is_empty() && self.conn.is_some() {
            reads.usage = self.server_wide(q::INDEX_USAGE, &ids, &mut problems).await?;
            reads.missing = self.server_wide(q::MISSING_INDEXES, &ids, &mut problems).await?;
        }
        let (mut snapshot, hidden) = schema_parse::build(&reads);
        self.carry_unreached(&mut snapshot, not_reached, &mut problems);
        self.tell(&hidden, &refused, &mut problems);
        crate::collectors::schema_carry::carry_over(self.previous_schema.as_ref(), &mut snapshot);
        Ok(self.compare(snapshot, problems))
    }

    /// Reads one database, class by class. A lost connection (a statement that timed
    /// out, or the server went away) fails this database and is re-opened once per
    /// round; a second loss ends the reading (the caller treats the rest as not reached).
    async fn read_database(
        &mut self,
        entry: DatabaseEntry,
        refused: &mut Refused,
        reconnected: &mut bool,
    ) -> Result<DatabaseReads, CollectError> {
        let mut db = DatabaseReads { entry, ..Default::default() };
        for (what, sql, required) in q::PER_DATABASE {
            let one = q::for_database(sql, &db.entry.name);
            let reply = match self.query_raw(&one).await {
                Ok(reply) => reply,
                Err(lost) => {
                    db.error = Some(format!("{what}: {lost}"));
                    if !*reconnected {
                        *reconnected = true;
                        self.ensure_connected().await?;
                    }
                    break;
                }
            };
            match reply {
                Ok(rows) if rows.len() > q::MAX_ROWS => {
                    db.error = Some(format!(
                        "{what}: more than {} rows, too big a catalog for the schema tier (not read)",
                        q::MAX_ROWS
                    ));
                    break;
                }
                Ok(rows) => {
                    db.replies.insert(sql, rows);
                }
                Err(refusal) if required => {
                    db.error = Some(super::refusal_problem(what, &refusal));
                    break;
                }
                Err(_) => refused.entry(what).or_default().push(db.entry.name.clone()),
            }
        }
        Ok(db)
    }

    /// A server-wide read for the round's databases; refused = None, said once.
    async fn server_wide(
        &mut self,
        sql: &'static str,
        ids: &[i64],
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<super::rows::TextRow>>, CollectError> {
        match self.query_raw(&q::for_databases(sql, ids)).await? {
            Ok(rows) => Ok(Some(rows)),
            Err(refusal) => {
                if self.schema.told.insert("server state") {
                    problems.push(format!(
                        "index usage and missing-index suggestions: refused ({}); GRANT VIEW SERVER STATE \
                         TO <monitoring login> (SQL Server 2022: VIEW SERVER PERFORMANCE STATE), until then \
                         unused indexes are not reported",
                        refusal.message
                    ));
                }
                Ok(None)
            }
        }
    }

    /// Databases the round did not reach keep the previous round's read (unknown if
    /// there is none), and the next round starts with them.
    fn carry_unreached(
        &mut self,
        snapshot: &mut SchemaSnapshot,
        not_reached: Vec<DatabaseEntry>,
        problems: &mut Vec<String>,
    ) {
        if not_reached.is_empty() {
            return;
        }
        problems.push(format!(
            "schema: {} of {} databases not read this round (time budget {} s); they keep their previous \
             read and are read first next round",
            not_reached.len(),
            not_reached.len() + snapshot.databases.len(),
            round_budget(&self.target).as_secs()
        ));
        for entry in not_reached {
            let previous = self.previous_schema.as_ref().and_then(|p| {
                p.databases.iter().find(|d| d.name == entry.name && d.error.is_none()).cloned()
            });
            snapshot.databases.push(previous.unwrap_or_else(|| DatabaseSchema {
                name: entry.name,
                error: Some("not read yet: the schema round ran out of time; read next round".into()),
                ..Default::default()
            }));
        }
        snapshot.databases.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Permission notes, each once per connection.
    fn tell(&mut self, hidden: &Hidden, refused: &Refused, problems: &mut Vec<String>) {
        if !hidden.databases.is_empty() && self.schema.told.insert("view definition") {
            problems.push(format!(
                "schema: without VIEW DEFINITION in {} ({}) the login sees only objects it holds a \
                 permission on, and {} view, routine and trigger bodies are hidden, so their changes are \
                 not detected; GRANT VIEW ANY DEFINITION TO <monitoring login>",
                plural(hidden.databases.len(), "database"),
                sample(&hidden.databases),
                hidden.modules
            ));
        }
        for (what, databases) in refused {
            if self.schema.told.insert(what) {
                problems.push(format!(
                    "{what}: refused in {} ({}); GRANT VIEW DATABASE STATE in each (or VIEW SERVER STATE), \
                     and for statistics dates db_ddladmin or SELECT on the tables",
                    plural(databases.len(), "database"),
                    sample(databases)
                ));
            }
        }
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// The first few names of a list, "a, b, c and 7 more".
fn sample(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let head = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => head,
        more => format!("{head} and {more} more"),
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
