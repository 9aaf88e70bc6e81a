//! The Schema tab's part of the state machine: keeping its tree in step with the
//! dashboard, and its keys.

use super::action::{Action, Effect};
use super::app::App;

impl App {
    /// Cheap when nothing changed: the view compares versions before rebuilding.
    pub(super) fn refresh_schema(&mut self) {
        let target = self.target;
        let Some(view) = self.dashboard.targets.get(target) else {
            self.views.schema.refresh(None, &[], 0, target, "");
            return;
        };
        let snapshot = view.schema().map(|(at, s)| (at, s.as_ref()));
        // The dashboard keeps the deque contiguous, so the first slice holds every change.
        let (changes, _) = view.schema_changes.as_slices();
        self.views.schema.refresh(snapshot, changes, view.schema_version, target, &view.info.id.0);
    }

    pub(super) fn schema_action(&mut self, action: Action) {
        match action {
            Action::Expand if !self.views.schema.changes_mode => self.views.schema.expand(),
            Action::Collapse if !self.views.schema.changes_mode => self.views.schema.collapse(),
            Action::ToggleSchemaSort => {
                self.views.schema.by_name = !self.views.schema.by_name;
                self.views.schema.mark_dirty();
            }
            Action::ToggleSchemaChanges => {
                self.views.schema.changes_mode = !self.views.schema.changes_mode;
                self.views.schema.detail_full = false;
            }
            _ => {}
        }
        self.refresh_schema();
    }

    /// The schema tier of the current target, now; the notice says it was asked for.
    pub(super) fn refresh_schema_now(&mut self) -> Option<Effect> {
        let id = self.current()?.info.id.clone();
        self.notice = Some(format!("schema refresh requested for {id}: results after the round"));
        Some(Effect::RefreshSchema(id))
    }
}
