use super::*;

fn key(q: i64) -> StatementKey {
    StatementKey { queryid: q, userid: 10, dbid: 5 }
}

fn c(calls: u64, ms: f64) -> Counters {
    Counters { calls, total_time_ms: ms, rows: calls, ..Default::default() }
}

fn info(dealloc: u64, reset: f64) -> Option<StatementsInfo> {
    Some(StatementsInfo { dealloc, stats_reset_ms: Some(reset) })
}

#[test]
fn first_read_is_a_baseline_then_deltas() {
    let mut d = StatementDeltas::default();
    let first = d.advance(Timestamp(1_000), vec![(key(1), c(10, 5.0)), (key(2), c(3, 1.0))], info(0, 1.0));
    assert_eq!(first.since, None);
    assert!(first.deltas.is_empty());
    assert_eq!(first.tracked, 2);
    let second = d.advance(
        Timestamp(61_000),
        vec![(key(1), c(17, 12.0)), (key(2), c(3, 1.0)), (key(3), c(2, 4.0))],
        info(0, 1.0),
    );
    assert_eq!(second.since, Some(Timestamp(1_000)));
    assert_eq!(second.secs, 60.0);
    assert!(!second.reset_detected);
    assert_eq!(second.evicted, Some(0));
    // Unchanged entries are left out; new ones count whole.
    let got: Vec<(i64, u64)> = second.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
    assert_eq!(got, vec![(1, 7), (3, 2)]);
    assert_eq!(second.deltas[0].1.total_time_ms, 7.0);
}

#[test]
fn a_single_reading_reports_the_totals_since_the_reset() {
    let mut d = StatementDeltas { totals_on_baseline: true, ..Default::default() };
    let rows = vec![(key(1), c(10, 5.0)), (key(2), c(3, 9.0)), (key(3), c(0, 0.0))];
    let once = d.advance(Timestamp(1_000), rows.clone(), info(0, 1_700_000_000_000.0));
    assert_eq!(once.since, Some(Timestamp(1_700_000_000_000)), "since the reset");
    let got: Vec<(i64, u64)> = once.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
    assert_eq!(got, vec![(2, 3), (1, 10)], "costliest first, never-called left out");
    // Before PG 14 the reset time is unknown.
    let mut d = StatementDeltas { totals_on_baseline: true, ..Default::default() };
    assert_eq!(d.advance(Timestamp(1_000), rows, None).since, None);
}

#[test]
fn top_level_and_nested_entries_of_one_key_add_up() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(1, 1.0)), (key(1), c(2, 2.0))], None);
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(4, 4.0)), (key(1), c(3, 3.0))], None);
    assert!(!i.reset_detected);
    assert_eq!(i.deltas[0].1.calls, 4);
}

#[test]
fn entry_that_went_down_was_reset() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], None);
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(4, 2.0))], None);
    assert!(i.reset_detected);
    assert_eq!(i.evicted, None);
    assert_eq!(i.deltas[0].1.calls, 4);
}

#[test]
fn stats_reset_change_restarts_every_counter() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], info(0, 1.0));
    // Reset, then the statement ran 12 times: more than before, yet all new.
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(12, 6.0))], info(0, 2.0));
    assert!(i.reset_detected);
    assert_eq!(i.deltas[0].1.calls, 12);
}

#[test]
fn entries_gone_from_the_view_leave_the_baseline_and_count_whole_when_back() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(10, 5.0)), (key(2), c(4, 1.0))], None);
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(11, 6.0))], None);
    assert_eq!(i.tracked, 1);
    assert_eq!(d.previous.len(), 1, "key 2 was evicted: no longer kept");
    // Key 2 comes back with 6 calls since it re-entered the view: all of them are new.
    let i = d.advance(Timestamp(2_000), vec![(key(1), c(11, 6.0)), (key(2), c(6, 2.0))], None);
    let got: Vec<(i64, u64)> = i.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
    assert_eq!(got, vec![(2, 6)]);
}

#[test]
fn clear_starts_a_new_baseline() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], None);
    d.clear();
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(20, 9.0))], None);
    assert_eq!(i.since, None);
    assert!(i.deltas.is_empty());
}

#[test]
fn evictions_are_counted() {
    let mut d = StatementDeltas::default();
    d.advance(Timestamp(0), vec![(key(1), c(1, 1.0))], info(3, 1.0));
    let i = d.advance(Timestamp(1_000), vec![(key(1), c(2, 2.0))], info(5, 1.0));
    assert_eq!(i.evicted, Some(2));
    assert!(i.reset_detected);
    assert_eq!(i.deltas[0].1.calls, 1);
}

#[test]
fn text_cache_fetches_once_and_evicts_least_recent() {
    let mut t = TextCache::new(2);
    assert_eq!(t.missing([3, 1, 3]), vec![1, 3]);
    t.insert(1, "select $1".into());
    t.insert(3, "select 3".into());
    t.end_round();
    assert_eq!(t.missing([1, 3]), Vec::<i64>::new());
    assert_eq!(t.get(3).as_deref(), Some("select 3"));
    t.insert(4, "select 4".into());
    t.end_round();
    assert_eq!(t.len(), 2);
    assert_eq!(t.missing([1, 3, 4]), vec![1]);
}

#[test]
fn query_stat_means_over_the_interval() {
    let q = query_stat(key(9), c(4, 10.0), "select $1".into(), "u".into(), "d".into());
    assert_eq!(q.mean_time_ms, 2.5);
    assert_eq!(q.id, "9/10/5");
}
