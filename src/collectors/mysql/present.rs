//! How MySQL/MariaDB targets are shown: threads with their transactions, waits and
//! blockers (the blocking tree covers row locks and metadata locks); statement digests
//! with rows examined; the relational schema tree.

use super::metric as my;
use super::statement_counters as counters;
use crate::collectors::columns::{self, fixed};
use crate::collectors::sql_present::{self, Stop};
use crate::model::present::{
    Blocking, CellText, Chart, Column, Nouns, Presentation, SchemaView, Series, Tile, Unit,
};
use crate::model::{QueryStat, Session, SessionState, metric};
use crate::ui::format;

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "threads",
        sessions_title: "Threads",
        id: "ID",
        statements: "statements",
        statement: "statement",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 5,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &STATEMENT_COLUMNS,
    queries_title: " Top statement digests over the interval ",
    slow_log: false,
    tiles: &TILES,
    charts: [
        Chart { title: "Queries/s", metric: my::QUERIES_PER_S, series: Series::Single, unit: Unit::Count },
        columns::SQL_CHARTS[1],
        columns::SQL_CHARTS[2],
        Chart {
            title: "Buffer pool hit %",
            metric: metric::CACHE_HIT_PCT,
            series: Series::Single,
            unit: Unit::Percent,
        },
    ],
    schema_view: SchemaView::Tree,
    session_title: " Thread detail ",
    session_detail: |s, all| sql_present::session_detail(s, all, "ID", STOP),
    session_gone: |id| format!("Thread {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &counters::GUIDE),
};

const STOP: Stop = Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

static SESSION_COLUMNS: [Column<Session>; 11] = sql_present::session_columns("ID");

fn figure(value: Option<f64>, show: fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

static TILES: [Tile; 6] = [
    Tile { label: "QPS", value: |m| figure(m(my::QUERIES_PER_S, ""), |v| format!("{v:.0}")) },
    Tile { label: "TPS", value: |m| figure(m(metric::TPS, ""), |v| format!("{v:.0}")) },
    Tile { label: "Running", value: |m| figure(m(my::THREADS_RUNNING, ""), |v| format!("{v:.0}")) },
    Tile { label: "BP hit", value: |m| figure(m(metric::CACHE_HIT_PCT, ""), |v| format!("{v:.1}%")) },
    Tile { label: "History", value: |m| figure(m(my::HISTORY_LIST_LENGTH, ""), |v| format::count(v as u64)) },
    Tile { label: "Lag", value: |m| figure(m(metric::REPLICATION_LAG_S, ""), |v| format!("{v:.0}s")) },
];

fn counter(q: &QueryStat, name: &str) -> f64 {
    q.counters.or_zero(name)
}

/// Digest deltas; on narrow terminals Rows, Examined, Tmp disk, No idx and DB go first.
static STATEMENT_COLUMNS: [Column<QueryStat>; 9] = [
    columns::TOTAL,
    columns::CALLS,
    columns::MEAN_MS,
    Column {
        title: "Rows",
        width: fixed(7),
        priority: 1,
        descending: true,
        cell: |q| CellText::plain(format::count(q.rows)),
        cmp: |a, b| a.rows.cmp(&b.rows),
    },
    Column {
        title: "Examined",
        width: fixed(9),
        priority: 1,
        descending: true,
        cell: |q| CellText::plain(format::count(counter(q, counters::ROWS_EXAMINED) as u64)),
        cmp: |a, b| counter(a, counters::ROWS_EXAMINED).total_cmp(&counter(b, counters::ROWS_EXAMINED)),
    },
    Column {
        title: "Tmp disk",
        width: fixed(8),
        priority: 3,
        descending: true,
        cell: |q| CellText::plain(format::count(counter(q, counters::TMP_DISK_TABLES) as u64)),
        cmp: |a, b| counter(a, counters::TMP_DISK_TABLES).total_cmp(&counter(b, counters::TMP_DISK_TABLES)),
    },
    Column {
        title: "No idx",
        width: fixed(7),
        priority: 2,
        descending: true,
        cell: |q| CellText::plain(format::count(counter(q, counters::NO_INDEX_USED) as u64)),
        cmp: |a, b| counter(a, counters::NO_INDEX_USED).total_cmp(&counter(b, counters::NO_INDEX_USED)),
    },
    columns::database(4),
    columns::QUERY_TEXT,
];
