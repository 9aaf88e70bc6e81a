//! The UI's alert read model: active alerts per (target, rule, key), recently resolved
//! ones, and the local-only marks (acknowledged, muted). Nothing here reaches a server
//! or the alert engine: ack and mute only change what this screen shows.

use crate::model::{AlertEvent, AlertEventKind, Severity, TargetId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Resolved alerts kept for the history section (the store has the rest).
pub const RECENT_CAP: usize = 200;

/// What the alert engine knows about its rules, filled by the caller of `ui::run`, so
/// the UI does not depend on the engine's own types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertCatalogInfo {
    pub rules: Vec<RuleInfo>,
    /// One line per template that failed to load, "file:line: problem".
    pub invalid_templates: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInfo {
    /// Stable rule code, as in `AlertEvent::rule`.
    pub code: String,
    pub name: String,
    pub description: String,
    pub impact: String,
    pub causes: Vec<String>,
    pub actions: Vec<String>,
}

/// (target, rule, key): one alert instance.
pub type AlertKey = (TargetId, String, String);

pub fn key_of(e: &AlertEvent) -> AlertKey {
    (e.target.clone(), e.rule.clone(), e.key.clone())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActiveAlert {
    /// The latest Fired / SeverityChanged event of this alert.
    pub event: AlertEvent,
    pub acked: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AlertBook {
    pub active: BTreeMap<AlertKey, ActiveAlert>,
    /// Resolved while this UI ran, newest first.
    pub resolved: VecDeque<AlertEvent>,
    /// Resolved events read from the store at start, newest first.
    pub stored: Vec<AlertEvent>,
    /// (target, rule) muted locally.
    pub muted: BTreeSet<(TargetId, String)>,
    pub catalog: AlertCatalogInfo,
}

impl AlertBook {
    /// Applies engine events in order; returns those that deserve a popup: newly fired,
    /// or escalated to High or Critical, and not muted.
    pub fn apply(&mut self, events: Vec<AlertEvent>) -> Vec<AlertEvent> {
        let mut popups = Vec::new();
        for event in events {
            let key = key_of(&event);
            let muted = self.is_muted(&event.target, &event.rule);
            match event.kind {
                AlertEventKind::Fired => {
                    if !muted {
                        popups.push(event.clone());
                    }
                    self.active.insert(key, ActiveAlert { event, acked: false });
                }
                AlertEventKind::SeverityChanged => {
                    let before = self.active.get(&key).map(|a| a.event.severity);
                    let escalated =
                        event.severity <= Severity::High && before.is_none_or(|b| event.severity < b);
                    if escalated && !muted {
                        popups.push(event.clone());
                    }
                    let acked = self.active.get(&key).is_some_and(|a| a.acked) && !escalated;
                    self.active.insert(key, ActiveAlert { event, acked });
                }
                AlertEventKind::Resolved => {
                    self.active.remove(&key);
                    self.resolved.push_front(event);
                    self.resolved.truncate(RECENT_CAP);
                }
            }
        }
        popups
    }

    /// Refreshes value, last seen and count of listed alerts from the engine's active
    /// list. Lifecycle changes arrive as events; alerts not listed yet are left to them.
    pub fn refresh(&mut self, active: Vec<AlertEvent>) {
        for current in active {
            if let Some(listed) = self.active.get_mut(&key_of(&current)) {
                listed.event.value = current.value;
                listed.event.last_seen = current.last_seen;
                listed.event.count = current.count;
            }
        }
    }

    /// Store history: only resolutions, which the live list has not seen already.
    pub fn set_stored(&mut self, events: Vec<AlertEvent>) {
        self.stored = events.into_iter().filter(|e| e.kind == AlertEventKind::Resolved).collect();
    }

    pub fn is_muted(&self, target: &TargetId, rule: &str) -> bool {
        self.muted.iter().any(|(t, r)| t == target && r == rule)
    }

    /// Active alerts, worst severity first, then the oldest first.
    pub fn sorted(&self) -> Vec<&ActiveAlert> {
        let mut list: Vec<&ActiveAlert> = self.active.values().collect();
        list.sort_by(|a, b| {
            (a.event.severity, a.event.first_seen, &a.event.target, &a.event.rule, &a.event.key).cmp(&(
                b.event.severity,
                b.event.first_seen,
                &b.event.target,
                &b.event.rule,
                &b.event.key,
            ))
        });
        list
    }

    /// Resolved alerts for the history section, newest first, without duplicates.
    pub fn history(&self) -> Vec<&AlertEvent> {
        let mut out: Vec<&AlertEvent> = self.resolved.iter().collect();
        for e in &self.stored {
            if !out.iter().any(|o| key_of(o) == key_of(e) && o.at == e.at) {
                out.push(e);
            }
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.at));
        out
    }

    /// Active unmuted alerts and the worst severity among them (header count).
    pub fn unmuted_count(&self) -> (usize, Option<Severity>) {
        let live = self.active.values().filter(|a| !self.is_muted(&a.event.target, &a.event.rule));
        live.fold((0, None), |(n, worst), a| {
            (n + 1, Some(worst.map_or(a.event.severity, |w: Severity| w.min(a.event.severity))))
        })
    }

    pub fn rule(&self, code: &str) -> Option<&RuleInfo> {
        self.catalog.rules.iter().find(|r| r.code == code)
    }

    pub fn toggle_ack(&mut self, key: &AlertKey) {
        if let Some(a) = self.active.get_mut(key) {
            a.acked = !a.acked;
        }
    }

    /// Returns whether the rule is muted for the target now.
    pub fn toggle_mute(&mut self, target: &TargetId, rule: &str) -> bool {
        let entry = (target.clone(), rule.to_owned());
        if self.muted.remove(&entry) {
            false
        } else {
            self.muted.insert(entry);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlertCategory, Timestamp};

    fn ev(rule: &str, kind: AlertEventKind, severity: Severity, at: i64) -> AlertEvent {
        AlertEvent {
            rule: rule.into(),
            name: rule.into(),
            target: TargetId("t".into()),
            key: String::new(),
            kind,
            severity,
            category: AlertCategory::Performance,
            value: 1.0,
            threshold: 1.0,
            message: String::new(),
            first_seen: Timestamp(at),
            last_seen: Timestamp(at),
            count: 1,
            at: Timestamp(at),
        }
    }

    #[test]
    fn refresh_updates_listed_alerts_without_popups_or_new_rows() {
        let mut book = AlertBook::default();
        book.apply(vec![ev("r", AlertEventKind::Fired, Severity::Medium, 10)]);
        let mut now = ev("r", AlertEventKind::Fired, Severity::Medium, 10);
        (now.value, now.last_seen, now.count) = (42.0, Timestamp(70), 7);
        let unknown = ev("other", AlertEventKind::Fired, Severity::High, 70);
        book.refresh(vec![now, unknown]);
        assert_eq!(book.active.len(), 1, "unknown alerts wait for their Fired event");
        let listed = book.active.values().next().unwrap();
        assert_eq!((listed.event.value, listed.event.last_seen.0, listed.event.count), (42.0, 70, 7));
        assert_eq!(listed.event.first_seen.0, 10);
    }

    #[test]
    fn resolved_history_is_capped_and_deduplicated_against_the_store() {
        let mut book = AlertBook::default();
        for i in 0..(RECENT_CAP as i64 + 5) {
            book.apply(vec![
                ev("r", AlertEventKind::Fired, Severity::Low, i),
                ev("r", AlertEventKind::Resolved, Severity::Low, i),
            ]);
        }
        assert_eq!(book.resolved.len(), RECENT_CAP);
        assert!(book.active.is_empty());
        let newest = RECENT_CAP as i64 + 4;
        book.set_stored(vec![
            ev("r", AlertEventKind::Resolved, Severity::Low, newest),
            ev("r", AlertEventKind::Fired, Severity::Low, newest),
            ev("old", AlertEventKind::Resolved, Severity::Low, -1),
        ]);
        let history = book.history();
        assert_eq!(history.len(), RECENT_CAP + 1, "the duplicate and the Fired row are left out");
        assert_eq!(history.first().map(|e| e.at.0), Some(newest));
        assert_eq!(history.last().map(|e| e.rule.as_str()), Some("old"));
    }

    #[test]
    fn acknowledgement_survives_a_downgrade_but_not_an_escalation() {
        let mut book = AlertBook::default();
        book.apply(vec![ev("r", AlertEventKind::Fired, Severity::Medium, 1)]);
        let key = (TargetId("t".into()), "r".to_owned(), String::new());
        book.toggle_ack(&key);
        book.apply(vec![ev("r", AlertEventKind::SeverityChanged, Severity::Low, 2)]);
        assert!(book.active[&key].acked);
        let popups = book.apply(vec![ev("r", AlertEventKind::SeverityChanged, Severity::Critical, 3)]);
        assert_eq!(popups.len(), 1);
        assert!(!book.active[&key].acked, "a worse alert needs a new look");
    }
}
