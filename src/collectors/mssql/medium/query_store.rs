//! Query Store reads: which databases have it, and per database the runtime statistics
//! of the plans that ran since the previous read, with Query Store's own state.
//!
//! Query Store is per database. `sys.databases.is_query_store_on` says where it is on;
//! each such database is read with three-part names (`[db].sys.query_store_…`), the
//! statement built by `built::fill` from the bracket-quoted name: no USE, no dynamic EXEC.
//!
//! Cost, per database and round: the interval table (one row per interval, a few
//! thousand at most) is filtered to the intervals that end after the previous read; the
//! plan table (one row per plan) is filtered on `last_execution_time`, so only plans
//! that ran since the previous read are joined to the runtime statistics, whose clustered
//! index leads with `plan_id`. Query Store keeps the open interval partly in memory: the
//! views merge both, and rows of one (plan, interval, execution type) are added up here
//! as Microsoft documents. At most `ROW_CAP` rows come back, most time first; texts are
//! read separately, only for query ids never seen before (`TEXTS`).

use super::super::rows::TextRow;
use super::built::{self, fill};
use super::totals::Totals;

/// Runtime-statistics rows per database and read.
pub const ROW_CAP: usize = 2_000;
/// Texts fetched per database and round; the rest come in the next rounds.
pub const TEXT_CAP: usize = 200;

/// User databases (ids above 4: master, tempdb, model and msdb are left out) that are
/// online, with Query Store's switch, whether this login may enter them and whether
/// they take writes (a read-only database or a readable secondary has Query Store
/// read-only by nature: not a finding).
pub const DATABASES: &str = "\
SELECT d.name AS database_name, d.database_id, d.is_query_store_on,
       HAS_DBACCESS(d.name) AS has_access,
       CAST(DATABASEPROPERTYEX(d.name, 'Updateability') AS nvarchar(16)) AS updateability
FROM sys.databases AS d
WHERE d.database_id > 4 AND d.state = 0
ORDER BY d.name";

macro_rules! runtime_sql {
    ($later:literal, $intervals_from:literal, $plans_from:literal) => {
        concat!(
            "WITH intervals AS (
    SELECT i.runtime_stats_interval_id, i.end_time
    FROM {db}.sys.query_store_runtime_stats_interval AS i
    WHERE i.end_time > ",
            $intervals_from,
            "
), plans AS (
    SELECT p.plan_id, p.query_id
    FROM {db}.sys.query_store_plan AS p
    WHERE p.last_execution_time > ",
            $plans_from,
            "
), stats AS (
    SELECT TOP (2000) plans.query_id, rs.plan_id, rs.runtime_stats_interval_id AS interval_id,
           rs.execution_type, MIN(intervals.end_time) AS interval_end,
           SUM(rs.count_executions) AS executions,
           SUM(rs.avg_duration * rs.count_executions) AS duration_us,
           SUM(rs.avg_cpu_time * rs.count_executions) AS cpu_us,
           SUM(rs.avg_logical_io_reads * rs.count_executions) AS logical_reads,
           SUM(rs.avg_physical_io_reads * rs.count_executions) AS physical_reads,
           SUM(rs.avg_logical_io_writes * rs.count_executions) AS logical_writes,
           SUM(rs.avg_rowcount * rs.count_executions) AS row_count,
           SUM(rs.avg_query_max_used_memory * rs.count_executions) * 8 AS memory_kb,",
            $later,
            "
           MIN(rs.min_duration) AS min_duration_us, MAX(rs.max_duration) AS max_duration_us,
           MIN(rs.first_execution_time) AS first_execution, MAX(rs.last_execution_time) AS last_execution
    FROM plans
    JOIN {db}.sys.query_store_runtime_stats AS rs ON rs.plan_id = plans.plan_id
    JOIN intervals ON intervals.runtime_stats_interval_id = rs.runtime_stats_interval_id
    GROUP BY plans.query_id, rs.plan_id, rs.runtime_stats_interval_id, rs.execution_type
    ORDER BY SUM(rs.avg_duration * rs.count_executions) DESC
)
SELECT o.actual_state_desc AS query_store_state, o.readonly_reason, SYSUTCDATETIME() AS server_now,
       stats.query_id, stats.plan_id, stats.interval_id, stats.execution_type, stats.interval_end,
       stats.executions, stats.duration_us, stats.cpu_us, stats.logical_reads, stats.physical_reads,
       stats.logical_writes, stats.row_count, stats.memory_kb, stats.tempdb_pages, stats.log_bytes,
       stats.min_duration_us, stats.max_duration_us, stats.first_execution, stats.last_execution
FROM {db}.sys.database_query_store_options AS o
LEFT JOIN stats ON 1 = 1"
        )
    };
}

// The baseline (first read of a database) takes the open intervals, and the plans that
// ran in the last day (the longest interval there is). Later reads start from the newest
// execution of the previous read, less 2 s (an execution may be recorded while the
// previous read ran); rows read twice add nothing, they are deltas. 2016 has neither
// tempdb nor log figures in Query Store.

pub const RUNTIME_2016: &str = runtime_sql!(
    "
           CAST(NULL AS float) AS tempdb_pages, CAST(NULL AS float) AS log_bytes,",
    "SYSDATETIMEOFFSET()",
    "DATEADD(DAY, -1, SYSDATETIMEOFFSET())"
);
pub const RUNTIME_2016_SINCE: &str = runtime_sql!(
    "
           CAST(NULL AS float) AS tempdb_pages, CAST(NULL AS float) AS log_bytes,",
    "DATEADD(SECOND, -2, CAST('{since}' AS datetimeoffset))",
    "DATEADD(SECOND, -2, CAST('{since}' AS datetimeoffset))"
);
pub const RUNTIME_2017: &str = runtime_sql!(
    "
           SUM(rs.avg_tempdb_space_used * rs.count_executions) AS tempdb_pages,
           SUM(rs.avg_log_bytes_used * rs.count_executions) AS log_bytes,",
    "SYSDATETIMEOFFSET()",
    "DATEADD(DAY, -1, SYSDATETIMEOFFSET())"
);
pub const RUNTIME_2017_SINCE: &str = runtime_sql!(
    "
           SUM(rs.avg_tempdb_space_used * rs.count_executions) AS tempdb_pages,
           SUM(rs.avg_log_bytes_used * rs.count_executions) AS log_bytes,",
    "DATEADD(SECOND, -2, CAST('{since}' AS datetimeoffset))",
    "DATEADD(SECOND, -2, CAST('{since}' AS datetimeoffset))"
);

/// Texts of the query ids in `{ids}` (whole numbers), cut at 4,000 characters.
pub const TEXTS: &str = "\
SELECT q.query_id, LEFT(t.query_sql_text, 4000) AS query_sql_text
FROM {db}.sys.query_store_query AS q
JOIN {db}.sys.query_store_query_text AS t ON t.query_text_id = q.query_text_id
WHERE q.query_id IN ({ids})";

/// This file's statements (`medium::STATEMENTS` lists them for the read-only test).
#[cfg(test)]
pub const STATEMENTS: &[&str] =
    &[DATABASES, RUNTIME_2016, RUNTIME_2016_SINCE, RUNTIME_2017, RUNTIME_2017_SINCE, TEXTS];

/// The runtime read for one database (`major` 14 = 2017 has tempdb and log figures),
/// from `since` (a checked server time) on, or the baseline.
pub fn runtime_sql(database: &str, major: u32, since: Option<&str>) -> Option<String> {
    let db = built::bracketed(database)?;
    let since = since.filter(|s| built::is_server_time(s));
    let template = match (major >= 14, since.is_some()) {
        (false, false) => RUNTIME_2016,
        (false, true) => RUNTIME_2016_SINCE,
        (true, false) => RUNTIME_2017,
        (true, true) => RUNTIME_2017_SINCE,
    };
    Some(fill(template, &[("db", &db), ("since", since.unwrap_or_default())]))
}

/// The text read for `ids` of one database, at most `TEXT_CAP` of them.
pub fn texts_sql(database: &str, ids: &[i64]) -> Option<String> {
    let db = built::bracketed(database)?;
    let ids: Vec<String> = ids.iter().take(TEXT_CAP).map(i64::to_string).collect();
    (!ids.is_empty()).then(|| fill(TEXTS, &[("db", &db), ("ids", &ids.join(", "))]))
}

/// One database from `DATABASES`.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub name: String,
    pub query_store_on: bool,
    pub has_access: bool,
    /// Takes writes (not read-only, not a readable secondary).
    pub writable: bool,
}

pub fn databases(rows: &[TextRow]) -> Vec<Database> {
    rows.iter()
        .filter_map(|r| {
            let name = r.text("database_name");
            (!name.is_empty()).then(|| Database {
                name,
                query_store_on: r.flag("is_query_store_on") == Some(true),
                has_access: r.flag("has_access") == Some(true),
                writable: !r.text("updateability").eq_ignore_ascii_case("READ_ONLY"),
            })
        })
        .collect()
}

/// Identity of one runtime-statistics row: a plan's figures within one interval, for
/// one execution type (0 regular, 3 aborted by the client, 4 ended in an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    pub plan_id: i64,
    pub interval_id: i64,
    pub execution_type: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeRow {
    pub key: RowKey,
    pub query_id: i64,
    /// When the row's interval ends (UTC, as the driver prints it).
    pub interval_end: String,
    pub totals: Totals,
    pub min_us: Option<f64>,
    pub max_us: Option<f64>,
    pub first_execution: String,
    pub last_execution: String,
}

/// One database's reply: Query Store's state and the rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuntimeRead {
    /// `READ_WRITE`, `READ_ONLY`, `OFF`, `ERROR`.
    pub state: String,
    pub readonly_reason: i64,
    /// The server's clock (UTC) at the read: where the next read starts.
    pub server_now: String,
    pub rows: Vec<RuntimeRow>,
    /// The read hit `ROW_CAP`: rows may have been left out.
    pub capped: bool,
}

pub fn parse_runtime(rows: &[TextRow]) -> RuntimeRead {
    let mut out = RuntimeRead::default();
    for r in rows {
        if out.state.is_empty() {
            out.state = r.text("query_store_state");
            out.readonly_reason = r.int("readonly_reason").unwrap_or(0);
            out.server_now = r.text("server_now");
        }
        // The options row alone (no plan ran) has NULL statistics.
        let (Some(query_id), Some(plan_id), Some(interval_id)) =
            (r.int("query_id"), r.int("plan_id"), r.int("interval_id"))
        else {
            continue;
        };
        out.rows.push(RuntimeRow {
            key: RowKey { plan_id, interval_id, execution_type: r.int("execution_type").unwrap_or(0) },
            query_id,
            interval_end: r.text("interval_end"),
            totals: Totals::read(r),
            min_us: r.float("min_duration_us"),
            max_us: r.float("max_duration_us"),
            first_execution: r.text("first_execution"),
            last_execution: r.text("last_execution"),
        });
    }
    out.capped = out.rows.len() >= ROW_CAP;
    out
}

/// Why Query Store does not record, in words (`readonly_reason` is a bit mask).
pub fn readonly_reason(mask: i64) -> String {
    const REASONS: [(i64, &str); 8] = [
        (1, "the database is read-only"),
        (2, "the database is in single-user mode"),
        (4, "the database is in emergency mode"),
        (8, "the database is a secondary replica"),
        (65_536, "Query Store reached MAX_STORAGE_SIZE_MB: raise it or let cleanup run"),
        (131_072, "Query Store reached its in-memory statement limit"),
        (262_144, "in-memory Query Store data is waiting to be written to disk"),
        (524_288, "the database reached its disk size limit"),
    ];
    let words: Vec<&str> = REASONS.iter().filter(|(bit, _)| mask & bit != 0).map(|(_, w)| *w).collect();
    if words.is_empty() { format!("reason {mask}") } else { words.join("; ") }
}

#[cfg(test)]
#[path = "query_store_tests.rs"]
mod tests;
