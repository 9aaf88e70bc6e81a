use super::{TargetId, Timestamp};
use serde::{Deserialize, Serialize};

/// Alert severities (spec §4.4), most severe first so that `Ord` sorts worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
    BestPractice,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
        Severity::BestPractice,
    ];

    /// The spelling of templates and config files (the serde name).
    pub fn key(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
            Severity::BestPractice => "best_practice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
            Severity::Info => "Info",
            Severity::BestPractice => "Best Practice",
        }
    }
}

/// The health dimension an alert belongs to (spec §4.4), plus availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertCategory {
    Performance,
    Security,
    Configuration,
    Schema,
    Maintenance,
    Availability,
}

/// What happened to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEventKind {
    /// The condition held (for the rule's `for` duration): a new active alert.
    Fired,
    /// Still active, but the severity changed (value crossed another threshold).
    SeverityChanged,
    /// The condition cleared (with hysteresis): the alert auto-resolved.
    Resolved,
}

/// One alert lifecycle event for one (rule, target, key). Re-detection of an active
/// alert does not produce events; it updates `last_seen` and `count`, which the next
/// event (or the engine's active list) carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// Stable rule code, e.g. `pg.idle_in_transaction`.
    pub rule: String,
    /// Display name of the rule, e.g. "Idle in transaction".
    pub name: String,
    pub target: TargetId,
    /// What inside the target the alert is about (a session id, a database, a slot);
    /// empty for target-wide alerts.
    pub key: String,
    pub kind: AlertEventKind,
    pub severity: Severity,
    pub category: AlertCategory,
    /// The observed value that caused the event, and the threshold it crossed.
    pub value: f64,
    pub threshold: f64,
    /// One line for popups and lists, with the value and the threshold in it.
    pub message: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// How many evaluations found the condition true while active.
    pub count: u64,
    /// When this event happened (the `taken_at` of the sample that caused it).
    pub at: Timestamp,
}

#[cfg(test)]
impl AlertEvent {
    /// A fired alert for tests: `{rule} on {target}`, 95 against a threshold of 90, fired
    /// at `at` and last seen a minute later.
    pub fn fired_for_tests(target: &str, rule: &str, severity: Severity, at: Timestamp) -> AlertEvent {
        AlertEvent {
            rule: rule.into(),
            name: rule.into(),
            target: TargetId(target.into()),
            key: String::new(),
            kind: AlertEventKind::Fired,
            severity,
            category: AlertCategory::Performance,
            value: 95.0,
            threshold: 90.0,
            message: format!("{rule} on {target}"),
            first_seen: at,
            last_seen: Timestamp(at.millis() + 60_000),
            count: 1,
            at,
        }
    }
}
