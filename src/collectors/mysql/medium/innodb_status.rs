//! `SHOW ENGINE INNODB STATUS`: the text InnoDB prints for people, read for what the
//! status counters do not carry everywhere. Sections are found by their ruled titles
//! (a line of dashes, the title, a line of dashes), values by their line's words, so an
//! unknown section or a new line is skipped rather than misread.
//!
//! - TRANSACTIONS: `History list length` (MariaDB has it as a status counter, which the
//!   high tier reads; on MySQL this is where it comes from).
//! - LOG: `Log sequence number` − `Last checkpoint at` = checkpoint age, as a share of
//!   the redo capacity (`innodb_redo_log_capacity` on MySQL 8.0.30+, else
//!   `innodb_log_file_size` × `innodb_log_files_in_group`; MariaDB 10.5+ has one file).
//!   InnoDB flushes harder from about 75 % of it and stalls writes near 90 %.
//! - BUFFER POOL AND MEMORY: the pool's pages and its pending reads and writes.
//! - LATEST DETECTED DEADLOCK: see `deadlock.rs`.

use super::super::metric as my;
use super::super::rows::TextRow;
use super::deadlock::{self, Deadlock};
use crate::model::Metric;

/// Needs PROCESS. Also what `SHOW ENGINE INNODB STATUS` returns on MariaDB.
pub const INNODB_STATUS: &str = "SHOW ENGINE INNODB STATUS";

/// The redo log's size: whichever of these the server has.
pub const REDO_VARIABLES: &str = "\
SHOW GLOBAL VARIABLES WHERE Variable_name IN
 ('innodb_log_file_size', 'innodb_log_files_in_group', 'innodb_redo_log_capacity')";

/// This file's statements (`medium::STATEMENTS` lists them for the read-only test).
#[cfg(test)]
pub const STATEMENTS: &[&str] = &[INNODB_STATUS, REDO_VARIABLES];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BufferPool {
    pub size_pages: u64,
    pub free_pages: u64,
    pub database_pages: u64,
    pub modified_pages: u64,
    /// Pages waiting to be read, or written (LRU, flush list and single-page flushes).
    pub pending_reads: u64,
    pub pending_writes: u64,
    /// Reads served from memory per 1,000 since the previous printout, when any.
    pub hit_per_mille: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct InnodbStatus {
    pub history_list_length: Option<u64>,
    pub log_sequence_number: Option<u64>,
    pub last_checkpoint: Option<u64>,
    pub buffer_pool: Option<BufferPool>,
    pub deadlock: Option<Deadlock>,
}

impl InnodbStatus {
    pub fn checkpoint_age(&self) -> Option<u64> {
        Some(self.log_sequence_number?.saturating_sub(self.last_checkpoint?))
    }
}

/// The `Status` column of the reply (one row: `Type`, `Name`, `Status`).
pub fn status_text(rows: &[TextRow]) -> Option<&str> {
    rows.first()?.get("Status")
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.chars().all(|c| c == '-' || c == '=')
}

/// The lines of the section titled `title`, up to the next ruled title.
pub fn section<'a>(text: &'a str, title: &str) -> Option<Vec<&'a str>> {
    let lines: Vec<&str> = text.lines().collect();
    let is_title = |i: usize| {
        i > 0
            && lines.get(i + 1).is_some_and(|l| is_rule(l))
            && lines.get(i - 1).is_some_and(|l| is_rule(l))
            && !is_rule(lines[i])
    };
    let start = (1..lines.len()).find(|&i| is_title(i) && lines[i].trim() == title)? + 2;
    let end = (start..lines.len()).find(|&i| is_title(i + 1)).unwrap_or(lines.len());
    Some(lines[start..end].to_vec())
}

/// The number after `prefix` on the first line that starts with it.
fn number_after(lines: &[&str], prefix: &str) -> Option<u64> {
    lines.iter().find_map(|l| l.trim().strip_prefix(prefix)?.split_whitespace().next()?.parse().ok())
}

/// Every number on the line that starts with `prefix`, in order.
fn numbers_on(lines: &[&str], prefix: &str) -> Vec<u64> {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .filter(|w| !w.is_empty())
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn buffer_pool(lines: &[&str]) -> Option<BufferPool> {
    Some(BufferPool {
        size_pages: number_after(lines, "Buffer pool size")?,
        free_pages: number_after(lines, "Free buffers").unwrap_or(0),
        database_pages: number_after(lines, "Database pages").unwrap_or(0),
        modified_pages: number_after(lines, "Modified db pages").unwrap_or(0),
        pending_reads: number_after(lines, "Pending reads").unwrap_or(0),
        pending_writes: numbers_on(lines, "Pending writes:").iter().sum(),
        hit_per_mille: numbers_on(lines, "Buffer pool hit rate").first().copied(),
    })
}

pub fn parse(text: &str) -> InnodbStatus {
    let transactions = section(text, "TRANSACTIONS").unwrap_or_default();
    let log = section(text, "LOG").unwrap_or_default();
    InnodbStatus {
        history_list_length: number_after(&transactions, "History list length"),
        log_sequence_number: number_after(&log, "Log sequence number"),
        last_checkpoint: number_after(&log, "Last checkpoint at"),
        buffer_pool: section(text, "BUFFER POOL AND MEMORY").and_then(|l| buffer_pool(&l)),
        deadlock: section(text, "LATEST DETECTED DEADLOCK").and_then(|l| deadlock::parse(&l)),
    }
}

/// Redo capacity in bytes from `REDO_VARIABLES`' reply.
pub fn redo_capacity(rows: &[TextRow]) -> Option<u64> {
    let value = |name: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|r| r.second()?.trim().parse::<u64>().ok())
            .filter(|v| *v > 0)
    };
    value("innodb_redo_log_capacity")
        .or_else(|| Some(value("innodb_log_file_size")? * value("innodb_log_files_in_group").unwrap_or(1)))
}

/// History list length only where the status counters lack it (`with_history`), the
/// checkpoint age when the redo capacity is known, and the buffer pool's pending I/O.
pub fn metrics(status: &InnodbStatus, redo_capacity: Option<u64>, with_history: bool) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(h) = status.history_list_length.filter(|_| with_history) {
        out.push(Metric::new(my::HISTORY_LIST_LENGTH, h as f64));
    }
    if let (Some(age), Some(capacity)) = (status.checkpoint_age(), redo_capacity.filter(|c| *c > 0)) {
        out.push(Metric::new(my::CHECKPOINT_AGE_PCT, 100.0 * age as f64 / capacity as f64));
    }
    if let Some(pool) = &status.buffer_pool {
        out.push(Metric::new(my::BUFFER_POOL_PENDING_IO, (pool.pending_reads + pool.pending_writes) as f64));
    }
    out
}

#[cfg(test)]
#[path = "innodb_status_tests.rs"]
mod tests;
