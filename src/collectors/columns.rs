//! Columns and charts several engines show the same way, for their presentations: the
//! statement figures every engine has (total, calls, mean) and the relational Overview
//! charts. An engine that shows a figure differently defines its own column.

use crate::model::present::{CellText, Chart, Column, Series, Unit, Width};
use crate::model::{QueryStat, SessionState, WaitCategory, metric};
use crate::ui::format;

/// A column exactly `width` cells wide.
pub const fn fixed(width: u16) -> Width {
    Width::Fit { min: width, max: width }
}

/// Total time of the interval, largest first.
pub const TOTAL: Column<QueryStat> = Column {
    title: "Total",
    width: fixed(8),
    priority: 0,
    descending: true,
    cell: |q| CellText::plain(format::millis_f(q.total_time_ms)),
    cmp: |a, b| a.total_time_ms.total_cmp(&b.total_time_ms),
};

pub const CALLS: Column<QueryStat> = Column {
    title: "Calls",
    width: fixed(7),
    priority: 0,
    descending: true,
    cell: |q| CellText::plain(format::count(q.calls)),
    cmp: |a, b| a.calls.cmp(&b.calls),
};

/// Mean time per call in milliseconds (engines whose commands take microseconds show µs).
pub const MEAN_MS: Column<QueryStat> = Column {
    title: "Mean",
    width: fixed(8),
    priority: 0,
    descending: true,
    cell: |q| CellText::plain(format::millis_f(q.mean_time_ms)),
    cmp: |a, b| a.mean_time_ms.total_cmp(&b.mean_time_ms),
};

/// The statement's database, for engines whose statistics are kept per database.
pub const fn database(priority: u8) -> Column<QueryStat> {
    Column {
        title: "DB",
        width: fixed(8),
        priority,
        descending: false,
        cell: |q| CellText::plain(q.database.as_str()),
        cmp: |a, b| a.database.cmp(&b.database),
    }
}

/// The statement text on one line, taking the rest of the width.
pub const QUERY_TEXT: Column<QueryStat> = Column {
    title: "Query",
    width: Width::Fill { min: 20 },
    priority: 0,
    descending: false,
    cell: |q| CellText::plain(format::one_line(&q.text)),
    cmp: |a, b| a.text.cmp(&b.text),
};

/// The relational Overview: throughput, sessions by state, waits by class, cache hits.
pub const SQL_CHARTS: [Chart; 4] = [
    Chart { title: "TPS", metric: metric::TPS, series: Series::Single, unit: Unit::Count },
    Chart {
        title: "Sessions by state",
        metric: metric::SESSIONS_BY_STATE,
        series: Series::Keyed(&SessionState::LABELS),
        unit: Unit::Count,
    },
    Chart {
        title: "Waits by class",
        metric: metric::WAITS_BY_CLASS,
        series: Series::Keyed(&WaitCategory::LABELS),
        unit: Unit::Count,
    },
    Chart {
        title: "Cache hit %",
        metric: metric::CACHE_HIT_PCT,
        series: Series::Single,
        unit: Unit::Percent,
    },
];
