//! Schema: the server's structure as a tree with sizes and problems, a detail pane for
//! the selected object, and the recent structural changes. Rows come precomputed from
//! the view; a frame only formats the visible window.

use super::super::app::App;
use super::super::format;
use super::super::theme::Theme;
use super::super::views::schema_tree::{Level, TreeRow};
use super::super::widgets::data_table::DataTable;
use super::super::widgets::filter_input;
use super::schema_detail;
use crate::model::ChangeKind;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

/// Below this width the detail pane goes under the tree instead of beside it.
const SIDE_BY_SIDE: u16 = 100;
const BAR_CELLS: usize = 6;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(target) = app.current() else { return };
    if target.presentation().schema_view == crate::model::present::SchemaView::Keyspace {
        super::keyspace::render(frame, area, app);
        return;
    }
    let view = &app.views.schema;
    let filter_text = if view.changes_mode { &view.changes_filter } else { &view.filter };
    let (matched, total) = if view.changes_mode {
        (view.changes_rows.len(), target.schema_changes.len())
    } else {
        (view.rows.len(), view.rows.len())
    };
    let filter = filter_input::line(filter_text, app.filter_editing, matched, total, theme);
    let [header_area, filter_area, body] =
        Layout::vertical([Length(1), Length(u16::from(filter.is_some())), Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(header(app)), header_area);
    if let Some(line) = filter {
        frame.render_widget(Paragraph::new(line), filter_area);
    }
    if view.changes_mode {
        changes(frame, body, app);
        return;
    }
    if target.schema().is_none() {
        let mut text = vec![
            Line::from(Span::styled(
                " The schema tier runs every 240 min (schema_frequency_interval), first 2 min after start.",
                theme.muted(),
            )),
            Line::from(Span::styled(" Press r to run it now.", theme.muted())),
        ];
        if !target.schema_changes.is_empty() {
            text.push(Line::from(Span::styled(
                format!(" {} recent schema changes recorded: c shows them.", target.schema_changes.len()),
                theme.muted(),
            )));
        }
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
        return;
    }
    let detail = schema_detail::lines(app);
    if view.detail_full {
        frame.render_widget(pane(detail, " Detail (Esc back) ", theme), body);
        return;
    }
    let [tree_area, detail_area] = if body.width >= SIDE_BY_SIDE {
        Layout::horizontal([Percentage(60), Fill(1)]).areas(body)
    } else {
        Layout::vertical([Percentage(60), Fill(1)]).areas(body)
    };
    tree(frame, tree_area, app);
    frame.render_widget(pane(detail, " Detail ", theme), detail_area);
}

fn pane<'a>(lines: Vec<Line<'a>>, title: &'a str, theme: &Theme) -> Paragraph<'a> {
    let block = Block::bordered().title(Span::styled(title, theme.title())).border_style(theme.border(false));
    Paragraph::new(lines).wrap(Wrap { trim: false }).block(block)
}

fn header(app: &App) -> Line<'static> {
    let theme = &app.theme;
    let Some((at, snapshot)) = app.current().and_then(|t| t.schema()) else {
        return Line::from(Span::styled(" no schema sample yet", theme.warn()));
    };
    let c = app.views.schema.counts;
    let age = age(app.time.now_ms - at.millis());
    let mut spans = vec![
        Span::styled(format!(" collected {age} ago"), theme.muted()),
        Span::styled(
            format!(
                " · {} · {} tables · {} indexes · {} views · {} functions · {} sequences",
                format::bytes(c.bytes),
                c.tables,
                c.indexes,
                c.views,
                c.functions,
                c.sequences,
            ),
            theme.text(),
        ),
    ];
    spans.extend(skipped(snapshot, theme));
    Line::from(spans)
}

/// Objects the round did not read (another session held them locked, or the engine's
/// per-round budget ran out): listed with last round's values (see
/// `collectors::schema_carry`), so the header says which ones.
fn skipped(snapshot: &crate::model::SchemaSnapshot, theme: &Theme) -> Option<Span<'static>> {
    let names: Vec<String> = snapshot
        .databases
        .iter()
        .flat_map(|d| d.skipped.iter().map(move |o| format!("{}.{o}", d.name)))
        .collect();
    let first = names.first()?;
    let more = match names.len() {
        1 => String::new(),
        n => format!(" +{}", n - 1),
    };
    Some(Span::styled(format!(" · {first}{more} not read this round, last values shown"), theme.warn()))
}

pub fn age(ms: i64) -> String {
    format::duration_ms(u64::try_from(ms).unwrap_or(0))
}

pub fn level_style(level: Level, theme: &Theme) -> Style {
    match level {
        Level::Warn => theme.warn(),
        Level::Critical => theme.critical(),
    }
}

/// Eighth-block bar of `share` (0–1) over `BAR_CELLS` cells.
pub fn bar(share: f64) -> String {
    const EIGHTHS: [&str; 8] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (share.clamp(0.0, 1.0) * (BAR_CELLS * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push_str(EIGHTHS[eighths % 8]);
    }
    let used = out.chars().count();
    out.push_str(&" ".repeat(BAR_CELLS.saturating_sub(used)));
    out
}

fn tree_row<'a>(row: &'a TreeRow, theme: &Theme) -> Row<'a> {
    let marker = match (row.has_children, row.open) {
        (false, _) => "  ",
        (true, true) => "▾ ",
        (true, false) => "▸ ",
    };
    let mut spans = vec![
        Span::raw("  ".repeat(usize::from(row.depth))),
        Span::styled(marker, theme.muted()),
        Span::raw(row.label.as_str()),
    ];
    for (flag, level) in &row.flags {
        spans.push(Span::styled(format!(" {flag}"), level_style(*level, theme)));
    }
    Row::new([
        Cell::from(Line::from(spans)),
        Cell::from(row.size.map(format::bytes).unwrap_or_default()),
        Cell::from(Span::styled(row.share.map(bar).unwrap_or_default(), theme.info())),
    ])
}

fn tree(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.views.schema;
    let table = DataTable {
        title: Line::from(Span::styled(
            if view.by_name { " Schema (by name) " } else { " Schema (largest first) " },
            app.theme.title(),
        )),
        header: vec!["Object".into(), "Size".into(), "Share".into()],
        widths: vec![Fill(1), Length(10), Length(BAR_CELLS as u16)],
        len: view.rows.len(),
        list: &view.list,
        empty_message: " no object matches the filter",
    };
    table.render(frame, area, &app.theme, |i| {
        view.rows.get(i).map_or_else(Row::default, |r| tree_row(r, &app.theme))
    });
}

fn changes(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(target) = app.current() else { return };
    let (all, _) = target.schema_changes.as_slices();
    let view = &app.views.schema;
    let table = DataTable {
        title: Line::from(vec![
            Span::styled(format!(" Schema changes: {} · ", view.changes_rows.len()), theme.title()),
            Span::styled(format!("{} added", view.change_counts[0]), theme.ok()),
            Span::styled(format!(" · {} modified", view.change_counts[1]), theme.warn()),
            Span::styled(format!(" · {} removed", view.change_counts[2]), theme.critical()),
            Span::styled(" · newest first ", theme.muted()),
        ]),
        header: ["When", "Where", "Type", "Object", "Change", "Detail"].map(String::from).to_vec(),
        widths: vec![Length(11), Length(16), Length(10), Length(20), Length(8), Fill(1)],
        len: view.changes_rows.len(),
        list: &view.changes_list,
        empty_message: " no schema change recorded",
    };
    table.render(frame, area, theme, |i| {
        let Some(c) = view.changes_rows.get(i).and_then(|&i| all.get(i)) else { return Row::default() };
        let (label, style) = match c.change {
            ChangeKind::Added => ("Added", theme.ok()),
            ChangeKind::Modified => ("Modified", theme.warn()),
            ChangeKind::Removed => ("Removed", theme.critical()),
        };
        Row::new([
            Cell::from(format!("{} ago", age(app.time.now_ms - c.at.millis()))),
            Cell::from(format!("{}.{}", c.database, c.schema)),
            Cell::from(c.object_type.as_str()),
            Cell::from(c.object.as_str()),
            Cell::from(Span::styled(label, style)),
            Cell::from(c.detail.as_str()),
        ])
    });
}
