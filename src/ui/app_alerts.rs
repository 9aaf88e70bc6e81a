//! The App's alert behaviour: notification popups, ack and mute, and `J`, which pauses
//! the screen at the moment an alert fired.

use super::action::{Action, Effect};
use super::alerts::{AlertKey, key_of};
use super::app::App;
use super::app_state::Popup;
use super::tabs::Tab;
use crate::model::{AlertEvent, Timestamp};

/// Unread notifications (one per rule) beyond this are dropped oldest first: the Alerts
/// tab lists them all.
pub const POPUP_QUEUE_CAP: usize = 50;

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
        let popups = self.live_board().alerts.apply(events);
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

    /// Pauses the screen at the moment the focused alert's event happened.
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
        self.popups.open = None;
        self.tab = Tab::Activity;
        self.views.activity.list.selected = 0;
        self.views.queries.list.selected = 0;
        self.travel_to(event.at, None).into_iter().collect()
    }
}
