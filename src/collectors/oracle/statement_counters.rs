//! `v$sqlstats` counters beyond the common core: their names in `QueryStat`, the store
//! and forwarded payloads, and how they read.

use crate::model::{CounterGuide, CounterLine, CounterUnit, Counters};

/// CPU time, ms.
pub const CPU_TIME_MS: &str = "cpu_time_ms";
/// Blocks read through the buffer cache, and those read from disk.
pub const BUFFER_GETS: &str = "buffer_gets";
pub const DISK_READS: &str = "disk_reads";
/// Time spent waiting, ms, by wait class of the statement's own accounting.
pub const USER_IO_WAIT_MS: &str = "user_io_wait_ms";
pub const CONCURRENCY_WAIT_MS: &str = "concurrency_wait_ms";
pub const APPLICATION_WAIT_MS: &str = "application_wait_ms";
pub const CLUSTER_WAIT_MS: &str = "cluster_wait_ms";
/// Parse calls and fetches.
pub const PARSE_CALLS: &str = "parse_calls";
pub const FETCHES: &str = "fetches";
/// Sorts, and direct writes (temp spills).
pub const SORTS: &str = "sorts";
pub const DIRECT_WRITES: &str = "direct_writes";
/// Distinct plan hash values the SQL_ID ran with in the interval (a plan change).
pub const PLANS: &str = "plans";

fn hit_pct(c: &Counters) -> Option<f64> {
    let gets = c.or_zero(BUFFER_GETS);
    (gets > 0.0).then(|| 100.0 * (1.0 - c.or_zero(DISK_READS).min(gets) / gets))
}

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: DISK_READS,
    hit_pct: Some(hit_pct),
    lines: &[
        CounterLine { label: "CPU time", parts: &[("", CPU_TIME_MS)], unit: CounterUnit::Millis },
        CounterLine {
            label: "blocks",
            parts: &[
                ("buffer gets", BUFFER_GETS),
                ("disk reads", DISK_READS),
                ("direct writes", DIRECT_WRITES),
            ],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "waits",
            parts: &[
                ("user I/O", USER_IO_WAIT_MS),
                ("concurrency", CONCURRENCY_WAIT_MS),
                ("application", APPLICATION_WAIT_MS),
                ("cluster", CLUSTER_WAIT_MS),
            ],
            unit: CounterUnit::Millis,
        },
        CounterLine {
            label: "calls",
            parts: &[("parses", PARSE_CALLS), ("fetches", FETCHES), ("sorts", SORTS)],
            unit: CounterUnit::Count,
        },
        CounterLine { label: "plans", parts: &[("", PLANS)], unit: CounterUnit::Count },
    ],
};

/// Every name above, for the tests (and a reader wondering what an Oracle row carries).
pub const ALL: [&str; 12] = [
    CPU_TIME_MS,
    BUFFER_GETS,
    DISK_READS,
    USER_IO_WAIT_MS,
    CONCURRENCY_WAIT_MS,
    APPLICATION_WAIT_MS,
    CLUSTER_WAIT_MS,
    PARSE_CALLS,
    FETCHES,
    SORTS,
    DIRECT_WRITES,
    PLANS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_pct_is_one_less_disk_reads_over_buffer_gets() {
        let mut c = Counters::default();
        assert_eq!(hit_pct(&c), None, "no gets, no ratio");
        c.set(BUFFER_GETS, 12_000.0);
        c.set(DISK_READS, 30.0);
        assert_eq!(hit_pct(&c), Some(99.75));
        c.set(DISK_READS, 50_000.0);
        assert_eq!(hit_pct(&c), Some(0.0), "direct reads beyond the gets never go negative");
    }

    #[test]
    fn names_are_unique_and_never_a_core_field_or_own_marker() {
        let mut names = ALL.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        let core = ["id", "database", "user", "text", "calls", "total_time_ms", "mean_time_ms", "rows"];
        assert!(ALL.iter().all(|n| !core.contains(n) && *n != crate::model::OWN_STATEMENT));
        let guided: Vec<&str> = GUIDE.lines.iter().flat_map(|l| l.parts.iter().map(|(_, n)| *n)).collect();
        assert!(ALL.iter().all(|n| guided.contains(n)), "every counter has a detail line");
    }
}
