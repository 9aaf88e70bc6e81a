//! View state of the Redis/Valkey-only lists: slow-log entries (Queries tab, `s`) and
//! the big keys of the keyspace (Schema tab).

use super::{ListState, matches};
use crate::model::SlowEntry;

#[derive(Debug, Clone, Default)]
pub struct KeyValueView {
    /// The Queries tab shows slow-log entries instead of per-command statistics.
    pub slowlog_mode: bool,
    pub slowlog_list: ListState,
    /// Indices into the target's slow log (newest first) that pass the filter.
    pub slowlog_rows: Vec<usize>,
    pub big_keys_list: ListState,
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

impl KeyValueView {
    /// Rebuilds the slow-log rows for `filter`; keeps the selected entry selected.
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
        let mut view = KeyValueView::default();
        view.refresh_slowlog(log.iter(), "");
        assert_eq!(view.slowlog_rows, [0, 1, 2]);
        view.slowlog_list.selected = 2;
        view.refresh_slowlog(log.iter(), "user:");
        assert_eq!(view.slowlog_rows, [0, 2]);
        assert_eq!(view.slowlog_list.selected, 1, "still on entry 7");
        assert_eq!(command_line(&log[0]), "KEYS user:*");
    }
}
