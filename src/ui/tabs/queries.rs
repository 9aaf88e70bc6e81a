//! Queries: the statements that cost most over the last interval (deltas), or why
//! there are none yet.

use super::super::app::App;
use super::super::format;
use super::super::views::{fitted_widths, fitting, rows_on_screen};
use super::super::widgets::data_table::{DataTable, headers};
use super::super::widgets::filter_input;
use crate::model::StatsAvailability;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    if app.views.slow_log.slowlog_mode {
        super::slowlog::render(frame, area, app);
        return;
    }
    if let Some(comparison) = &app.views.compare {
        super::queries_compare::render(frame, area, app, comparison);
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
        &app.views.queries.filter,
        app.filter_editing,
        app.views.queries.rows.len(),
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
            let taken = app.queries_data().map_or(since, |(at, _)| at);
            let mut spans = vec![Span::styled(
                format!(
                    " interval {}–{} UTC ({}) · {} {} ran · {} tracked",
                    format::clock(since.millis()),
                    format::clock(taken.millis()),
                    format::duration(taken.since(since)),
                    snapshot.stats.len(),
                    app.presentation().nouns.statements,
                    snapshot.tracked
                ),
                theme.text(),
            )];
            match (app.views.queries.own_count, app.views.queries.show_own) {
                (0, _) => {}
                (n, true) => {
                    spans.push(Span::styled(format!(" · {n} of Logstag's own shown"), theme.muted()))
                }
                (n, false) => {
                    spans.push(Span::styled(format!(" · {n} of Logstag's own hidden"), theme.muted()))
                }
            }
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
    let presentation = app.presentation();
    let columns = app.views.queries.columns;
    let visible = fitting(columns, table_area.width.saturating_sub(2));
    let all_headers = headers(columns, app.views.queries.sort);
    let stats = &snapshot.stats;
    let view = &app.views.queries;
    let on_screen = || rows_on_screen(&view.list, &view.rows, stats, table_area.height);
    let none_ran = format!(" no {} ran", presentation.nouns.statement);
    let table = DataTable {
        title: Line::from(Span::styled(presentation.queries_title, theme.title())),
        header: visible.iter().filter_map(|&i| all_headers.get(i).cloned()).collect(),
        widths: fitted_widths(columns, &visible, on_screen),
        len: app.views.queries.rows.len(),
        list: &app.views.queries.list,
        empty_message: if snapshot.since.is_none() { " (baseline read: no deltas yet)" } else { &none_ran },
    };
    table.render(frame, table_area, theme, |row| {
        let Some(q) = app.views.queries.rows.get(row).and_then(|&i| stats.get(i)) else {
            return Row::default();
        };
        Row::new(visible.iter().filter_map(|&i| columns.get(i)).map(|c| {
            let cell = (c.cell)(q);
            Cell::from(Span::styled(cell.text, theme.tone(cell.tone)))
        }))
    });
}
