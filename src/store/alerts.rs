//! Alert lifecycle events: written in one transaction per batch, read newest first.

use super::StoreError;
use super::record::to_sql_int;
use crate::model::{AlertEvent, TargetId, Timestamp};
use rusqlite::{Connection, Row, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn record(conn: &mut Connection, events: Vec<AlertEvent>) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO alert_events (target, rule, name, key, kind, severity, category, value,
                 threshold, message, first_seen, last_seen, count, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for e in &events {
            insert.execute(params![
                e.target.0,
                e.rule,
                e.name,
                e.key,
                enum_name(&e.kind)?,
                enum_name(&e.severity)?,
                enum_name(&e.category)?,
                e.value,
                e.threshold,
                e.message,
                e.first_seen.0,
                e.last_seen.0,
                to_sql_int(e.count),
                e.at.0,
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Events in `[from, to]`, newest first (ties: the later insert first).
pub fn history(
    conn: &Connection,
    target: Option<&str>,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Result<Vec<AlertEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT target, rule, name, key, kind, severity, category, value, threshold, message,
                first_seen, last_seen, count, at
         FROM alert_events
         WHERE (?1 IS NULL OR target = ?1) AND at BETWEEN ?2 AND ?3
         ORDER BY at DESC, id DESC LIMIT ?4",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![target, from.0, to.0, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<AlertEvent> {
    Ok(AlertEvent {
        target: TargetId(r.get(0)?),
        rule: r.get(1)?,
        name: r.get(2)?,
        key: r.get(3)?,
        kind: parse_enum(r, 4)?,
        severity: parse_enum(r, 5)?,
        category: parse_enum(r, 6)?,
        // NULL is how SQLite stored a NaN.
        value: r.get::<_, Option<f64>>(7)?.unwrap_or(f64::NAN),
        threshold: r.get::<_, Option<f64>>(8)?.unwrap_or(f64::NAN),
        message: r.get(9)?,
        first_seen: Timestamp(r.get(10)?),
        last_seen: Timestamp(r.get(11)?),
        count: u64::try_from(r.get::<_, i64>(12)?).unwrap_or(0),
        at: Timestamp(r.get(13)?),
    })
}

/// The serde name of a unit variant, e.g. `severity_changed`.
fn enum_name<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(StoreError::Sqlite(format!("cannot store alert enum: {other:?}"))),
    }
}

fn parse_enum<T: DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}
