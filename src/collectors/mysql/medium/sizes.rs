//! Database (schema) sizes: data + indexes per schema from `information_schema.TABLES`.
//!
//! Cost: on MariaDB and MySQL 5.7 the size columns open every table (`Open_full_table`
//! in EXPLAIN), which takes time with many tables and churns the table cache the
//! application needs. MySQL 8 reads them from the data dictionary (refreshed every
//! `information_schema_stats_expiry`, a day by default, so its sizes can lag). Hence:
//! - sizes are read on the first medium round of a connection and then every
//!   `EVERY_ROUNDS`th (every 10 minutes at the default 60 s), sizes move slowly;
//! - where tables are opened, they are counted first (`COUNT(*)` does not open them:
//!   `Skip_open_table`), and above `MAX_OPENED_TABLES` only the connected database is
//!   sized;
//! - the session's statement time limit stops a read that is still too slow.

use super::super::rows::TextRow;
use super::super::version::{Server, Version};
use crate::model::{DatabaseStat, Metric, metric};

pub const EVERY_ROUNDS: u64 = 10;
/// Tables opened by one size read at most (where the server opens them to size them).
pub const MAX_OPENED_TABLES: u64 = 10_000;

pub const TABLE_COUNT: &str = "\
SELECT COUNT(*) AS tables FROM information_schema.TABLES
WHERE TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')";

pub const SIZES: &str = "\
SELECT TABLE_SCHEMA AS name, SUM(DATA_LENGTH + INDEX_LENGTH) AS size_bytes, COUNT(*) AS tables
FROM information_schema.TABLES
WHERE TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')
GROUP BY TABLE_SCHEMA";

pub const CURRENT_DATABASE_SIZE: &str = "\
SELECT TABLE_SCHEMA AS name, SUM(DATA_LENGTH + INDEX_LENGTH) AS size_bytes, COUNT(*) AS tables
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE()
GROUP BY TABLE_SCHEMA";

/// This file's statements (`medium::STATEMENTS` lists them for the read-only test).
#[cfg(test)]
pub const STATEMENTS: &[&str] = &[TABLE_COUNT, SIZES, CURRENT_DATABASE_SIZE];

/// Whether this round reads sizes (`round` counts from 0 on each connection).
pub fn due(round: u64) -> bool {
    round.is_multiple_of(EVERY_ROUNDS)
}

/// Whether sizing opens every table (everything but MySQL 8's data dictionary).
pub fn opens_tables(server: &Server) -> bool {
    server.is_mariadb() || server.version < Version::new(8, 0, 0)
}

/// Which size read to run, given the table count (when it was needed).
pub fn sizes_sql(table_count: Option<u64>) -> &'static str {
    match table_count {
        Some(n) if n > MAX_OPENED_TABLES => CURRENT_DATABASE_SIZE,
        _ => SIZES,
    }
}

/// Rows → `DatabaseStat`s (only name and size: MySQL keeps no per-database counters)
/// and `database_size_bytes` keyed by database. A schema of views only has size 0.
pub fn parse(rows: &[TextRow]) -> (Vec<DatabaseStat>, Vec<Metric>) {
    let mut stats = Vec::with_capacity(rows.len());
    let mut metrics = Vec::with_capacity(rows.len());
    for r in rows {
        let name = r.text("name");
        if name.is_empty() {
            continue;
        }
        let size = r.uint("size_bytes").unwrap_or(0);
        metrics.push(Metric::keyed(metric::DATABASE_SIZE_BYTES, name.clone(), size as f64));
        stats.push(DatabaseStat { name, size_bytes: Some(size), ..Default::default() });
    }
    stats.sort_by(|a, b| a.name.cmp(&b.name));
    (stats, metrics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::rows::from_batch;

    #[test]
    fn sizes_per_schema() {
        let rows = from_batch(
            "name\tsize_bytes\ttables\nshop\t40894464\t500\nreports\tNULL\t3\napp\t6848512.0000\t2\n",
        );
        let (stats, metrics) = parse(&rows);
        let got: Vec<(&str, Option<u64>)> = stats.iter().map(|s| (s.name.as_str(), s.size_bytes)).collect();
        assert_eq!(got, [("app", Some(6_848_512)), ("reports", Some(0)), ("shop", Some(40_894_464))]);
        assert_eq!(stats[0].xact_commit, 0);
        assert_eq!(metrics.len(), 3);
        assert!(metrics.iter().any(|m| m.key == "shop" && m.value == 40_894_464.0));
        assert!(metrics.iter().all(|m| m.name == metric::DATABASE_SIZE_BYTES));
    }

    #[test]
    fn when_and_what_to_size() {
        assert!(due(0) && !due(1) && !due(9) && due(10));
        let maria = Server::parse("10.11.19-MariaDB").unwrap_or_else(|| unreachable!());
        let mysql8 = Server::parse("8.0.36").unwrap_or_else(|| unreachable!());
        let mysql57 = Server::parse("5.7.44").unwrap_or_else(|| unreachable!());
        assert!(opens_tables(&maria) && opens_tables(&mysql57) && !opens_tables(&mysql8));
        assert_eq!(sizes_sql(None), SIZES);
        assert_eq!(sizes_sql(Some(MAX_OPENED_TABLES)), SIZES);
        assert_eq!(sizes_sql(Some(MAX_OPENED_TABLES + 1)), CURRENT_DATABASE_SIZE);
    }
}
