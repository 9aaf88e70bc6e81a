use super::super::top_sql::{self, SqlRead};
use super::*;
use crate::collectors::text_rows::from_batch;
use std::time::Duration;

pub const ROUND_1: &str = include_str!("../../fixtures/workload_top_sql_19c_1.tsv");
pub const ROUND_2: &str = include_str!("../../fixtures/workload_top_sql_19c_2.tsv");
pub const ROUND_3: &str = include_str!("../../fixtures/workload_top_sql_19c_3_flushed.tsv");

fn read(tsv: &str) -> SqlRead {
    top_sql::parse(&from_batch(tsv))
}

fn at(minute: u64) -> Timestamp {
    Timestamp(1_800_000_000_000).plus(Duration::from_secs(60 * minute))
}

/// (SQL_ID, executions, elapsed ms, plans) of an interval.
fn summary(i: &Interval) -> Vec<(&str, f64, f64, f64)> {
    i.statements
        .iter()
        .map(|(id, t)| (id.as_str(), t.executions(), t.elapsed_us() / 1000.0, t.0[PLANS]))
        .collect()
}

#[test]
fn first_read_is_the_baseline_only() {
    let mut d = SqlDeltas::default();
    let first = read(ROUND_1);
    assert!(first.is_cut(), "1840 candidates, 5 read");
    let i = d.advance(at(0), first);
    assert_eq!(i, Interval::default());
    assert_eq!(d.server_then(), Some("2026-12-06 14:00:00"));
}

#[test]
fn second_read_gives_growth_per_sql_id_and_a_running_execution_its_time() {
    let mut d = SqlDeltas::default();
    d.advance(at(0), read(ROUND_1));
    let i = d.advance(at(1), read(ROUND_2));
    assert_eq!(i.since, Some(at(0)));
    assert!(!i.reset_detected);
    assert_eq!(
        summary(&i),
        [
            ("fz81wq4dn2hc7", 0.0, 45_000.0, 1.0),
            ("b4n8r2mcy6t0p", 2.0, 2_000.0, 1.0),
            ("7h2kq9xw1fz3d", 600.0, 900.0, 1.0),
            ("0g5vjx8s3a1kw", 1.0, 30.0, 1.0),
        ],
        "rows never read before wait for `settle`"
    );
    assert_eq!(d.server_then(), Some("2026-12-06 14:01:00"));
}

#[test]
fn a_statement_loaded_once_after_the_previous_read_counts_whole() {
    let mut d = SqlDeltas::default();
    d.advance(at(0), read(ROUND_1));
    let mut i = d.advance(at(1), read(ROUND_2));
    assert_eq!(i.after.as_deref(), Some("2026-12-06 14:00:00"));
    let fresh: Vec<(&str, &str)> =
        i.fresh.iter().map(|r| (r.sql_id.as_str(), r.plan_hash.as_str())).collect();
    assert_eq!(fresh, [("4d7rz0m2w9c1x", "1790654213"), ("b4n8r2mcy6t0p", "2233445566")]);
    i.settle(|id| match id {
        "4d7rz0m2w9c1x" => Some("2026-12-06 14:00:31"),
        "b4n8r2mcy6t0p" => Some("2026-12-01 09:12:44"),
        _ => None,
    });
    assert_eq!(
        summary(&i),
        [
            ("fz81wq4dn2hc7", 0.0, 45_000.0, 1.0),
            ("4d7rz0m2w9c1x", 1.0, 20_000.0, 1.0),
            ("b4n8r2mcy6t0p", 2.0, 2_000.0, 1.0),
            ("7h2kq9xw1fz3d", 600.0, 900.0, 1.0),
            ("0g5vjx8s3a1kw", 1.0, 30.0, 1.0),
        ],
        "the one-off report shows whole; the new plan of an old cursor is only a baseline"
    );
    assert!(i.fresh.is_empty());
}

#[test]
fn a_fresh_row_loaded_more_than_once_or_without_a_load_time_is_a_baseline() {
    let cases = [
        (2, Some("2026-12-06 14:00:31"), "reloaded: its figures may predate the load"),
        (1, None, "no load time: not provably new"),
    ];
    for (loads, loaded, why) in cases {
        let mut d = SqlDeltas::default();
        d.advance(at(0), read(ROUND_1));
        let mut second = read(ROUND_2);
        second.rows.iter_mut().filter(|r| r.sql_id == "4d7rz0m2w9c1x").for_each(|r| r.loads = loads);
        let mut i = d.advance(at(1), second);
        i.settle(|id| if id == "4d7rz0m2w9c1x" { loaded } else { None });
        assert!(i.statements.iter().all(|(id, _)| id != "4d7rz0m2w9c1x"), "{why}");
        assert_eq!(i.statements.len(), 4, "{why}");
    }
}

#[test]
fn a_flushed_cursor_is_a_reset_not_a_negative_delta_and_plans_add_up() {
    let mut d = SqlDeltas::default();
    d.advance(at(0), read(ROUND_1));
    d.advance(at(1), read(ROUND_2));
    let i = d.advance(at(2), read(ROUND_3));
    assert!(i.reset_detected);
    assert_eq!(
        summary(&i),
        [
            ("fz81wq4dn2hc7", 0.0, 60_000.0, 1.0),
            ("b4n8r2mcy6t0p", 4.0, 1_600.0, 2.0),
            ("3kp0ya7mb9rx2", 1.0, 500.0, 1.0),
            ("0g5vjx8s3a1kw", 1.0, 30.0, 1.0),
        ],
        "7h2kq9xw1fz3d started over: no row; 3kp0ya7mb9rx2 kept its baseline (round 2 was not cut)"
    );
    assert!(i.statements.iter().all(|(_, t)| t.0.iter().all(|v| *v >= 0.0)));
    // The next read counts 7h2kq9xw1fz3d from its new baseline.
    let mut fourth = read(ROUND_3);
    fourth.rows.retain(|r| r.sql_id == "7h2kq9xw1fz3d");
    fourth.rows[0].totals.0[top_sql::EXECUTIONS] += 5.0;
    fourth.rows[0].totals.0[top_sql::ELAPSED_US] += 4_000.0;
    let i = d.advance(at(3), fourth);
    assert_eq!(summary(&i), [("7h2kq9xw1fz3d", 5.0, 4.0, 1.0)]);
}

#[test]
fn a_statement_that_may_have_run_below_the_cut_loses_its_baseline() {
    let mut d = SqlDeltas::default();
    d.advance(at(0), read(ROUND_1));
    let mut cut = read(ROUND_2);
    cut.candidates = 300;
    assert!(cut.is_cut());
    assert_eq!(cut.least_elapsed_us(), 1_500_000.0);
    d.advance(at(1), cut);
    let i = d.advance(at(2), read(ROUND_3));
    assert!(
        i.statements.iter().all(|(id, _)| id != "3kp0ya7mb9rx2"),
        "its baseline (1 s) was under the cut (1.5 s): it could have run unseen, so no delta"
    );
    assert!(i.statements.iter().any(|(id, _)| id == "b4n8r2mcy6t0p"));
}

#[test]
fn a_statement_missing_above_the_cut_did_not_run_and_keeps_its_baseline() {
    let mut d = SqlDeltas::default();
    d.advance(at(0), read(ROUND_1));
    let mut cut = read(ROUND_2);
    cut.candidates = 300;
    cut.rows.retain(|r| r.sql_id != "7h2kq9xw1fz3d");
    d.advance(at(1), cut);
    let mut third = read(ROUND_2);
    third.rows.retain(|r| r.sql_id == "7h2kq9xw1fz3d");
    let i = d.advance(at(2), third);
    assert_eq!(summary(&i), [("7h2kq9xw1fz3d", 600.0, 900.0, 1.0)], "from round 1's baseline");
}

#[test]
fn the_23ai_shape_reads_with_nulls_and_without_a_candidate_count() {
    let r = read(include_str!("../../fixtures/workload_top_sql_23ai.tsv"));
    assert_eq!(r.rows.len(), 2, "the malformed SQL_ID is left out");
    assert_eq!(r.server_now, "2026-12-06 15:10:42");
    assert!(top_sql::is_server_time(&r.server_now));
    assert!(!r.is_cut(), "2 rows and no count: under the cap");
    let plsql = &r.rows[0];
    assert_eq!((plsql.sql_id.as_str(), plsql.plan_hash.as_str()), ("9wq2m4c8x1b7z", "0"));
    assert_eq!((plsql.totals.executions(), plsql.totals.elapsed_us()), (250.0, 12_500_000.0));
    assert_eq!(plsql.totals.0[10], 0.0, "NULL wait time reads as zero");
}
