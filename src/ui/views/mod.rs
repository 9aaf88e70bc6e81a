//! View state of the lists (selection, scroll, sort, filter) and their cached row
//! order. Rows are re-sorted only when data, sort or filter change, never per frame.

pub mod activity;
pub mod keyvalue;
pub mod queries;
pub mod schema;
pub mod schema_table;
pub mod schema_tree;

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

impl Sort {
    pub fn step(&mut self, columns: &[ColumnSpec], forward: bool) {
        let n = columns.len().max(1);
        self.column = if forward { (self.column + 1) % n } else { (self.column + n - 1) % n };
        self.descending = columns.get(self.column).is_some_and(|c| c.descending);
    }
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
