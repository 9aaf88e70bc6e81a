//! Queries compared across two windows (`w`): each statement's total time, calls and mean
//! in both, ranked by the time gained; "new" marks statements the earlier window did not
//! run, and a mean that grew is coloured by how much.

use super::super::app::App;
use super::super::compare::{CompareMode, Comparison};
use super::super::format;
use super::super::widgets::data_table::DataTable;
use crate::store::StatementChange;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

const HEADERS: [&str; 9] =
    ["Δ total▼", "Total", "before", "Calls", "before", "Mean", "before", "Mean ×", "Query"];
const WIDTHS: [u16; 8] = [9, 8, 8, 8, 8, 8, 8, 7];

pub fn render(frame: &mut Frame, area: Rect, app: &App, c: &Comparison) {
    let theme = &app.theme;
    let [summary_area, table_area] = Layout::vertical([Length(1), Fill(1)]).areas(area);
    let (now, before) = (c.windows.now, c.windows.before);
    let versus = match c.mode {
        CompareMode::Previous => format!("the {} before", format::window(now.1.millis() - now.0.millis())),
        CompareMode::DayBefore => format!("a day earlier ({})", span(before)),
    };
    let mut spans = vec![Span::styled(format!(" {} vs {versus}", span(now)), theme.text())];
    match &c.changes {
        None => spans.push(Span::styled(" · reading…", theme.muted())),
        Some(Err(e)) => spans.push(Span::styled(format!(" · {e}"), theme.critical())),
        Some(Ok(_)) => {
            let shown: Vec<&StatementChange> = c.shown().collect();
            let new = shown.iter().filter(|s| s.is_new()).count();
            let slower = shown.iter().filter(|s| s.mean_ratio().is_some_and(|r| r >= 2.0)).count();
            let gained: f64 = shown.iter().map(|s| s.total_delta_ms()).sum();
            spans.push(Span::styled(
                format!(
                    " · {} {} · {new} new · {slower} at least 2× slower · total {}{}",
                    shown.len(),
                    app.presentation().nouns.statements,
                    if gained >= 0.0 { "+" } else { "-" },
                    format::millis_f(gained.abs())
                ),
                theme.muted(),
            ));
        }
    }
    spans.push(Span::styled("  (w: next comparison)", theme.muted()));
    frame.render_widget(Paragraph::new(Line::from(spans)), summary_area);
    let none = " no statement ran in either window";
    let table = DataTable {
        title: Line::from(Span::styled(" Statements, compared ", theme.title())),
        header: HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        widths: WIDTHS.iter().map(|w| Length(*w)).chain([Fill(1)]).collect(),
        len: c.rows.len(),
        list: &c.list,
        empty_message: if c.changes.is_none() { " reading the two windows…" } else { none },
    };
    let rows: Vec<&StatementChange> = c.shown().collect();
    table.render(frame, table_area, theme, |row| {
        let Some(s) = rows.get(row) else { return Row::default() };
        let mean = |m: Option<f64>| m.map_or_else(|| "-".to_owned(), format::millis_f);
        let total = |w: &crate::store::WindowFigures| match w.calls {
            0 => "-".to_owned(),
            _ => format::millis_f(w.total_ms),
        };
        let delta = s.total_delta_ms();
        let delta_text = format!("{}{}", if delta >= 0.0 { "+" } else { "-" }, format::millis_f(delta.abs()));
        let (ratio, ratio_style) = match (s.is_new(), s.mean_ratio()) {
            (true, _) => ("new".to_owned(), theme.warn()),
            (_, Some(r)) if r >= 2.0 => (format!("{r:.1}×"), theme.critical()),
            (_, Some(r)) if r >= 1.2 => (format!("{r:.1}×"), theme.warn()),
            (_, Some(r)) => (format!("{r:.1}×"), theme.text()),
            (_, None) => ("gone".to_owned(), theme.muted()),
        };
        Row::new([
            Cell::from(Span::styled(delta_text, if delta > 0.0 { theme.warn() } else { theme.text() })),
            Cell::from(total(&s.now)),
            Cell::from(Span::styled(total(&s.before), theme.muted())),
            Cell::from(format::count(s.now.calls)),
            Cell::from(Span::styled(format::count(s.before.calls), theme.muted())),
            Cell::from(mean(s.now.mean_ms())),
            Cell::from(Span::styled(mean(s.before.mean_ms()), theme.muted())),
            Cell::from(Span::styled(ratio, ratio_style)),
            Cell::from(crate::sanitize::text(&s.text).replace('\n', " ")),
        ])
    });
}

/// `03:00–03:15 UTC`.
fn span((from, to): (crate::model::Timestamp, crate::model::Timestamp)) -> String {
    format!("{}–{} UTC", format::clock(from.millis()), format::clock(to.millis()))
}
