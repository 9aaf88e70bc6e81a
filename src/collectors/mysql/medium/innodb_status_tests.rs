use super::*;
use crate::collectors::mysql::rows::from_batch;

const MARIADB: &str = include_str!("fixtures/innodb_status_mariadb_10_11.txt");
const MYSQL: &str = include_str!("fixtures/innodb_status_mysql_8_0.txt");

fn metric(metrics: &[Metric], name: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name).map(|m| m.value)
}

#[test]
fn mariadb_10_11_status() {
    let s = parse(MARIADB);
    assert_eq!(s.history_list_length, Some(9));
    assert_eq!((s.log_sequence_number, s.last_checkpoint), (Some(15_925_125), Some(15_497_805)));
    assert_eq!(s.checkpoint_age(), Some(427_320));
    let pool = s.buffer_pool.clone().unwrap_or_default();
    assert_eq!(
        (pool.size_pages, pool.free_pages, pool.database_pages, pool.modified_pages),
        (2028, 1104, 924, 751)
    );
    assert_eq!((pool.pending_reads, pool.pending_writes, pool.hit_per_mille), (0, 0, Some(918)));
    assert!(s.deadlock.is_some());
}

#[test]
fn mysql_8_0_status() {
    let s = parse(MYSQL);
    assert_eq!(s.history_list_length, Some(4187));
    assert_eq!(s.checkpoint_age(), Some(5_862_314_412 - 5_571_029_077));
    let pool = s.buffer_pool.clone().unwrap_or_default();
    assert_eq!((pool.size_pages, pool.modified_pages), (131_072, 9312));
    assert_eq!((pool.pending_reads, pool.pending_writes), (3, 12));
    assert_eq!(pool.hit_per_mille, Some(1000));
}

#[test]
fn sections_end_at_the_next_title() {
    let log = section(MYSQL, "LOG").unwrap_or_default();
    assert_eq!(log.first().map(|l| l.trim_start().starts_with("Log sequence number")), Some(true));
    assert!(log.last().is_some_and(|l| l.contains("log i/o's done")), "{log:?}");
    assert!(section(MYSQL, "NO SUCH SECTION").is_none());
    // The title alone, without its rules, is not a section (the word LOG in a query).
    assert!(section("LOG\nLog sequence number 5\n", "LOG").is_none());
}

#[test]
fn no_deadlock_section_means_no_deadlock() {
    let text = "\n=====\n2024-05-01 10:00:00 0x1 INNODB MONITOR OUTPUT\n=====\n------------\nTRANSACTIONS\n------------\nHistory list length 0\n--------\nFILE I/O\n--------\n";
    let s = parse(text);
    assert_eq!(s.history_list_length, Some(0));
    assert!(s.deadlock.is_none() && s.buffer_pool.is_none() && s.checkpoint_age().is_none());
}

#[test]
fn the_reply_row_carries_the_text() {
    let rows = from_batch("Type\tName\tStatus\nInnoDB\t\t\\n=====\\nHistory list length 3\\n\n");
    assert_eq!(status_text(&rows).map(|t| t.contains("History list length 3")), Some(true));
}

#[test]
fn redo_capacity_by_version() {
    // MySQL 8.0.30+: the capacity variable wins over the deprecated pair.
    let mysql = from_batch(
        "Variable_name\tValue\ninnodb_log_file_size\t50331648\ninnodb_log_files_in_group\t2\ninnodb_redo_log_capacity\t104857600\n",
    );
    assert_eq!(redo_capacity(&mysql), Some(104_857_600));
    let mysql_57 =
        from_batch("Variable_name\tValue\ninnodb_log_file_size\t50331648\ninnodb_log_files_in_group\t2\n");
    assert_eq!(redo_capacity(&mysql_57), Some(100_663_296));
    // MariaDB 10.5+: one file.
    let maria = from_batch("Variable_name\tValue\ninnodb_log_file_size\t100663296\n");
    assert_eq!(redo_capacity(&maria), Some(100_663_296));
    assert_eq!(redo_capacity(&[]), None);
}

#[test]
fn metrics_from_the_status() {
    let s = parse(MYSQL);
    let m = metrics(&s, Some(1_000_000_000), true);
    assert_eq!(metric(&m, my::HISTORY_LIST_LENGTH), Some(4187.0));
    let pct = metric(&m, my::CHECKPOINT_AGE_PCT).unwrap_or_default();
    assert!((pct - 29.1285335).abs() < 1e-6, "{pct}");
    assert_eq!(metric(&m, my::BUFFER_POOL_PENDING_IO), Some(15.0));
    // MariaDB's history list length comes from the status counters; no capacity, no %.
    let m = metrics(&parse(MARIADB), None, false);
    assert_eq!(metric(&m, my::HISTORY_LIST_LENGTH), None);
    assert_eq!(metric(&m, my::CHECKPOINT_AGE_PCT), None);
}
