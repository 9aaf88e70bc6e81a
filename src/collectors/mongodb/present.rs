//! How MongoDB targets are shown: current operations (with the lock they wait for and
//! who holds it), per-collection time from `top` (mongotop) as the statements table, the
//! databases → collections/views/indexes tree, mongostat's figures as tiles and charts.

use super::metric as mg;
use crate::collectors::columns;
use crate::collectors::sql_present::{self, Stop};
use crate::model::present::{Blocking, Chart, Column, Nouns, Presentation, SchemaView, Series, Tile, Unit};
use crate::model::{CounterGuide, QueryStat, Session, SessionState, metric};
use crate::ui::format;

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "operations",
        sessions_title: "Operations",
        id: "OpID",
        statements: "collections",
        statement: "collection",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 5,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &STATEMENT_COLUMNS,
    queries_title: " Collection time over the interval (top) ",
    slow_log: false,
    tiles: &TILES,
    charts: [
        Chart {
            title: "Operations/s",
            metric: mg::OPS_PER_S,
            series: Series::Keyed(&["query", "insert", "update", "delete", "getmore", "command"]),
            unit: Unit::Count,
        },
        Chart {
            title: "Connections",
            metric: metric::CONNECTIONS,
            series: Series::Single,
            unit: Unit::Count,
        },
        Chart {
            title: "WiredTiger cache used %",
            metric: mg::CACHE_USED_PCT,
            series: Series::Single,
            unit: Unit::Percent,
        },
        Chart {
            title: "Latency ms/op",
            metric: mg::OP_LATENCY_MS,
            series: Series::Keyed(&["reads", "writes", "commands"]),
            unit: Unit::Count,
        },
    ],
    schema_view: SchemaView::Tree,
    session_title: " Operation detail ",
    session_detail: |s, all| sql_present::session_detail(s, all, "OpID", STOP),
    session_gone: |id| format!("Operation {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &GUIDE),
};

const STOP: Stop = Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

/// The statement counters of a collection's `top` line and a profiler row (medium tier).
pub const GUIDE: CounterGuide = super::medium::columns::GUIDE;

static SESSION_COLUMNS: [Column<Session>; 11] = sql_present::session_columns("OpID");

fn figure(value: Option<f64>, show: fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

static TILES: [Tile; 6] = [
    Tile { label: "Ops/s", value: |m| figure(m(mg::OPS_PER_S, ""), |v| format!("{v:.0}")) },
    Tile { label: "Conns", value: |m| figure(m(metric::CONNECTIONS, ""), |v| format::count(v as u64)) },
    Tile { label: "Cache", value: |m| figure(m(mg::CACHE_USED_PCT, ""), |v| format!("{v:.0}%")) },
    Tile { label: "Dirty", value: |m| figure(m(mg::CACHE_DIRTY_PCT, ""), |v| format!("{v:.1}%")) },
    Tile { label: "Queued", value: |m| figure(m(mg::QUEUED_OPERATIONS, ""), |v| format!("{v:.0}")) },
    Tile { label: "Lag", value: |m| figure(m(metric::REPLICATION_LAG_S, ""), |v| format!("{v:.0}s")) },
];

/// mongotop's figures first (total, read, write), then calls and the mean.
static STATEMENT_COLUMNS: [Column<QueryStat>; 6] = [
    columns::TOTAL,
    super::medium::columns::READ_COLUMN,
    super::medium::columns::WRITE_COLUMN,
    columns::CALLS,
    columns::MEAN_MS,
    super::medium::columns::NAMESPACE_COLUMN,
];
