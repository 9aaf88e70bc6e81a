//! Database files and space: sizes per database from `sys.master_files` (tempdb's
//! current sizes from `tempdb.sys.database_files`: master_files keeps its startup
//! sizes), the log in use per database from the `Databases` performance counters, and
//! tempdb in use from `tempdb.sys.dm_db_file_space_usage`.
//!
//! Space used inside a user database's data files needs that database's context
//! (`FILEPROPERTY(name, 'SpaceUsed')`) or a read per database; it is not read: the
//! schema tier sizes tables and indexes.
//!
//! Cost: three small reads per round, catalog and counter views without locks on user
//! data: one row per file (`sys.master_files`), about 40 counter rows per database, and
//! one row per tempdb data file.

use super::super::metric as ms;
use super::super::rows::TextRow;
use crate::model::{DatabaseStat, Metric, PostureFact, metric};
use std::collections::BTreeMap;

/// Every file of every database; tempdb's from tempdb itself.
pub const FILES: &str = "\
SELECT DB_NAME(mf.database_id) AS database_name, mf.file_id, mf.name AS file_name,
       mf.type_desc AS file_type, mf.physical_name, mf.state_desc,
       CAST(mf.size AS bigint) * 8192 AS size_bytes, mf.max_size AS max_size_pages,
       mf.growth, mf.is_percent_growth
FROM sys.master_files AS mf
WHERE mf.database_id <> 2
UNION ALL
SELECT N'tempdb', f.file_id, f.name, f.type_desc, f.physical_name, f.state_desc,
       CAST(f.size AS bigint) * 8192, f.max_size, f.growth, f.is_percent_growth
FROM tempdb.sys.database_files AS f";

/// The log of each database: in use and its size (KiB), and the share in use.
pub const LOG_SPACE: &str = "\
SELECT RTRIM(instance_name) AS database_name, RTRIM(counter_name) AS counter_name, cntr_value
FROM sys.dm_os_performance_counters
WHERE object_name LIKE N'%:Databases%'
  AND counter_name IN (N'Percent Log Used', N'Log File(s) Used Size (KB)', N'Log File(s) Size (KB)')
  AND instance_name <> N'_Total'";

/// tempdb's data files: pages in all, unallocated, and what holds the rest.
pub const TEMPDB_SPACE: &str = "\
SELECT SUM(total_page_count) AS total_pages, SUM(unallocated_extent_page_count) AS free_pages,
       SUM(version_store_reserved_page_count) AS version_store_pages,
       SUM(user_object_reserved_page_count) AS user_object_pages,
       SUM(internal_object_reserved_page_count) AS internal_object_pages
FROM tempdb.sys.dm_db_file_space_usage";

#[cfg(test)]
pub const STATEMENTS: &[&str] = &[FILES, LOG_SPACE, TEMPDB_SPACE];

const PAGE: u64 = 8192;

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub database: String,
    pub name: String,
    /// ROWS, LOG, FILESTREAM, FULLTEXT.
    pub kind: String,
    pub path: String,
    pub size_bytes: u64,
    /// None: may grow until the disk is full (`max_size` -1).
    pub max_bytes: Option<u64>,
    /// `growth` in pages, or a percentage; 0: the file does not grow.
    pub growth: u64,
    pub percent_growth: bool,
}

pub fn files(rows: &[TextRow]) -> Vec<File> {
    rows.iter()
        .filter_map(|r| {
            let database = r.text("database_name");
            if database.is_empty() {
                return None;
            }
            let max_pages = r.int("max_size_pages").unwrap_or(-1);
            Some(File {
                database,
                name: r.text("file_name"),
                kind: r.text("file_type"),
                path: r.text("physical_name"),
                size_bytes: r.uint("size_bytes").unwrap_or(0),
                max_bytes: u64::try_from(max_pages).ok().map(|p| p.saturating_mul(PAGE)),
                growth: r.uint("growth").unwrap_or(0),
                percent_growth: r.flag("is_percent_growth") == Some(true),
            })
        })
        .collect()
}

/// Per database: data + log size, as `DatabaseStat`s (size only: the per-database
/// activity counters are another tier's) and `database_size_bytes`.
pub fn databases(files: &[File]) -> (Vec<DatabaseStat>, Vec<Metric>) {
    let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
    for f in files {
        *sizes.entry(&f.database).or_default() += f.size_bytes;
    }
    let metrics = sizes
        .iter()
        .map(|(db, size)| Metric::keyed(metric::DATABASE_SIZE_BYTES, *db, *size as f64))
        .collect();
    let stats = sizes
        .into_iter()
        .map(|(db, size)| DatabaseStat { name: db.to_owned(), size_bytes: Some(size), ..Default::default() })
        .collect();
    (stats, metrics)
}

/// When `sys.master_files` hides databases (it shows a database's files only with VIEW
/// ANY DEFINITION, CREATE DATABASE or ALTER ANY DATABASE), what to grant.
pub fn hidden_problem(databases: &[String], login: &str) -> String {
    let shown: Vec<&str> = databases.iter().take(10).map(String::as_str).collect();
    let more = databases.len().saturating_sub(shown.len());
    let login = if login.is_empty() { "<monitoring login>".to_owned() } else { login.replace(']', "]]") };
    format!(
        "database files: sys.master_files shows no file of {}{}; run GRANT VIEW ANY DEFINITION TO [{login}];",
        shown.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    )
}

/// `log_used_pct` per database: used ÷ size when both are there (the percentage
/// counter is rounded to a whole number), else the percentage counter.
pub fn log_used(rows: &[TextRow]) -> Vec<Metric> {
    #[derive(Default)]
    struct Log {
        pct: Option<f64>,
        used_kb: Option<f64>,
        size_kb: Option<f64>,
    }
    let mut logs: BTreeMap<String, Log> = BTreeMap::new();
    for r in rows {
        let db = r.text("database_name");
        let value = r.float("cntr_value");
        if db.is_empty() || db == "mssqlsystemresource" {
            continue;
        }
        let log = logs.entry(db).or_default();
        match r.text("counter_name").trim() {
            "Percent Log Used" => log.pct = value,
            "Log File(s) Used Size (KB)" => log.used_kb = value,
            "Log File(s) Size (KB)" => log.size_kb = value,
            _ => {}
        }
    }
    logs.into_iter()
        .filter_map(|(db, l)| {
            let pct = match (l.used_kb, l.size_kb) {
                (Some(used), Some(size)) if size > 0.0 => Some(100.0 * used / size),
                _ => l.pct,
            }?;
            Some(Metric::keyed(ms::LOG_USED_PCT, db, pct.clamp(0.0, 100.0)))
        })
        .collect()
}

/// `tempdb_used_bytes`: allocated pages of tempdb's data files.
pub fn tempdb_used(rows: &[TextRow]) -> Option<Metric> {
    let r = rows.first()?;
    let used = r.uint("total_pages")?.saturating_sub(r.uint("free_pages").unwrap_or(0));
    Some(Metric::new(ms::TEMPDB_USED_BYTES, (used * PAGE) as f64))
}

/// Files that will stop a database when they fill: a fixed size (no growth), or a
/// `max_size` almost reached. Posture facts `database_file.full_risk`, key
/// `database/file`, for the health checks.
pub const FULL_RISK_FACT: &str = "database_file.full_risk";
/// Share of `max_size` from which a file counts as almost full.
const ALMOST_FULL_PCT: f64 = 90.0;

pub fn full_risk(files: &[File]) -> Vec<PostureFact> {
    files
        .iter()
        .filter(|f| f.kind == "ROWS" || f.kind == "LOG")
        .filter_map(|f| {
            let gb = |b: u64| b as f64 / 1_073_741_824.0;
            let value = match f.max_bytes {
                _ if f.growth == 0 => {
                    format!("{} file of {:.2} GB does not grow (growth 0)", f.kind, gb(f.size_bytes))
                }
                Some(max) if max > 0 && 100.0 * f.size_bytes as f64 / max as f64 >= ALMOST_FULL_PCT => {
                    format!("{} file at {:.2} GB of its max_size {:.2} GB", f.kind, gb(f.size_bytes), gb(max))
                }
                _ => return None,
            };
            Some(PostureFact {
                name: FULL_RISK_FACT.to_owned(),
                key: format!("{}/{}", f.database, f.name),
                value,
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
