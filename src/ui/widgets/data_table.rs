//! A bordered table that builds ratatui rows only for the visible window, so 10,000
//! sessions cost what 30 do.

use super::super::theme::Theme;
use super::super::views::{ColumnSpec, ListState, Sort, Sortable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Row, Table, TableState};

pub struct DataTable<'a> {
    pub title: Line<'a>,
    pub header: Vec<String>,
    pub widths: Vec<Constraint>,
    pub len: usize,
    pub list: &'a ListState,
    pub empty_message: &'a str,
}

/// Column titles with an arrow on the sort column.
pub fn headers(columns: &[impl Sortable], sort: Sort) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| match (i == sort.column, sort.descending) {
            (true, true) => format!("{}▼", c.title()),
            (true, false) => format!("{}▲", c.title()),
            _ => c.title().to_owned(),
        })
        .collect()
}

/// Width of a column of names (targets, rules): the longest name, at least `min`, at most a
/// third of the table so the other columns keep their room. Names are what tells rows
/// apart (a PostgreSQL and a Redis target on one host), so they are not cut short while
/// the terminal has room.
pub fn names_width<'a>(names: impl Iterator<Item = &'a str>, min: u16, table_width: u16) -> u16 {
    let longest = names.map(|n| n.chars().count()).max().unwrap_or(0);
    let longest = u16::try_from(longest).unwrap_or(u16::MAX);
    longest.clamp(min, (table_width / 3).max(min))
}

pub fn widths(columns: &[ColumnSpec]) -> Vec<Constraint> {
    columns.iter().map(|c| c.width).collect()
}

impl DataTable<'_> {
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        mut row_at: impl FnMut(usize) -> Row<'r>,
    ) {
        let block = Block::bordered().title(self.title).border_style(theme.border(true));
        let inner = block.inner(area);
        let height = usize::from(inner.height.saturating_sub(1));
        let offset = self.list.window(height, self.len);
        let end = (offset + height).min(self.len);
        let rows: Vec<Row> = (offset..end).map(&mut row_at).collect();
        let header = Row::new(self.header).style(theme.header());
        let mut state = TableState::default();
        if self.len > 0 {
            state.select(Some(self.list.selected.saturating_sub(offset)));
        }
        let table = Table::new(rows, self.widths)
            .header(header)
            .block(block)
            .column_spacing(1)
            .style(theme.text())
            .row_highlight_style(theme.selection());
        frame.render_stateful_widget(table, area, &mut state);
        if self.len == 0 && inner.height > 1 {
            let message_area = Rect { y: inner.y + 1, height: 1, ..inner };
            frame.render_widget(
                ratatui::widgets::Paragraph::new(self.empty_message).style(theme.muted()),
                message_area,
            );
        }
    }
}
