//! `top` (admin): time and counts per namespace since the server started, turned into
//! deltas between two reads, as mongotop prints them (read = read-lock time, write =
//! write-lock time, total).
//!
//! - The first read is the baseline: no rows.
//! - A counter that went backwards means the server restarted (the driver reconnects by
//!   itself) or a collection was dropped and created again: the whole read becomes the
//!   new baseline, `reset_detected`, no rows, rather than rows mixing two lifetimes.
//! - A namespace not in the baseline was first used during the interval: all of it counts.
//!
//! What is shown: namespaces of the application's databases that had activity. System
//! namespaces (`admin`, `config`, `local`, `<db>.system.*`, and the `<db>.$cmd…` pseudo
//! namespaces where commands without a collection are counted, our own `$currentOp`
//! aggregations in `admin.$cmd.aggregate` among them) only when busy: at least
//! `BUSY_MS` of time in the interval that is not getmore. Getmore time on
//! `local.oplog.rs` is the secondaries' tailing cursors waiting for new entries, not work.

use super::columns as c;
use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::{Counters, Metric, QueryStat, QueryStatsSnapshot, StatsAvailability, Timestamp, metric};
use mongodb::bson::{Bson, Document, doc};
use std::collections::BTreeMap;

/// System namespaces show when they used this much non-getmore time in the interval.
pub const BUSY_MS: f64 = 1000.0;

pub fn command() -> Document {
    doc! { "top": 1 }
}

/// One `{time, count}` pair (time in microseconds, as the server counts it).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub micros: u64,
    pub count: u64,
}

/// The kinds `top` counts, in `KINDS` order, with the counters they fill.
pub const KINDS: [(&str, &str, &str); 6] = [
    ("queries", c::QUERIES, c::QUERIES_MS),
    ("getmore", c::GETMORES, c::GETMORES_MS),
    ("insert", c::INSERTS, c::INSERTS_MS),
    ("update", c::UPDATES, c::UPDATES_MS),
    ("remove", c::REMOVES, c::REMOVES_MS),
    ("commands", c::COMMANDS, c::COMMANDS_MS),
];
const GETMORE: usize = 1;

/// One namespace's counters (cumulative as read, or a delta).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NsUsage {
    pub total: Usage,
    pub read_lock: Usage,
    pub write_lock: Usage,
    pub kinds: [Usage; 6],
}

impl NsUsage {
    fn all(&self) -> impl Iterator<Item = &Usage> {
        [&self.total, &self.read_lock, &self.write_lock].into_iter().chain(self.kinds.iter())
    }

    /// The counters since `prev`; None when one went backwards.
    fn since(&self, prev: &NsUsage) -> Option<NsUsage> {
        let sub = |now: &Usage, before: &Usage| -> Option<Usage> {
            Some(Usage {
                micros: now.micros.checked_sub(before.micros)?,
                count: now.count.checked_sub(before.count)?,
            })
        };
        let mut kinds = [Usage::default(); 6];
        for (out, (now, before)) in kinds.iter_mut().zip(self.kinds.iter().zip(prev.kinds.iter())) {
            *out = sub(now, before)?;
        }
        Some(NsUsage {
            total: sub(&self.total, &prev.total)?,
            read_lock: sub(&self.read_lock, &prev.read_lock)?,
            write_lock: sub(&self.write_lock, &prev.write_lock)?,
            kinds,
        })
    }
}

fn usage(d: &Document, field: &str) -> Usage {
    let whole = |path: &str| doc::num(d, path).filter(|v| *v > 0.0).map_or(0, |v| v as u64);
    Usage { micros: whole(&format!("{field}.time")), count: whole(&format!("{field}.count")) }
}

/// `totals` of the reply by namespace (the `note` beside them is skipped).
pub fn parse(reply: &Document) -> BTreeMap<String, NsUsage> {
    let Some(totals) = doc::sub(reply, "totals") else { return BTreeMap::new() };
    totals
        .iter()
        .filter_map(|(ns, value)| match value {
            Bson::Document(d) if ns.contains('.') => Some((ns.clone(), d)),
            _ => None,
        })
        .map(|(ns, d)| {
            let mut kinds = [Usage::default(); 6];
            for (slot, (field, _, _)) in kinds.iter_mut().zip(KINDS) {
                *slot = usage(d, field);
            }
            let read = NsUsage {
                total: usage(d, "total"),
                read_lock: usage(d, "readLock"),
                write_lock: usage(d, "writeLock"),
                kinds,
            };
            (ns, read)
        })
        .collect()
}

/// The previous read.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub at: Timestamp,
    pub usage: BTreeMap<String, NsUsage>,
}

/// What one read adds to the previous one.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    pub since: Option<Timestamp>,
    pub secs: f64,
    pub reset: bool,
    pub tracked: u64,
    /// Namespaces that had activity, with their deltas.
    pub deltas: Vec<(String, NsUsage)>,
}

/// Deltas since `baseline`, which becomes `current`.
pub fn advance(
    baseline: &mut Option<Baseline>,
    at: Timestamp,
    current: BTreeMap<String, NsUsage>,
) -> Interval {
    let mut interval = Interval { tracked: current.len() as u64, ..Interval::default() };
    if let Some(prev) = baseline.as_ref() {
        let deltas: Option<Vec<(String, NsUsage)>> = current
            .iter()
            .map(|(ns, now)| match prev.usage.get(ns) {
                Some(before) => now.since(before).map(|d| (ns.clone(), d)),
                None => Some((ns.clone(), *now)),
            })
            .collect();
        match deltas {
            Some(deltas) => {
                interval.since = Some(prev.at);
                interval.secs = at.since(prev.at).as_secs_f64();
                interval.deltas = deltas.into_iter().filter(|(_, d)| d.all().any(|u| u.count > 0)).collect();
            }
            None => interval.reset = true,
        }
    }
    *baseline = Some(Baseline { at, usage: current });
    interval
}

/// A single reading: everything since the server started (`top` is never reset), which
/// becomes the baseline. No rates: there is no interval.
pub fn totals(
    baseline: &mut Option<Baseline>,
    at: Timestamp,
    current: BTreeMap<String, NsUsage>,
    started: Option<Timestamp>,
) -> Interval {
    let deltas = current
        .iter()
        .filter(|(_, u)| u.all().any(|u| u.count > 0))
        .map(|(ns, u)| (ns.clone(), *u))
        .collect();
    let interval = Interval { since: started, tracked: current.len() as u64, deltas, ..Interval::default() };
    *baseline = Some(Baseline { at, usage: current });
    interval
}

fn ms(u: &Usage) -> f64 {
    u.micros as f64 / 1000.0
}

/// `admin`, `config`, `local`, `system.*` collections and the `$cmd` pseudo namespaces.
pub fn is_system(ns: &str) -> bool {
    let (db, collection) = ns.split_once('.').unwrap_or((ns, ""));
    matches!(db, "admin" | "config" | "local")
        || collection.starts_with("system.")
        || collection.starts_with("$cmd")
}

/// Whether a namespace's interval goes into the table.
pub fn shown(ns: &str, delta: &NsUsage) -> bool {
    if delta.total.count == 0 && delta.total.micros == 0 {
        return false;
    }
    !is_system(ns) || ms(&delta.total) - ms(&delta.kinds[GETMORE]) >= BUSY_MS
}

/// One table row: calls and time from `total`, the rest as counters (those that moved).
pub fn query_stat(ns: &str, d: &NsUsage) -> QueryStat {
    let mut counters = Counters::with_capacity(16);
    let mut put = |name: &'static str, value: f64| {
        if value > 0.0 {
            counters.push(name, value);
        }
    };
    put(c::READ_MS, ms(&d.read_lock));
    put(c::WRITE_MS, ms(&d.write_lock));
    put(c::READS, d.read_lock.count as f64);
    put(c::WRITES, d.write_lock.count as f64);
    for (u, (_, count, time)) in d.kinds.iter().zip(KINDS) {
        put(count, u.count as f64);
        put(time, ms(u));
    }
    let total_time_ms = ms(&d.total);
    QueryStat {
        id: ns.to_owned(),
        database: ns.split_once('.').map_or(ns, |(db, _)| db).to_owned(),
        text: ns.to_owned(),
        calls: d.total.count,
        total_time_ms,
        mean_time_ms: if d.total.count > 0 { total_time_ms / d.total.count as f64 } else { 0.0 },
        counters,
        ..QueryStat::default()
    }
}

/// The Queries snapshot of one interval (rows by total time) and its rates: collection
/// time (`read`, `write`: mongotop's totals over the rows shown) and the neutral
/// statement time and calls per second.
pub fn snapshot(interval: &Interval) -> (QueryStatsSnapshot, Vec<Metric>) {
    let shown: Vec<&(String, NsUsage)> = interval.deltas.iter().filter(|(ns, d)| shown(ns, d)).collect();
    let mut stats: Vec<QueryStat> = shown.iter().map(|(ns, d)| query_stat(ns, d)).collect();
    stats.sort_by(|a, b| b.total_time_ms.total_cmp(&a.total_time_ms).then_with(|| a.text.cmp(&b.text)));
    let mut metrics = Vec::new();
    if interval.since.is_some() && interval.secs > 0.0 {
        let per_s =
            |f: &dyn Fn(&NsUsage) -> f64| shown.iter().map(|(_, d)| f(d)).sum::<f64>() / interval.secs;
        metrics.push(Metric::keyed(mg::COLLECTION_TIME_MS_PER_S, "read", per_s(&|d| ms(&d.read_lock))));
        metrics.push(Metric::keyed(mg::COLLECTION_TIME_MS_PER_S, "write", per_s(&|d| ms(&d.write_lock))));
        metrics.push(Metric::new(metric::QUERY_TIME_MS_PER_S, per_s(&|d| ms(&d.total))));
        metrics.push(Metric::new(metric::QUERY_CALLS_PER_S, per_s(&|d| d.total.count as f64)));
    }
    let snapshot = QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: interval.since,
        stats,
        tracked: interval.tracked,
        reset_detected: interval.reset,
        evicted: None,
    };
    (snapshot, metrics)
}

#[cfg(test)]
#[path = "top_tests.rs"]
mod tests;
