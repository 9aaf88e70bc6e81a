//! Session and statement details: everything the row had to cut, plus the statements
//! a DBA may want to run (copied, never executed by Logstag).

use super::super::app::App;
use super::super::app_copy::{cancel_statement, terminate_statement};
use super::super::dashboard::QueryHistory;
use super::super::format;
use super::super::tabs::activity::blockers;
use crate::model::{CounterGuide, CounterUnit, QueryStat};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn field(name: &str, value: String, name_style: Style, value_style: Style) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:<13}"), name_style), Span::styled(value, value_style)])
}

pub fn session_lines(app: &App, id: i64) -> Vec<Line<'static>> {
    if app.activity.key_value {
        return super::key_value::client_lines(app, id);
    }
    let theme = &app.theme;
    let (key, text) = (theme.muted(), theme.text());
    let Some(s) = app.sessions().iter().find(|s| s.id == id) else {
        return vec![Line::from(Span::styled(
            format!("Session {id} has ended (not in the latest sample)."),
            theme.warn(),
        ))];
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("PID {}  ", s.id), theme.header()),
            Span::styled(s.state.label(), theme.state(s.state)),
            Span::styled(format!("  ({})", s.native_state), key),
        ]),
        field("user", s.user.clone(), key, text),
        field("database", s.database.clone(), key, text),
        field("application", s.application.clone(), key, text),
        field(
            "client",
            if s.client.is_empty() { "local socket".into() } else { s.client.clone() },
            key,
            text,
        ),
        field(
            "wait",
            s.wait.as_ref().map_or("none".into(), |w| format!("{} ({})", w.category.label(), w.event)),
            key,
            text,
        ),
        field("query age", format::opt_duration_ms(s.query_ms), key, text),
        field("xact age", format::opt_duration_ms(s.xact_ms), key, text),
        field("state age", format::opt_duration_ms(s.state_ms), key, text),
        field("backend age", format::opt_duration_ms(s.backend_ms), key, text),
    ];
    if !s.blocked_by.is_empty() {
        lines.push(field("blocked by", blockers(s), key, theme.critical()));
        for blocker in app.sessions().iter().filter(|b| s.blocked_by.contains(&b.id)) {
            let summary = format!(
                "  {} {} {}: {}",
                blocker.id,
                blocker.user,
                blocker.state.label(),
                format::one_line(&blocker.query)
            );
            lines.push(Line::from(Span::styled(summary, theme.muted())));
        }
    }
    let blocking: Vec<String> =
        app.sessions().iter().filter(|o| o.blocked_by.contains(&s.id)).map(|o| o.id.to_string()).collect();
    if !blocking.is_empty() {
        lines.push(field("blocking", blocking.join(","), key, theme.critical()));
    }
    for (name, value) in &s.extra {
        lines.push(field(name, value.clone(), key, text));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Query (y copies):", theme.header())));
    lines.extend(s.query.lines().map(|l| Line::from(Span::styled(l.to_owned(), text))));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "To stop it, run one of these yourself (Logstag never does):",
        theme.header(),
    )));
    lines.push(Line::from(vec![
        Span::styled(" c  ", theme.title()),
        Span::styled(cancel_statement(false, s.id), theme.warn()),
    ]));
    lines.push(Line::from(vec![
        Span::styled(" t  ", theme.title()),
        Span::styled(terminate_statement(false, s.id), theme.critical()),
    ]));
    lines
}

pub fn query_lines(app: &App, id: &str) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (key, text) = (theme.muted(), theme.text());
    let Some(q) = app.query_stats().iter().find(|q| q.id == id) else {
        return vec![Line::from(Span::styled(
            format!("Statement {id} did not run in the latest interval."),
            theme.warn(),
        ))];
    };
    if app.queries.key_value {
        return super::key_value::command_lines(app, q);
    }
    let mut lines = vec![
        field("id", q.id.clone(), key, text),
        field("database", q.database.clone(), key, text),
        field("user", q.user.clone(), key, text),
        Line::from(""),
        Line::from(Span::styled("This interval:", theme.header())),
        field("calls", q.calls.to_string(), key, text),
        field("total time", format::millis_f(q.total_time_ms), key, text),
        field("mean time", format::millis_f(q.mean_time_ms), key, text),
        field(
            "min / max",
            format!("{} / {} (lifetime)", opt_ms(q.min_time_ms), opt_ms(q.max_time_ms)),
            key,
            text,
        ),
        field("rows", q.rows.to_string(), key, text),
    ];
    lines.extend(counter_lines(app.queries.counters, q, key, text));
    lines.extend([Line::from(""), Line::from(Span::styled("Text (y copies):", theme.header()))]);
    lines.extend(q.text.lines().map(|l| Line::from(Span::styled(l.to_owned(), text))));
    lines.push(Line::from(""));
    lines.extend(history_lines(app, q));
    lines
}

/// The engine's counters as its guide groups them, then any others by their own name.
pub fn counter_lines(guide: &CounterGuide, q: &QueryStat, key: Style, text: Style) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if guide.hit_pct.is_some() {
        lines.push(field("cache hit", format::percent(guide.hit_pct(&q.counters)), key, text));
    }
    for line in guide.lines {
        let parts: Vec<String> = line
            .parts
            .iter()
            .map(|(word, name)| {
                let value = q.counters.or_zero(name);
                match line.unit {
                    CounterUnit::Count => format!("{word} {}", value as u64),
                    CounterUnit::Millis => format!("{word} {}", format::millis_f(value)),
                }
            })
            .collect();
        lines.push(field(line.label, parts.join(" "), key, text));
    }
    for (name, value) in q.counters.iter().filter(|(name, _)| !guide.covers(name)) {
        lines.push(field(name, counter_value(name, value), key, text));
    }
    lines
}

/// Names ending in `_ms` are milliseconds (the convention of `model::Counters`).
fn counter_value(name: &str, value: f64) -> String {
    if name.ends_with("_ms") {
        format::millis_f(value)
    } else if value.fract() == 0.0 && value >= 0.0 {
        format::count(value as u64)
    } else {
        format!("{value:.2}")
    }
}

fn opt_ms(ms: Option<f64>) -> String {
    ms.map_or("-".into(), format::millis_f)
}

/// The loaded history of statement `id` on the current target, if it has arrived.
pub fn history_of<'a>(app: &'a App, id: &str) -> Option<&'a QueryHistory> {
    app.dashboard
        .query_history
        .as_ref()
        .filter(|h| h.query_id == id && app.current().is_some_and(|t| t.info.id == h.target))
}

pub fn history_lines(app: &App, q: &QueryStat) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(history) = history_of(app, &q.id) else {
        return vec![Line::from(Span::styled("History: loading from the local store…", theme.muted()))];
    };
    if history.points.is_empty() {
        return vec![Line::from(Span::styled("History: none recorded in the last 24 h yet.", theme.muted()))];
    }
    let row = |cells: [String; 5]| {
        format!("{:<9} {:>7} {:>9} {:>9} {:>7}", cells[0], cells[1], cells[2], cells[3], cells[4])
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("History: {} intervals in the last 24 h, newest first", history.points.len()),
            theme.header(),
        )),
        Line::from(Span::styled(
            row(["at (UTC)", "calls", "mean", "total", "rows"].map(str::to_owned)),
            theme.header(),
        )),
    ];
    for (at, s) in history.points.iter().rev().take(12) {
        let cells = [
            format::clock(at.millis()),
            format::count(s.calls),
            format::millis_f(s.mean_time_ms),
            format::millis_f(s.total_time_ms),
            format::count(s.rows),
        ];
        lines.push(Line::from(Span::styled(row(cells), theme.text())));
    }
    lines
}
