//! Copying to the clipboard: the query under the cursor, or the statement that would
//! cancel or terminate its session (the engine's `EngineSpec::cancel`/`terminate`; never
//! run by Logstag).

use super::action::{Action, Effect};
use super::app::App;
use super::app_state::Popup;
use super::tabs::Tab;
use crate::model::{QueryStat, Session};

impl App {
    /// The session of the open popup, else the selected row.
    pub fn focused_session(&self) -> Option<&Session> {
        match &self.popups.open {
            Some(Popup::Session { id, .. }) => self.sessions().iter().find(|s| s.id == *id),
            _ => self.views.activity.selected_session(self.sessions()),
        }
    }

    pub fn focused_query(&self) -> Option<&QueryStat> {
        match &self.popups.open {
            Some(Popup::Query { id, .. }) => self.query_stats().iter().find(|q| &q.id == id),
            _ => self.views.queries.selected(self.query_stats()),
        }
    }

    pub(super) fn copy(&mut self, action: Action, effects: &mut Vec<Effect>) {
        let text = match (self.tab, action) {
            _ if matches!(self.popups.open, Some(Popup::Plan { .. })) => self.plan_text(),
            (Tab::Queries, Action::Copy) if self.views.slow_log.slowlog_mode => self.slow_entry_text(),
            (Tab::Queries, Action::Copy) => self.focused_query().map(|q| q.text.clone()),
            (Tab::Activity, Action::Copy) => self.focused_session().map(|s| s.query.clone()),
            (Tab::Activity, Action::CopyCancel) => {
                let cancel = self.current().map(|t| t.engine.cancel);
                self.focused_session().zip(cancel).map(|(s, cancel)| cancel(s))
            }
            (Tab::Activity, Action::CopyTerminate) => {
                let terminate = self.current().map(|t| t.engine.terminate);
                self.focused_session().zip(terminate).map(|(s, terminate)| terminate(s))
            }
            _ => None,
        };
        match text.filter(|t| !t.is_empty()) {
            Some(text) => {
                self.notice =
                    Some(format!("copied {} characters to the clipboard (OSC 52)", text.chars().count()));
                effects.push(Effect::Copy(text));
            }
            None => self.notice = Some("nothing to copy here".into()),
        }
    }
}
