use super::*;
use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};
use crate::collectors::mssql::rows::from_batch;

const BASELINE: &str = include_str!("fixtures/plan_cache_baseline.tsv");
const NEXT: &str = include_str!("fixtures/plan_cache_next.tsv");

fn read(text: &str) -> HashRead {
    parse(&from_batch(text))
}

#[test]
fn reads_as_sent_are_reads() {
    let sent = [
        query_stats_sql(None),
        query_stats_sql(Some("2024-05-01 10:30:00.120000")),
        texts_sql(&["0x8F3A2B1C4D5E6F70".into(), "0xA1A2A3A4A5A6A7A8".into()]).unwrap_or_default(),
    ];
    for sql in &sent {
        assert!(allowed_start(sql), "{sql}");
        assert!(words(sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
        assert!(!sql.contains('{'), "{sql}");
    }
    assert!(!sent[0].contains("HAVING"));
    assert!(sent[1].contains("HAVING MAX(qs.last_execution_time) > DATEADD(SECOND, -2, CAST('2024-05-01 10:30:00.120000' AS datetime2))"));
    assert!(sent[2].contains("IN (0x8F3A2B1C4D5E6F70, 0xA1A2A3A4A5A6A7A8)"));
    assert!(sent[0].starts_with(&format!("SELECT TOP ({ROW_CAP})")));
}

#[test]
fn nothing_but_hashes_and_times_go_in() {
    assert_eq!(query_stats_sql(Some("x' OR '1")), QUERY_STATS);
    assert_eq!(texts_sql(&["0x8F3A2B1C4D5E6F70); --".into()]), None);
    let many: Vec<String> = (0..TEXT_CAP + 50).map(|i| format!("0x{i:016X}")).collect();
    let sql = texts_sql(&many).unwrap_or_default();
    assert_eq!(sql.matches("0x").count(), TEXT_CAP);
}

#[test]
fn rows_by_hash() {
    let r = read(BASELINE);
    assert_eq!(r.rows.len(), 3);
    assert_eq!(r.server_now, "2024-05-01 10:30:00.120000");
    let big = &r.rows[1];
    assert_eq!((big.hash.as_str(), big.totals.executions, big.plans), ("0x1B2C3D4E5F607182", 12, 2));
    assert_eq!((big.totals.memory_kb, big.totals.logical_writes), (524_288.0, 3_400.0));
    assert_eq!(big.max_us, Some(6_200_000.0));
}

#[test]
fn a_single_reading_lists_each_hashs_totals() {
    let mut d = PlanCacheDeltas { totals_on_baseline: true, ..PlanCacheDeltas::default() };
    d.clear(); // as a reconnect does: the wish stays
    let once = d.advance(Timestamp(0), read(BASELINE));
    assert_eq!(once.since, None);
    let baseline = read(BASELINE);
    let ran: Vec<&HashRow> = baseline.rows.iter().filter(|r| r.totals.executions > 0).collect();
    assert_eq!(once.statements.len(), ran.len(), "every hash that ran, whole");
    for (hash, s) in &once.statements {
        let row = ran.iter().find(|r| &r.hash == hash).unwrap();
        assert_eq!(s.totals.executions, row.totals.executions);
    }
    assert!(once.statements.windows(2).all(|w| w[0].1.totals.duration_us >= w[1].1.totals.duration_us));
}

#[test]
fn baseline_then_growth_new_hashes_and_lost_plans() {
    let mut d = PlanCacheDeltas::default();
    let first = d.advance(Timestamp(0), read(BASELINE));
    assert_eq!((first.since, first.statements.len()), (None, 0));
    assert_eq!(d.watermark(), Some("2024-05-01 10:30:00.120000"));
    let next = d.advance(Timestamp(60_000), read(NEXT));
    assert_eq!(next.since, Some(Timestamp(0)));
    assert!(next.reset_detected, "0x00FF… lost its plan");
    let got: Vec<(&str, u64)> =
        next.statements.iter().map(|(h, s)| (h.as_str(), s.totals.executions)).collect();
    assert_eq!(
        got,
        [("0x8F3A2B1C4D5E6F70", 600), ("0xA1A2A3A4A5A6A7A8", 5), ("0x00FF00FF00FF00FF", 2)],
        "0x7777… ran before and was never read: baseline only"
    );
    let (_, first_hash) = &next.statements[0];
    assert!((first_hash.totals.duration_us - 1_200_000.0).abs() < 1e-6);
    assert!((first_hash.totals.logical_reads - 18_000.0).abs() < 1e-6);
    assert_eq!(d.tracked(), 5);
    assert_eq!(d.watermark(), Some("2024-05-01 10:31:00.050000"));
    // 0x7777… comes back: now it has a baseline.
    let mut again = read(NEXT);
    again.rows.retain(|r| r.hash == "0x7777777777777777");
    again.rows[0].totals.executions = 910;
    again.server_now = "2024-05-01 10:32:00.000000".into();
    let third = d.advance(Timestamp(120_000), again);
    assert_eq!(third.statements.len(), 1);
    assert_eq!(third.statements[0].1.totals.executions, 10);
}

#[test]
fn a_lost_plan_with_older_siblings_is_a_new_baseline() {
    let mut d = PlanCacheDeltas::default();
    d.advance(Timestamp(0), read(BASELINE));
    let mut shrunk = read(BASELINE);
    shrunk.rows.retain(|r| r.hash == "0x1B2C3D4E5F607182");
    shrunk.rows[0].totals.executions = 5;
    shrunk.server_now = "2024-05-01 10:31:00.000000".into();
    let i = d.advance(Timestamp(60_000), shrunk);
    assert!(i.reset_detected);
    assert!(i.statements.is_empty(), "one of its plans is older: the rest cannot be told apart");
    d.clear();
    assert_eq!((d.tracked(), d.watermark()), (0, None));
}
