//! View state of the slow-log list: the Queries tab's second list (`s`) on engines whose
//! presentation has a slow log.

use super::{ColumnSpec, ListState, Sort, matches};
use crate::model::SlowEntry;
use ratatui::layout::Constraint::Length;

/// The slow log's sortable columns (`<` `>` `I`); command and client follow unsorted.
pub const SLOWLOG_COLUMNS: [ColumnSpec; 2] = [
    ColumnSpec { title: "Time", width: Length(8), descending: true },
    ColumnSpec { title: "Duration", width: Length(9), descending: true },
];
pub const SLOWLOG_TIME: usize = 0;
pub const SLOWLOG_DURATION: usize = 1;

#[derive(Debug, Clone)]
pub struct SlowLogView {
    /// The Queries tab shows slow-log entries instead of per-command statistics.
    pub slowlog_mode: bool,
    pub slowlog_list: ListState,
    /// Newest first unless the user sorts otherwise.
    pub slowlog_sort: Sort,
    /// Indices into the target's slow log (newest first) that pass the filter, in sort order.
    pub slowlog_rows: Vec<usize>,
}

impl Default for SlowLogView {
    fn default() -> Self {
        Self {
            slowlog_mode: false,
            slowlog_list: ListState::default(),
            slowlog_sort: Sort { column: SLOWLOG_TIME, descending: true },
            slowlog_rows: Vec::new(),
        }
    }
}

/// "newest first", "slowest first"…: the order in words, for the summary line.
pub fn slowlog_order(sort: Sort) -> &'static str {
    match (sort.column, sort.descending) {
        (SLOWLOG_DURATION, true) => "slowest first",
        (SLOWLOG_DURATION, false) => "fastest first",
        (_, true) => "newest first",
        (_, false) => "oldest first",
    }
}

/// The command as typed: `GET user:42`, arguments as the server kept them.
pub fn command_line(e: &SlowEntry) -> String {
    let mut line = e.command.clone();
    for arg in &e.args {
        line.push(' ');
        line.push_str(arg);
    }
    line
}

impl SlowLogView {
    /// Rebuilds the slow-log rows for `filter` in sort order; keeps the selected entry selected.
    pub fn refresh_slowlog<'a>(
        &mut self,
        entries: impl Iterator<Item = &'a SlowEntry> + Clone,
        filter: &str,
    ) {
        let selected_id = self
            .slowlog_rows
            .get(self.slowlog_list.selected)
            .and_then(|&i| entries.clone().nth(i))
            .map(|e| e.id);
        let needle = filter.to_lowercase();
        self.slowlog_rows = entries
            .clone()
            .enumerate()
            .filter(|(_, e)| matches(&needle, &[&command_line(e), &e.client, &e.client_name]))
            .map(|(i, _)| i)
            .collect();
        let all: Vec<&SlowEntry> = entries.clone().collect();
        let key = |i: usize| {
            all.get(i).map_or((0, 0), |e| match self.slowlog_sort.column {
                SLOWLOG_DURATION => (e.duration_us, e.id),
                _ => (u64::try_from(e.at_ms).unwrap_or(0), e.id),
            })
        };
        // Stable: equal keys keep the log's newest-first order.
        if self.slowlog_sort.descending {
            self.slowlog_rows.sort_by_key(|&i| std::cmp::Reverse(key(i)));
        } else {
            self.slowlog_rows.sort_by_key(|&i| key(i));
        }
        if let Some(id) = selected_id {
            let position =
                self.slowlog_rows.iter().position(|&i| entries.clone().nth(i).is_some_and(|e| e.id == id));
            if let Some(pos) = position {
                self.slowlog_list.selected = pos;
            }
        }
        self.slowlog_list.clamp(self.slowlog_rows.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, command: &str, args: &[&str]) -> SlowEntry {
        SlowEntry {
            id,
            at_ms: 0,
            duration_us: 10,
            command: command.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            client: "10.0.0.1:5000".into(),
            client_name: "worker".into(),
        }
    }

    #[test]
    fn filter_matches_arguments_and_selection_follows_the_entry() {
        let log = [entry(9, "KEYS", &["user:*"]), entry(8, "GET", &["a"]), entry(7, "HGETALL", &["user:1"])];
        let mut view = SlowLogView::default();
        view.refresh_slowlog(log.iter(), "");
        assert_eq!(view.slowlog_rows, [0, 1, 2]);
        view.slowlog_list.selected = 2;
        view.refresh_slowlog(log.iter(), "user:");
        assert_eq!(view.slowlog_rows, [0, 2]);
        assert_eq!(view.slowlog_list.selected, 1, "still on entry 7");
        assert_eq!(command_line(&log[0]), "KEYS user:*");
    }

    #[test]
    fn sorts_by_time_or_duration_and_keeps_the_selection() {
        let mut log = [entry(9, "KEYS", &[]), entry(8, "GET", &[]), entry(7, "HGETALL", &[])];
        for (e, (at_ms, duration_us)) in log.iter_mut().zip([(3_000, 50), (2_000, 900), (1_000, 10)]) {
            (e.at_ms, e.duration_us) = (at_ms, duration_us);
        }
        let mut view = SlowLogView::default();
        view.refresh_slowlog(log.iter(), "");
        assert_eq!(view.slowlog_rows, [0, 1, 2], "newest first by default");
        assert_eq!(slowlog_order(view.slowlog_sort), "newest first");
        view.slowlog_sort.step(&SLOWLOG_COLUMNS, true);
        view.refresh_slowlog(log.iter(), "");
        assert_eq!(view.slowlog_rows, [1, 0, 2], "slowest first");
        assert_eq!(slowlog_order(view.slowlog_sort), "slowest first");
        view.slowlog_list.selected = 2;
        view.slowlog_sort.descending = false;
        view.refresh_slowlog(log.iter(), "");
        assert_eq!(view.slowlog_rows, [2, 0, 1], "fastest first");
        assert_eq!(view.slowlog_list.selected, 0, "still on entry 7");
    }
}
