//! Schema tier (docs/oracle.md "Schema tier"): every application owner's tables,
//! columns, indexes, keys, views, code and sequences from the data dictionary, sizes
//! from one grouped read of dba_segments, compared with the previous snapshot by the
//! shared `schema_diff`.
//!
//! - `schema/queries.rs`: one capped statement per dictionary view, application owners only.
//! - `schema/parse.rs`: the replies → `SchemaSnapshot` (pure).
//! - `schema/keys.rs`: indexes, keys and the unused/duplicate/redundant analysis.
//! - `schema/carry.rs`: what was not read keeps the previous read.
//!
//! Cost: eleven statements every four hours. The columns (the longest list) are read
//! again only when something changed: while the number of objects per owner and their
//! newest LAST_DDL_TIME (`queries::OWNERS`, one grouped read) are the same as the last
//! round's, the previous read of them stands. (Keys are read every round: the index
//! analysis needs them, and they are far fewer.)

mod carry;
mod keys;
mod parse;
mod queries;

use super::OracleCollector;
use crate::collectors::{CollectError, Collected};
use crate::model::{SampleBody, SchemaSnapshot, Timestamp};
use carry::{Part, Scope};
use parse::{Reads, Signature};
use queries as q;

pub use queries::STATEMENTS;

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct SchemaState {
    /// The objects' signature of the last round whose columns were all read.
    signature: Option<Signature>,
}

impl SchemaState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl OracleCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let reads = self.read_schema(&mut problems).await?;
        // Statistics ages were measured a moment ago, by the server's clock.
        let mut snapshot = parse::build(&reads, Timestamp::now().0);
        carry::carry(self.previous_schema.as_ref(), &mut snapshot, &reads.unknown);
        Ok(self.compare(snapshot, problems))
    }

    async fn read_schema(&mut self, problems: &mut Vec<String>) -> Result<Reads, CollectError> {
        let name = self.rows("container name", q::DATABASE_NAME, problems).await?;
        let database = name
            .as_deref()
            .and_then(parse::database_name)
            .unwrap_or_else(|| self.target.database.to_ascii_uppercase());
        let mut reads = Reads { database, ..Default::default() };
        let Some(owners) = self.capped("owners (dba_objects)", q::OWNERS, q::MAX_OWNERS, problems).await?
        else {
            reads.error = problems.last().cloned();
            return Ok(reads);
        };
        reads.owners = owners.0;
        reads.unknown.extend(owners.1.map(|owner| (Part::Schemas, Scope::From(owner))));
        let signature = parse::signature(&reads.owners);
        let Some((tables, cut)) =
            self.capped("tables (dba_tables)", q::TABLES, q::MAX_OBJECTS, problems).await?
        else {
            reads.error = problems.last().cloned();
            return Ok(reads);
        };
        reads.tables = tables;
        reads.unknown.extend(cut.map(|owner| (Part::Tables, Scope::From(owner))));
        let unchanged = self.previous_schema.is_some() && self.schema.signature.as_ref() == Some(&signature);
        let mut complete = true;
        if unchanged {
            reads.unknown.push((Part::Columns, Scope::All));
        } else {
            let what = "columns (dba_tab_columns)";
            (reads.columns, complete) =
                self.part(&mut reads, Part::Columns, what, q::COLUMNS, q::MAX_COLUMNS, problems).await?;
        }
        let what = "keys (dba_constraints)";
        (reads.constraints, _) =
            self.part(&mut reads, Part::Constraints, what, q::CONSTRAINTS, q::MAX_COLUMNS, problems).await?;
        (reads.indexes, _) = self
            .part(&mut reads, Part::Indexes, "indexes (dba_indexes)", q::INDEXES, q::MAX_OBJECTS, problems)
            .await?;
        let index_keys = "index keys (dba_ind_columns)";
        (reads.index_columns, _) = self
            .part(&mut reads, Part::Indexes, index_keys, q::INDEX_COLUMNS, q::MAX_COLUMNS, problems)
            .await?;
        (reads.sequences, _) = self
            .part(
                &mut reads,
                Part::Sequences,
                "sequences (dba_sequences)",
                q::SEQUENCES,
                q::MAX_OBJECTS,
                problems,
            )
            .await?;
        (reads.objects, _) = self
            .part(
                &mut reads,
                Part::Objects,
                "views and code (dba_objects)",
                q::OBJECTS,
                q::MAX_OBJECTS,
                problems,
            )
            .await?;
        reads.segments = self.figures("sizes (dba_segments)", q::SEGMENTS, q::MAX_SEGMENTS, problems).await?;
        reads.index_usage =
            self.figures("index usage (dba_index_usage)", q::INDEX_USAGE, q::MAX_OBJECTS, problems).await?;
        if complete {
            self.schema.signature = Some(signature);
        }
        Ok(reads)
    }

    /// Rows of a statement capped at `cap` (it asks for one more), and the owner of the
    /// last row kept when it was cut; None when refused (a problem line).
    async fn capped(
        &mut self,
        what: &str,
        sql: &str,
        cap: usize,
        problems: &mut Vec<String>,
    ) -> Result<Option<(Vec<super::TextRow>, Option<String>)>, CollectError> {
        let Some(mut rows) = self.rows_bound(what, sql, Vec::new(), cap + 1, problems).await? else {
            return Ok(None);
        };
        if rows.len() <= cap {
            return Ok(Some((rows, None)));
        }
        rows.truncate(cap);
        // The column the statement orders by.
        let owner = ["table_owner", "owner"].iter().find_map(|c| rows.last().and_then(|r| r.get(c)));
        let owner = owner.unwrap_or_default().to_owned();
        problems.push(format!(
            "{what}: more than {cap} rows; the first {cap} are kept and owners from {owner} on keep their \
             previous read"
        ));
        Ok(Some((rows, Some(owner))))
    }

    /// A part of the inventory: refused or cut, the previous read stands for it (for all
    /// owners, or those it was cut in). The flag says it was read whole.
    async fn part(
        &mut self,
        reads: &mut Reads,
        part: Part,
        what: &str,
        sql: &str,
        cap: usize,
        problems: &mut Vec<String>,
    ) -> Result<(Vec<super::TextRow>, bool), CollectError> {
        Ok(match self.capped(what, sql, cap, problems).await? {
            Some((rows, None)) => (rows, true),
            Some((rows, Some(owner))) => {
                reads.unknown.push((part, Scope::From(owner)));
                (rows, false)
            }
            None => {
                reads.unknown.push((part, Scope::All));
                (Vec::new(), false)
            }
        })
    }

    /// Figures only (sizes, use): refused is unknown, cut keeps the largest first.
    async fn figures(
        &mut self,
        what: &str,
        sql: &str,
        cap: usize,
        problems: &mut Vec<String>,
    ) -> Result<Option<Vec<super::TextRow>>, CollectError> {
        Ok(self.rows_bound(what, sql, Vec::new(), cap + 1, problems).await?.map(|mut rows| {
            if rows.len() > cap {
                rows.truncate(cap);
                problems.push(format!("{what}: more than {cap} rows; the rest count as 0"));
            }
            rows
        }))
    }

    /// The snapshot and the changes since the previous one (kept across reconnects and
    /// seeded after a restart: it is structure, not counters).
    fn compare(&mut self, snapshot: SchemaSnapshot, problems: Vec<String>) -> Collected {
        let changes = match &self.previous_schema {
            Some(previous) => crate::collectors::schema_diff::diff(previous, &snapshot, Timestamp::now()),
            None => Vec::new(),
        };
        let mut bodies = vec![SampleBody::Schema(snapshot.clone())];
        if !changes.is_empty() {
            bodies.push(SampleBody::SchemaChanges(changes));
        }
        // A database that could not be read is shown as such, but the next round is
        // compared with the last good read, so what changed meanwhile is still seen.
        let readable = snapshot.databases.iter().all(|d| d.error.is_none());
        if readable || self.previous_schema.is_none() {
            self.previous_schema = Some(snapshot);
        }
        Collected { bodies, problems }
    }
}

#[cfg(test)]
mod tests;
