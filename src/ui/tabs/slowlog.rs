//! Queries tab of a Redis/Valkey target, second list (`s`): the slow-log entries read so
//! far, newest first unless sorted by time or duration (`<` `>` `I`), deduplicated by
//! entry id by the collector.

use super::super::app::App;
use super::super::format;
use super::super::views::slowlog::{SLOWLOG_COLUMNS, command_line, slowlog_order};
use super::super::widgets::data_table::{self, DataTable, headers};
use super::super::widgets::filter_input;
use crate::model::SlowEntry;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

/// Entries at least this slow are shown as warnings (Redis' default threshold is 10 ms).
const SLOW_US: u64 = 100_000;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let total = app.slow_entries().count();
    let rows = &app.views.slow_log.slowlog_rows;
    let filter = filter_input::line(&app.views.queries.filter, app.filter_editing, rows.len(), total, theme);
    let [summary_area, filter_area, table_area] =
        Layout::vertical([Length(1), Length(u16::from(filter.is_some())), Fill(1)]).areas(area);
    let slowest = app.slow_entries().max_by_key(|e| e.duration_us);
    let order = slowlog_order(app.views.slow_log.slowlog_sort);
    let mut spans = vec![Span::styled(format!(" {total} slow-log entries, {order}"), theme.text())];
    if let Some(e) = slowest {
        spans.push(Span::styled(
            format!(" · slowest {} {}", e.command, format::micros_f(e.duration_us as f64 / 1000.0)),
            theme.warn(),
        ));
    }
    spans.push(Span::styled(" · s: per-command statistics", theme.muted()));
    frame.render_widget(Paragraph::new(Line::from(spans)), summary_area);
    if let Some(line) = filter {
        frame.render_widget(Paragraph::new(line), filter_area);
    }
    let wide = table_area.width >= 70;
    let mut header = headers(&SLOWLOG_COLUMNS, app.views.slow_log.slowlog_sort);
    let mut widths = data_table::widths(&SLOWLOG_COLUMNS);
    header.push("Command".to_owned());
    widths.push(Fill(1));
    if wide {
        header.push("Client".to_owned());
        widths.push(Length(21));
    }
    let table = DataTable {
        title: Line::from(Span::styled(" Slow log ", theme.title())),
        header,
        widths,
        len: rows.len(),
        list: &app.views.slow_log.slowlog_list,
        empty_message: if total == 0 {
            " no slow-log entry yet: commands slower than slowlog-log-slower-than appear here"
        } else {
            " no entry matches the filter"
        },
    };
    table.render(frame, table_area, theme, |row| {
        let Some(e) = rows.get(row).and_then(|&i| app.slow_entries().nth(i)) else { return Row::default() };
        entry_row(e, wide, app)
    });
}

fn entry_row<'a>(e: &SlowEntry, wide: bool, app: &App) -> Row<'a> {
    let theme = &app.theme;
    let style = if e.duration_us >= SLOW_US { theme.warn() } else { theme.text() };
    let mut cells = vec![
        Cell::from(format::clock(e.at_ms)),
        Cell::from(Span::styled(format::micros_f(e.duration_us as f64 / 1000.0), style)),
        Cell::from(format::one_line(&command_line(e))),
    ];
    if wide {
        let client = if e.client_name.is_empty() {
            e.client.clone()
        } else {
            format!("{} {}", e.client, e.client_name)
        };
        cells.push(Cell::from(client));
    }
    Row::new(cells)
}
