//! Schema changes as rows (filterable history for the Changes tab), and the newest
//! schema snapshot that change detection resumes from after a restart.

use super::{StoreError, history};
use crate::model::{ChangeKind, SampleBody, SchemaChange, SchemaSnapshot, Timestamp};
use rusqlite::{Connection, Row, params};

fn change_name(c: ChangeKind) -> &'static str {
    match c {
        ChangeKind::Added => "added",
        ChangeKind::Modified => "modified",
        ChangeKind::Removed => "removed",
    }
}

fn parse_change(r: &Row<'_>, i: usize) -> rusqlite::Result<ChangeKind> {
    match r.get::<_, String>(i)?.as_str() {
        "added" => Ok(ChangeKind::Added),
        "removed" => Ok(ChangeKind::Removed),
        "modified" => Ok(ChangeKind::Modified),
        other => Err(rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown schema change {other:?}").into(),
        )),
    }
}

/// Inside the round's transaction. The row's `at` is the change's own timestamp.
pub fn insert(conn: &Connection, target: &str, changes: &[SchemaChange]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO schema_changes (target, at, database, schema, object_type, object, change, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in changes {
        stmt.execute(params![
            target,
            c.at.0,
            c.database,
            c.schema,
            c.object_type,
            c.object,
            change_name(c.change),
            c.detail
        ])?;
    }
    Ok(())
}

/// Changes with `at` in `[from, to]`, newest first, at most `limit`.
pub fn history(
    conn: &Connection,
    target: &str,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Result<Vec<SchemaChange>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, database, schema, object_type, object, change, detail FROM schema_changes
         WHERE target = ?1 AND at BETWEEN ?2 AND ?3 ORDER BY at DESC, id DESC LIMIT ?4",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![target, from.0, to.0, limit], |r| {
        Ok(SchemaChange {
            at: Timestamp(r.get(0)?),
            database: r.get(1)?,
            schema: r.get(2)?,
            object_type: r.get(3)?,
            object: r.get(4)?,
            change: parse_change(r, 5)?,
            detail: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest "schema" snapshot of the target, whatever its age (retention keeps it).
pub fn latest(conn: &Connection, target: &str) -> Result<Option<SchemaSnapshot>, StoreError> {
    let sample = history::snapshot_at(conn, target, "schema", Timestamp(i64::MAX))?;
    Ok(sample.and_then(|s| match s.body {
        SampleBody::Schema(snap) => Some(snap),
        _ => None,
    }))
}
