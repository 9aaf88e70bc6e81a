//! A validated alert rule: what to read, when it is bad, and how to explain it.

use crate::collectors::registry;
use crate::model::EngineKind;
use crate::model::{AlertCategory, SessionState, Severity, Tier};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// What part of the system an alert is about (spec §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Instance,
    Database,
    Object,
    Workload,
    Cluster,
}

/// Which side of the thresholds is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Bad when the value is strictly greater than the threshold.
    Above,
    /// Bad when the value is strictly lower than the threshold.
    Below,
}

impl Direction {
    pub fn crosses(self, value: f64, threshold: f64) -> bool {
        match self {
            Direction::Above => value > threshold,
            Direction::Below => value < threshold,
        }
    }

    /// The value went back past `threshold` by at least `margin`.
    pub fn cleared(self, value: f64, threshold: f64, margin: f64) -> bool {
        match self {
            Direction::Above => value <= threshold - margin,
            Direction::Below => value >= threshold + margin,
        }
    }
}

/// Which per-session duration a session rule measures, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionField {
    /// Age of the current query.
    QueryS,
    /// Age of the open transaction.
    XactS,
    /// Time spent in the current state.
    StateS,
}

/// Where a rule's value comes from. Every variant yields values keyed by what the alert
/// is about (empty key = the whole target).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A `model::metric` point from `Metrics` samples.
    Metric {
        name: String,
        /// Only the point with this key (default: the unkeyed point).
        key: Option<String>,
        /// One alert per key of the metric.
        per_key: bool,
        /// Value becomes `100 × metric / ratio_to` (a percentage).
        ratio_to: Option<String>,
        /// The ratio is not judged while the denominator is below this (too little traffic).
        ratio_min: f64,
        /// Not judged unless this other (unkeyed) metric of the same sample is at least
        /// the given value, e.g. fragmentation only on datasets big enough to matter.
        requires: Option<(String, f64)>,
    },
    /// One alert per session (key = session id) from `Activity` samples.
    Sessions { state: Option<SessionState>, field: SessionField },
    /// Depth of the deepest blocking chain (0 = nobody blocked), from `Activity` samples.
    BlockingDepth,
    /// WAL retained by inactive replication slots, bytes, per slot, from `Replication` samples.
    InactiveSlotRetainedBytes,
    /// 1 while the target is down, 0 while up or degraded, from `Status` samples.
    TargetDown,
    /// 1 while statement statistics are unavailable, 0 when available, from `Queries` samples.
    StatementsUnavailable,
}

/// How far back past a threshold the value must go before the alert resolves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hysteresis {
    /// A fraction of the threshold being left (0.1 = 10 %).
    Fraction(f64),
    /// In the value's own unit.
    Absolute(f64),
}

impl Hysteresis {
    pub const DEFAULT: Hysteresis = Hysteresis::Fraction(0.1);

    pub fn margin(self, threshold: f64) -> f64 {
        match self {
            Hysteresis::Fraction(f) => (threshold * f).abs(),
            Hysteresis::Absolute(a) => a.abs(),
        }
    }
}

/// Thresholds by severity; a rule has at least one.
pub type Thresholds = BTreeMap<Severity, f64>;

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable id, e.g. `pg.idle_in_transaction`.
    pub code: String,
    pub name: String,
    /// `postgresql`, `redis`, … or `any`.
    pub engine: String,
    pub category: AlertCategory,
    pub scope: Scope,
    pub tier: Tier,
    pub condition: Condition,
    pub direction: Direction,
    pub thresholds: Thresholds,
    /// How long the condition must hold before the alert fires.
    pub for_duration: Duration,
    pub hysteresis: Hysteresis,
    /// The unit of the value and thresholds, for people (e.g. "seconds").
    pub unit: String,
    pub description: String,
    pub impact: String,
    pub causes: Vec<String>,
    pub actions: Vec<String>,
    /// One line with `{target}`, `{key}`, `{value}`, `{threshold}`, `{severity}` placeholders.
    pub message: String,
    /// Where the rule was read from (`embedded:postgresql/x.yaml` or a file path).
    pub source: String,
}

impl Rule {
    /// Whether the rule is meant for targets of `engine` (`engine: any` fits every engine).
    /// An engine may take another's templates (`EngineSpec::alert_engine`: Valkey takes
    /// Redis'), since it shares that engine's model.
    pub fn applies_to(&self, engine: EngineKind) -> bool {
        match registry::by_config_name(&self.engine) {
            None => self.engine == "any",
            Some(own) => own.kind == engine || own.kind.key() == registry::spec(engine).alert_engine,
        }
    }

    /// The worst severity whose threshold `value` crosses, with that threshold.
    pub fn worst_crossed(
        thresholds: &Thresholds,
        direction: Direction,
        value: f64,
    ) -> Option<(Severity, f64)> {
        // BTreeMap iterates Severity in Ord order: worst first.
        thresholds.iter().find(|(_, t)| direction.crosses(value, **t)).map(|(s, t)| (*s, *t))
    }

    /// The mildest severity and its threshold: crossing it starts an alert, clearing it ends one.
    pub fn mildest(thresholds: &Thresholds) -> Option<(Severity, f64)> {
        thresholds.iter().next_back().map(|(s, t)| (*s, *t))
    }

    /// The message with its placeholders filled in.
    pub fn render_message(
        &self,
        target: &str,
        key: &str,
        value: f64,
        threshold: f64,
        severity: Severity,
    ) -> String {
        self.message
            .replace("{target}", target)
            .replace("{key}", key)
            .replace("{value}", &format_number(value))
            .replace("{threshold}", &format_number(threshold))
            .replace("{severity}", severity.label())
    }
}

/// Integers without decimals, other values with at most two.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Parses "30s", "2m", "1h", "500ms" or "0". Refuses fractions and overflow.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text == "0" {
        return Some(Duration::ZERO);
    }
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let millis = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    number.checked_mul(millis).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_refuse_garbage() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("1.5m"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
        assert_eq!(parse_duration("18446744073709551615d"), None);
    }

    #[test]
    fn worst_crossed_prefers_the_most_severe() {
        let t: Thresholds = [(Severity::Medium, 60.0), (Severity::High, 300.0)].into();
        assert_eq!(Rule::worst_crossed(&t, Direction::Above, 400.0), Some((Severity::High, 300.0)));
        assert_eq!(Rule::worst_crossed(&t, Direction::Above, 61.0), Some((Severity::Medium, 60.0)));
        assert_eq!(Rule::worst_crossed(&t, Direction::Above, 60.0), None);
        assert_eq!(Rule::mildest(&t), Some((Severity::Medium, 60.0)));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(300.0), "300");
        assert_eq!(format_number(97.456), "97.46");
        assert_eq!(format_number(0.5), "0.5");
    }
}
