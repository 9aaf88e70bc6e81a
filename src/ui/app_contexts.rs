//! Which key contexts are active: the keymap resolves keys against these, most
//! specific first, and the footer and help overlay describe them.

use super::app::App;
use super::app_state::Popup;
use super::keymap::Context;
use super::tabs::Tab;
use crate::model::present::{Blocking, SchemaView};

impl App {
    /// Active key contexts, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        // The jump prompt and typing a filter win over everything: an alert popup
        // waits, shown, until they end.
        if self.jump.is_some() {
            return vec![Context::Jump];
        }
        if self.time.input.is_some() {
            return vec![Context::TimeInput];
        }
        if self.filter_editing {
            return vec![Context::Filter];
        }
        let mut contexts = match &self.popups.open {
            Some(Popup::Help { .. }) => vec![Context::Help, Context::Global],
            Some(Popup::Session { .. }) => {
                vec![Context::SessionDetail, Context::Plannable, Context::Detail, Context::Global]
            }
            Some(Popup::Query { .. }) => vec![Context::Plannable, Context::Detail, Context::Global],
            Some(Popup::Plan { .. }) => vec![Context::PlanView, Context::Global],
            Some(Popup::SlowEntry { .. } | Popup::HealthCheck { .. }) => {
                vec![Context::Detail, Context::Global]
            }
            Some(Popup::Alert { .. }) => vec![Context::AlertDetail, Context::Detail, Context::Global],
            None if !self.popups.alerts.is_empty() => {
                let mut c = vec![Context::AlertPopup];
                c.extend(self.view_contexts());
                c
            }
            None => self.view_contexts(),
        };
        // Paused, ←/→ move in time on every tab (the Schema tree keeps h/l), ahead of the
        // tab's keys; a popup's own keys still come first.
        if self.time.paused() {
            let at = match self.popups.open {
                Some(_) => contexts.len().saturating_sub(1),
                None => usize::from(contexts.first() == Some(&Context::AlertPopup)),
            };
            contexts.insert(at, Context::HistoryView);
        }
        contexts
    }

    /// Contexts of the current tab, ignoring popups and the filter input.
    pub fn view_contexts(&self) -> Vec<Context> {
        let mut contexts = Vec::with_capacity(5);
        let presentation = self.presentation();
        if self.tab == Tab::Activity {
            contexts.push(match presentation.blocking {
                Blocking::Tree => Context::Activity,
                Blocking::Waiting { .. } => Context::ActivityWithoutTree,
            });
        }
        // Only where there is something to show or hide: Logstag's own statements.
        if self.tab == Tab::Queries && self.views.queries.own_count > 0 {
            contexts.push(Context::Statements);
        }
        if self.tab == Tab::Queries && presentation.slow_log {
            contexts.push(Context::SlowLog);
        }
        if self.tab == Tab::Queries && !self.views.slow_log.slowlog_mode {
            contexts.push(Context::Compare);
        }
        if self.tab == Tab::Schema {
            contexts.push(match presentation.schema_view {
                SchemaView::Keyspace => Context::Keyspace,
                SchemaView::Tree => Context::Schema,
            });
        }
        if self.tab == Tab::Alerts {
            contexts.push(Context::Alerts);
        }
        if self.tab == Tab::Health {
            contexts.push(Context::Health);
        }
        if self.tab == Tab::Overview {
            contexts.push(Context::Overview);
        }
        // Compared rows are sums over two windows: no filter, sort, detail or copy of one
        // interval's statement applies to them.
        let comparing = self.tab == Tab::Queries && self.views.compare.is_some();
        if self.tab.has_table() && !comparing {
            contexts.push(Context::Table);
        }
        if self.tab.has_list() {
            contexts.push(Context::List);
        }
        contexts.push(Context::Global);
        contexts
    }
}
