//! What the SQL engines' presentations share: the session table (their sessions have the
//! same facts: user, database, program, client, state, wait, ages, blockers, query), the
//! session and statement detail popups. Each engine names its id column and supplies its
//! own stop statements and statement counters.

use crate::collectors::columns::fixed;
use crate::collectors::counter_lines::counter_lines;
use crate::model::present::{CellText, Column, DetailLine, Tone, Width};
use crate::model::{CounterGuide, QueryStat, Session};
use crate::ui::format;
use std::cmp::Ordering;

/// The statements a DBA may copy to stop a session.
#[derive(Clone, Copy)]
pub struct Stop {
    pub cancel: fn(&Session) -> String,
    pub terminate: fn(&Session) -> String,
}

pub fn text_cmp(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

pub fn blockers(s: &Session) -> String {
    s.blocked_by.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The detail popup of a session of a SQL engine: who it is, what it waits for, who it
/// blocks, its query, and the statements that would stop it (to copy, never run).
pub fn session_detail(s: &Session, all: &[Session], id_label: &str, stop: Stop) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Head(vec![
            CellText::toned(format!("{id_label} {}  ", s.id), Tone::Header),
            CellText::toned(s.state.label(), Tone::State(s.state)),
            CellText::toned(format!("  ({})", s.native_state), Tone::Muted),
        ]),
        DetailLine::field("user", s.user.clone()),
        DetailLine::field("database", s.database.clone()),
        DetailLine::field("application", s.application.clone()),
        DetailLine::field(
            "client",
            if s.client.is_empty() { "local socket".into() } else { s.client.clone() },
        ),
        DetailLine::field(
            "wait",
            s.wait.as_ref().map_or("none".into(), |w| format!("{} ({})", w.category.label(), w.event)),
        ),
        DetailLine::field("query age", format::opt_duration_ms(s.query_ms)),
        DetailLine::field("xact age", format::opt_duration_ms(s.xact_ms)),
        DetailLine::field("state age", format::opt_duration_ms(s.state_ms)),
        DetailLine::field("backend age", format::opt_duration_ms(s.backend_ms)),
    ];
    if !s.blocked_by.is_empty() {
        lines.push(DetailLine::toned("blocked by", blockers(s), Tone::Critical));
        for blocker in all.iter().filter(|b| s.blocked_by.contains(&b.id)) {
            let summary = format!(
                "  {} {} {}: {}",
                blocker.id,
                blocker.user,
                blocker.state.label(),
                format::one_line(&blocker.query)
            );
            lines.push(DetailLine::Text(CellText::toned(summary, Tone::Muted)));
        }
    }
    let blocking: Vec<String> =
        all.iter().filter(|o| o.blocked_by.contains(&s.id)).map(|o| o.id.to_string()).collect();
    if !blocking.is_empty() {
        lines.push(DetailLine::toned("blocking", blocking.join(","), Tone::Critical));
    }
    for (name, value) in &s.extra {
        lines.push(DetailLine::field(name.clone(), value.clone()));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading("Query (y copies):".into()));
    lines.extend(s.query.lines().map(|l| DetailLine::Text(CellText::plain(l.to_owned()))));
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading("To stop it, run one of these yourself (Logstag never does):".into()));
    lines.push(DetailLine::Head(vec![
        CellText::toned(" c  ", Tone::Title),
        CellText::toned((stop.cancel)(s), Tone::Warn),
    ]));
    lines.push(DetailLine::Head(vec![
        CellText::toned(" t  ", Tone::Title),
        CellText::toned((stop.terminate)(s), Tone::Critical),
    ]));
    lines
}

pub fn opt_ms(ms: Option<f64>) -> String {
    ms.map_or("-".into(), format::millis_f)
}

/// The detail popup of a statement: the interval's figures, the engine's counters, the text.
pub fn statement_detail(q: &QueryStat, guide: &CounterGuide) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::field("id", q.id.clone()),
        DetailLine::field("database", q.database.clone()),
        DetailLine::field("user", q.user.clone()),
        DetailLine::Blank,
        DetailLine::Heading("This interval:".into()),
        DetailLine::field("calls", q.calls.to_string()),
        DetailLine::field("total time", format::millis_f(q.total_time_ms)),
        DetailLine::field("mean time", format::millis_f(q.mean_time_ms)),
        DetailLine::field(
            "min / max",
            format!("{} / {} (lifetime)", opt_ms(q.min_time_ms), opt_ms(q.max_time_ms)),
        ),
        DetailLine::field("rows", q.rows.to_string()),
    ];
    lines.extend(counter_lines(guide, q));
    lines.extend([DetailLine::Blank, DetailLine::Heading("Text (y copies):".into())]);
    lines.extend(q.text.lines().map(|l| DetailLine::Text(CellText::plain(l.to_owned()))));
    lines.push(DetailLine::Blank);
    lines
}

/// Session columns of a SQL engine, kept as the terminal narrows by priority: the id,
/// state, age and the query first.
pub const fn session_columns(id_title: &'static str) -> [Column<Session>; 11] {
    [
        Column {
            title: id_title,
            width: fixed(7),
            priority: 0,
            descending: false,
            cell: |s| CellText::plain(s.id.to_string()),
            cmp: |a, b| a.id.cmp(&b.id),
        },
        user_column(1),
        database_column(3),
        application_column(10, 5),
        Column {
            title: "Client",
            width: fixed(15),
            priority: 6,
            descending: false,
            cell: |s| CellText::plain(if s.client.is_empty() { "local" } else { s.client.as_str() }),
            cmp: |a, b| a.client.cmp(&b.client),
        },
        STATE_COLUMN,
        wait_column("Wait", 18, 1),
        age_column("Age"),
        xact_column(4),
        blockers_column(2),
        Column {
            title: "Query",
            width: Width::Fill { min: 16 },
            priority: 0,
            descending: false,
            cell: |s| CellText::plain(format::one_line(&s.query)),
            cmp: |a, b| a.query.cmp(&b.query),
        },
    ]
}

// The session columns every engine's table is made of; `priority` says how early a
// column goes as the terminal narrows (0 never).

pub const fn user_column(priority: u8) -> Column<Session> {
    Column {
        title: "User",
        width: fixed(8),
        priority,
        descending: false,
        cell: |s| CellText::plain(s.user.as_str()),
        cmp: |a, b| text_cmp(&a.user, &b.user),
    }
}

pub const fn database_column(priority: u8) -> Column<Session> {
    Column {
        title: "DB",
        width: fixed(8),
        priority,
        descending: false,
        cell: |s| CellText::plain(s.database.as_str()),
        cmp: |a, b| text_cmp(&a.database, &b.database),
    }
}

pub const fn application_column(width: u16, priority: u8) -> Column<Session> {
    Column {
        title: "App",
        width: fixed(width),
        priority,
        descending: false,
        cell: |s| CellText::plain(s.application.as_str()),
        cmp: |a, b| text_cmp(&a.application, &b.application),
    }
}

/// The state, most urgent first; the longest-running first within a state.
pub const STATE_COLUMN: Column<Session> = Column {
    title: "State",
    width: fixed(7),
    priority: 0,
    descending: false,
    cell: |s| CellText::toned(s.state.short_label(), Tone::State(s.state)),
    cmp: |a, b| a.state.urgency().cmp(&b.state.urgency()).then(b.query_ms.cmp(&a.query_ms)),
};

pub const fn wait_column(title: &'static str, width: u16, priority: u8) -> Column<Session> {
    Column {
        title,
        width: fixed(width),
        priority,
        descending: false,
        cell: |s| match &s.wait {
            Some(w) => CellText::toned(w.label(), Tone::of_wait(w.category)),
            None => CellText::plain(""),
        },
        cmp: |a, b| {
            let key = |s: &Session| s.wait.as_ref().map(|w| (w.category, w.event.clone()));
            key(a).cmp(&key(b))
        },
    }
}

/// Age of the current statement (operation).
pub const fn age_column(title: &'static str) -> Column<Session> {
    Column {
        title,
        width: fixed(7),
        priority: 0,
        descending: true,
        cell: |s| CellText::plain(format::opt_duration_ms(s.query_ms)),
        cmp: |a, b| a.query_ms.cmp(&b.query_ms),
    }
}

pub const fn xact_column(priority: u8) -> Column<Session> {
    Column {
        title: "Xact",
        width: fixed(7),
        priority,
        descending: true,
        cell: |s| CellText::plain(format::opt_duration_ms(s.xact_ms)),
        cmp: |a, b| a.xact_ms.cmp(&b.xact_ms),
    }
}

pub const fn blockers_column(priority: u8) -> Column<Session> {
    Column {
        title: "Blkd by",
        width: fixed(8),
        priority,
        descending: true,
        cell: |s| CellText::toned(blockers(s), Tone::Critical),
        cmp: |a, b| a.blocked_by.len().cmp(&b.blocked_by.len()).then(a.blocked_by.cmp(&b.blocked_by)),
    }
}
