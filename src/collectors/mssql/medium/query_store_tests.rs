use super::*;
use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};
use crate::collectors::mssql::rows::from_batch;

const BASELINE: &str = include_str!("fixtures/query_store_runtime_baseline.tsv");
const IDLE: &str = include_str!("fixtures/query_store_runtime_idle.tsv");
const FULL: &str = include_str!("fixtures/query_store_runtime_full.tsv");
const DATABASES_REPLY: &str = include_str!("fixtures/query_store_databases.tsv");

fn is_read(sql: &str) -> bool {
    allowed_start(sql) && words(sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str()))
}

#[test]
fn reads_as_sent_are_reads_and_fill_every_placeholder() {
    let sent = [
        runtime_sql("shop", 13, None),
        runtime_sql("shop", 13, Some("2024-05-01 10:29:59.870000")),
        runtime_sql("shop", 16, None),
        runtime_sql("shop", 16, Some("2024-05-01 10:29:59.870000")),
        texts_sql("shop", &[7, 9, 21]),
    ];
    for sql in sent.iter().map(|s| s.clone().unwrap_or_default()) {
        assert!(is_read(&sql), "{sql}");
        assert!(!sql.contains('{') && !sql.contains('}'), "placeholder left:\n{sql}");
        assert!(sql.contains("[shop].sys.query_store_"), "{sql}");
    }
    let [old, old_since, new, new_since, texts] = sent.map(|s| s.unwrap_or_default());
    assert!(old.contains("CAST(NULL AS float) AS tempdb_pages") && !old.contains("avg_log_bytes_used"));
    assert!(new.contains("avg_tempdb_space_used") && new.contains("avg_log_bytes_used"));
    assert!(old.contains("i.end_time > SYSDATETIMEOFFSET()"), "the baseline takes the open intervals");
    assert!(new_since.contains("CAST('2024-05-01 10:29:59.870000' AS datetimeoffset)"));
    assert_eq!(old_since.matches("10:29:59.870000").count(), 2, "intervals and plans");
    assert!(texts.ends_with("WHERE q.query_id IN (7, 9, 21)"), "{texts}");
    assert!(!old.contains("RECOMPILE") && old.contains("TOP (2000)"));
    assert_eq!(ROW_CAP, 2000);
}

#[test]
fn a_hostile_database_name_stays_one_identifier() {
    let name = "crm]; DROP DATABASE shop; --";
    let sql = runtime_sql(name, 16, Some("2024-05-01 10:29:59")).unwrap_or_default();
    assert!(sql.contains("[crm]]; DROP DATABASE shop; --].sys.query_store_plan"), "{sql}");
    // The read-only scan skips [bracketed] names: whatever is inside cannot add a word.
    assert!(is_read(&sql), "{sql}");
    let texts = texts_sql(name, &[1]).unwrap_or_default();
    assert!(is_read(&texts), "{texts}");
    let braces = runtime_sql("{since}", 16, Some("2024-05-01 10:29:59")).unwrap_or_default();
    assert!(braces.contains("[{since}].sys.query_store_plan"), "a name is filled in once");
    assert_eq!(runtime_sql("", 16, None), None);
}

#[test]
fn a_bad_time_means_a_baseline_and_texts_take_numbers_only() {
    let bad = runtime_sql("shop", 16, Some("2024-05-01' OR 1=1 --")).unwrap_or_default();
    assert_eq!(bad, runtime_sql("shop", 16, None).unwrap_or_default());
    assert_eq!(texts_sql("shop", &[]), None);
    let many: Vec<i64> = (0..500).collect();
    let sql = texts_sql("shop", &many).unwrap_or_default();
    let list = sql.rsplit_once("IN (").map(|(_, l)| l).unwrap_or_default();
    assert_eq!(list.matches(", ").count(), TEXT_CAP - 1);
}

#[test]
fn databases_with_their_switch_access_and_writability() {
    let dbs = databases(&from_batch(DATABASES_REPLY));
    let got: Vec<(&str, bool, bool, bool)> =
        dbs.iter().map(|d| (d.name.as_str(), d.query_store_on, d.has_access, d.writable)).collect();
    assert_eq!(
        got,
        [
            ("archive", true, true, false),
            ("crm]; DROP DATABASE shop; --", true, true, true),
            ("hr", false, true, true),
            ("reports", false, false, true),
            ("shop", true, true, true),
        ]
    );
}

#[test]
fn runtime_rows_and_the_options_row() {
    let read = parse_runtime(&from_batch(BASELINE));
    assert_eq!((read.state.as_str(), read.readonly_reason, read.capped), ("READ_WRITE", 0, false));
    assert_eq!(read.rows.len(), 3);
    let r = &read.rows[2];
    assert_eq!((r.query_id, r.key.plan_id, r.key.interval_id, r.key.execution_type), (9, 15, 100, 0));
    assert_eq!(r.totals.executions, 50);
    assert_eq!(
        (r.totals.duration_us, r.totals.memory_kb, r.totals.log_bytes),
        (5_000_000.0, 16_384.0, 1_048_576.0)
    );
    assert_eq!((r.min_us, r.max_us), (Some(80_000.0), Some(150_000.0)));
    assert_eq!(r.interval_end, "2024-05-01 11:00:00.000000");
    assert_eq!(r.last_execution, "2024-05-01 10:29:59.870000");
    assert_eq!(read.server_now, "2024-05-01 10:30:00.120000");

    let idle = parse_runtime(&from_batch(IDLE));
    assert_eq!((idle.state.as_str(), idle.rows.len()), ("READ_WRITE", 0));
    let full = parse_runtime(&from_batch(FULL));
    assert_eq!((full.state.as_str(), full.readonly_reason), ("READ_ONLY", 65_536));
    assert!(readonly_reason(full.readonly_reason).contains("MAX_STORAGE_SIZE_MB"));
    assert_eq!(readonly_reason(1 | 8), "the database is read-only; the database is a secondary replica");
    assert_eq!(readonly_reason(0), "reason 0");
    assert_eq!(parse_runtime(&[]), RuntimeRead::default(), "no reply at all: no state");
}
