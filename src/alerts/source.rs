//! Reads a rule's values out of one target's samples of one round.

use super::rule::{Condition, Rule, SessionField};
use crate::model::{Metric, Sample, SampleBody, StatsAvailability, TargetStatus, Timestamp, blocking_forest};
use std::collections::BTreeMap;

/// What one round says about a rule on one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Values by key (empty key = the whole target).
    pub values: BTreeMap<String, f64>,
    /// Keys absent from `values` are known to be gone (the session ended, the slot was
    /// dropped), so their alerts resolve. False when absence only means "not measured".
    pub complete: bool,
    /// `taken_at` of the sample the values come from.
    pub at: Timestamp,
}

/// `None` when the round carries nothing this rule can read (a tier that did not run,
/// a target that is down, a metric not measured yet): nothing is concluded from that.
pub fn observe(rule: &Rule, samples: &[&Sample]) -> Option<Observation> {
    let feeding = samples.iter().filter(|s| s.tier == rule.tier);
    match &rule.condition {
        Condition::Metric { name, key, per_key, ratio_to, ratio_min, requires } => {
            let metrics: Vec<(&Metric, Timestamp)> = feeding
                .filter_map(|s| match &s.body {
                    SampleBody::Metrics(m) => Some(m.iter().map(move |p| (p, s.taken_at))),
                    _ => None,
                })
                .flatten()
                .collect();
            let denominator = match ratio_to {
                Some(other) => {
                    let d = metrics.iter().find(|(m, _)| &m.name == other && m.key.is_empty())?.0.value;
                    if !(d > 0.0 && d >= *ratio_min) {
                        return None;
                    }
                    Some(d)
                }
                None => None,
            };
            if let Some((gate, min)) = requires {
                let v = metrics.iter().find(|(m, _)| &m.name == gate && m.key.is_empty())?.0.value;
                // NaN never passes the gate.
                if v.is_nan() || v < *min {
                    return None;
                }
            }
            let scale = |v: f64| denominator.map_or(v, |d| 100.0 * v / d);
            let wanted = key.as_deref().unwrap_or("");
            let mut values = BTreeMap::new();
            let mut at = None;
            for (m, taken_at) in metrics.iter().filter(|(m, _)| &m.name == name) {
                if *per_key || m.key == wanted {
                    let alert_key = if *per_key { m.key.clone() } else { String::new() };
                    values.insert(alert_key, scale(m.value));
                    at = Some(*taken_at);
                }
            }
            // A per-key metric that is present lists every key it has; one that is absent
            // may simply not have been measured this round.
            Some(Observation { complete: *per_key, values, at: at? })
        }
        Condition::Sessions { state, field } => {
            let (sample, activity) = feeding.rev().find_map(|s| match &s.body {
                SampleBody::Activity(a) => Some((s, a)),
                _ => None,
            })?;
            let values = activity
                .sessions
                .iter()
                .filter(|s| state.is_none_or(|wanted| s.state == wanted))
                .filter_map(|s| {
                    let ms = match field {
                        SessionField::QueryS => s.query_ms,
                        SessionField::XactS => s.xact_ms,
                        SessionField::StateS => s.state_ms,
                    }?;
                    Some((s.id.to_string(), ms as f64 / 1000.0))
                })
                .collect();
            Some(Observation { values, complete: true, at: sample.taken_at })
        }
        Condition::BlockingDepth => {
            let (sample, activity) = feeding.rev().find_map(|s| match &s.body {
                SampleBody::Activity(a) => Some((s, a)),
                _ => None,
            })?;
            let depth = blocking_forest(&activity.sessions).iter().map(|n| n.depth).max().unwrap_or(0);
            Some(single(depth as f64, sample.taken_at))
        }
        Condition::InactiveSlotRetainedBytes => {
            let (sample, replication) = feeding.rev().find_map(|s| match &s.body {
                SampleBody::Replication(r) => Some((s, r)),
                _ => None,
            })?;
            let values = replication
                .slots
                .iter()
                .filter(|slot| !slot.active)
                .filter_map(|slot| Some((slot.name.clone(), slot.retained_bytes? as f64)))
                .collect();
            Some(Observation { values, complete: true, at: sample.taken_at })
        }
        Condition::TargetDown => {
            let (sample, health) = feeding.rev().find_map(|s| match &s.body {
                SampleBody::Status(h) => Some((s, h)),
                _ => None,
            })?;
            let value = match health.status {
                TargetStatus::Down { .. } => 1.0,
                TargetStatus::Up { .. } | TargetStatus::Degraded { .. } => 0.0,
                // Still trying: neither up nor down yet.
                TargetStatus::Connecting => return None,
            };
            Some(single(value, sample.taken_at))
        }
        Condition::StatementsUnavailable => {
            let (sample, queries) = feeding.rev().find_map(|s| match &s.body {
                SampleBody::Queries(q) => Some((s, q)),
                _ => None,
            })?;
            let value = match queries.availability {
                StatsAvailability::Available => 0.0,
                StatsAvailability::Unavailable(_) => 1.0,
            };
            Some(single(value, sample.taken_at))
        }
    }
}

fn single(value: f64, at: Timestamp) -> Observation {
    Observation { values: [(String::new(), value)].into(), complete: true, at }
}
