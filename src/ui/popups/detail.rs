//! Session and statement details: everything the row had to cut, plus the statements
//! a DBA may want to run (copied, never executed by Logstag).

use super::super::app::App;
use super::super::dashboard::QueryHistory;
use super::super::format;
use crate::model::QueryStat;
use crate::model::present::{CellText, DetailLine};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn field(name: &str, value: String, name_style: Style, value_style: Style, width: usize) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:<width$}"), name_style), Span::styled(value, value_style)])
}

/// The label column: as wide as the longest label of the popup (engines name their own
/// facts, "open transactions"), at least 12 and at most 24 characters, plus a space.
fn label_width(detail: &[DetailLine]) -> usize {
    let longest = detail
        .iter()
        .filter_map(
            |l| if let DetailLine::Field { name, .. } = l { Some(name.chars().count()) } else { None },
        )
        .max()
        .unwrap_or(0);
    longest.clamp(12, 24) + 1
}

/// Engine lines in the theme's styles.
fn render_lines(app: &App, detail: Vec<DetailLine>) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let span = |c: CellText<'static>| Span::styled(c.text.into_owned(), theme.tone(c.tone));
    let width = label_width(&detail);
    detail
        .into_iter()
        .map(|line| match line {
            DetailLine::Head(parts) => Line::from(parts.into_iter().map(span).collect::<Vec<_>>()),
            DetailLine::Field { name, value } => {
                field(&name, value.text.into_owned(), theme.muted(), theme.tone(value.tone), width)
            }
            DetailLine::Heading(text) => Line::from(Span::styled(text, theme.header())),
            DetailLine::Text(text) => Line::from(span(text)),
            DetailLine::Blank => Line::from(""),
        })
        .collect()
}

pub fn session_lines(app: &App, id: i64) -> Vec<Line<'static>> {
    let presentation = app.presentation();
    let Some(s) = app.sessions().iter().find(|s| s.id == id) else {
        return vec![Line::from(Span::styled((presentation.session_gone)(id), app.theme.warn()))];
    };
    let mut lines = render_lines(app, (presentation.session_detail)(s, app.sessions()));
    lines.push(Line::from(""));
    lines.push(plan_hint(app));
    lines
}

pub fn query_lines(app: &App, id: &str) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(q) = app.query_stats().iter().find(|q| q.id == id) else {
        return vec![Line::from(Span::styled(
            format!("Statement {id} did not run in the latest interval."),
            theme.warn(),
        ))];
    };
    // The statement's lines end with a blank line already.
    let mut lines = render_lines(app, (app.presentation().statement_detail)(q));
    lines.push(plan_hint(app));
    lines.push(Line::from(""));
    lines.extend(history_lines(app, q));
    lines
}

/// Where the plan is: `e` where the engine plans on demand, else which engines do.
fn plan_hint(app: &App) -> Line<'static> {
    let text = match app.current() {
        Some(t) if t.engine.plan.is_some() => {
            "e: its plan now (EXPLAIN without ANALYZE: nothing is run)".to_owned()
        }
        _ => format!("Plans on demand are offered for {}.", crate::collectors::planner::engines_with_plans()),
    };
    Line::from(Span::styled(text, app.theme.muted()))
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
