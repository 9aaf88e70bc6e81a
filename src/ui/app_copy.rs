//! Copying to the clipboard: the query under the cursor, or the statement that would
//! cancel or terminate its session (never run by Logstag).

use super::action::{Action, Effect};
use super::app::{App, Popup};
use super::tabs::Tab;
use crate::model::{QueryStat, Session};

impl App {
    /// The session of the open popup, else the selected row.
    pub fn focused_session(&self) -> Option<&Session> {
        match &self.popup {
            Some(Popup::Session { id, .. }) => self.sessions().iter().find(|s| s.id == *id),
            _ => self.activity.selected_session(self.sessions()),
        }
    }

    pub fn focused_query(&self) -> Option<&QueryStat> {
        match &self.popup {
            Some(Popup::Query { id, .. }) => self.query_stats().iter().find(|q| &q.id == id),
            _ => self.queries.selected(self.query_stats()),
        }
    }

    pub(super) fn copy(&mut self, action: Action, effects: &mut Vec<Effect>) {
        let text = match (self.tab, action) {
            (Tab::Queries, Action::Copy) if self.key_value.slowlog_mode => self.slow_entry_text(),
            (Tab::Queries, Action::Copy) => self.focused_query().map(|q| q.text.clone()),
            (Tab::Activity, Action::Copy) => self.focused_session().map(|s| s.query.clone()),
            (Tab::Activity, Action::CopyCancel) => {
                self.focused_session().map(|s| cancel_statement(self.activity.key_value, s.id))
            }
            (Tab::Activity, Action::CopyTerminate) => {
                self.focused_session().map(|s| terminate_statement(self.activity.key_value, s.id))
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

/// Logstag never runs these: the DBA copies them and decides. On Redis/Valkey, cancelling
/// means unblocking a client stuck in BLPOP & co. (it gets a timeout reply).
pub fn cancel_statement(key_value: bool, id: i64) -> String {
    if key_value { format!("CLIENT UNBLOCK {id}") } else { format!("SELECT pg_cancel_backend({id});") }
}

pub fn terminate_statement(key_value: bool, id: i64) -> String {
    if key_value { format!("CLIENT KILL ID {id}") } else { format!("SELECT pg_terminate_backend({id});") }
}
