//! Tablespace use against the size each tablespace can reach.
//!
//! `dba_tablespace_usage_metrics` gives, in blocks, USED_SPACE and TABLESPACE_SIZE, where
//! the size already counts autoextend growth up to each file's MAXBYTES (and only the
//! current size of files that cannot grow). So a tablespace whose only file is 99 %
//! full but may grow to 32 GB is far from full here, as it should be: the percentage is
//! of what the tablespace can become, not of what is allocated today. The block size
//! comes from `dba_tablespaces` (a database can mix block sizes).
//!
//! Temporary tablespaces: what sessions hold right now, `v$tempseg_usage` summed per
//! tablespace (no row: nothing in use). The extents a temporary tablespace keeps
//! allocated after a big sort are free for the next one, so the allocated size would
//! read as "full" for ever; the sessions' blocks do not.
//!
//! Undo: its use counts unexpired undo kept for `undo_retention`, which Oracle reuses
//! under pressure; a high undo percentage is a hint, not an outage.
//!
//! Cost: one read of two dictionary views and one v$ view, a row per tablespace. Not
//! readable while the database is only mounted (ORA-01219): the caller skips it then.

use crate::collectors::oracle::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::Metric;

pub const TABLESPACES: &str = "\
SELECT m.tablespace_name, t.contents, t.status, t.block_size,
       m.used_space, m.tablespace_size, u.temp_used_blocks
FROM dba_tablespace_usage_metrics m
JOIN dba_tablespaces t ON t.tablespace_name = m.tablespace_name
LEFT JOIN (SELECT tablespace, SUM(blocks) AS temp_used_blocks
           FROM v$tempseg_usage GROUP BY tablespace) u ON u.tablespace = m.tablespace_name
ORDER BY m.tablespace_name";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// PERMANENT (and LOST WRITE PROTECTION, 21c+, which holds permanent data too).
    Permanent,
    Undo,
    Temporary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tablespace {
    pub name: String,
    pub contents: Contents,
    /// ONLINE, OFFLINE, READ ONLY.
    pub status: String,
    pub used_bytes: u64,
    /// What the tablespace can grow to: current size of fixed files plus MAXBYTES of
    /// autoextensible ones.
    pub max_bytes: u64,
}

impl Tablespace {
    /// Use of what the tablespace can grow to, 0–100; None when its size is unknown (0).
    pub fn used_pct(&self) -> Option<f64> {
        (self.max_bytes > 0).then(|| self.used_bytes as f64 * 100.0 / self.max_bytes as f64)
    }
}

fn contents(text: &str) -> Contents {
    match text.trim().to_ascii_uppercase().as_str() {
        "UNDO" => Contents::Undo,
        "TEMPORARY" => Contents::Temporary,
        _ => Contents::Permanent,
    }
}

/// Rows → tablespaces; a row without a name or a block size is left out (it cannot be
/// told in bytes).
pub fn parse(rows: &[TextRow]) -> Vec<Tablespace> {
    rows.iter()
        .filter_map(|r| {
            let name = r.get("tablespace_name").map(str::trim).filter(|n| !n.is_empty())?;
            let block = r.uint("block_size").filter(|b| *b > 0)?;
            let contents = contents(&r.text("contents"));
            let used_blocks = match contents {
                // NULL from the outer join: no session holds temp space.
                Contents::Temporary => r.uint("temp_used_blocks").unwrap_or(0),
                _ => r.uint("used_space")?,
            };
            Some(Tablespace {
                name: name.to_owned(),
                contents,
                status: r.text("status"),
                used_bytes: used_blocks.saturating_mul(block),
                max_bytes: r.uint("tablespace_size").unwrap_or(0).saturating_mul(block),
            })
        })
        .collect()
}

/// Permanent and undo: `tablespace_used_pct` and `tablespace_used_bytes`; temporary:
/// `temp_used_pct` and `temp_used_bytes`; all keyed by tablespace name.
pub fn metrics(tablespaces: &[Tablespace]) -> Vec<Metric> {
    let mut out = Vec::with_capacity(tablespaces.len() * 2);
    for t in tablespaces {
        let (pct, bytes) = match t.contents {
            Contents::Temporary => (ora::TEMP_USED_PCT, ora::TEMP_USED_BYTES),
            Contents::Permanent | Contents::Undo => (ora::TABLESPACE_USED_PCT, ora::TABLESPACE_USED_BYTES),
        };
        out.push(Metric::keyed(bytes, t.name.clone(), t.used_bytes as f64));
        if let Some(p) = t.used_pct() {
            out.push(Metric::keyed(pct, t.name.clone(), p));
        }
    }
    out
}

#[cfg(test)]
#[path = "tablespaces_tests.rs"]
mod tests;
