//! The Queries tab of a MongoDB target: one row per collection from `top` (mongotop's
//! read/write/total time) and one per operation shape from the profiler. The counters
//! beyond the common core, their names in `QueryStat`, and how they read.

use crate::collectors::columns::fixed;
use crate::model::present::{CellText, Column, Width};
use crate::model::{CounterGuide, CounterLine, CounterUnit, QueryStat};
use crate::ui::format;

/// Time spent holding the collection's read and write locks (mongotop's read and write
/// columns), ms over the interval, and how many times each was taken.
pub const READ_MS: &str = "read_ms";
pub const WRITE_MS: &str = "write_ms";
pub const READS: &str = "reads";
pub const WRITES: &str = "writes";
/// Operations by kind as `top` counts them, and their time in ms.
pub const QUERIES: &str = "queries";
pub const GETMORES: &str = "getmores";
pub const INSERTS: &str = "inserts";
pub const UPDATES: &str = "updates";
pub const REMOVES: &str = "removes";
pub const COMMANDS: &str = "commands";
pub const QUERIES_MS: &str = "queries_ms";
pub const GETMORES_MS: &str = "getmores_ms";
pub const INSERTS_MS: &str = "inserts_ms";
pub const UPDATES_MS: &str = "updates_ms";
pub const REMOVES_MS: &str = "removes_ms";
pub const COMMANDS_MS: &str = "commands_ms";
/// Profiler rows: documents and index keys the operations examined, and the slowest one
/// of the interval (listed by name in the detail: `top` rows have none of them).
pub const DOCS_EXAMINED: &str = "docs_examined";
pub const KEYS_EXAMINED: &str = "keys_examined";
pub const SLOWEST_MS: &str = "slowest_ms";

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: "",
    hit_pct: None,
    lines: &[
        CounterLine {
            label: "lock time",
            parts: &[("read", READ_MS), ("write", WRITE_MS)],
            unit: CounterUnit::Millis,
        },
        CounterLine {
            label: "locks taken",
            parts: &[("read", READS), ("write", WRITES)],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "operations",
            parts: &[
                ("query", QUERIES),
                ("getmore", GETMORES),
                ("insert", INSERTS),
                ("update", UPDATES),
                ("remove", REMOVES),
                ("command", COMMANDS),
            ],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "operation time",
            parts: &[
                ("query", QUERIES_MS),
                ("getmore", GETMORES_MS),
                ("insert", INSERTS_MS),
                ("update", UPDATES_MS),
                ("remove", REMOVES_MS),
                ("command", COMMANDS_MS),
            ],
            unit: CounterUnit::Millis,
        },
    ],
};

fn counter(q: &QueryStat, name: &str) -> f64 {
    q.counters.or_zero(name)
}

/// mongotop's read column: time holding read locks over the interval.
pub const READ_COLUMN: Column<QueryStat> = Column {
    title: "Read",
    width: fixed(8),
    priority: 1,
    descending: true,
    cell: |q| CellText::plain(q.counter(READ_MS).map_or_else(|| "-".to_owned(), format::millis_f)),
    cmp: |a, b| counter(a, READ_MS).total_cmp(&counter(b, READ_MS)),
};

/// mongotop's write column ("-" on profiler rows, which have no lock split): time holding write locks over the interval.
pub const WRITE_COLUMN: Column<QueryStat> = Column {
    title: "Write",
    width: fixed(8),
    priority: 1,
    descending: true,
    cell: |q| CellText::plain(q.counter(WRITE_MS).map_or_else(|| "-".to_owned(), format::millis_f)),
    cmp: |a, b| counter(a, WRITE_MS).total_cmp(&counter(b, WRITE_MS)),
};

/// The namespace (`top`) or the operation's shape (profiler), taking the rest of the row.
pub const NAMESPACE_COLUMN: Column<QueryStat> = Column {
    title: "Namespace",
    width: Width::Fill { min: 20 },
    priority: 0,
    descending: false,
    cell: |q| CellText::plain(format::one_line(&q.text)),
    cmp: |a, b| a.text.cmp(&b.text),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_covers_every_top_counter_and_leaves_the_profiler_ones_listed() {
        for name in [READ_MS, WRITE_MS, READS, WRITES, QUERIES, GETMORES_MS, COMMANDS, COMMANDS_MS] {
            assert!(GUIDE.covers(name), "{name}");
        }
        for name in [DOCS_EXAMINED, KEYS_EXAMINED, SLOWEST_MS] {
            assert!(!GUIDE.covers(name), "{name}");
        }
        let mut q = QueryStat { text: "shop.orders".into(), ..QueryStat::default() };
        q.counters.push(READ_MS, 1500.0);
        assert_eq!((READ_COLUMN.cell)(&q).text, format::millis_f(1500.0));
        assert_eq!((NAMESPACE_COLUMN.cell)(&q).text, "shop.orders");
    }
}
