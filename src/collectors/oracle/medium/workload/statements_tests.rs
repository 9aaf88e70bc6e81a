use super::super::sql_deltas::SqlDeltas;
use super::super::sql_info::{self, Infos};
use super::super::top_sql;
use super::*;
use crate::collectors::text_rows::from_batch;
use std::time::Duration;

fn infos() -> Infos {
    let mut infos = Infos::default();
    let rows = from_batch(include_str!("../../fixtures/workload_sqlarea.tsv"));
    let found = sql_info::parse(&rows);
    let asked: Vec<String> = found.iter().map(|(id, _)| id.clone()).collect();
    infos.learn(&asked, found);
    infos
}

fn second_round() -> (QueryStatsSnapshot, Timestamp) {
    let start = Timestamp(1_800_000_000_000);
    let now = start.plus(Duration::from_secs(60));
    let mut d = SqlDeltas::default();
    d.advance(start, top_sql::parse(&from_batch(include_str!("../../fixtures/workload_top_sql_19c_1.tsv"))));
    let read = top_sql::parse(&from_batch(include_str!("../../fixtures/workload_top_sql_19c_2.tsv")));
    let tracked = read.candidates;
    let mut infos = infos();
    let mut interval = d.advance(now, read);
    interval.settle(|id| infos.first_load(id));
    (snapshot(interval, tracked, &mut infos), now)
}

/// `logstag snapshot` without `--interval`: the first read lists each cursor's totals since
/// it was loaded (no reset time: `since` stays None).
#[test]
fn a_single_reading_lists_the_cursors_totals() {
    let mut d = SqlDeltas::default();
    d.totals_on_baseline = true;
    let read = top_sql::parse(&from_batch(include_str!("../../fixtures/workload_top_sql_19c_1.tsv")));
    let tracked = read.candidates;
    let mut infos = infos();
    let mut interval = d.advance(Timestamp(1_800_000_000_000), read);
    interval.settle(|id| infos.first_load(id));
    let s = snapshot(interval, tracked, &mut infos);
    assert_eq!(s.since, None);
    // v$sqlstats' figures as they stand: 100,000 executions in 50 s elapsed.
    let order = s.stats.iter().find(|q| q.id == "7h2kq9xw1fz3d").expect("the order lookup");
    assert_eq!((order.calls, order.total_time_ms, order.rows), (100_000, 50_000.0, 100_000));
    assert!(order.text.starts_with("SELECT o.order_id"));
}

#[test]
fn rows_carry_sql_id_schema_text_and_counters_in_their_units() {
    let (s, _) = second_round();
    assert_eq!(s.since, Some(Timestamp(1_800_000_000_000)));
    assert_eq!(s.tracked, 6);
    let ids: Vec<&str> = s.stats.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        ids,
        ["fz81wq4dn2hc7", "4d7rz0m2w9c1x", "b4n8r2mcy6t0p", "7h2kq9xw1fz3d"],
        "ours (module logstag) left out"
    );
    let report = &s.stats[1];
    assert_eq!((report.calls, report.total_time_ms, report.database.as_str()), (1, 20_000.0, "REPORTING"));
    assert_eq!(report.counter(sc::DIRECT_WRITES), Some(40_000.0));
    let order = &s.stats[3];
    assert_eq!((order.calls, order.total_time_ms, order.mean_time_ms, order.rows), (600, 900.0, 1.5, 600));
    assert_eq!(order.database, "SHOPAPP");
    assert!(order.text.starts_with("SELECT o.order_id"));
    assert_eq!(order.counter(sc::CPU_TIME_MS), Some(540.0));
    assert_eq!(order.counter(sc::BUFFER_GETS), Some(12_000.0));
    assert_eq!(order.counter(sc::DISK_READS), Some(30.0));
    assert_eq!(order.counter(sc::USER_IO_WAIT_MS), Some(300.0));
    assert_eq!(order.counter(sc::CONCURRENCY_WAIT_MS), Some(0.5));
    assert_eq!(order.counter(sc::PARSE_CALLS), Some(3.0));
    assert_eq!(order.counter(sc::PLANS), Some(1.0));
    assert_eq!(order.counter(sc::DIRECT_WRITES), None, "did not move");
    let running = &s.stats[0];
    assert_eq!((running.calls, running.total_time_ms, running.mean_time_ms), (0, 45_000.0, 0.0));
    assert_eq!(running.counter(sc::APPLICATION_WAIT_MS), Some(44_800.0));
}

#[test]
fn rates_cover_the_rows_shown() {
    let (s, now) = second_round();
    let m = rates(&s, now);
    let get = |name: &str| m.iter().find(|m| m.name == name).map(|m| m.value);
    assert_eq!(get(metric::QUERY_CALLS_PER_S), Some(603.0 / 60.0));
    assert_eq!(get(metric::QUERY_TIME_MS_PER_S), Some((45_000.0 + 20_000.0 + 2_000.0 + 900.0) / 60.0));
    let first = QueryStatsSnapshot { since: None, ..s };
    assert!(rates(&first, now).is_empty());
}

#[test]
fn a_statement_without_info_still_shows() {
    let t = Totals([1.0, 2_000.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    let q = query_stat("3kp0ya7mb9rx2", &t, "", "");
    assert_eq!((q.calls, q.total_time_ms, q.database.as_str()), (1, 2.0, ""));
}
