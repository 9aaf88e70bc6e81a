use super::super::query_store::{RuntimeRow, parse_runtime};
use super::*;
use crate::collectors::mssql::rows::from_batch;

const BASELINE: &str = include_str!("fixtures/query_store_runtime_baseline.tsv");
const NEXT: &str = include_str!("fixtures/query_store_runtime_next.tsv");
const IDLE: &str = include_str!("fixtures/query_store_runtime_idle.tsv");

fn read(text: &str) -> RuntimeRead {
    parse_runtime(&from_batch(text))
}

fn row(plan: i64, interval: i64, executions: u64, first: &str, last: &str, end: &str) -> RuntimeRow {
    RuntimeRow {
        key: RowKey { plan_id: plan, interval_id: interval, execution_type: 0 },
        query_id: plan * 10,
        interval_end: end.into(),
        totals: Totals { executions, duration_us: executions as f64 * 1000.0, ..Default::default() },
        min_us: Some(1000.0),
        max_us: Some(1000.0),
        first_execution: first.into(),
        last_execution: last.into(),
    }
}

fn rows(rows: Vec<RuntimeRow>, capped: bool) -> RuntimeRead {
    RuntimeRead { state: "READ_WRITE".into(), readonly_reason: 0, server_now: String::new(), rows, capped }
}

const END_11: &str = "2024-05-01 11:00:00.000000";
const END_12: &str = "2024-05-01 12:00:00.000000";

#[test]
fn a_single_reading_lists_what_query_store_holds() {
    let mut deltas = QueryStoreDeltas { totals_on_baseline: true, ..QueryStoreDeltas::default() };
    let once = deltas.database("shop").advance(Timestamp(0), read(BASELINE));
    assert_eq!(once.since, None);
    let executions: u64 = read(BASELINE).rows.iter().map(|r| r.totals.executions).sum();
    assert!(executions > 0);
    assert_eq!(once.statements.iter().map(|(_, s)| s.totals.executions).sum::<u64>(), executions);
    // And the next read is a delta again.
    let next = deltas.database("shop").advance(Timestamp(60_000), read(NEXT));
    assert_eq!(next.since, Some(Timestamp(0)));
}

#[test]
fn baseline_then_the_growth_of_the_open_interval() {
    let mut b = Baseline::default();
    assert_eq!(b.watermark(), None);
    let first = b.advance(Timestamp(0), read(BASELINE));
    assert_eq!(first, Interval::default(), "the first read only sets the baseline");
    assert_eq!(b.watermark(), Some("2024-05-01 10:30:00.120000"), "the server's clock at the read");

    let next = b.advance(Timestamp(60_000), read(NEXT));
    assert_eq!(next.since, Some(Timestamp(0)));
    assert!(!next.reset_detected);
    let ids: Vec<i64> = next.statements.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [9, 7, 21], "most time first; plan 12 did not move");
    let (_, q9) = &next.statements[0];
    assert_eq!(q9.totals.executions, 3, "2 regular + 1 aborted");
    assert_eq!(q9.aborted, 1);
    assert!((q9.totals.duration_us - 30_200_000.0).abs() < 1e-3, "{}", q9.totals.duration_us);
    assert!((q9.totals.log_bytes - 41_943.04).abs() < 1e-3, "{}", q9.totals.log_bytes);
    assert_eq!((q9.plans, q9.max_us), (1, Some(30_000_000.0)));
    let (_, q7) = &next.statements[1];
    assert_eq!((q7.totals.executions, q7.plans), (60, 1));
    assert!((q7.totals.duration_us - 120_000.0).abs() < 1e-6);
    assert!((q7.totals.logical_reads - 1_800.0).abs() < 1e-6);
    let (_, q21) = &next.statements[2];
    assert_eq!(q21.totals.executions, 3, "a new row counts whole");
    assert_eq!(b.watermark(), Some("2024-05-01 10:31:00.050000"));

    let idle = b.advance(Timestamp(120_000), read(IDLE));
    assert_eq!((idle.since, idle.statements.len()), (Some(Timestamp(60_000)), 0));
    assert_eq!(b.watermark(), Some("2024-05-01 10:32:00.010000"), "moves on while nothing runs");
}

#[test]
fn two_plans_of_one_query_add_up_and_count_as_plans() {
    let mut b = Baseline::default();
    b.advance(
        Timestamp(0),
        rows(vec![row(1, 5, 10, "2024-05-01 10:00:00", "2024-05-01 10:10:00", END_11)], false),
    );
    let mut second = row(2, 5, 4, "2024-05-01 10:10:30", "2024-05-01 10:10:50", END_11);
    second.query_id = 10;
    let i = b.advance(
        Timestamp(60_000),
        rows(vec![row(1, 5, 12, "2024-05-01 10:00:00", "2024-05-01 10:10:40", END_11), second], false),
    );
    assert_eq!(i.statements.len(), 1);
    assert_eq!((i.statements[0].0, i.statements[0].1.totals.executions, i.statements[0].1.plans), (10, 6, 2));
}

#[test]
fn a_new_interval_counts_whole_and_the_closed_one_is_forgotten() {
    let mut b = Baseline::default();
    b.advance(
        Timestamp(0),
        rows(vec![row(1, 5, 10, "2024-05-01 10:00:00", "2024-05-01 10:59:30", END_11)], false),
    );
    // Past 11:00 the plan's executions land in interval 6; interval 5 is closed (it grew
    // by 2 before it closed).
    let i = b.advance(
        Timestamp(60_000),
        rows(
            vec![
                row(1, 5, 12, "2024-05-01 10:00:00", "2024-05-01 10:59:58", END_11),
                row(1, 6, 7, "2024-05-01 11:00:01", "2024-05-01 11:00:25", END_12),
            ],
            false,
        ),
    );
    assert_eq!(i.statements[0].1.totals.executions, 9);
    assert_eq!(b.rows.len(), 1, "interval 5 can no longer grow");
    assert!(b.rows.keys().all(|k| k.interval_id == 6));
}

#[test]
fn a_row_the_cap_may_have_left_out_waits_for_its_baseline() {
    let mut b = Baseline::default();
    b.advance(
        Timestamp(0),
        rows(vec![row(1, 5, 10, "2024-05-01 10:00:00", "2024-05-01 10:10:00", END_11)], true),
    );
    // Plan 2 ran since 10:02 but the capped read did not bring it: its 500 executions are
    // not one minute's.
    let old = row(2, 5, 500, "2024-05-01 10:02:00", "2024-05-01 10:10:30", END_11);
    let i = b.advance(Timestamp(60_000), rows(vec![old], false));
    assert!(i.statements.is_empty());
    let i = b.advance(
        Timestamp(120_000),
        rows(vec![row(2, 5, 503, "2024-05-01 10:02:00", "2024-05-01 10:11:30", END_11)], false),
    );
    assert_eq!(i.statements[0].1.totals.executions, 3);
    // Without a cap, the same row would have counted whole: nothing was left out.
    let mut uncapped = Baseline::default();
    uncapped.advance(
        Timestamp(0),
        rows(vec![row(1, 5, 10, "2024-05-01 10:00:00", "2024-05-01 10:10:00", END_11)], false),
    );
    let late = row(2, 5, 5, "2024-05-01 10:09:00", "2024-05-01 10:10:30", END_11);
    let i = uncapped.advance(Timestamp(60_000), rows(vec![late], false));
    assert_eq!(i.statements[0].1.totals.executions, 5, "recorded after the previous read: new to us");
}

#[test]
fn query_store_cleared_is_a_reset() {
    let mut b = Baseline::default();
    b.advance(
        Timestamp(0),
        rows(vec![row(1, 5, 100, "2024-05-01 10:00:00", "2024-05-01 10:10:00", END_11)], false),
    );
    let i = b.advance(
        Timestamp(60_000),
        rows(vec![row(1, 5, 4, "2024-05-01 10:10:20", "2024-05-01 10:10:50", END_11)], false),
    );
    assert!(i.reset_detected);
    assert_eq!(i.statements[0].1.totals.executions, 4);
}

#[test]
fn databases_are_kept_apart_and_forgotten_when_gone() {
    let mut d = QueryStoreDeltas::default();
    d.database("shop").advance(Timestamp(0), read(BASELINE));
    d.database("crm").advance(Timestamp(0), read(IDLE));
    d.database("hr").advance(Timestamp(0), rows(vec![], false));
    assert_eq!(d.watermark("shop"), Some("2024-05-01 10:30:00.120000"));
    assert_eq!(d.watermark("crm"), Some("2024-05-01 10:32:00.010000"), "idle, yet read once");
    assert_eq!(d.watermark("hr"), None, "no clock, no rows: the next read is a baseline again");
    assert_eq!(d.tracked(), 2, "queries 7 and 9");
    d.keep_only(&["crm"]);
    assert_eq!((d.watermark("shop"), d.tracked()), (None, 0));
    d.clear();
    assert!(d.databases.is_empty());
}
