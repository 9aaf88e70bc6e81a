//! Query Store rows → what ran since the previous read, per query.
//!
//! Query Store already aggregates per interval (`runtime_stats_interval`, an hour by
//! default): a row of a closed interval never changes again, the row of the open
//! interval keeps growing. So each row read is compared with the same row (plan,
//! interval, execution type) of the previous reads:
//! - a known row: its growth since then (fewer executions than before: Query Store was
//!   cleared, the row counts whole and `reset_detected` is set);
//! - an unknown row: new since the previous read (a plan that started running, or the
//!   first row of a new interval), it counts whole; except when the previous read was
//!   cut by its row cap and the row's first execution is older than that read: it may
//!   have been left out, so it only becomes the baseline;
//! - on a database's first read nothing counts: it is the baseline.
//!
//! Rows are kept while their interval can still grow: once the server's clock is past an
//! interval's end, that interval's rows are forgotten.

use super::built::server_seconds;
use super::query_store::{RowKey, RuntimeRead};
use super::totals::{StatementInterval, Totals};
use crate::model::Timestamp;
use std::collections::{BTreeSet, HashMap};

/// Rows kept per database at most (the oldest intervals go first).
const MAX_ROWS: usize = 50_000;
/// An execution may be recorded this long after it ended.
const MARGIN_S: f64 = 2.0;

#[derive(Debug, Clone)]
struct Known {
    totals: Totals,
    query_id: i64,
    interval_end_s: f64,
}

/// One database's previous reads.
#[derive(Debug, Default)]
pub struct Baseline {
    rows: HashMap<RowKey, Known>,
    /// The server's clock at the previous read (or, without it, the newest
    /// `last_execution` read), UTC, as text and as seconds.
    watermark: Option<(String, f64)>,
    previous_at: Option<Timestamp>,
    capped: bool,
    /// The first read reports what Query Store holds (a single reading: `logstag snapshot`).
    totals_on_baseline: bool,
}

impl Baseline {
    /// Where the next read starts; None: the baseline read.
    pub fn watermark(&self) -> Option<&str> {
        self.watermark.as_ref().map(|(text, _)| text.as_str())
    }

    /// Queries known on this database.
    pub fn queries(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows.values().map(|k| k.query_id)
    }
}

/// One database's interval.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    /// The previous read of this database; None on its first (the baseline).
    pub since: Option<Timestamp>,
    /// Queries that ran, by query id.
    pub statements: Vec<(i64, StatementInterval)>,
    pub reset_detected: bool,
}

impl Baseline {
    pub fn advance(&mut self, now: Timestamp, read: RuntimeRead) -> Interval {
        let first = self.watermark.is_none();
        let watermark_s = self.watermark.as_ref().map(|(_, s)| *s);
        let mut out = Interval::default();
        let mut by_query: HashMap<i64, (StatementInterval, BTreeSet<i64>)> = HashMap::new();
        let mut newest = self.watermark.clone();
        for row in read.rows {
            let last_s = server_seconds(&row.last_execution);
            if let Some(s) = last_s
                && newest.as_ref().is_none_or(|(_, n)| s > *n)
            {
                newest = Some((row.last_execution.clone(), s));
            }
            let delta = match self.rows.get(&row.key) {
                Some(known) => row.totals.since(&known.totals).or_else(|| {
                    out.reset_detected = true;
                    Some(row.totals.clone())
                }),
                None if first => self.totals_on_baseline.then(|| row.totals.clone()),
                None => {
                    let older = match (server_seconds(&row.first_execution), watermark_s) {
                        (Some(f), Some(w)) => f <= w - MARGIN_S,
                        _ => true,
                    };
                    (!(self.capped && older)).then(|| row.totals.clone())
                }
            };
            if let Some(delta) = delta.filter(|d| d.executions > 0) {
                let (s, plans) = by_query.entry(row.query_id).or_default();
                s.totals.add(&delta);
                s.extremes(row.min_us, row.max_us);
                match row.key.execution_type {
                    3 => s.aborted += delta.executions,
                    4 => s.failed += delta.executions,
                    _ => {}
                }
                plans.insert(row.key.plan_id);
            }
            let interval_end_s = server_seconds(&row.interval_end).unwrap_or(f64::MAX);
            self.rows.insert(row.key, Known { totals: row.totals, query_id: row.query_id, interval_end_s });
        }
        // The server's clock at the read is the better mark: it moves on while nothing runs.
        if let Some(now_s) = server_seconds(&read.server_now)
            && newest.as_ref().is_none_or(|(_, n)| now_s >= *n)
        {
            newest = Some((read.server_now.clone(), now_s));
        }
        self.watermark = newest;
        self.capped = read.capped;
        self.forget_closed();
        if let Some(then) = self.previous_at.replace(now) {
            out.since = Some(then);
        }
        if first && !self.totals_on_baseline {
            return out;
        }
        out.statements = by_query
            .into_iter()
            .map(|(id, (mut s, plans))| {
                s.plans = plans.len() as u64;
                (id, s)
            })
            .collect();
        out.statements
            .sort_by(|a, b| b.1.totals.duration_us.total_cmp(&a.1.totals.duration_us).then(a.0.cmp(&b.0)));
        out
    }

    /// Rows of intervals that ended before the previous read cannot grow again.
    fn forget_closed(&mut self) {
        if let Some((_, newest)) = self.watermark {
            self.rows.retain(|_, k| k.interval_end_s + MARGIN_S >= newest);
        }
        if self.rows.len() > MAX_ROWS {
            let mut ends: Vec<f64> = self.rows.values().map(|k| k.interval_end_s).collect();
            ends.sort_by(f64::total_cmp);
            let cut = ends[self.rows.len() - MAX_ROWS];
            self.rows.retain(|_, k| k.interval_end_s > cut);
        }
    }
}

/// Every Query Store database's baseline, kept between medium rounds of one connection.
#[derive(Debug, Default)]
pub struct QueryStoreDeltas {
    databases: HashMap<String, Baseline>,
    /// Each database's first read reports its totals (`logstag snapshot`).
    pub totals_on_baseline: bool,
}

impl QueryStoreDeltas {
    pub fn clear(&mut self) {
        self.databases.clear();
    }

    pub fn database(&mut self, name: &str) -> &mut Baseline {
        let totals_on_baseline = self.totals_on_baseline;
        self.databases
            .entry(name.to_owned())
            .or_insert_with(|| Baseline { totals_on_baseline, ..Baseline::default() })
    }

    pub fn watermark(&self, name: &str) -> Option<&str> {
        self.databases.get(name).and_then(Baseline::watermark)
    }

    /// Forgets databases no longer read (dropped, Query Store turned off).
    pub fn keep_only(&mut self, names: &[&str]) {
        self.databases.retain(|name, _| names.contains(&name.as_str()));
    }

    /// Queries known across databases.
    pub fn tracked(&self) -> u64 {
        self.databases.values().map(|b| b.queries().collect::<BTreeSet<_>>().len() as u64).sum()
    }
}

#[cfg(test)]
#[path = "query_store_deltas_tests.rs"]
mod tests;
