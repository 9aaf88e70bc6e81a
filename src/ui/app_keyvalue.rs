//! The Redis/Valkey part of the state machine: which views a key-value target gets, the
//! slow-log list of the Queries tab and the big-keys list of the Schema tab.

use super::app::{App, Popup};
use super::views::activity::STATE_COLUMN;
use super::views::keyvalue::command_line;
use super::views::{ListState, Sort};
use crate::model::SlowEntry;

impl App {
    /// Switches the tables' columns to the current target's kind; the sort goes back to its
    /// default when the kind changes, since column numbers mean other things.
    pub(super) fn set_key_value(&mut self, key_value: bool) {
        if self.activity.key_value != key_value {
            self.activity.key_value = key_value;
            self.activity.sort = Sort { column: STATE_COLUMN, descending: false };
            self.activity.blocking = false;
        }
        if self.queries.key_value != key_value {
            self.queries.key_value = key_value;
            self.queries.sort = Sort { column: 0, descending: true };
            self.key_value.slowlog_mode = false;
        }
    }

    /// Whether the target on screen is Redis or Valkey.
    pub fn is_key_value(&self) -> bool {
        self.current().is_some_and(|t| t.is_key_value())
    }

    pub fn slow_entries(&self) -> impl Iterator<Item = &SlowEntry> + Clone {
        self.current().into_iter().flat_map(|t| t.slowlog.iter())
    }

    pub(super) fn refresh_slowlog(&mut self) {
        let Some(target) = self.dashboard.targets.get(self.target) else {
            self.key_value.refresh_slowlog(std::iter::empty(), "");
            return;
        };
        self.key_value.refresh_slowlog(target.slowlog.iter(), &self.queries.filter);
    }

    /// The entry of the open popup, else the selected row.
    pub fn focused_slow_entry(&self) -> Option<&SlowEntry> {
        match &self.popup {
            Some(Popup::SlowEntry { id, .. }) => self.slow_entries().find(|e| e.id == *id),
            _ => {
                let index = *self.key_value.slowlog_rows.get(self.key_value.slowlog_list.selected)?;
                self.slow_entries().nth(index)
            }
        }
    }

    pub(super) fn toggle_slowlog(&mut self) {
        if self.is_key_value() {
            self.key_value.slowlog_mode = !self.key_value.slowlog_mode;
            self.key_value.slowlog_list.selected = 0;
        }
    }

    pub(super) fn open_slow_entry(&mut self) {
        if let Some(id) = self.focused_slow_entry().map(|e| e.id) {
            self.popup = Some(Popup::SlowEntry { id, scroll: 0 });
        }
    }

    /// The command line of the focused slow-log entry, for the clipboard.
    pub(super) fn slow_entry_text(&self) -> Option<String> {
        self.focused_slow_entry().map(command_line)
    }

    /// The list the movement keys act on in the key-value views, if one is shown.
    pub(super) fn key_value_list(&mut self) -> Option<(&mut ListState, usize)> {
        let big_keys = self.current().and_then(|t| t.keyspace.as_ref()).map_or(0, |(_, k)| k.big_keys.len());
        match self.tab {
            super::tabs::Tab::Queries if self.key_value.slowlog_mode => {
                let len = self.key_value.slowlog_rows.len();
                Some((&mut self.key_value.slowlog_list, len))
            }
            super::tabs::Tab::Schema if self.is_key_value() => {
                Some((&mut self.key_value.big_keys_list, big_keys))
            }
            _ => None,
        }
    }
}
