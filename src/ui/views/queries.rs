//! Queries view state: statements of the latest interval, sorted and filtered once
//! per data change.

use super::{ColumnSpec, ListState, Sort, matches};
use crate::model::{CounterGuide, PLAIN_COUNTERS, QueryStat};
use ratatui::layout::Constraint::{Fill, Length};
use std::cmp::Ordering;

pub const COLUMNS: [ColumnSpec; 9] = [
    ColumnSpec { title: "Total", width: Length(8), descending: true },
    ColumnSpec { title: "Calls", width: Length(7), descending: true },
    ColumnSpec { title: "Mean", width: Length(8), descending: true },
    ColumnSpec { title: "Rows", width: Length(7), descending: true },
    ColumnSpec { title: "Blks read", width: Length(9), descending: true },
    ColumnSpec { title: "Hit %", width: Length(6), descending: false },
    ColumnSpec { title: "DB", width: Length(8), descending: false },
    ColumnSpec { title: "User", width: Length(8), descending: false },
    ColumnSpec { title: "Query", width: Fill(1), descending: false },
];

/// Redis/Valkey per-command statistics (INFO commandstats): no rows, blocks or users.
pub const KEY_VALUE_COLUMNS: [ColumnSpec; 4] = [
    ColumnSpec { title: "Total", width: Length(8), descending: true },
    ColumnSpec { title: "Calls", width: Length(7), descending: true },
    ColumnSpec { title: "Mean", width: Length(8), descending: true },
    ColumnSpec { title: "Command", width: Fill(1), descending: false },
];

fn compare(a: &QueryStat, b: &QueryStat, column: usize, guide: &CounterGuide) -> Ordering {
    let float = |x: f64, y: f64| x.total_cmp(&y);
    let hit = |q: &QueryStat| guide.hit_pct(&q.counters).map(f64::to_bits);
    match column {
        0 => float(a.total_time_ms, b.total_time_ms),
        1 => a.calls.cmp(&b.calls),
        2 => float(a.mean_time_ms, b.mean_time_ms),
        3 => a.rows.cmp(&b.rows),
        4 => float(a.counters.or_zero(guide.io_reads), b.counters.or_zero(guide.io_reads)),
        5 => hit(a).cmp(&hit(b)),
        6 => a.database.cmp(&b.database),
        7 => a.user.cmp(&b.user),
        _ => a.text.cmp(&b.text),
    }
}

#[derive(Debug, Clone)]
pub struct QueriesView {
    pub list: ListState,
    pub sort: Sort,
    pub filter: String,
    pub rows: Vec<usize>,
    /// The target is Redis/Valkey: per-command columns.
    pub key_value: bool,
    /// How the current target's engine counters read (I/O column, hit ratio).
    pub counters: &'static CounterGuide,
}

impl Default for QueriesView {
    fn default() -> Self {
        Self {
            list: ListState::default(),
            sort: Sort { column: 0, descending: true },
            filter: String::new(),
            rows: Vec::new(),
            key_value: false,
            counters: &PLAIN_COUNTERS,
        }
    }
}

impl QueriesView {
    pub fn columns(&self) -> &'static [ColumnSpec] {
        if self.key_value { &KEY_VALUE_COLUMNS } else { &COLUMNS }
    }

    pub fn refresh(&mut self, stats: &[QueryStat]) {
        let selected_id = self.selected(stats).map(|q| q.id.clone());
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..stats.len())
            .filter(|&i| matches(&needle, &[&stats[i].text, &stats[i].database, &stats[i].user]))
            .collect();
        let Sort { column, descending } = self.sort;
        // The key-value table's last column is the command: compare it as the text.
        let column =
            if self.key_value && column >= KEY_VALUE_COLUMNS.len() - 1 { COLUMNS.len() - 1 } else { column };
        rows.sort_by(|&x, &y| {
            // Positive percentages order like their bit patterns, so `to_bits` above is exact.
            let order = compare(&stats[x], &stats[y], column, self.counters);
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
