//! Queries: the statements that cost most over the last interval (deltas), or why
//! there are none yet.

use super::super::app::App;
use super::super::format;
use super::super::views::queries::{COLUMNS, KEY_VALUE_COLUMNS};
use super::super::widgets::data_table::{DataTable, headers};
use super::super::widgets::filter_input;
use crate::model::{CounterGuide, QueryStat, StatsAvailability};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

/// Columns dropped first when the terminal is narrow (DB, User, Hit %, Blks read, Rows).
const DROP_ORDER: [usize; 5] = [7, 6, 5, 4, 3];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    if app.key_value.slowlog_mode {
        super::slowlog::render(frame, area, app);
        return;
    }
    let Some((_, snapshot)) = app.queries_data() else {
        if let Some(target) = app.current() {
            frame.render_widget(
                super::no_data(app, target, "queries", "statement statistics (medium tier)"),
                area,
            );
        }
        return;
    };
    if let StatsAvailability::Unavailable(reason) = &snapshot.availability {
        let text = vec![
            Line::from(Span::styled(
                "Statement statistics are not available on this target",
                theme.critical(),
            )),
            Line::from(""),
            Line::from(Span::styled(reason.clone(), theme.warn())),
        ];
        let block = Block::bordered()
            .title(Span::styled(" Queries ", theme.title()))
            .border_style(theme.border(true));
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    let filter = filter_input::line(
        &app.queries.filter,
        app.filter_editing,
        app.queries.rows.len(),
        snapshot.stats.len(),
        theme,
    );
    let [summary_area, filter_area, table_area] =
        Layout::vertical([Length(1), Length(u16::from(filter.is_some())), Fill(1)]).areas(area);
    let summary = match snapshot.since {
        None => {
            Line::from(Span::styled(" collecting baseline: first figures after one interval", theme.warn()))
        }
        Some(since) => {
            let taken = app.queries_data().map_or(since, |(at, _)| *at);
            let mut spans = vec![Span::styled(
                format!(
                    " interval {}–{} UTC ({}) · {} {} ran · {} tracked",
                    format::clock(since.millis()),
                    format::clock(taken.millis()),
                    format::duration(taken.since(since)),
                    snapshot.stats.len(),
                    if app.queries.key_value { "commands" } else { "statements" },
                    snapshot.tracked
                ),
                theme.text(),
            )];
            if snapshot.reset_detected {
                spans.push(Span::styled(" · counters were reset", theme.warn()));
            }
            if let Some(evicted) = snapshot.evicted.filter(|n| *n > 0) {
                // Evicted entries mean the top list may miss statements: raise pg_stat_statements.max.
                spans.push(Span::styled(format!(" · {evicted} evicted"), theme.warn()));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(summary), summary_area);
    if let Some(line) = filter {
        frame.render_widget(Paragraph::new(line), filter_area);
    }
    let kv = app.queries.key_value;
    let columns = app.queries.columns();
    let visible = if kv {
        (0..KEY_VALUE_COLUMNS.len()).collect()
    } else {
        visible_columns(table_area.width.saturating_sub(2))
    };
    let all_headers = headers(columns, app.queries.sort);
    let stats = &snapshot.stats;
    let guide = app.queries.counters;
    let title =
        if kv { " Commands over the interval · s: slow log " } else { " Top statements over the interval " };
    let table = DataTable {
        title: Line::from(Span::styled(title, theme.title())),
        header: visible.iter().filter_map(|&i| all_headers.get(i).cloned()).collect(),
        widths: visible.iter().filter_map(|&i| columns.get(i).map(|c| c.width)).collect(),
        len: app.queries.rows.len(),
        list: &app.queries.list,
        empty_message: if snapshot.since.is_none() {
            " (baseline read: no deltas yet)"
        } else if kv {
            " no command ran"
        } else {
            " no statement ran"
        },
    };
    table.render(frame, table_area, theme, |row| {
        let Some(q) = app.queries.rows.get(row).and_then(|&i| stats.get(i)) else { return Row::default() };
        // The key-value table's fourth column is the command (the text).
        Row::new(visible.iter().map(|&column| match (kv, column) {
            (true, 2) => Cell::from(format::micros_f(q.mean_time_ms)),
            (true, 3) => query_cell(q, COLUMNS.len() - 1, guide),
            _ => query_cell(q, column, guide),
        }))
    });
}

fn visible_columns(width: u16) -> Vec<usize> {
    let mut visible: Vec<usize> = (0..COLUMNS.len()).collect();
    let fixed = |v: &[usize]| -> u16 {
        v.iter()
            .filter_map(|&i| match COLUMNS.get(i)?.width {
                Length(w) => Some(w + 1),
                _ => None,
            })
            .sum()
    };
    for drop in DROP_ORDER {
        if fixed(&visible) + 20 <= width {
            break;
        }
        visible.retain(|&i| i != drop);
    }
    visible
}

fn query_cell<'a>(q: &'a QueryStat, column: usize, guide: &CounterGuide) -> Cell<'a> {
    match column {
        0 => Cell::from(format::millis_f(q.total_time_ms)),
        1 => Cell::from(format::count(q.calls)),
        2 => Cell::from(format::millis_f(q.mean_time_ms)),
        3 => Cell::from(format::count(q.rows)),
        4 => Cell::from(format::count(q.counters.or_zero(guide.io_reads) as u64)),
        5 => Cell::from(format::percent(guide.hit_pct(&q.counters))),
        6 => Cell::from(q.database.as_str()),
        7 => Cell::from(q.user.as_str()),
        _ => Cell::from(format::one_line(&q.text)),
    }
}
