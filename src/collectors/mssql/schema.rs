//! Schema tier: every user database's catalog, read on the monitoring connection
//! through three-part names (`schema_queries`), mapped by `schema_parse`, compared with
//! the previous snapshot by the shared `schema_diff`.
//!
//! A database costs ten statements (`PER_DATABASE`) and is mapped as soon as it is read,
//! so only one database's replies are held at a time; one server-wide read gives the
//! missing-index suggestions of them all. The round has a time budget
//! (`round_budget`); databases it does not reach keep their previous read and come
//! first next round, so a server with hundreds of databases is read over a few rounds
//! instead of timing out every time. A database that cannot be read (offline, no
//! access, refused, a statement timed out) gets `error` and the round goes on; a lost
//! connection is re-opened once per round.

use super::MssqlCollector;
use super::schema_parse::{self, DatabaseEntry, DatabaseReads, Hidden};
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
/// `scheduler::schema_round_timeout` and then treats the target as down, so no
/// statement of a database starts after four fifths of it. One started just before
/// may take a query timeout more: that deadline is at least 24 query timeouts, so the
/// round still ends before the scheduler's.
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

/// The databases that refused each optional class this round, for one note per class.
type Refused = BTreeMap<&'static str, Vec<String>>;

/// One round's progress.
struct Round {
    /// No statement of a database starts after this.
    deadline: Instant,
    refused: Refused,
    /// The connection was re-opened once already this round.
    reconnected: bool,
    problems: Vec<String>,
}

impl MssqlCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let started = Instant::now();
        let mut problems = Vec::new();
        let Some(azure_sql) = self.conn.as_ref().map(|c| c.engine_edition == 5) else {
            return Err(self.lost("not connected"));
        };
        let list_sql = if azure_sql { q::DATABASES_AZURE_SQL } else { q::DATABASES };
        let Some(rows) = self.rows("databases", list_sql, &mut problems).await? else {
            return Ok(Collected { bodies: Vec::new(), problems });
        };
        let listed = schema_parse::databases(&rows);
        let ids: Vec<i64> = listed.iter().filter(|d| d.unreadable().is_none()).map(|d| d.id).collect();
        let missing = match ids.is_empty() {
            true => None,
            false => self.missing_indexes(&ids, &mut problems).await?,
        };
        let mut round = Round {
            deadline: crate::collectors::scheduler::later(started, round_budget(&self.target)),
            refused: Refused::new(),
            reconnected: false,
            problems,
        };
        let mut hidden = Hidden::default();
        let mut snapshot = SchemaSnapshot::default();
        let mut not_reached = Vec::new();
        for entry in rotation(listed, self.schema.resume_after.as_deref()) {
            if let Some(error) = entry.unreadable() {
                snapshot.databases.push(DatabaseSchema {
                    name: entry.name,
                    error: Some(error),
                    ..Default::default()
                });
                continue;
            }
            let name = entry.name.clone();
            match self.read_database(entry.clone(), &mut round).await? {
                // Built at once: the replies of one database at a time are held, never all.
                Some(db) => {
                    // Statistics ages were measured a moment ago, by the server's clock.
                    let now_ms = Timestamp::now().0;
                    snapshot.databases.push(schema_parse::database(
                        &db,
                        missing.as_deref(),
                        now_ms,
                        &mut hidden,
                    ));
                    self.schema.resume_after = Some(name);
                }
                None => not_reached.push(entry),
            }
        }
        if not_reached.is_empty() {
            self.schema.resume_after = None;
        }
        let mut problems = round.problems;
        self.carry_unreached(&mut snapshot, not_reached, &mut problems);
        self.tell(&hidden, &round.refused, &mut problems);
        crate::collectors::schema_carry::carry_over(self.previous_schema.as_ref(), &mut snapshot);
        Ok(self.compare(snapshot, problems))
    }

    /// Reads one database, class by class; None when the round's time ran out first
    /// (or the connection is gone before its required classes): the database is then
    /// not reached and keeps its previous read. A lost connection (a statement that timed
    /// out, or the server went away) fails the database if it happened on a required
    /// class, costs only the figures on an optional one (those come last), and is
    /// re-opened once per round.
    async fn read_database(
        &mut self,
        entry: DatabaseEntry,
        round: &mut Round,
    ) -> Result<Option<DatabaseReads>, CollectError> {
        let mut db = DatabaseReads { entry, ..Default::default() };
        for class in &q::PER_DATABASE {
            if Instant::now() >= round.deadline {
                return Ok(None);
            }
            if self.conn.is_none() {
                // Lost for good this round: what is read stands if it is complete.
                if class.required {
                    return Ok(None);
                }
                break;
            }
            let what = class.what;
            let one = q::for_database(class.sql, &db.entry.name, db.entry.id);
            let reply = match self.query_raw(&one).await {
                Ok(reply) => reply,
                Err(lost) => {
                    let note = format!("{what}: {lost}");
                    if class.required {
                        db.error = Some(note);
                    } else {
                        round.problems.push(format!("{note} (in {}; not read this round)", db.entry.name));
                    }
                    if !round.reconnected {
                        round.reconnected = true;
                        self.ensure_connected().await?;
                    }
                    if class.required {
                        break;
                    }
                    continue;
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
                    db.replies.insert(class.sql, rows);
                }
                Err(refusal) if class.required => {
                    db.error = Some(super::refusal_problem(what, &refusal));
                    break;
                }
                Err(_) => round.refused.entry(what).or_default().push(db.entry.name.clone()),
            }
        }
        Ok(Some(db))
    }

    /// The missing-index suggestions of the listed databases (600 at most on a server),
    /// read before them; refused = None, said once per connection.
    async fn missing_indexes(
        &mut self,
        ids: &[i64],
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<super::rows::TextRow>>, CollectError> {
        match self.query_raw(&q::for_databases(q::MISSING_INDEXES, ids)).await? {
            Ok(rows) => Ok(Some(rows)),
            Err(refusal) => {
                if self.schema.told.insert("missing indexes") {
                    problems.push(format!(
                        "missing-index suggestions: refused ({}); GRANT VIEW SERVER STATE TO <monitoring \
                         login> (SQL Server 2022: VIEW SERVER PERFORMANCE STATE)",
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
                let grant = q::PER_DATABASE.iter().find(|c| c.what == *what).map_or("", |c| c.grant);
                problems.push(format!(
                    "{what}: refused in {} ({}); {grant}",
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
