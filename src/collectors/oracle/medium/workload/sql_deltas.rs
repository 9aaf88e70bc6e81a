//! Top SQL reads turned into deltas per interval, per SQL_ID (its plans summed).
//!
//! A baseline is kept per SQL_ID and plan hash, and only while it is known to be the
//! statement's figures as of the previous read, so no delta ever spans more than one
//! interval or goes negative:
//! - a row read again gives its growth; figures that went down (the cursor was aged out
//!   and loaded again, the shared pool flushed) set `reset_detected` and a new baseline;
//! - a statement never read before becomes a baseline (it may have run before, unread),
//!   unless it is provably new: loaded once (`LOADS` = 1, so its figures are all since
//!   that load) after the previous read (`v$sqlarea.FIRST_LOAD_TIME` against the server's
//!   clock at that read; `settle`). Then all of it is the interval's: a one-off report
//!   that ran once between two reads shows;
//! - a known statement missing from a read did not run, and its baseline holds, when
//!   the read was not cut by `TOP_N` or when its baseline time is above the read's cut
//!   (had it run, its time would only have grown and it would be in the list). Otherwise
//!   it may have run unseen and its baseline is dropped.

use super::top_sql::{PLANS, SqlRead, SqlRow, Totals, is_server_time};
use crate::model::Timestamp;
use std::collections::{BTreeMap, HashMap};

/// Baselines kept at most; the least recently read go first.
const MAX_KNOWN: usize = 5_000;

#[derive(Debug, Clone, Copy)]
struct Known {
    totals: Totals,
    /// The read that last returned it.
    read: u64,
}

/// One interval: statements that ran, by SQL_ID, largest elapsed time first.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    pub since: Option<Timestamp>,
    pub statements: Vec<(String, Totals)>,
    pub reset_detected: bool,
    /// Rows never read before and loaded only once: new if loaded after `after`.
    pub fresh: Vec<SqlRow>,
    /// The server's clock at the previous read.
    pub after: Option<String>,
}

impl Interval {
    /// Adds the fresh rows whose SQL_ID was first loaded after the previous read
    /// (`first_load`: `YYYY-MM-DD HH:MM:SS` in the server's clock, as `after`), whole.
    pub fn settle<'a>(&mut self, first_load: impl Fn(&str) -> Option<&'a str>) {
        let Some(after) = self.after.as_deref() else { return };
        let mut by_sql: BTreeMap<String, Totals> = self.statements.drain(..).collect();
        for row in self.fresh.drain(..) {
            let new = first_load(&row.sql_id).is_some_and(|loaded| is_server_time(loaded) && loaded > after);
            if new && row.totals.moved() {
                let mut totals = row.totals;
                totals.0[PLANS] = 1.0;
                by_sql.entry(row.sql_id).or_default().add(&totals);
            }
        }
        self.statements = sorted(by_sql);
    }
}

fn sorted(by_sql: BTreeMap<String, Totals>) -> Vec<(String, Totals)> {
    let mut out: Vec<(String, Totals)> = by_sql.into_iter().collect();
    out.sort_by(|a, b| b.1.elapsed_us().total_cmp(&a.1.elapsed_us()).then(a.0.cmp(&b.0)));
    out
}

#[derive(Debug, Default)]
pub struct SqlDeltas {
    known: HashMap<(String, String), Known>,
    previous_at: Option<Timestamp>,
    /// The server's clock at the previous read (`top_sql::TOP_SQL_SINCE`'s bind).
    server_then: Option<String>,
    reads: u64,
    /// The first read reports each cursor's totals since it was loaded (a single reading:
    /// `logstag snapshot`); Oracle keeps no reset time (`since` stays None).
    pub totals_on_baseline: bool,
}

impl SqlDeltas {
    pub fn server_then(&self) -> Option<&str> {
        self.server_then.as_deref()
    }

    pub fn advance(&mut self, now: Timestamp, read: SqlRead) -> Interval {
        let first = self.previous_at.is_none();
        self.reads += 1;
        let mut out = Interval::default();
        let mut by_sql: BTreeMap<String, Totals> = BTreeMap::new();
        let cut_us = read.is_cut().then(|| read.least_elapsed_us());
        for row in read.rows {
            let key = (row.sql_id, row.plan_hash);
            let delta = match self.known.get(&key) {
                Some(before) => {
                    let delta = row.totals.since(&before.totals);
                    out.reset_detected |= delta.is_none();
                    delta
                }
                None => {
                    if !first && row.loads == 1 {
                        out.fresh.push(SqlRow {
                            sql_id: key.0.clone(),
                            plan_hash: key.1.clone(),
                            totals: row.totals,
                            loads: row.loads,
                        });
                    }
                    (first && self.totals_on_baseline).then_some(row.totals)
                }
            };
            if let Some(mut d) = delta.filter(|d| d.moved() && (!first || self.totals_on_baseline)) {
                d.0[PLANS] = 1.0;
                by_sql.entry(key.0.clone()).or_default().add(&d);
            }
            self.known.insert(key, Known { totals: row.totals, read: self.reads });
        }
        let this_read = self.reads;
        self.known.retain(|_, k| k.read == this_read || cut_us.is_none_or(|cut| k.totals.elapsed_us() > cut));
        self.evict();
        out.after = self.server_then.clone();
        if !read.server_now.is_empty() {
            self.server_then = Some(read.server_now);
        }
        out.since = self.previous_at.replace(now);
        out.statements = sorted(by_sql);
        out
    }

    fn evict(&mut self) {
        if self.known.len() <= MAX_KNOWN {
            return;
        }
        let mut by_age: Vec<(u64, (String, String))> =
            self.known.iter().map(|(key, k)| (k.read, key.clone())).collect();
        by_age.sort_unstable();
        let excess = self.known.len() - MAX_KNOWN;
        for (_, key) in by_age.into_iter().take(excess) {
            self.known.remove(&key);
        }
    }
}

#[cfg(test)]
#[path = "sql_deltas_tests.rs"]
mod tests;
