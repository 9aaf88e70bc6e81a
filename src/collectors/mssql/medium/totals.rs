//! The figures both statement sources give (Query Store and the plan cache), as totals,
//! and one statement's interval as a `QueryStat`.

use super::super::rows::TextRow;
use super::super::statement_counters as sc;
use crate::model::{Counters, QueryStat};

/// Totals over some executions. Query Store gives averages per row (× count = totals);
/// `sys.dm_exec_query_stats` gives totals. Times in microseconds, I/O in 8 KiB pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub executions: u64,
    pub duration_us: f64,
    pub cpu_us: f64,
    pub logical_reads: f64,
    pub physical_reads: f64,
    pub logical_writes: f64,
    pub rows: f64,
    pub memory_kb: f64,
    /// Query Store 2017+ only.
    pub tempdb_pages: f64,
    pub log_bytes: f64,
}

fn less(current: f64, previous: f64) -> f64 {
    (current - previous).max(0.0)
}

impl Totals {
    /// Reads the shared column names of both sources' replies.
    pub fn read(r: &TextRow) -> Totals {
        let f = |c: &str| r.float(c).filter(|v| *v >= 0.0).unwrap_or(0.0);
        Totals {
            executions: r.uint("executions").unwrap_or(0),
            duration_us: f("duration_us"),
            cpu_us: f("cpu_us"),
            logical_reads: f("logical_reads"),
            physical_reads: f("physical_reads"),
            logical_writes: f("logical_writes"),
            rows: f("row_count"),
            memory_kb: f("memory_kb"),
            tempdb_pages: f("tempdb_pages"),
            log_bytes: f("log_bytes"),
        }
    }

    /// What happened since `previous`; None when executions went down (the entry started
    /// over: Query Store was cleared, a plan left the cache).
    pub fn since(&self, previous: &Totals) -> Option<Totals> {
        if self.executions < previous.executions {
            return None;
        }
        Some(Totals {
            executions: self.executions - previous.executions,
            duration_us: less(self.duration_us, previous.duration_us),
            cpu_us: less(self.cpu_us, previous.cpu_us),
            logical_reads: less(self.logical_reads, previous.logical_reads),
            physical_reads: less(self.physical_reads, previous.physical_reads),
            logical_writes: less(self.logical_writes, previous.logical_writes),
            rows: less(self.rows, previous.rows),
            memory_kb: less(self.memory_kb, previous.memory_kb),
            tempdb_pages: less(self.tempdb_pages, previous.tempdb_pages),
            log_bytes: less(self.log_bytes, previous.log_bytes),
        })
    }

    pub fn add(&mut self, other: &Totals) {
        self.executions += other.executions;
        self.duration_us += other.duration_us;
        self.cpu_us += other.cpu_us;
        self.logical_reads += other.logical_reads;
        self.physical_reads += other.physical_reads;
        self.logical_writes += other.logical_writes;
        self.rows += other.rows;
        self.memory_kb += other.memory_kb;
        self.tempdb_pages += other.tempdb_pages;
        self.log_bytes += other.log_bytes;
    }
}

/// One statement over one interval.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementInterval {
    pub totals: Totals,
    /// Extremes of one execution as the source keeps them (Query Store: within the
    /// intervals that ran; plan cache: since the plans were cached), µs.
    pub min_us: Option<f64>,
    pub max_us: Option<f64>,
    pub plans: u64,
    /// Executions the client cancelled (a timeout) and that ended in an error (Query Store).
    pub aborted: u64,
    pub failed: u64,
}

impl StatementInterval {
    pub fn extremes(&mut self, min_us: Option<f64>, max_us: Option<f64>) {
        self.min_us = match (self.min_us, min_us) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_us = match (self.max_us, max_us) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The model's row. Counters that did not move are left out.
pub fn query_stat(id: String, database: String, text: String, s: &StatementInterval) -> QueryStat {
    let t = &s.totals;
    let total_time_ms = t.duration_us / 1000.0;
    let mut counters = Counters::with_capacity(10);
    let named = [
        (sc::CPU_TIME_MS, t.cpu_us / 1000.0),
        (sc::LOGICAL_READS, t.logical_reads.round()),
        (sc::PHYSICAL_READS, t.physical_reads.round()),
        (sc::LOGICAL_WRITES, t.logical_writes.round()),
        (sc::MEMORY_GRANT_KB, t.memory_kb.round()),
        (sc::TEMPDB_PAGES, t.tempdb_pages.round()),
        (sc::LOG_BYTES, t.log_bytes.round()),
        (sc::PLANS, s.plans as f64),
        (sc::ABORTED_EXECUTIONS, s.aborted as f64),
        (sc::FAILED_EXECUTIONS, s.failed as f64),
    ];
    for (name, value) in named {
        if value > 0.0 {
            counters.push(name, value);
        }
    }
    QueryStat {
        id,
        database,
        user: String::new(),
        text,
        calls: t.executions,
        total_time_ms,
        mean_time_ms: if t.executions > 0 { total_time_ms / t.executions as f64 } else { 0.0 },
        min_time_ms: s.min_us.map(|us| us / 1000.0),
        max_time_ms: s.max_us.map(|us| us / 1000.0),
        rows: t.rows.round() as u64,
        counters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    #[test]
    fn deltas_and_starting_over() {
        let rows = from_batch(
            "executions\tduration_us\tcpu_us\tlogical_reads\trow_count\tmemory_kb\n10\t5000\t4000\t800\t10\tNULL\n",
        );
        let before = Totals::read(&rows[0]);
        assert_eq!((before.executions, before.duration_us, before.memory_kb), (10, 5000.0, 0.0));
        let after = Totals { executions: 12, duration_us: 6500.0, ..before.clone() };
        let d = after.since(&before).unwrap_or_default();
        assert_eq!((d.executions, d.duration_us, d.cpu_us), (2, 1500.0, 0.0));
        assert_eq!(before.since(&after), None, "fewer executions: started over");
    }

    #[test]
    fn query_stat_in_milliseconds_with_moved_counters_only() {
        let s = StatementInterval {
            totals: Totals {
                executions: 4,
                duration_us: 8000.0,
                cpu_us: 6000.0,
                rows: 40.0,
                ..Default::default()
            },
            min_us: Some(1000.0),
            max_us: Some(3000.0),
            plans: 2,
            aborted: 1,
            failed: 0,
        };
        let q = query_stat("shop/7".into(), "shop".into(), "SELECT 1".into(), &s);
        assert_eq!((q.calls, q.total_time_ms, q.mean_time_ms, q.rows), (4, 8.0, 2.0, 40));
        assert_eq!((q.min_time_ms, q.max_time_ms), (Some(1.0), Some(3.0)));
        assert_eq!(q.counter(sc::CPU_TIME_MS), Some(6.0));
        assert_eq!(q.counter(sc::PLANS), Some(2.0));
        assert_eq!(q.counter(sc::ABORTED_EXECUTIONS), Some(1.0));
        assert_eq!(q.counter(sc::FAILED_EXECUTIONS), None);
        assert_eq!(q.counter(sc::LOGICAL_READS), None);
    }
}
