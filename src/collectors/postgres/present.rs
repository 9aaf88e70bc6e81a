//! How PostgreSQL targets are shown: backend columns with waits, transaction ages and
//! blockers; pg_stat_statements columns; the blocking tree; the relational schema tree.

use super::statement_counters as counters;
use crate::collectors::columns::{self, fixed};
use crate::collectors::sql_present;
use crate::model::present::{Blocking, CellText, Column, Nouns, Presentation, SchemaView};
use crate::model::{QueryStat, Session, SessionState};
use crate::ui::format;

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "sessions",
        sessions_title: "Sessions",
        id: "PID",
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
    tiles: &[],
    charts: columns::SQL_CHARTS,
    schema_view: SchemaView::Tree,
    session_title: " Session detail ",
    session_detail: |s, all| sql_present::session_detail(s, all, "PID", STOP),
    session_gone: |id| format!("Session {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &counters::GUIDE),
};

static SESSION_COLUMNS: [Column<Session>; 11] = sql_present::session_columns("PID");

const STOP: sql_present::Stop =
    sql_present::Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

/// pg_stat_statements deltas; on narrow terminals User, DB, Hit %, Blks read and Rows go first.
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
        title: "Blks read",
        width: fixed(9),
        priority: 2,
        descending: true,
        cell: |q| CellText::plain(format::count(q.counters.or_zero(counters::SHARED_BLKS_READ) as u64)),
        cmp: |a, b| {
            let reads = |q: &QueryStat| q.counters.or_zero(counters::SHARED_BLKS_READ);
            reads(a).total_cmp(&reads(b))
        },
    },
    Column {
        title: "Hit %",
        width: fixed(6),
        priority: 3,
        descending: false,
        cell: |q| CellText::plain(format::percent(counters::hit_pct(&q.counters))),
        // Positive percentages order like their bit patterns, so `to_bits` is exact.
        cmp: |a, b| {
            let hit = |q: &QueryStat| counters::hit_pct(&q.counters).map(f64::to_bits);
            hit(a).cmp(&hit(b))
        },
    },
    columns::database(4),
    Column {
        title: "User",
        width: fixed(8),
        priority: 5,
        descending: false,
        cell: |q| CellText::plain(q.user.as_str()),
        cmp: |a, b| a.user.cmp(&b.user),
    },
    columns::QUERY_TEXT,
];
