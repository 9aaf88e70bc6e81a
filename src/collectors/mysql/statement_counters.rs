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

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: ROWS_EXAMINED,
    hit_pct: None,
    lines: &[
        CounterLine { label: "rows examined", parts: &[("", ROWS_EXAMINED)], unit: CounterUnit::Count },
        CounterLine { label: "rows affected", parts: &[("", ROWS_AFFECTED)], unit: CounterUnit::Count },
        CounterLine { label: "lock time", parts: &[("", LOCK_TIME_MS)], unit: CounterUnit::Millis },
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
