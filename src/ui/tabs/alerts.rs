//! Alerts: active alerts worst first (ack and mute are local marks), then what resolved
//! recently, with templates that failed to load listed on top so the gap is visible.

use super::super::app::App;
use super::super::format;
use super::super::popups::alert::{severity_style, value};
use super::super::widgets::data_table::{self, DataTable};
use ratatui::Frame;
use ratatui::layout::Constraint::{self, Fill, Length, Min};
use ratatui::layout::{Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};

/// Template errors shown before "… n more".
const MAX_TEMPLATE_LINES: usize = 3;

const HEADER: [&str; 9] = ["Severity", "Target", "Rule", "Key", "Value", "Thresh", "Since", "Count", "Mark"];

/// Fixed widths but the target's, which follows the names on screen.
fn widths(target: u16) -> Vec<Constraint> {
    vec![Length(8), Length(target), Fill(1), Length(6), Length(7), Length(7), Length(6), Length(5), Length(4)]
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let invalid = &app.dashboard.alerts.catalog.invalid_templates;
    let shown = invalid.len().min(MAX_TEMPLATE_LINES);
    let template_rows = u16::try_from(shown + usize::from(invalid.len() > shown)).unwrap_or(0);
    let history_rows = if area.height >= 16 { area.height / 3 } else { 0 };
    let [templates_area, active_area, history_area] =
        Layout::vertical([Length(template_rows), Min(3), Length(history_rows)]).areas(area);
    render_templates(frame, templates_area, app);
    render_active(frame, active_area, app);
    if history_rows > 0 {
        render_history(frame, history_area, app);
    }
}

fn render_templates(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let invalid = &app.dashboard.alerts.catalog.invalid_templates;
    let mut lines: Vec<Line> = invalid
        .iter()
        .take(MAX_TEMPLATE_LINES)
        .map(|t| Line::from(Span::styled(format!(" template invalid: {t}"), theme.warn())))
        .collect();
    if invalid.len() > MAX_TEMPLATE_LINES {
        let more = invalid.len() - MAX_TEMPLATE_LINES;
        lines.push(Line::from(Span::styled(
            format!(" … {more} more invalid templates (see the log)"),
            theme.warn(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_active(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let book = &app.dashboard.alerts;
    let sorted = book.sorted();
    let (unmuted, _) = book.unmuted_count();
    let title = format!(" Active alerts {} ({} muted) ", sorted.len(), sorted.len() - unmuted);
    let table = DataTable {
        title: Line::from(Span::styled(title, theme.title())),
        header: HEADER.iter().map(|h| (*h).to_owned()).collect(),
        widths: widths(data_table::names_width(
            sorted.iter().map(|a| a.event.target.0.as_str()),
            10,
            area.width.saturating_sub(2),
        )),
        len: sorted.len(),
        list: &app.views.alerts_list,
        empty_message: " no active alerts",
    };
    table.render(frame, area, theme, |row| {
        let Some(a) = sorted.get(row) else { return Row::default() };
        let e = &a.event;
        let muted = book.is_muted(&e.target, &e.rule);
        let mark = format!("{}{}", if a.acked { "A" } else { "" }, if muted { "M" } else { "" });
        let since = format::duration_ms(u64::try_from(app.time.now_ms - e.first_seen.millis()).unwrap_or(0));
        let row = Row::new([
            Cell::from(Span::styled(e.severity.label(), severity_style(e.severity, theme))),
            Cell::from(e.target.to_string()),
            Cell::from(e.name.clone()),
            Cell::from(e.key.clone()),
            Cell::from(value(e.value)),
            Cell::from(value(e.threshold)),
            Cell::from(since),
            Cell::from(e.count.to_string()),
            Cell::from(mark),
        ]);
        // Muted alerts stay listed so they can be unmuted, but must not draw the eye.
        if muted { row.style(theme.muted().add_modifier(Modifier::DIM)) } else { row }
    });
}

fn render_history(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let history = app.dashboard.alerts.history();
    let block = Block::bordered()
        .title(Span::styled(format!(" Resolved {} ", history.len()), theme.title()))
        .border_style(theme.border(false));
    let lines: Vec<Line> = if history.is_empty() {
        vec![Line::from(Span::styled(" nothing resolved recently", theme.muted()))]
    } else {
        let rows = usize::from(area.height.saturating_sub(2));
        history
            .iter()
            .take(rows)
            .map(|e| {
                let key = if e.key.is_empty() { String::new() } else { format!(" [{}]", e.key) };
                Line::from(vec![
                    Span::styled(format!("{} ", format::clock(e.at.millis())), theme.muted()),
                    Span::styled(format!("{:<8} ", e.severity.label()), severity_style(e.severity, theme)),
                    Span::styled(format!("{} ", e.target), theme.header()),
                    Span::styled(format!("{}{key} ", e.name), theme.text()),
                    Span::styled(e.message.clone(), theme.muted()),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
