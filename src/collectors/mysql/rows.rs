//! MySQL replies as `TextRow`s (the shared, by-name row of the SQL engines).

pub use crate::collectors::text_rows::{TextRow, from_batch};
use std::sync::Arc;

/// Converts a driver row. Text-protocol values arrive as bytes; anything else (a
/// server-side prepared reply, a driver default) is formatted the way the server
/// would print it. Invalid UTF-8 is replaced, never trusted.
pub fn from_driver(columns: &Arc<[String]>, row: mysql_async::Row) -> TextRow {
    use mysql_async::Value;
    let values = row
        .unwrap()
        .into_iter()
        .map(|v| match v {
            Value::NULL => None,
            Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Double(f) => Some(f.to_string()),
            Value::Date(y, mo, d, h, mi, s, us) => {
                Some(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}"))
            }
            Value::Time(neg, days, h, mi, s, us) => {
                let hours = u64::from(days) * 24 + u64::from(h);
                Some(format!("{}{hours:02}:{mi:02}:{s:02}.{us:06}", if neg { "-" } else { "" }))
            }
        })
        .collect();
    TextRow::new(columns.clone(), values)
}
