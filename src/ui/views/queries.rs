//! Queries view state: statements of the latest interval, sorted and filtered once
//! per data change.

use super::{ListState, Sort, matches};
use crate::model::QueryStat;
use crate::model::present::{Column, Presentation};

#[derive(Debug, Clone)]
pub struct QueriesView {
    pub list: ListState,
    pub sort: Sort,
    pub filter: String,
    pub rows: Vec<usize>,
    /// The current target's columns.
    pub columns: &'static [Column<QueryStat>],
    /// Logstag's own monitoring statements are listed too (hidden by default).
    pub show_own: bool,
    /// How many of the interval's statements are Logstag's own (hidden unless `show_own`).
    pub own_count: usize,
}

impl Default for QueriesView {
    fn default() -> Self {
        Self {
            list: ListState::default(),
            sort: Sort { column: 0, descending: true },
            filter: String::new(),
            rows: Vec::new(),
            columns: &[],
            show_own: false,
            own_count: 0,
        }
    }
}

impl QueriesView {
    /// Switches to a target's presentation; the sort goes back to its default (the
    /// first column, largest first) when the columns change.
    pub fn present(&mut self, presentation: &'static Presentation) -> bool {
        let changed = !std::ptr::eq(self.columns, presentation.query_columns);
        if changed {
            self.columns = presentation.query_columns;
            self.sort = Sort { column: 0, descending: true };
        }
        changed
    }

    pub fn refresh(&mut self, stats: &[QueryStat]) {
        let selected_id = self.selected(stats).map(|q| q.id.clone());
        let needle = self.filter.to_lowercase();
        let visible = |q: &QueryStat| self.show_own || !q.is_own();
        self.own_count = stats.iter().filter(|q| q.is_own()).count();
        let mut rows: Vec<usize> = (0..stats.len())
            .filter(|&i| visible(&stats[i]))
            .filter(|&i| matches(&needle, &[&stats[i].text, &stats[i].database, &stats[i].user]))
            .collect();
        let Sort { column, descending } = self.sort;
        let compare = self.columns.get(column).or(self.columns.last()).map(|c| c.cmp);
        rows.sort_by(|&x, &y| {
            let order = compare.map_or(std::cmp::Ordering::Equal, |cmp| cmp(&stats[x], &stats[y]));
            let order = if descending { order.reverse() } else { order };
            order.then_with(|| stats[x].id.cmp(&stats[y].id))
        });
        self.rows = rows;
        if let Some(id) = selected_id
            && let Some(pos) = self.rows.iter().position(|&i| stats.get(i).is_some_and(|q| q.id == id))
        {
            self.list.selected = pos;
        }
        self.list.clamp(self.rows.len());
    }

    pub fn selected<'a>(&self, stats: &'a [QueryStat]) -> Option<&'a QueryStat> {
        stats.get(*self.rows.get(self.list.selected)?)
    }
}
