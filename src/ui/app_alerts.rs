//! The App's alert behaviour: notification popups, ack and mute, and the history view
//! that `J` opens at the moment an alert fired.

use super::action::{Action, Effect};
use super::alerts::{AlertKey, key_of};
use super::app::App;
use super::app_state::Popup;
use super::dashboard::Dashboard;
use super::history::SNAPSHOT_KINDS;
use super::tabs::Tab;
use crate::model::{
    ActivitySnapshot, AlertEvent, QueryStatsSnapshot, Sample, SampleBody, TargetId, Timestamp,
};
use std::sync::Arc;

/// Unread notifications (one per rule) beyond this are dropped oldest first: the Alerts
/// tab lists them all.
pub const POPUP_QUEUE_CAP: usize = 50;

pub type ActivityData = (Timestamp, Arc<ActivitySnapshot>);
pub type QueriesData = (Timestamp, QueryStatsSnapshot);

/// The sessions and statements of a past moment, from the store's snapshots at `at`.
/// Everything else (status, charts) stays live.
#[derive(Debug, Clone)]
pub struct HistoryView {
    pub target: TargetId,
    pub at: Timestamp,
    pub activity: Option<ActivityData>,
    pub queries: Option<QueriesData>,
    /// Snapshot kinds not answered yet.
    pub pending: Vec<&'static str>,
    /// Bumped on every answer, so the views re-sort.
    pub version: u64,
}

impl HistoryView {
    pub fn loading(&self, kind: &str) -> bool {
        self.pending.contains(&kind)
    }
}

/// The rows on screen: the history view's when one is open (it is always of `target`),
/// else the live ones. A free function so callers can borrow other fields meanwhile.
pub fn rows_of<'a>(
    dashboard: &'a Dashboard,
    history: Option<&'a HistoryView>,
    target: usize,
) -> (Option<Shown<'a, ActivitySnapshot>>, Option<Shown<'a, QueryStatsSnapshot>>) {
    match history {
        Some(h) => {
            (h.activity.as_ref().map(|(at, a)| (*at, a.as_ref())), h.queries.as_ref().map(|(at, q)| (*at, q)))
        }
        None => dashboard.targets.get(target).map_or((None, None), |t| (t.activity(), t.queries())),
    }
}

/// How many notifications the popup queue makes: one per rule, whatever the targets.
pub fn distinct_rules<'a>(events: impl Iterator<Item = &'a AlertEvent>) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for e in events {
        if !seen.contains(&e.rule.as_str()) {
            seen.push(&e.rule);
        }
    }
    seen.len()
}

/// A body on screen and when it was taken.
pub type Shown<'a, T> = (Timestamp, &'a T);

impl App {
    pub(super) fn alerts_arrived(&mut self, events: Vec<AlertEvent>) {
        let popups = self.dashboard.alerts.apply(events);
        if !popups.is_empty() {
            self.popups.bell_pending = true;
        }
        self.popups.alerts.extend(popups);
        while distinct_rules(self.popups.alerts.iter()) > POPUP_QUEUE_CAP {
            if let Some(oldest) = self.popups.alerts.pop_front() {
                self.popups.alerts.retain(|e| e.rule != oldest.rule);
            }
        }
        self.views.alerts_list.clamp(self.dashboard.alerts.active.len());
    }

    /// Whether the bell should ring for popups that arrived since the last call.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.popups.bell_pending)
    }

    /// The alert under the cursor of the Alerts tab.
    pub fn selected_alert(&self) -> Option<AlertKey> {
        let sorted = self.dashboard.alerts.sorted();
        sorted.get(self.views.alerts_list.selected).map(|a| key_of(&a.event))
    }

    /// The alert of the open detail popup, else the selected row.
    fn focused_alert(&self) -> Option<AlertKey> {
        match &self.popups.open {
            Some(Popup::Alert { key, .. }) => Some(key.clone()),
            _ => self.selected_alert(),
        }
    }

    pub(super) fn alert_action(&mut self, action: Action) {
        match action {
            Action::DismissAlertPopup => {
                // One Esc per rule: a fleet where 40 targets went down at once shows one
                // notification for them, and dismissing it dismisses all of them.
                if let Some(front) = self.popups.alerts.pop_front() {
                    self.popups.alerts.retain(|e| e.rule != front.rule);
                }
            }
            Action::BackToLive if self.time.history.take().is_some() => self.invalidate(),
            Action::AckAlert => {
                if let Some(key) = self.selected_alert() {
                    self.dashboard.alerts.toggle_ack(&key);
                }
            }
            Action::MuteAlert => {
                let Some((target, rule, _)) = self.selected_alert() else { return };
                let muted = self.dashboard.alerts.toggle_mute(&target, &rule);
                if muted {
                    self.popups.alerts.retain(|e| !(e.target == target && e.rule == rule));
                }
                let state = if muted { "muted" } else { "unmuted" };
                self.notice = Some(format!("{rule} {state} for {target} (this screen only)"));
            }
            _ => {}
        }
    }

    /// Switches to the history view at the moment the focused alert's event happened.
    pub(super) fn jump_to_alert(&mut self) -> Vec<Effect> {
        let Some(key) = self.focused_alert() else {
            self.notice = Some("no alert selected".into());
            return Vec::new();
        };
        let Some(event) = self.dashboard.alerts.active.get(&key).map(|a| a.event.clone()) else {
            self.notice = Some("that alert is no longer active".into());
            return Vec::new();
        };
        let Some(index) = self.dashboard.targets.iter().position(|t| t.info.id == event.target) else {
            self.notice = Some(format!("unknown target {}", event.target));
            return Vec::new();
        };
        self.select_target(index);
        // Empty until the snapshots answer: live rows must never pass for the past ones.
        self.time.history = Some(HistoryView {
            target: event.target.clone(),
            at: event.at,
            activity: None,
            queries: None,
            pending: SNAPSHOT_KINDS.to_vec(),
            version: 0,
        });
        self.popups.open = None;
        self.tab = Tab::Activity;
        self.views.activity.list.selected = 0;
        self.views.queries.list.selected = 0;
        self.invalidate();
        vec![Effect::LoadSnapshots { target: event.target, at: event.at }]
    }

    pub(super) fn snapshot_arrived(
        &mut self,
        target: &TargetId,
        at: Timestamp,
        kind: &str,
        sample: Option<Sample>,
    ) {
        // An answer for a view the user already left is stale.
        let Some(history) = self.time.history.as_mut().filter(|h| &h.target == target && h.at == at) else {
            return;
        };
        history.pending.retain(|k| *k != kind);
        if let Some(sample) = sample {
            match sample.body {
                SampleBody::Activity(a) => history.activity = Some((sample.taken_at, Arc::new(a))),
                SampleBody::Queries(q) => history.queries = Some((sample.taken_at, q)),
                _ => {}
            }
        }
        history.version = history.version.wrapping_add(1);
        self.invalidate();
    }
}
