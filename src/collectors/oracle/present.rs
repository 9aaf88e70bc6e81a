//! How Oracle targets are shown: sessions by SID with their wait events and blockers (the
//! blocking tree from BLOCKING_SESSION), top SQL by SQL_ID with buffer gets and disk
//! reads, the schema tree by owner. A session is named by SID and SERIAL# together (the
//! serial is kept in the session's `extra`, `SERIAL`), as ALTER SYSTEM needs both.

use super::metric as ora;
use super::statement_counters as counters;
use crate::collectors::columns;
use crate::collectors::sql_present::{self, Stop};
use crate::model::present::{Blocking, Chart, Column, Nouns, Presentation, SchemaView, Series, Tile, Unit};
use crate::model::{Session, SessionState, metric};

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "sessions",
        sessions_title: "Sessions",
        id: "SID",
        statements: "SQL statements",
        statement: "SQL statement",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 5,
    counted_states: &SessionState::ALL,
    blocking: Blocking::Tree,
    query_columns: &super::present_statements::STATEMENT_COLUMNS,
    queries_title: " Top SQL over the interval (v$sqlstats) ",
    slow_log: false,
    tiles: &TILES,
    charts: [
        Chart {
            title: "Average active sessions",
            metric: ora::AVERAGE_ACTIVE_SESSIONS,
            series: Series::Single,
            unit: Unit::Count,
        },
        columns::SQL_CHARTS[1],
        columns::SQL_CHARTS[2],
        Chart {
            title: "Buffer cache hit %",
            metric: metric::CACHE_HIT_PCT,
            series: Series::Single,
            unit: Unit::Percent,
        },
    ],
    schema_view: SchemaView::Tree,
    session_title: " Session detail ",
    session_detail: |s, all| sql_present::session_detail(s, all, "SID", STOP),
    session_gone: |id| format!("Session SID {id} has ended (not in the latest sample)."),
    statement_detail: |q| sql_present::statement_detail(q, &counters::GUIDE),
};

const STOP: Stop = Stop { cancel: super::spec::SPEC.cancel, terminate: super::spec::SPEC.terminate };

/// The `extra` entry holding a session's SERIAL#.
pub const SERIAL: &str = "serial#";

/// `'SID,SERIAL#'` as ALTER SYSTEM KILL SESSION / CANCEL SQL take it; a placeholder for
/// the serial when the session does not carry one (the help text's example).
pub fn sid_serial(s: &Session) -> String {
    let serial = s.extra.iter().find(|(k, _)| k == SERIAL).map_or("<serial#>", |(_, v)| v.as_str());
    format!("{},{serial}", s.id)
}

static SESSION_COLUMNS: [Column<Session>; 11] = sql_present::session_columns("SID");

fn figure(value: Option<f64>, show: fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

static TILES: [Tile; 6] = [
    Tile { label: "AAS", value: |m| figure(m(ora::AVERAGE_ACTIVE_SESSIONS, ""), |v| format!("{v:.1}")) },
    Tile { label: "Exec/s", value: |m| figure(m(ora::EXECUTIONS_PER_S, ""), |v| format!("{v:.0}")) },
    Tile { label: "CPU", value: |m| figure(m(ora::HOST_CPU_PCT, ""), |v| format!("{v:.0}%")) },
    Tile { label: "Hit", value: |m| figure(m(metric::CACHE_HIT_PCT, ""), |v| format!("{v:.1}%")) },
    Tile { label: "Blocked", value: |m| figure(m(metric::BLOCKED_SESSIONS, ""), |v| format!("{v:.0}")) },
    Tile { label: "DG lag", value: |m| figure(m(metric::REPLICATION_LAG_S, ""), |v| format!("{v:.0}s")) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_statements_name_sid_and_serial() {
        let mut s = Session::with_id(123);
        s.extra.push((SERIAL.to_owned(), "45678".to_owned()));
        assert_eq!((super::super::spec::SPEC.cancel)(&s), "ALTER SYSTEM CANCEL SQL '123,45678';");
        assert_eq!(
            (super::super::spec::SPEC.terminate)(&s),
            "ALTER SYSTEM KILL SESSION '123,45678' IMMEDIATE;"
        );
        assert_eq!(sid_serial(&Session::with_id(7)), "7,<serial#>");
    }
}
