//! The fallback where no database has Query Store recording: `sys.dm_exec_query_stats`
//! (the plan cache) grouped by `query_hash`, cumulative since each plan was cached,
//! turned into deltas per interval.
//!
//! Cost: the read scans the plan cache's statistics (one row per cached statement:
//! thousands, up to some 100,000 on servers full of single-use ad hoc plans) and sorts
//! the groups: the one scan Logstag cannot avoid here, once per medium round. After the
//! baseline only groups that ran since the previous read come back (HAVING on the newest
//! `last_execution_time`), at most `ROW_CAP`. Texts come from one representative
//! `sql_handle` per hash with the statement offsets, only for hashes never seen before:
//! `sys.dm_exec_sql_text` is applied to those few rows, never to the whole cache.
//!
//! What cumulative counters tell, as for MySQL's digests: a known hash's growth is its
//! interval; a hash whose counters went down lost a plan from the cache (`reset_detected`)
//! and becomes the baseline again unless all its plans are newer than the previous read;
//! an unknown hash counts whole when all its plans were cached after the previous read,
//! else (it ran before, unread) it becomes the baseline.

use super::super::rows::TextRow;
use super::built::{self, fill, server_seconds};
use super::totals::{StatementInterval, Totals};
use crate::model::Timestamp;
use std::collections::HashMap;

#[cfg(test)]
pub const ROW_CAP: usize = 2_000;
pub const TEXT_CAP: usize = 200;

macro_rules! query_stats_sql {
    ($plans:literal, $having:literal) => {
        concat!(
            "SELECT TOP (2000) qs.query_hash,
       SUM(qs.execution_count) AS executions,
       SUM(qs.total_elapsed_time) AS duration_us,
       SUM(qs.total_worker_time) AS cpu_us,
       SUM(qs.total_logical_reads) AS logical_reads,
       SUM(qs.total_physical_reads) AS physical_reads,
       SUM(qs.total_logical_writes) AS logical_writes,
       SUM(qs.total_rows) AS row_count,
       SUM(qs.total_grant_kb) AS memory_kb,
       ",
            $plans,
            " AS plans,
       MIN(qs.min_elapsed_time) AS min_duration_us, MAX(qs.max_elapsed_time) AS max_duration_us,
       MIN(qs.creation_time) AS oldest_plan, MAX(qs.last_execution_time) AS last_execution,
       GETDATE() AS server_now
FROM sys.dm_exec_query_stats AS qs
WHERE qs.query_hash <> 0x0000000000000000
GROUP BY qs.query_hash",
            $having,
            "
ORDER BY SUM(qs.total_elapsed_time) DESC"
        )
    };
}

/// The first read: the most expensive statements of the cache (the baseline).
pub const QUERY_STATS: &str = query_stats_sql!("COUNT(DISTINCT qs.query_plan_hash)", "");
/// Later reads: what ran since `{since}` (the server's clock at the previous read, less
/// 2 s), with the plans that ran in that time. datetime2: a datetime literal takes at
/// most 3 decimals, the driver prints 6.
pub const QUERY_STATS_SINCE: &str = query_stats_sql!(
    "COUNT(DISTINCT CASE WHEN qs.last_execution_time > DATEADD(SECOND, -2, CAST('{since}' AS datetime2))
             THEN qs.query_plan_hash END)",
    "
HAVING MAX(qs.last_execution_time) > DATEADD(SECOND, -2, CAST('{since}' AS datetime2))"
);

/// Text of one statement per hash in `{hashes}` (0x literals): the most recently run
/// entry's `sql_handle`, cut to the statement by its offsets (bytes of UTF-16 text;
/// -1 = to the end), at most 4,000 characters, and the database it was compiled in.
pub const TEXTS: &str = "\
WITH one AS (
    SELECT qs.query_hash, qs.sql_handle, qs.statement_start_offset, qs.statement_end_offset,
           ROW_NUMBER() OVER (PARTITION BY qs.query_hash ORDER BY qs.last_execution_time DESC) AS pick
    FROM sys.dm_exec_query_stats AS qs
    WHERE qs.query_hash IN ({hashes})
)
SELECT one.query_hash, DB_NAME(st.dbid) AS database_name,
       LEFT(SUBSTRING(st.text, one.statement_start_offset / 2 + 1,
            (CASE one.statement_end_offset WHEN -1 THEN DATALENGTH(st.text)
             ELSE one.statement_end_offset END - one.statement_start_offset) / 2 + 1), 4000) AS statement_text
FROM one
CROSS APPLY sys.dm_exec_sql_text(one.sql_handle) AS st
WHERE one.pick = 1";

#[cfg(test)]
pub const STATEMENTS: &[&str] = &[QUERY_STATS, QUERY_STATS_SINCE, TEXTS];

pub fn query_stats_sql(since: Option<&str>) -> String {
    match since.filter(|s| built::is_server_time(s)) {
        Some(s) => fill(QUERY_STATS_SINCE, &[("since", s)]),
        None => QUERY_STATS.to_owned(),
    }
}

/// The text read for `hashes` (checked `0x` + 16 hex digits; others are dropped).
pub fn texts_sql(hashes: &[String]) -> Option<String> {
    let hashes: Vec<&str> =
        hashes.iter().map(String::as_str).filter(|h| built::is_query_hash(h)).take(TEXT_CAP).collect();
    (!hashes.is_empty()).then(|| fill(TEXTS, &[("hashes", &hashes.join(", "))]))
}

#[derive(Debug, Clone, PartialEq)]
pub struct HashRow {
    pub hash: String,
    pub totals: Totals,
    pub plans: u64,
    pub min_us: Option<f64>,
    pub max_us: Option<f64>,
    pub oldest_plan: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HashRead {
    pub rows: Vec<HashRow>,
    /// The server's clock (local time, like the cache's times) at the read.
    pub server_now: String,
}

pub fn parse(rows: &[TextRow]) -> HashRead {
    let mut out = HashRead::default();
    for r in rows {
        if out.server_now.is_empty() {
            out.server_now = r.text("server_now");
        }
        let hash = r.text("query_hash");
        if !built::is_query_hash(&hash) {
            continue;
        }
        out.rows.push(HashRow {
            hash,
            totals: Totals::read(r),
            plans: r.uint("plans").unwrap_or(0),
            min_us: r.float("min_duration_us"),
            max_us: r.float("max_duration_us"),
            oldest_plan: r.text("oldest_plan"),
        });
    }
    out
}

/// One interval of the plan cache.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    pub since: Option<Timestamp>,
    pub statements: Vec<(String, StatementInterval)>,
    pub reset_detected: bool,
}

/// Hashes known beyond this are forgotten (a cache flushed by a restart or DBCC
/// FREEPROCCACHE leaves hashes behind that never come back).
const MAX_KNOWN: usize = 20_000;
const MARGIN_S: f64 = 2.0;

/// The previous reads, kept between medium rounds of one connection.
#[derive(Debug, Default)]
pub struct PlanCacheDeltas {
    known: HashMap<String, (Totals, u64)>,
    /// The server's clock at the previous read (text for SQL, seconds to compare).
    watermark: Option<(String, f64)>,
    previous_at: Option<Timestamp>,
    reads: u64,
    /// The first read reports each hash's totals since its plans were cached (a single
    /// reading: `logstag snapshot`).
    pub totals_on_baseline: bool,
}

impl PlanCacheDeltas {
    pub fn clear(&mut self) {
        *self = Self { totals_on_baseline: self.totals_on_baseline, ..Self::default() };
    }

    pub fn watermark(&self) -> Option<&str> {
        self.watermark.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn tracked(&self) -> u64 {
        self.known.len() as u64
    }

    pub fn advance(&mut self, now: Timestamp, read: HashRead) -> Interval {
        let first = self.previous_at.is_none();
        let since_s = self.watermark.as_ref().map(|(_, s)| *s);
        self.reads += 1;
        let mut out = Interval::default();
        for row in read.rows {
            // All of a hash's plans were cached after the previous read: all of it is new.
            let all_new = match (server_seconds(&row.oldest_plan), since_s) {
                (Some(oldest), Some(since)) => oldest > since - MARGIN_S,
                _ => false,
            };
            let delta = match self.known.get(&row.hash) {
                Some((previous, _)) => match row.totals.since(previous) {
                    Some(d) => Some(d),
                    None => {
                        out.reset_detected = true;
                        all_new.then(|| row.totals.clone())
                    }
                },
                None => {
                    ((!first && all_new) || (first && self.totals_on_baseline)).then(|| row.totals.clone())
                }
            };
            if let Some(totals) = delta.filter(|d| d.executions > 0 && (!first || self.totals_on_baseline)) {
                let mut s = StatementInterval { totals, plans: row.plans, ..Default::default() };
                s.extremes(row.min_us, row.max_us);
                out.statements.push((row.hash.clone(), s));
            }
            self.known.insert(row.hash, (row.totals, self.reads));
        }
        if let Some(s) = server_seconds(&read.server_now) {
            self.watermark = Some((read.server_now, s));
        }
        if self.known.len() > MAX_KNOWN {
            let mut by_age: Vec<(u64, String)> =
                self.known.iter().map(|(h, (_, r))| (*r, h.clone())).collect();
            by_age.sort_unstable();
            let excess = self.known.len() - MAX_KNOWN;
            for (_, hash) in by_age.into_iter().take(excess) {
                self.known.remove(&hash);
            }
        }
        out.since = self.previous_at.replace(now);
        out.statements
            .sort_by(|a, b| b.1.totals.duration_us.total_cmp(&a.1.totals.duration_us).then(a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
#[path = "plan_cache_tests.rs"]
mod tests;
