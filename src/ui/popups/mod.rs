//! Popups drawn over the body: help, and the session / statement details.

pub mod alert;
pub mod detail;
pub mod help;
pub mod plan;
pub mod slow_entry;

use super::app::App;
use super::app_state::Popup;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(frame: &mut Frame, body: Rect, app: &App) {
    match &app.popups.open {
        // A notification waits under any other popup, so it never hides what was asked for.
        None => alert::render_notification(frame, body, app),
        Some(Popup::Alert { key, scroll }) => {
            show(frame, body, &app.theme, " Alert detail ", alert::detail_lines(app, key), *scroll, 0);
        }
        Some(Popup::HealthCheck { index, scroll }) => {
            let lines = super::tabs::health::check_lines(app, *index);
            show(frame, body, &app.theme, " Health check ", lines, *scroll, 0);
        }
        Some(Popup::Help { scroll }) => {
            show(frame, body, &app.theme, " Help: keys of this view ", help::lines(app), *scroll, 0);
        }
        Some(Popup::SlowEntry { id, scroll }) => {
            let lines = slow_entry::slow_entry_lines(app, *id);
            show(frame, body, &app.theme, " Slow-log entry ", lines, *scroll, 0);
        }
        Some(Popup::Plan { scroll, .. }) => {
            // Esc goes back to the detail the plan was asked from, not out of both.
            let text = Text {
                title: " Plan ",
                lines: plan::lines(app),
                scroll: *scroll,
                hint: " Esc back · j/k scroll ",
            };
            show_text(frame, body, &app.theme, text, 0);
        }
        Some(Popup::Session { id, scroll }) => {
            let title = app.presentation().session_title;
            show(frame, body, &app.theme, title, detail::session_lines(app, *id), *scroll, 0);
        }
        Some(Popup::Query { id, scroll }) => {
            let has_history = detail::history_of(app, id).is_some_and(|h| !h.points.is_empty());
            let chart_rows = if has_history && body.height >= 30 { 9 } else { 0 };
            let lines = detail::query_lines(app, id);
            let chart_area = show(frame, body, &app.theme, " Statement detail ", lines, *scroll, chart_rows);
            if chart_rows > 0 {
                render_query_chart(frame, chart_area, app, id);
            }
        }
    }
}

/// Mean time per interval, from the store's history of the statement.
fn render_query_chart(frame: &mut Frame, area: Rect, app: &App, id: &str) {
    let Some(history) = detail::history_of(app, id) else { return };
    let mut mean = super::series::Series::default();
    for (at, stat) in &history.points {
        mean.push(at.millis(), stat.mean_time_ms);
    }
    let oldest = history.points.first().map_or(app.time.now_ms, |(at, _)| at.millis());
    super::widgets::time_chart::TimeChart {
        title: " Mean time per interval ".into(),
        series: vec![(String::new(), &mean)],
        now_ms: app.time.now_ms,
        window_ms: (app.time.now_ms - oldest).max(app.window_ms()),
        format_value: super::format::millis_f,
        cursor_ms: None,
        overlay: Vec::new(),
    }
    .render(frame, area, &app.theme);
}

/// Draws a scrollable text popup that Esc closes; the last `reserved` rows inside it are
/// left free (returned) for a chart.
fn show(
    frame: &mut Frame,
    body: Rect,
    theme: &Theme,
    title: &str,
    lines: Vec<Line<'_>>,
    scroll: u16,
    reserved: u16,
) -> Rect {
    let text = Text { title, lines, scroll, hint: " Esc closes · j/k scroll " };
    show_text(frame, body, theme, text, reserved)
}

/// A popup's text, and the keys named on its bottom border.
struct Text<'a> {
    title: &'a str,
    lines: Vec<Line<'a>>,
    scroll: u16,
    hint: &'a str,
}

fn show_text(frame: &mut Frame, body: Rect, theme: &Theme, text: Text<'_>, reserved: u16) -> Rect {
    let Text { title, lines, scroll, hint } = text;
    let area = centred(body, 92, 90);
    let block = Block::bordered()
        .title(Span::styled(title.to_owned(), theme.title()))
        .title_bottom(Span::styled(hint.to_owned(), theme.muted()))
        .border_style(theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let [text_area, reserved_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(reserved)]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)), text_area);
    reserved_area
}

fn centred(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Percentage(percent_y)]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Percentage(percent_x)]).flex(Flex::Center).areas(row);
    cell
}
