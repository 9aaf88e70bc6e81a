//! Statement-digest counters beyond the common core (`events_statements_summary_by_digest`):
//! their names in `QueryStat`, the store and forwarded payloads, and how they read.

use crate::model::{CounterGuide, CounterLine, CounterUnit};

/// Rows the server looked at to produce the result (SUM_ROWS_EXAMINED): the cost a
/// missing index shows up in. The common core's `rows` is rows sent to the client.
pub const ROWS_EXAMINED: &str = "rows_examined";
/// Rows changed by INSERT/UPDATE/DELETE (SUM_ROWS_AFFECTED).
pub const ROWS_AFFECTED: &str = "rows_affected";
/// Time spent waiting for table locks, ms (SUM_LOCK_TIME).
pub const LOCK_TIME_MS: &str = "lock_time_ms";
/// Executions that failed or warned.
pub const ERRORS: &str = "errors";
pub const WARNINGS: &str = "warnings";
/// Implicit temporary tables, and those that went to disk.
pub const TMP_TABLES: &str = "tmp_tables";
pub const TMP_DISK_TABLES: &str = "tmp_disk_tables";
/// Executions that read a whole table or index (no index, or no good index used).
pub const NO_INDEX_USED: &str = "no_index_used";
pub const NO_GOOD_INDEX_USED: &str = "no_good_index_used";
/// Sorts and the rows sorted; merge passes mean the sort buffer was too small.
pub const SORT_ROWS: &str = "sort_rows";
pub const SORT_MERGE_PASSES: &str = "sort_merge_passes";
/// Full joins (a join without an index on the joined table).
pub const SELECT_FULL_JOIN: &str = "select_full_join";
/// CPU time the statements used, ms (SUM_CPU_TIME, MySQL 8.0.28+ only).
pub const CPU_TIME_MS: &str = "cpu_time_ms";

/// How a digest column turns into a counter: a count as it is, or a time in
/// picoseconds (performance_schema's timer unit) turned into milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Picoseconds,
}

pub const N: usize = 13;

/// Every counter the digest read carries: (counter name, column as the reply names it,
/// unit). A reply without a column (SUM_CPU_TIME before MySQL 8.0.28, MariaDB) leaves
/// that counter at zero, and zero counters are left out of `QueryStat`.
pub const ALL: [(&str, &str, Unit); N] = [
    (ROWS_EXAMINED, "SUM_ROWS_EXAMINED", Unit::Count),
    (ROWS_AFFECTED, "SUM_ROWS_AFFECTED", Unit::Count),
    (LOCK_TIME_MS, "SUM_LOCK_TIME", Unit::Picoseconds),
    (ERRORS, "SUM_ERRORS", Unit::Count),
    (WARNINGS, "SUM_WARNINGS", Unit::Count),
    (TMP_TABLES, "SUM_CREATED_TMP_TABLES", Unit::Count),
    (TMP_DISK_TABLES, "SUM_CREATED_TMP_DISK_TABLES", Unit::Count),
    (NO_INDEX_USED, "SUM_NO_INDEX_USED", Unit::Count),
    (NO_GOOD_INDEX_USED, "SUM_NO_GOOD_INDEX_USED", Unit::Count),
    (SORT_ROWS, "SUM_SORT_ROWS", Unit::Count),
    (SORT_MERGE_PASSES, "SUM_SORT_MERGE_PASSES", Unit::Count),
    (SELECT_FULL_JOIN, "SUM_SELECT_FULL_JOIN", Unit::Count),
    (CPU_TIME_MS, "SUM_CPU_TIME", Unit::Picoseconds),
];

/// Picoseconds (performance_schema timers) per millisecond.
pub const PICOS_PER_MS: f64 = 1e9;

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: ROWS_EXAMINED,
    hit_pct: None,
    lines: &[
        CounterLine { label: "examined", parts: &[("", ROWS_EXAMINED)], unit: CounterUnit::Count },
        CounterLine { label: "affected", parts: &[("", ROWS_AFFECTED)], unit: CounterUnit::Count },
        CounterLine { label: "lock time", parts: &[("", LOCK_TIME_MS)], unit: CounterUnit::Millis },
        CounterLine { label: "CPU time", parts: &[("", CPU_TIME_MS)], unit: CounterUnit::Millis },
        CounterLine {
            label: "errors",
            parts: &[("errors", ERRORS), ("warnings", WARNINGS)],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "tmp tables",
            parts: &[("memory", TMP_TABLES), ("disk", TMP_DISK_TABLES)],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "no index",
            parts: &[
                ("none", NO_INDEX_USED),
                ("not good", NO_GOOD_INDEX_USED),
                ("full joins", SELECT_FULL_JOIN),
            ],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "sorts",
            parts: &[("rows", SORT_ROWS), ("merge passes", SORT_MERGE_PASSES)],
            unit: CounterUnit::Count,
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_is_in_the_guide_once() {
        let guided: Vec<&str> = GUIDE.lines.iter().flat_map(|l| l.parts.iter().map(|(_, n)| *n)).collect();
        for (name, column, _) in ALL {
            assert_eq!(guided.iter().filter(|g| **g == name).count(), 1, "{name}");
            assert!(column.starts_with("SUM_"), "{column}");
        }
        // Times end in _ms (the UI shows them as durations), counts do not.
        for (name, _, unit) in ALL {
            assert_eq!(name.ends_with("_ms"), unit == Unit::Picoseconds, "{name}");
        }
    }
}
