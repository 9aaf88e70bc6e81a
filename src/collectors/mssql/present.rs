//! How SQL Server targets are shown: sessions with their requests, waits and
//! blockers (the blocking tree, head blockers first); Query Store statements with CPU and
//! reads; the relational schema tree.

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
        sessions: "sessions",
        sessions_title: "Sessions",
        id: "SPID",
        statements: "statements",
        statement: "statement",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 5,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &STATEMENT_COLUMNS,
    queries_title: " Top statements over the interval ",
    slow_log: false,
    tiles: &TILES,
    charts: [
        columns::SQL_CHARTS[0],
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
    session_title: " Session detail ",
    session_detail: |s, all| sql_present::session_detail(s, all, "SPID", STOP),
    session_gone: |id| format!("Session {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &counters::GUIDE),
};

const STOP: Stop = Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

static SESSION_COLUMNS: [Column<Session>; 11] = sql_present::session_columns("SPID");

fn figure(value: Option<f64>, show: fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

static TILES: [Tile; 5] = [
    Tile { label: "TPS", value: |m| figure(m(metric::TPS, ""), |v| format!("{v:.0}")) },
    Tile { label: "Blocked", value: |m| figure(m(metric::BLOCKED_SESSIONS, ""), |v| format!("{v:.0}")) },
    Tile { label: "Hit", value: |m| figure(m(metric::CACHE_HIT_PCT, ""), |v| format!("{v:.1}%")) },
    Tile { label: "Conns", value: |m| figure(m(metric::CONNECTIONS, ""), |v| format!("{v:.0}")) },
    Tile { label: "AG lag", value: |m| figure(m(metric::REPLICATION_LAG_S, ""), |v| format!("{v:.0}s")) },
];

fn counter(q: &QueryStat, name: &str) -> f64 {
    q.counters.or_zero(name)
}

/// Statement deltas; on narrow terminals CPU, Reads, Phys and DB go first.
static STATEMENT_COLUMNS: [Column<QueryStat>; 8] = [
    columns::TOTAL,
    columns::CALLS,
    columns::MEAN_MS,
    Column {
        title: "CPU",
        width: fixed(8),
        priority: 1,
        descending: true,
        cell: |q| CellText::plain(format::millis_f(counter(q, counters::CPU_TIME_MS))),
        cmp: |a, b| counter(a, counters::CPU_TIME_MS).total_cmp(&counter(b, counters::CPU_TIME_MS)),
    },
    Column {
        title: "Reads",
        width: fixed(9),
        priority: 1,
        descending: true,
        cell: |q| CellText::plain(format::count(counter(q, counters::LOGICAL_READS) as u64)),
        cmp: |a, b| counter(a, counters::LOGICAL_READS).total_cmp(&counter(b, counters::LOGICAL_READS)),
    },
    Column {
        title: "Phys",
        width: fixed(8),
        priority: 2,
        descending: true,
        cell: |q| CellText::plain(format::count(counter(q, counters::PHYSICAL_READS) as u64)),
        cmp: |a, b| counter(a, counters::PHYSICAL_READS).total_cmp(&counter(b, counters::PHYSICAL_READS)),
    },
    columns::database(3),
    columns::QUERY_TEXT,
];
