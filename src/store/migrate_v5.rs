//! Migration to schema version 5: the per-counter columns of `query_stats` folded into
//! the `counters` BLOB. Rows are converted in Rust because the encoding is ours
//! (src/store/counters.rs), not something SQL can build.

use super::counters;
use crate::model::Counters;
use rusqlite::{Transaction, params};
use std::collections::HashMap;

/// Versions 1–4 had one column per counter; the column names become the counter names
/// unchanged (they are the names the statement collector of that engine still uses), so
/// old and new rows of one statement read alike.
const OLD_COLUMNS: [&str; 10] = [
    "shared_blks_hit",
    "shared_blks_read",
    "shared_blks_dirtied",
    "shared_blks_written",
    "local_blks_hit",
    "local_blks_read",
    "temp_blks_read",
    "temp_blks_written",
    "blk_read_time_ms",
    "blk_write_time_ms",
];

pub fn fold_counters(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(include_str!("schema_v5.sql"))?;
    let mut names = HashMap::new();
    let mut read = tx.prepare(&format!(
        "SELECT text_id, at, pos, calls, total_time_ms, mean_time_ms, min_time_ms, max_time_ms, rows, {}
         FROM query_stats",
        OLD_COLUMNS.join(", ")
    ))?;
    let mut write = tx.prepare(
        "INSERT INTO query_stats_v5 (text_id, at, pos, calls, total_time_ms, mean_time_ms,
             min_time_ms, max_time_ms, rows, counters)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut rows = read.query([])?;
    let mut blob = Vec::new();
    while let Some(r) = rows.next()? {
        let mut folded = Counters::with_capacity(OLD_COLUMNS.len());
        for (i, name) in OLD_COLUMNS.iter().enumerate() {
            // NULL is how SQLite stored a NaN; zero is left out, as collectors do.
            let value = r.get::<_, Option<f64>>(9 + i)?.unwrap_or(f64::NAN);
            if value != 0.0 {
                folded.push(*name, value);
            }
        }
        counters::encode(tx, &mut names, &folded, &mut blob)?;
        let blob = (!blob.is_empty()).then_some(blob.as_slice());
        write.execute(params![
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<f64>>(4)?,
            r.get::<_, Option<f64>>(5)?,
            r.get::<_, Option<f64>>(6)?,
            r.get::<_, Option<f64>>(7)?,
            r.get::<_, i64>(8)?,
            blob,
        ])?;
    }
    drop(rows);
    drop(read);
    drop(write);
    tx.execute_batch(include_str!("schema_v5_end.sql"))
}
