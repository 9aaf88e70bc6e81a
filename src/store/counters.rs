//! Engine counters as schema versions 5 and 6 kept them in `query_stats.counters` (version
//! 7 moved readings into their `queries` body; `migrate_v7.rs` reads these): one BLOB of
//! (name id, value) pairs, names kept once in `counter_names`.
//!
//! Why not JSON text: names would repeat in every row. Ten counters of a PostgreSQL
//! statement are ~220 bytes as a JSON object and ~25 bytes here, about what the ten
//! integer columns they replace took (see `sizes_compared` below), and the writer
//! formats no text. Entry layout: LEB128 `id << 1 | float`, then the value as LEB128 when
//! it is a whole number in 0..2^53 (counts, and times that happen to be whole), else as
//! 8 little-endian bytes of the f64.

use crate::model::Counters;
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Below this an integral f64 is exact as an integer.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// The id of counter `name`, added to `counter_names` on first use.
pub fn name_id(conn: &Connection, cache: &mut HashMap<String, i64>, name: &str) -> rusqlite::Result<i64> {
    if let Some(&id) = cache.get(name) {
        return Ok(id);
    }
    let id = conn
        .prepare_cached(
            "INSERT INTO counter_names (name) VALUES (?1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
        )?
        .query_row(params![name], |r| r.get(0))?;
    cache.insert(name.to_owned(), id);
    Ok(id)
}

/// Encodes `counters` into `out` (cleared first); empty counters stay empty (stored as NULL).
pub fn encode(
    conn: &Connection,
    cache: &mut HashMap<String, i64>,
    counters: &Counters,
    out: &mut Vec<u8>,
) -> rusqlite::Result<()> {
    out.clear();
    for (name, value) in counters.iter() {
        let id = u64::try_from(name_id(conn, cache, name)?).unwrap_or(0);
        if (0.0..EXACT).contains(&value) && value.fract() == 0.0 {
            varint(out, id << 1);
            varint(out, value as u64);
        } else {
            varint(out, id << 1 | 1);
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    Ok(())
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Debug, thiserror::Error)]
#[error("corrupt statement counters: {0}")]
pub struct Corrupt(&'static str);

fn read_varint(bytes: &mut &[u8]) -> Result<u64, Corrupt> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first().ok_or(Corrupt("truncated"))?;
        *bytes = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Corrupt("varint too long"))
}

/// `counter_names` by id, loaded once per read.
pub struct Names(HashMap<i64, String>);

impl Names {
    pub fn load(conn: &Connection) -> rusqlite::Result<Names> {
        let mut stmt = conn.prepare_cached("SELECT id, name FROM counter_names")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Names(rows.collect::<Result<_, _>>()?))
    }

    pub fn decode(&self, mut bytes: &[u8]) -> Result<Counters, Corrupt> {
        let mut out = Counters::default();
        while !bytes.is_empty() {
            let tag = read_varint(&mut bytes)?;
            let id = i64::try_from(tag >> 1).map_err(|_| Corrupt("bad name id"))?;
            let name = self.0.get(&id).ok_or(Corrupt("unknown name id"))?;
            let value = if tag & 1 == 0 {
                read_varint(&mut bytes)? as f64
            } else {
                let (raw, rest) = bytes.split_first_chunk::<8>().ok_or(Corrupt("truncated float"))?;
                bytes = rest;
                f64::from_le_bytes(*raw)
            };
            out.push(name.clone(), value);
        }
        Ok(out)
    }
}

/// For `Row::get` errors: the column index and why.
pub fn to_sql_error(column: usize, e: Corrupt) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Blob, Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixtures::counters;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE counter_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
            .unwrap();
        c
    }

    #[test]
    fn round_trips_counts_fractions_nan_and_big_values() {
        let c = conn();
        let mut cache = HashMap::new();
        let mut input = counters();
        input.set("nan", f64::NAN);
        input.set("negative", -2.0);
        input.set("huge", 1e300);
        input.set("big_count", 4_000_000_000.0);
        let mut bytes = Vec::new();
        encode(&c, &mut cache, &input, &mut bytes).unwrap();
        let back = Names::load(&c).unwrap().decode(&bytes).unwrap();
        assert_eq!(back.len(), input.len());
        for (name, value) in input.iter() {
            let got = back.get(name).unwrap();
            assert!(got == value || (got.is_nan() && value.is_nan()), "{name}: {got} != {value}");
        }
        assert!(Names::load(&c).unwrap().decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn sizes_compared() {
        let c = conn();
        let mut bytes = Vec::new();
        encode(&c, &mut HashMap::new(), &counters(), &mut bytes).unwrap();
        let json = serde_json::to_vec(&counters()).unwrap();
        println!("ten counters: {} bytes here, {} bytes as JSON", bytes.len(), json.len());
        assert!(bytes.len() * 5 < json.len(), "{} vs {}", bytes.len(), json.len());
    }
}
