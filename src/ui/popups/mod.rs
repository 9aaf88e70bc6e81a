//! Popups drawn over the body: help, and the session / statement details.

pub mod detail;
pub mod help;

use super::app::{App, Popup};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(frame: &mut Frame, body: Rect, app: &App) {
    match &app.popup {
        None => {}
        Some(Popup::Help { scroll }) => {
            show(frame, body, &app.theme, " Help: keys of this view ", help::lines(app), *scroll)
        }
        Some(Popup::Session { id, scroll }) => {
            show(frame, body, &app.theme, " Session detail ", detail::session_lines(app, *id), *scroll)
        }
        Some(Popup::Query { id, scroll }) => {
            show(frame, body, &app.theme, " Statement detail ", detail::query_lines(app, id), *scroll)
        }
    }
}

fn show(frame: &mut Frame, body: Rect, theme: &Theme, title: &str, lines: Vec<Line<'_>>, scroll: u16) {
    let area = centred(body, 92, 90);
    let block = Block::bordered()
        .title(Span::styled(title.to_owned(), theme.title()))
        .title_bottom(Span::styled(" Esc closes · j/k scroll ", theme.muted()))
        .border_style(theme.border(true));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(block),
        area,
    );
}

fn centred(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Percentage(percent_y)]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Percentage(percent_x)]).flex(Flex::Center).areas(row);
    cell
}
