use super::*;
use crate::collectors::mysql::rows::from_batch;
use crate::collectors::mysql::statement_counters as sc;

/// MariaDB 10.11: MD5 digests, whole-second times, no SUM_CPU_TIME; the NULL row is
/// the overflow bucket.
const MARIADB: &str = "\
SCHEMA_NAME\tDIGEST\tCOUNT_STAR\tSUM_TIMER_WAIT\tMIN_TIMER_WAIT\tMAX_TIMER_WAIT\tSUM_LOCK_TIME\tSUM_ERRORS\tSUM_WARNINGS\tSUM_ROWS_AFFECTED\tSUM_ROWS_SENT\tSUM_ROWS_EXAMINED\tSUM_CREATED_TMP_DISK_TABLES\tSUM_CREATED_TMP_TABLES\tSUM_SELECT_FULL_JOIN\tSUM_SORT_MERGE_PASSES\tSUM_SORT_ROWS\tSUM_NO_INDEX_USED\tSUM_NO_GOOD_INDEX_USED\tFIRST_SEEN\tLAST_SEEN
shop\t5c1f0e0bd1d24c6a1c4e9b0c3e7f2a11\t120\t2400000000000\t5000000000\t90000000000\t12000000000\t0\t2\t0\t120\t360000\t0\t0\t0\t0\t0\t120\t0\t2024-05-01 09:00:00\t2024-05-01 10:00:58
shop\t9a0b7c2d55e14f3aa0c1d2e3f4a5b6c7\t30\t600000000000\t1000000000\t40000000000\t3000000000\t1\t0\t30\t0\t30\t0\t0\t0\t0\t0\t0\t0\t2024-05-01 09:10:00\t2024-05-01 10:00:59
NULL\tNULL\t7\t7000000000\t1000000000\t1000000000\t0\t0\t0\t0\t7\t7\t0\t0\t0\t0\t0\t0\t0\t2024-05-01 09:30:00\t2024-05-01 10:00:30
";

/// MySQL 8.0.36: SHA-256 digests, microsecond times, SUM_CPU_TIME.
const MYSQL: &str = "\
SCHEMA_NAME\tDIGEST\tCOUNT_STAR\tSUM_TIMER_WAIT\tMIN_TIMER_WAIT\tMAX_TIMER_WAIT\tSUM_LOCK_TIME\tSUM_ERRORS\tSUM_WARNINGS\tSUM_ROWS_AFFECTED\tSUM_ROWS_SENT\tSUM_ROWS_EXAMINED\tSUM_CREATED_TMP_DISK_TABLES\tSUM_CREATED_TMP_TABLES\tSUM_SELECT_FULL_JOIN\tSUM_SORT_MERGE_PASSES\tSUM_SORT_ROWS\tSUM_NO_INDEX_USED\tSUM_NO_GOOD_INDEX_USED\tSUM_CPU_TIME\tFIRST_SEEN\tLAST_SEEN
app\t3f1a2b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f701\t4\t8000000000\t1500000000\t3000000000\t1000000\t0\t0\t0\t40\t4000\t1\t2\t0\t0\t40\t4\t0\t6000000000\t2024-05-01 09:59:01.123456\t2024-05-01 10:00:01.654321
";

fn read(text: &str) -> DigestRead {
    parse(&from_batch(text))
}

fn row(digest: &str, calls: u64, ms: f64, first: &str, last: &str) -> DigestRow {
    DigestRow {
        key: DigestKey { schema: "shop".into(), digest: digest.into() },
        counters: Counters { calls, total_time_ms: ms, rows: calls, ..Default::default() },
        first_seen: first.into(),
        last_seen: last.into(),
    }
}

fn rows(rows: Vec<DigestRow>) -> DigestRead {
    let newest_seen = rows.iter().map(|r| r.last_seen.clone()).max();
    DigestRead { rows, overflow_calls: None, newest_seen }
}

fn position(name: &str) -> usize {
    sc::ALL.iter().position(|(n, _, _)| *n == name).unwrap_or(usize::MAX)
}

#[test]
fn mariadb_rows_in_milliseconds_with_the_overflow_row_apart() {
    let r = read(MARIADB);
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.overflow_calls, Some(7));
    assert_eq!(r.newest_seen.as_deref(), Some("2024-05-01 10:00:59"));
    let first = &r.rows[0];
    assert_eq!(first.key.schema, "shop");
    assert_eq!(first.counters.calls, 120);
    assert_eq!(first.counters.total_time_ms, 2400.0, "picoseconds to ms");
    assert_eq!(first.counters.max_time_ms, Some(90.0));
    assert_eq!(first.counters.rows, 120);
    assert_eq!(first.counters.extra[position(sc::ROWS_EXAMINED)], 360_000.0);
    assert_eq!(first.counters.extra[position(sc::LOCK_TIME_MS)], 12.0);
    assert_eq!(first.counters.extra[position(sc::NO_INDEX_USED)], 120.0);
    assert_eq!(first.counters.extra[position(sc::CPU_TIME_MS)], 0.0, "MariaDB has no CPU time");
}

#[test]
fn mysql_rows_carry_cpu_time_and_microsecond_times() {
    let r = read(MYSQL);
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.overflow_calls, None);
    assert_eq!(r.rows[0].key.digest.len(), 64);
    assert_eq!(r.rows[0].counters.extra[position(sc::CPU_TIME_MS)], 6.0);
    assert_eq!(r.rows[0].counters.extra[position(sc::TMP_DISK_TABLES)], 1.0);
    assert_eq!(r.newest_seen.as_deref(), Some("2024-05-01 10:00:01.654321"));
}

#[test]
fn server_times_are_checked_before_going_back_into_sql() {
    assert!(is_server_time("2024-05-01 10:00:01"));
    assert!(is_server_time("2024-05-01 10:00:01.654321"));
    assert!(!is_server_time("2024-05-01' OR 1=1 --"));
    assert!(!is_server_time(""));
    assert!(!is_server_time("10:00:01 2024-05-01"));
}

#[test]
fn first_read_is_a_baseline_then_only_what_ran() {
    let mut d = DigestDeltas::default();
    assert_eq!(d.watermark(), None, "the first read takes everything");
    let first = d.advance(Timestamp(0), read(MARIADB));
    assert_eq!((first.since, first.deltas.len(), first.tracked), (None, 0, 2));
    assert_eq!(first.evicted, None);
    assert_eq!(d.watermark(), Some("2024-05-01 10:00:59"));
    // Only the first digest ran again (the read filters on LAST_SEEN), plus a new one.
    let second = d.advance(
        Timestamp(60_000),
        DigestRead {
            overflow_calls: Some(10),
            ..rows(vec![
                row(
                    "5c1f0e0bd1d24c6a1c4e9b0c3e7f2a11",
                    125,
                    2500.0,
                    "2024-05-01 09:00:00",
                    "2024-05-01 10:01:50",
                ),
                row("00000000000000000000000000000001", 2, 4.0, "2024-05-01 10:01:10", "2024-05-01 10:01:40"),
            ])
        },
    );
    assert_eq!(second.since, Some(Timestamp(0)));
    assert_eq!(second.secs, 60.0);
    assert!(!second.reset_detected);
    assert_eq!(second.evicted, Some(3), "overflow row went from 7 to 10");
    let got: Vec<(&str, u64)> = second.deltas.iter().map(|(k, c)| (&k.digest[..4], c.calls)).collect();
    assert_eq!(got, vec![("5c1f", 5), ("0000", 2)], "most time first; the new digest counts whole");
    assert!((second.deltas[0].1.total_time_ms - 100.0).abs() < 1e-9);
    assert_eq!(second.tracked, 3, "the digest that did not run is still known");
    assert_eq!(d.watermark(), Some("2024-05-01 10:01:50"));
}

#[test]
fn a_single_reading_reports_the_totals() {
    let mut d = DigestDeltas { totals_on_baseline: true, ..Default::default() };
    d.clear(); // as a reconnect does: the wish stays
    let once = d.advance(Timestamp(0), read(MARIADB));
    assert_eq!(once.since, None, "performance_schema keeps no reset time");
    assert_eq!(once.deltas.len(), 2);
    assert!(once.deltas[0].1.total_time_ms >= once.deltas[1].1.total_time_ms, "most time first");
    assert!(once.deltas.iter().all(|(_, c)| c.calls > 0));
}

#[test]
fn unknown_digest_from_before_the_previous_read_waits_for_its_baseline() {
    let mut d = DigestDeltas::default();
    d.advance(Timestamp(0), rows(vec![row("a", 1, 1.0, "2024-05-01 09:00:00", "2024-05-01 10:00:00")]));
    // "b" existed before the first read but was cut by its row limit: its 500 lifetime
    // calls must not show up as one minute's.
    let old = row("b", 500, 900.0, "2024-05-01 08:00:00", "2024-05-01 10:00:30");
    let i = d.advance(Timestamp(60_000), rows(vec![old]));
    assert!(i.deltas.is_empty());
    let i = d.advance(
        Timestamp(120_000),
        rows(vec![row("b", 503, 903.0, "2024-05-01 08:00:00", "2024-05-01 10:01:30")]),
    );
    assert_eq!(i.deltas[0].1.calls, 3);
}

#[test]
fn a_truncated_table_restarts_the_digests_that_come_back() {
    let mut d = DigestDeltas::default();
    d.advance(Timestamp(0), rows(vec![row("a", 100, 10.0, "2024-05-01 09:00:00", "2024-05-01 10:00:00")]));
    // TRUNCATE, then 120 calls: more than before, yet all new (FIRST_SEEN moved).
    let i = d.advance(
        Timestamp(60_000),
        rows(vec![row("a", 120, 12.0, "2024-05-01 10:00:20", "2024-05-01 10:00:50")]),
    );
    assert!(i.reset_detected);
    assert_eq!(i.deltas[0].1.calls, 120);
    // Counters that went down without a new FIRST_SEEN are a reset too.
    let i = d.advance(
        Timestamp(120_000),
        rows(vec![row("a", 5, 1.0, "2024-05-01 10:00:20", "2024-05-01 10:01:50")]),
    );
    assert!(i.reset_detected);
    assert_eq!(i.deltas[0].1.calls, 5);
}

#[test]
fn query_stat_names_moved_counters_only() {
    let r = read(MYSQL);
    let row = r.rows.into_iter().next().unwrap_or_else(|| unreachable!());
    let q = query_stat(row.key, row.counters, "SELECT ?".into());
    assert_eq!(q.mean_time_ms, 2.0);
    assert_eq!(q.database, "app");
    assert!(q.id.ends_with("/app"));
    assert_eq!(q.counter(sc::ROWS_EXAMINED), Some(4000.0));
    assert_eq!(q.counter(sc::ERRORS), None, "zero counters are left out");
}
