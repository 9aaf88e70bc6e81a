use super::*;
use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};
use crate::collectors::mssql::rows::from_batch;

const FILES_REPLY: &str = include_str!("fixtures/files_2019.tsv");
const LOG_REPLY: &str = include_str!("fixtures/log_space_counters.tsv");
const TEMPDB_REPLY: &str = include_str!("fixtures/tempdb_space.tsv");

#[test]
fn statements_are_reads() {
    for sql in STATEMENTS {
        assert!(allowed_start(sql) && words(sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
    }
}

#[test]
fn sizes_per_database_from_every_file() {
    let f = files(&from_batch(FILES_REPLY));
    assert_eq!(f.len(), 10);
    let (stats, metrics) = databases(&f);
    let got: Vec<(&str, Option<u64>)> = stats.iter().map(|s| (s.name.as_str(), s.size_bytes)).collect();
    assert_eq!(
        got,
        [
            ("master", Some(6_946_816)),
            ("model", Some(16_777_216)),
            ("shop", Some(85_899_345_920)),
            ("tempdb", Some(2_684_354_560))
        ]
    );
    assert!(metrics.iter().all(|m| m.name == metric::DATABASE_SIZE_BYTES));
    assert!(metrics.iter().any(|m| m.key == "shop" && m.value == 85_899_345_920.0));
    let log = f.iter().find(|f| f.name == "shop_log").cloned().unwrap_or_else(|| unreachable!());
    assert_eq!((log.kind.as_str(), log.max_bytes, log.growth), ("LOG", Some(2_199_023_255_552), 65_536));
    assert_eq!(f[0].max_bytes, None, "-1: unlimited");
    assert!(f[0].percent_growth);
}

#[test]
fn files_that_cannot_grow_or_are_almost_at_max_size() {
    let facts = full_risk(&files(&from_batch(FILES_REPLY)));
    let got: Vec<(&str, &str)> = facts.iter().map(|f| (f.key.as_str(), f.value.as_str())).collect();
    assert_eq!(
        got,
        [
            ("shop/shop", "ROWS file at 50.00 GB of its max_size 50.00 GB"),
            ("shop/shop_archive", "ROWS file of 20.00 GB does not grow (growth 0)")
        ]
    );
    assert!(facts.iter().all(|f| f.name == FULL_RISK_FACT));
}

#[test]
fn log_use_from_sizes_or_the_rounded_percentage() {
    let m = log_used(&from_batch(LOG_REPLY));
    let got: Vec<(&str, f64)> =
        m.iter().map(|m| (m.key.as_str(), (m.value * 100.0).round() / 100.0)).collect();
    assert_eq!(
        got,
        [("master", 32.05), ("shop", 92.03), ("tempdb", 7.0)],
        "the resource database is left out"
    );
    assert!(m.iter().all(|m| m.name == ms::LOG_USED_PCT));
}

#[test]
fn tempdb_in_use() {
    let m = tempdb_used(&from_batch(TEMPDB_REPLY)).unwrap_or_else(|| unreachable!());
    assert_eq!((m.name.as_str(), m.value), (ms::TEMPDB_USED_BYTES, 536_870_912.0));
    assert_eq!(tempdb_used(&[]), None);
}

#[test]
fn hidden_databases_name_the_grant() {
    let p = hidden_problem(&["crm".into(), "hr".into()], "mon]itor");
    assert_eq!(
        p,
        "database files: sys.master_files shows no file of crm, hr; run GRANT VIEW ANY DEFINITION TO [mon]]itor];"
    );
    let many: Vec<String> = (0..12).map(|i| format!("db{i}")).collect();
    assert!(
        hidden_problem(&many, "")
            .ends_with("db9 and 2 more; run GRANT VIEW ANY DEFINITION TO [<monitoring login>];")
    );
}
