//! Query Store / `sys.dm_exec_query_stats` counters beyond the common core: their names in
//! `QueryStat`, the store and forwarded payloads, and how they read.

use crate::model::{CounterGuide, CounterLine, CounterUnit, Counters};

/// CPU time, ms (worker time).
pub const CPU_TIME_MS: &str = "cpu_time_ms";
/// 8 KiB pages read from the buffer pool, and those that had to come from disk.
pub const LOGICAL_READS: &str = "logical_reads";
pub const PHYSICAL_READS: &str = "physical_reads";
pub const LOGICAL_WRITES: &str = "logical_writes";
/// Memory granted to the executions (sorts, hashes), KiB.
pub const MEMORY_GRANT_KB: &str = "memory_grant_kb";
/// tempdb pages used (Query Store 2017+).
pub const TEMPDB_PAGES: &str = "tempdb_pages";
/// Log bytes generated (Query Store 2017+).
pub const LOG_BYTES: &str = "log_bytes";
/// Distinct plans the statement ran with in the interval (a plan regression shows here).
pub const PLANS: &str = "plans";
/// Executions the client cancelled (a command timeout, an attention) and executions that
/// ended in an error (Query Store's `execution_type` 3 and 4; the plan cache has neither).
pub const ABORTED_EXECUTIONS: &str = "aborted_executions";
pub const FAILED_EXECUTIONS: &str = "failed_executions";

fn hit_pct(c: &Counters) -> Option<f64> {
    let logical = c.or_zero(LOGICAL_READS);
    (logical > 0.0).then(|| 100.0 * (1.0 - c.or_zero(PHYSICAL_READS).min(logical) / logical))
}

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: PHYSICAL_READS,
    hit_pct: Some(hit_pct),
    lines: &[
        CounterLine { label: "CPU time", parts: &[("", CPU_TIME_MS)], unit: CounterUnit::Millis },
        CounterLine {
            label: "pages",
            parts: &[("logical", LOGICAL_READS), ("physical", PHYSICAL_READS), ("written", LOGICAL_WRITES)],
            unit: CounterUnit::Count,
        },
        CounterLine { label: "memory KiB", parts: &[("granted", MEMORY_GRANT_KB)], unit: CounterUnit::Count },
        CounterLine {
            label: "tempdb/log",
            parts: &[("tempdb pages", TEMPDB_PAGES), ("log bytes", LOG_BYTES)],
            unit: CounterUnit::Count,
        },
        CounterLine { label: "plans", parts: &[("", PLANS)], unit: CounterUnit::Count },
        CounterLine {
            label: "executions",
            parts: &[("aborted", ABORTED_EXECUTIONS), ("failed", FAILED_EXECUTIONS)],
            unit: CounterUnit::Count,
        },
    ],
};
