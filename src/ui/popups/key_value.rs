//! Redis/Valkey details: a client of CLIENT LIST, and one slow-log entry.

use super::super::app::App;
use super::super::app_copy::{cancel_statement, terminate_statement};
use super::super::format;
use super::super::views::activity::is_blocked_client;
use super::super::views::keyvalue::command_line;
use crate::model::{QueryStat, SessionState};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn field(name: &str, value: String, name_style: Style, value_style: Style) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:<13}"), name_style), Span::styled(value, value_style)])
}

fn or_dash(text: &str) -> String {
    if text.is_empty() { "-".to_owned() } else { text.to_owned() }
}

pub fn client_lines(app: &App, id: i64) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (key, text) = (theme.muted(), theme.text());
    let Some(s) = app.sessions().iter().find(|s| s.id == id) else {
        return vec![Line::from(Span::styled(
            format!("Client {id} has disconnected (not in the latest sample)."),
            theme.warn(),
        ))];
    };
    let blocked = is_blocked_client(s);
    let (state, state_style) = if blocked {
        ("Blocked", theme.state(SessionState::WaitingForLock))
    } else {
        (s.state.label(), theme.state(s.state))
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("Client {}  ", s.id), theme.header()),
            Span::styled(state, state_style),
            Span::styled(format!("  ({})", or_dash(&s.native_state)), key),
        ]),
        field("address", or_dash(&s.client), key, text),
        field("name", or_dash(&s.application), key, text),
        field("user", or_dash(&s.user), key, text),
        field("database", or_dash(&s.database), key, text),
        field("connected", format::opt_duration_ms(s.backend_ms), key, text),
        field("idle", format::opt_duration_ms(s.state_ms), key, text),
    ];
    if let Some(w) = &s.wait {
        let style = if blocked { theme.state(SessionState::WaitingForLock) } else { text };
        lines.push(field("waiting", w.event.clone(), key, style));
    }
    for (name, value) in &s.extra {
        lines.push(field(name, value.clone(), key, text));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Last command (y copies):", theme.header())));
    lines.push(Line::from(Span::styled(or_dash(&s.query), text)));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "To stop it, run one of these yourself in redis-cli (Logstag never does):",
        theme.header(),
    )));
    lines.push(Line::from(vec![
        Span::styled(" c  ", theme.title()),
        Span::styled(cancel_statement(true, s.id), theme.warn()),
        Span::styled("  (a blocked client gets a timeout reply)", key),
    ]));
    lines.push(Line::from(vec![
        Span::styled(" t  ", theme.title()),
        Span::styled(terminate_statement(true, s.id), theme.critical()),
    ]));
    lines
}

pub fn slow_entry_lines(app: &App, id: u64) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (key, text) = (theme.muted(), theme.text());
    let Some(e) = app.slow_entries().find(|e| e.id == id) else {
        return vec![Line::from(Span::styled(
            format!("Slow-log entry {id} is no longer kept (only the newest entries are)."),
            theme.warn(),
        ))];
    };
    let mut lines = vec![
        field("entry id", e.id.to_string(), key, text),
        field("started", format!("{} UTC", format::clock(e.at_ms)), key, text),
        field("duration", format::micros_f(e.duration_us as f64 / 1000.0), key, theme.warn()),
        field("command", e.command.clone(), key, text),
        field("client", or_dash(&e.client), key, text),
        field("client name", or_dash(&e.client_name), key, text),
        Line::from(""),
        Line::from(Span::styled(
            format!("Arguments ({}, as the server kept them):", e.args.len()),
            theme.header(),
        )),
    ];
    lines
        .extend(e.args.iter().enumerate().map(|(i, a)| field(&format!("  {}", i + 1), a.clone(), key, text)));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Command line (y copies):", theme.header())));
    lines.push(Line::from(Span::styled(command_line(e), text)));
    lines
}

/// A Redis/Valkey command's figures over the interval (INFO commandstats deltas).
pub fn command_lines(app: &App, q: &QueryStat) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (key, text) = (theme.muted(), theme.text());
    let mut lines = vec![
        field("command", q.text.clone(), key, theme.header()),
        Line::from(""),
        Line::from(Span::styled("This interval:", theme.header())),
        field("calls", q.calls.to_string(), key, text),
        field("total time", format::millis_f(q.total_time_ms), key, text),
        field("mean time", format::micros_f(q.mean_time_ms), key, text),
    ];
    lines.extend(super::detail::counter_lines(app.queries.counters, q, key, text));
    lines.push(Line::from(""));
    lines.extend(super::detail::history_lines(app, q));
    lines
}
