//! Statement readings stored as columns. From one interval to the next nearly every
//! figure of every statement changes, so a delta frame (chain.rs) finds little to repeat
//! row by row; laid out a column at a time, like figures sit together (calls beside
//! calls, ids beside ids) and the compressor does better. Measured on the storage bench's
//! day: a queries delta frame of 150 statements went from 5.0 KB to 3.8 KB. Activity and
//! the per-database counters are not laid out so: there most rows repeat the previous
//! body whole, which rows match better than columns (measured: 0.8 KB as rows, 1.3 KB as
//! columns).
//!
//! Stored form of `data.stats`: `{"rows": N, "columns": {name: column}}`, the names in the
//! order the rows had them. A column is an array of N values, or, for a field only some
//! rows have, `{"rows": [indices], "values": [...]}`. Rows whose fields come in orders no
//! single name order keeps stay rows, as do empty lists and empty rows: reading gives back exactly what
//! was written, field order included (a statement's counters keep theirs).

use serde_json::{Map, Value, json};

const STATS: &str = "/data/stats";

fn is_queries(body: &Value) -> bool {
    body.get("kind").and_then(Value::as_str) == Some("queries")
}

/// Lays out a queries body's statements as columns, where that reads back exactly.
pub fn to_columns(body: &mut Value) {
    if !is_queries(body) {
        return;
    }
    let Some(stats) = body.pointer_mut(STATS) else { return };
    if let Some(columns) = stats.as_array().and_then(|rows| columnize(rows)) {
        *stats = columns;
    }
}

/// The field names of all rows in one order that keeps each row's own order, or None.
fn names_in_order(rows: &[Value]) -> Option<Vec<&str>> {
    let mut names: Vec<&str> = Vec::new();
    for row in rows {
        let row = row.as_object().filter(|row| !row.is_empty())?;
        let mut next = 0;
        for key in row.keys() {
            match names[next..].iter().position(|n| n == key) {
                Some(i) => next += i + 1,
                // Before `next`: this row has it in another order than an earlier row.
                None if names.contains(&key.as_str()) => return None,
                None => {
                    names.insert(next, key);
                    next += 1;
                }
            }
        }
    }
    Some(names)
}

fn columnize(rows: &[Value]) -> Option<Value> {
    if rows.is_empty() {
        return None;
    }
    let names = names_in_order(rows)?;
    let mut columns = Map::with_capacity(names.len());
    for name in names {
        let cells: Vec<Option<&Value>> = rows.iter().map(|row| row.get(name)).collect();
        let column = if cells.iter().all(Option::is_some) {
            Value::Array(cells.into_iter().flatten().cloned().collect())
        } else {
            let present: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].is_some()).collect();
            let values: Vec<Value> = cells.into_iter().flatten().cloned().collect();
            json!({ "rows": present, "values": values })
        };
        columns.insert(name.to_owned(), column);
    }
    Some(json!({ "rows": rows.len(), "columns": columns }))
}

/// Puts back the rows `to_columns` laid out; a body stored as rows is left as it is.
pub fn to_rows(body: &mut Value) -> Result<(), String> {
    if !is_queries(body) {
        return Ok(());
    }
    let Some(stats) = body.pointer_mut(STATS) else { return Ok(()) };
    if stats.is_object() {
        *stats = Value::Array(rows_of(stats)?);
    }
    Ok(())
}

fn rows_of(stored: &mut Value) -> Result<Vec<Value>, String> {
    let count = stored.get("rows").and_then(Value::as_u64).ok_or("statement columns without a row count")?;
    let columns = match stored.get_mut("columns").map(Value::take) {
        Some(Value::Object(columns)) => columns,
        _ => return Err("statement columns missing".into()),
    };
    // Every row needs a cell of some column: more rows than cells cannot be real.
    let cells: usize = columns.values().map(column_len).sum();
    let count = usize::try_from(count).ok().filter(|&n| n <= cells).ok_or("statement row count too large")?;
    let mut rows: Vec<Map<String, Value>> = (0..count).map(|_| Map::new()).collect();
    for (name, column) in columns {
        match column {
            Value::Array(values) if values.len() == count => {
                for (row, value) in rows.iter_mut().zip(values) {
                    row.insert(name.clone(), value);
                }
            }
            Value::Object(mut sparse) => {
                let (Some(Value::Array(present)), Some(Value::Array(values))) =
                    (sparse.remove("rows"), sparse.remove("values"))
                else {
                    return Err(format!("statement column {name} is malformed"));
                };
                if present.len() != values.len() {
                    return Err(format!("statement column {name} is malformed"));
                }
                let mut after = None;
                for (index, value) in present.iter().zip(values) {
                    let index = index.as_u64().and_then(|i| usize::try_from(i).ok()).filter(|&i| i < count);
                    // Strictly rising: each row has a field once.
                    let index = index
                        .filter(|&i| after.is_none_or(|a| i > a))
                        .ok_or_else(|| format!("statement column {name} names a wrong row"))?;
                    after = Some(index);
                    rows[index].insert(name.clone(), value);
                }
            }
            _ => return Err(format!("statement column {name} has the wrong length")),
        }
    }
    Ok(rows.into_iter().map(Value::Object).collect())
}

fn column_len(column: &Value) -> usize {
    match column {
        Value::Array(values) => values.len(),
        other => other.get("values").and_then(Value::as_array).map_or(0, Vec::len),
    }
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
