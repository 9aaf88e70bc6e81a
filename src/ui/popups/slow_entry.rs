//! One slow-log entry in full: when, how long, which client, every argument.

use super::super::app::App;
use super::super::format;
use super::super::views::slowlog::command_line;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn field(name: &str, value: String, name_style: Style, value_style: Style) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:<13}"), name_style), Span::styled(value, value_style)])
}

fn or_dash(text: &str) -> String {
    if text.is_empty() { "-".to_owned() } else { text.to_owned() }
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
