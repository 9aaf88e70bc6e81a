//! View state of the lists (selection, scroll, sort, filter) and their cached row
//! order. Rows are re-sorted only when data, sort or filter change, never per frame.

pub mod activity;
pub mod overview;
pub mod queries;
pub mod schema;
pub mod schema_table;
pub mod schema_tree;
pub mod slowlog;

use crate::model::present::{Column, Width};
use std::cell::Cell;

/// Selection plus scroll. Render learns the page height and keeps the offset stable,
/// through `Cell`s, so drawing never needs `&mut` on the app.
#[derive(Debug, Default, Clone)]
pub struct ListState {
    pub selected: usize,
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl ListState {
    pub fn move_by(&mut self, delta: isize, len: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn apply(&mut self, action: super::action::Action, len: usize) {
        use super::action::Action as A;
        let page = self.page.get().max(1) as isize;
        match action {
            A::Up => self.move_by(-1, len),
            A::Down => self.move_by(1, len),
            A::PageUp => self.move_by(-page, len),
            A::PageDown => self.move_by(page, len),
            A::HalfPageUp => self.move_by(-(page / 2).max(1), len),
            A::HalfPageDown => self.move_by((page / 2).max(1), len),
            A::Top => self.selected = 0,
            A::Bottom => self.selected = len.saturating_sub(1),
            _ => {}
        }
    }

    /// Scrolls up, if needed, so that `row` is on screen too (a group header above the
    /// selection); the next `window` still keeps the selection visible.
    pub fn reveal(&mut self, row: usize) {
        self.offset.set(self.offset.get().min(row));
    }

    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// The first visible row for a viewport of `height` rows over `len` rows.
    pub fn window(&self, height: usize, len: usize) -> usize {
        self.page.set(height);
        let selected = self.selected.min(len.saturating_sub(1));
        let mut offset = self.offset.get().min(len.saturating_sub(height));
        if selected < offset {
            offset = selected;
        } else if height > 0 && selected >= offset + height {
            offset = selected + 1 - height;
        }
        self.offset.set(offset);
        offset
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// A sortable column: its title, width, and whether large values come first by default.
pub struct ColumnSpec {
    pub title: &'static str,
    pub width: ratatui::layout::Constraint,
    pub descending: bool,
}

/// What sorting and headers need of a column, whoever defined it.
pub trait Sortable {
    fn title(&self) -> &str;
    /// Whether the first sort on this column puts large values first.
    fn descending(&self) -> bool;
}

impl Sortable for ColumnSpec {
    fn title(&self) -> &str {
        self.title
    }
    fn descending(&self) -> bool {
        self.descending
    }
}

impl<T> Sortable for Column<T> {
    fn title(&self) -> &str {
        self.title
    }
    fn descending(&self) -> bool {
        self.descending
    }
}

impl Sort {
    pub fn step(&mut self, columns: &[impl Sortable], forward: bool) {
        let n = columns.len().max(1);
        self.column = if forward { (self.column + 1) % n } else { (self.column + n - 1) % n };
        self.descending = columns.get(self.column).is_some_and(Sortable::descending);
    }
}

/// The columns that fit in `width`, in table order: by priority (lower first), each
/// level in table order, a column taken whenever its minimum width still fits, after
/// the room the `Fill` column needs.
pub fn fitting<T>(columns: &[Column<T>], width: u16) -> Vec<usize> {
    let fill_min = columns
        .iter()
        .find_map(|c| match c.width {
            Width::Fill { min } => Some(min),
            Width::Fit { .. } => None,
        })
        .unwrap_or(0);
    let mut budget = width.saturating_sub(fill_min);
    let mut chosen: Vec<usize> = Vec::new();
    let deepest = columns.iter().map(|c| c.priority).max().unwrap_or(0);
    for level in 0..=deepest {
        for (i, column) in columns.iter().enumerate().filter(|(_, c)| c.priority == level) {
            let need = match column.width {
                Width::Fit { min, .. } => min + 1,
                Width::Fill { .. } => 0,
            };
            if need <= budget {
                budget -= need;
                chosen.push(i);
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Layout widths of the visible columns: each `Fit` column as wide as its widest
/// visible value (title included), within its bounds. `on_screen` is asked for the rows
/// a frame shows only when some column's width depends on them.
pub fn fitted_widths<'a, T: 'a>(
    columns: &[Column<T>],
    visible: &[usize],
    on_screen: impl FnOnce() -> Vec<&'a T>,
) -> Vec<ratatui::layout::Constraint> {
    use ratatui::layout::Constraint::{Fill, Length};
    let grows = visible
        .iter()
        .filter_map(|&i| columns.get(i))
        .any(|c| matches!(c.width, Width::Fit { min, max } if min != max));
    let rows = if grows { on_screen() } else { Vec::new() };
    visible
        .iter()
        .filter_map(|&i| columns.get(i))
        .map(|c| match c.width {
            Width::Fill { .. } => Fill(1),
            Width::Fit { min, max } if min == max => Length(min),
            Width::Fit { min, max } => {
                let widest = rows.iter().map(|r| (c.cell)(r).text.chars().count()).max().unwrap_or(0);
                let widest = u16::try_from(widest.max(c.title.chars().count() + 1)).unwrap_or(max);
                Length(widest.clamp(min, max))
            }
        })
        .collect()
}

/// The items of `rows` (indices into `items`) a bordered table of `height` shows now.
pub fn rows_on_screen<'a, T>(list: &ListState, rows: &[usize], items: &'a [T], height: u16) -> Vec<&'a T> {
    // Borders and the header take three lines, as in `DataTable`.
    let page = usize::from(height.saturating_sub(3));
    let offset = list.window(page, rows.len());
    rows.iter().skip(offset).take(page).filter_map(|&i| items.get(i)).collect()
}

/// Case-insensitive substring match; `needle` is already lower-case.
pub fn matches(needle: &str, haystacks: &[&str]) -> bool {
    needle.is_empty() || haystacks.iter().any(|h| h.to_lowercase().contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_selection_visible_and_in_bounds() {
        let mut list = ListState::default();
        assert_eq!(list.window(10, 0), 0);
        list.selected = 25;
        assert_eq!(list.window(10, 100), 16);
        list.selected = 20;
        assert_eq!(list.window(10, 100), 16);
        list.selected = 3;
        assert_eq!(list.window(10, 100), 3);
        list.apply(super::super::action::Action::PageDown, 100);
        assert_eq!(list.selected, 13);
        list.apply(super::super::action::Action::Bottom, 100);
        assert_eq!(list.selected, 99);
        list.apply(super::super::action::Action::Down, 100);
        assert_eq!(list.selected, 99);
    }
}
