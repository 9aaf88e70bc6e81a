//! One interval of top SQL as the model's `QueryStatsSnapshot`: a `QueryStat` per SQL_ID
//! (statement id = SQL_ID, database = parsing schema), times in ms, the `v$sqlstats`
//! counters beyond the core under `statement_counters` names, our own statements left
//! out, and the rates over the interval.

use super::super::super::statement_counters as sc;
use super::sql_deltas::Interval;
use super::sql_info::Infos;
use super::top_sql::{ELAPSED_US, EXECUTIONS, ROWS, Totals};
use crate::model::{Counters, Metric, QueryStat, QueryStatsSnapshot, StatsAvailability, Timestamp, metric};

/// `Totals` positions beyond the core, their counter and the factor to its unit.
const COUNTERS: [(usize, &str, f64); 12] = [
    (3, sc::CPU_TIME_MS, 0.001),
    (4, sc::BUFFER_GETS, 1.0),
    (5, sc::DISK_READS, 1.0),
    (6, sc::DIRECT_WRITES, 1.0),
    (7, sc::PARSE_CALLS, 1.0),
    (8, sc::FETCHES, 1.0),
    (9, sc::SORTS, 1.0),
    (10, sc::USER_IO_WAIT_MS, 0.001),
    (11, sc::CONCURRENCY_WAIT_MS, 0.001),
    (12, sc::APPLICATION_WAIT_MS, 0.001),
    (13, sc::CLUSTER_WAIT_MS, 0.001),
    (super::top_sql::PLANS, sc::PLANS, 1.0),
];

/// The model's row. Counters that did not move are left out. Calls may be 0: one
/// execution still running took time in the interval (Oracle counts it when it starts).
pub fn query_stat(sql_id: &str, t: &Totals, schema: &str, text: &str) -> QueryStat {
    let calls = t.0[EXECUTIONS].round() as u64;
    let total_time_ms = t.0[ELAPSED_US] / 1000.0;
    let mut counters = Counters::with_capacity(COUNTERS.len());
    for (at, name, factor) in COUNTERS {
        let v = t.0[at] * factor;
        if v > 0.0 {
            counters.push(name, if factor == 1.0 { v.round() } else { v });
        }
    }
    QueryStat {
        id: sql_id.to_owned(),
        database: schema.to_owned(),
        user: String::new(),
        text: text.to_owned(),
        calls,
        total_time_ms,
        mean_time_ms: if calls > 0 { total_time_ms / calls as f64 } else { 0.0 },
        min_time_ms: None,
        max_time_ms: None,
        rows: t.0[ROWS].round() as u64,
        counters,
    }
}

/// The snapshot of `interval`; `tracked` is how many statements the read found (the
/// whole cache on the first read, those active since the previous read afterwards).
pub fn snapshot(interval: Interval, tracked: u64, infos: &mut Infos) -> QueryStatsSnapshot {
    let mut stats = Vec::with_capacity(interval.statements.len());
    for (sql_id, totals) in &interval.statements {
        let (schema, text) = match infos.get(sql_id) {
            Some(info) if info.ours => continue,
            Some(info) => (info.schema.clone(), info.text.clone()),
            None => Default::default(),
        };
        stats.push(query_stat(sql_id, totals, &schema, &text));
    }
    infos.end_round();
    QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: interval.since,
        stats,
        tracked,
        reset_detected: interval.reset_detected,
        evicted: None,
    }
}

/// Executions and elapsed time per second over the interval, from the statements read
/// (the top `TOP_N`, ours left out): a floor for the instance's own figures.
pub fn rates(snapshot: &QueryStatsSnapshot, now: Timestamp) -> Vec<Metric> {
    let Some(since) = snapshot.since else { return Vec::new() };
    let secs = now.since(since).as_secs_f64();
    if secs <= 0.0 {
        return Vec::new();
    }
    let calls: u64 = snapshot.stats.iter().map(|s| s.calls).sum();
    let time: f64 = snapshot.stats.iter().map(|s| s.total_time_ms).sum();
    vec![
        Metric::new(metric::QUERY_CALLS_PER_S, calls as f64 / secs),
        Metric::new(metric::QUERY_TIME_MS_PER_S, time / secs),
    ]
}

#[cfg(test)]
#[path = "statements_tests.rs"]
mod tests;
