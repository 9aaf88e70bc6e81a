//! The parts of the state machine that follow the current target's presentation: which
//! columns the tables use, the slow-log list of the Queries tab, the big-keys list of the
//! keyspace view.

use super::app::App;
use super::app_state::Popup;
use super::tabs::Tab;
use super::views::ListState;
use super::views::slowlog::command_line;
use crate::model::SlowEntry;
use crate::model::present::{Presentation, SchemaView};

impl App {
    /// Switches the tables to the current target's presentation.
    pub(super) fn set_presentation(&mut self, presentation: &'static Presentation) {
        self.views.activity.present(presentation);
        if self.views.queries.present(presentation) || !presentation.slow_log {
            self.views.slow_log.slowlog_mode = false;
        }
    }

    /// How the target on screen is shown (the first engine's views before any target).
    pub fn presentation(&self) -> &'static Presentation {
        self.current().map_or(crate::collectors::registry::ENGINES[0].present, |t| t.presentation())
    }

    pub fn slow_entries(&self) -> impl Iterator<Item = &SlowEntry> + Clone {
        self.current().into_iter().flat_map(|t| t.slowlog.iter())
    }

    pub(super) fn refresh_slowlog(&mut self) {
        let Some(target) = self.dashboard.targets.get(self.target) else {
            self.views.slow_log.refresh_slowlog(std::iter::empty(), "");
            return;
        };
        self.views.slow_log.refresh_slowlog(target.slowlog.iter(), &self.views.queries.filter);
    }

    /// The entry of the open popup, else the selected row.
    pub fn focused_slow_entry(&self) -> Option<&SlowEntry> {
        match &self.popups.open {
            Some(Popup::SlowEntry { id, .. }) => self.slow_entries().find(|e| e.id == *id),
            _ => {
                let index =
                    *self.views.slow_log.slowlog_rows.get(self.views.slow_log.slowlog_list.selected)?;
                self.slow_entries().nth(index)
            }
        }
    }

    pub(super) fn toggle_slowlog(&mut self) {
        if self.presentation().slow_log {
            self.views.slow_log.slowlog_mode = !self.views.slow_log.slowlog_mode;
            self.views.slow_log.slowlog_list.selected = 0;
        }
    }

    pub(super) fn open_slow_entry(&mut self) {
        if let Some(id) = self.focused_slow_entry().map(|e| e.id) {
            self.popups.open = Some(Popup::SlowEntry { id, scroll: 0 });
        }
    }

    /// The command line of the focused slow-log entry, for the clipboard.
    pub(super) fn slow_entry_text(&self) -> Option<String> {
        self.focused_slow_entry().map(command_line)
    }

    /// The list the movement keys act on in the slow-log and keyspace views, if one is shown.
    pub(super) fn engine_list(&mut self) -> Option<(&mut ListState, usize)> {
        let big_keys = self.current().and_then(|t| t.keyspace()).map_or(0, |(_, k)| k.big_keys.len());
        match self.tab {
            Tab::Queries if self.views.slow_log.slowlog_mode => {
                let len = self.views.slow_log.slowlog_rows.len();
                Some((&mut self.views.slow_log.slowlog_list, len))
            }
            Tab::Schema if self.presentation().schema_view == SchemaView::Keyspace => {
                Some((&mut self.views.schema.big_keys_list, big_keys))
            }
            _ => None,
        }
    }
}
