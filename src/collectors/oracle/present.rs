//! How Oracle targets are shown: sessions by SID with their wait events and blockers (the
//! blocking tree from BLOCKING_SESSION), top SQL by SQL_ID with buffer gets and disk
//! reads, the schema tree by owner. A session is named by SID and SERIAL# together (the
//! serial is kept in the session's `extra`, `SERIAL`), as ALTER SYSTEM needs both.

use super::high::sessions::extra::{PREVIOUS_SQL_ID, SQL_ID};
use super::metric as ora;
use super::statement_counters as counters;
use crate::collectors::columns::{self, fixed};
use crate::collectors::sql_present::{self, Stop};
use crate::model::present::{
    Blocking, CellText, Chart, Column, Nouns, Presentation, SchemaView, Series, Tile, Unit, Width,
};
use crate::model::{Session, SessionState, metric};
use crate::ui::format;

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "sessions",
        sessions_title: "Sessions",
        id: "SID",
        statements: "SQL statements",
        statement: "SQL statement",
    },
    activity_columns: &SESSION_COLUMNS,
    activity_default_sort: 4,
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

/// The session table as oratop's process section reads: SID, user, program, machine,
/// state, event, age of the call, open transaction, blockers, SQL_ID and the SQL text.
/// As the terminal narrows the machine, SQL_ID and program go first.
static SESSION_COLUMNS: [Column<Session>; 11] = [
    Column {
        title: "SID",
        width: fixed(6),
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(s.id.to_string()),
        cmp: |a, b| a.id.cmp(&b.id),
    },
    sql_present::user_column(1),
    Column { title: "Program", ..sql_present::application_column(14, 5) },
    Column {
        title: "Machine",
        width: fixed(14),
        priority: 7,
        descending: false,
        cell: |s| CellText::plain(s.client.as_str()),
        cmp: |a, b| sql_present::text_cmp(&a.client, &b.client),
    },
    sql_present::STATE_COLUMN,
    sql_present::wait_column("Event", 24, 1),
    sql_present::age_column("Call"),
    sql_present::xact_column(4),
    sql_present::blockers_column(2),
    Column {
        title: "SQL_ID",
        width: fixed(13),
        priority: 6,
        descending: false,
        cell: |s| CellText::plain(sql_id(s)),
        cmp: |a, b| sql_id(a).cmp(sql_id(b)),
    },
    Column {
        title: "SQL",
        width: Width::Fill { min: 16 },
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(format::one_line(&s.query)),
        cmp: |a, b| a.query.cmp(&b.query),
    },
];

/// The SQL_ID a session runs (its previous one when idle), without the child number.
pub fn sql_id(s: &Session) -> &str {
    s.extra
        .iter()
        .find(|(k, _)| k == SQL_ID || k == PREVIOUS_SQL_ID)
        .and_then(|(_, v)| v.split_whitespace().next())
        .unwrap_or_default()
}

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

    #[test]
    fn columns_show_the_sql_id_and_default_to_the_state() {
        assert_eq!(PRESENTATION.activity_columns[PRESENTATION.activity_default_sort].title, "State");
        let titles: Vec<&str> = SESSION_COLUMNS.iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            [
                "SID", "User", "Program", "Machine", "State", "Event", "Call", "Xact", "Blkd by", "SQL_ID",
                "SQL"
            ]
        );
        let mut s = Session::with_id(9);
        assert_eq!(sql_id(&s), "");
        s.extra.push((PREVIOUS_SQL_ID.to_owned(), "fq2cz1m8k7v4d".to_owned()));
        assert_eq!(sql_id(&s), "fq2cz1m8k7v4d");
        s.extra.insert(0, (SQL_ID.to_owned(), "7h35uxf5uhmm1 (child 2)".to_owned()));
        assert_eq!(sql_id(&s), "7h35uxf5uhmm1");
    }

    #[test]
    fn the_detail_names_serial_spid_event_and_plan() {
        let rows = crate::collectors::text_rows::from_batch(include_str!("fixtures/high_sessions_19c.tsv"));
        let sessions: Vec<Session> =
            super::super::high::HighState::sessions(&rows).into_iter().map(|r| r.session).collect();
        let Some(s302) = sessions.iter().find(|s| s.id == 302) else { panic!("no 302") };
        let text: Vec<String> =
            (PRESENTATION.session_detail)(s302, &sessions).iter().map(|l| format!("{l:?}")).collect();
        let all = text.join("\n");
        for expected in [
            "serial#",
            "5511",
            "3zr8t6q0wd5np (child 1)",
            "enq: TX - row lock contention",
            "90577",
            "OrderService",
            "ALTER SYSTEM KILL SESSION '302,5511' IMMEDIATE;",
        ] {
            assert!(all.contains(expected), "{expected} missing from:\n{all}");
        }
    }
}
