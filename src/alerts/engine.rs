//! The alert state machine: per (rule, target, key) `Ok → Pending(since) → Firing → Ok`,
//! emitting `Fired`, `SeverityChanged` and `Resolved`. Pure: time comes from the samples.

use super::rule::{Rule, Thresholds};
use super::source::{Observation, observe};
use crate::config::{AlertOverrides, Config};
use crate::model::EngineKind;
use crate::model::{AlertEvent, AlertEventKind, Sample, Severity, TargetId, Timestamp};
use std::collections::BTreeMap;

/// An active alert's bookkeeping.
#[derive(Debug, Clone, PartialEq)]
struct Firing {
    severity: Severity,
    threshold: f64,
    value: f64,
    first_seen: Timestamp,
    last_seen: Timestamp,
    count: u64,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// The condition holds since `since` but not yet for the rule's `for`.
    Pending {
        since: Timestamp,
    },
    Firing(Firing),
}

/// (rule index, target, key); rule indexes are stable for the engine's lifetime.
type StateKey = (usize, TargetId, String);

pub struct AlertEngine {
    rules: Vec<Rule>,
    overrides: BTreeMap<TargetId, AlertOverrides>,
    /// Targets whose engine is known only get that engine's rules (and `any` rules).
    engines: BTreeMap<TargetId, EngineKind>,
    states: BTreeMap<StateKey, Phase>,
}

impl AlertEngine {
    /// `overrides` by target: rules disabled there and thresholds replaced there.
    pub fn new(rules: Vec<Rule>, overrides: BTreeMap<TargetId, AlertOverrides>) -> Self {
        Self { rules, overrides, engines: BTreeMap::new(), states: BTreeMap::new() }
    }

    /// Restricts each target to the rules of its engine. Targets not listed get every rule.
    pub fn with_target_engines(mut self, engines: BTreeMap<TargetId, EngineKind>) -> Self {
        self.engines = engines;
        self
    }

    /// The rules, overrides and engines of a configuration.
    pub fn for_config(rules: Vec<Rule>, config: &Config) -> Self {
        let engines = config.targets.iter().map(|t| (t.id(), t.engine)).collect();
        let overrides =
            config.alerts.targets.iter().map(|(name, o)| (TargetId(name.clone()), o.clone())).collect();
        Self::new(rules, overrides).with_target_engines(engines)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Evaluates every rule against one collection round (samples of one or several
    /// targets) and returns what changed, in rule order per target. Targets or rules
    /// without data in the round keep their state.
    pub fn observe(&mut self, round: &[Sample]) -> Vec<AlertEvent> {
        let mut by_target: BTreeMap<&TargetId, Vec<&Sample>> = BTreeMap::new();
        for sample in round {
            by_target.entry(&sample.target).or_default().push(sample);
        }
        let mut events = Vec::new();
        for (target, samples) in by_target {
            for index in 0..self.rules.len() {
                let Some(thresholds) = self.thresholds_for(index, target) else {
                    continue;
                };
                if let Some(observation) = observe(&self.rules[index], &samples) {
                    self.apply(index, target, &thresholds, &observation, &mut events);
                }
            }
        }
        events
    }

    /// The alerts firing now, worst first, each as a `Fired` event stamped with its
    /// `last_seen`, carrying first/last seen, count, and current severity and value.
    pub fn active(&self) -> Vec<AlertEvent> {
        let mut out: Vec<AlertEvent> = self
            .states
            .iter()
            .filter_map(|((index, target, key), phase)| match phase {
                Phase::Firing(f) => {
                    Some(self.event(*index, target, key, AlertEventKind::Fired, f, f.last_seen))
                }
                Phase::Pending { .. } => None,
            })
            .collect();
        out.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| (&a.rule, &a.target, &a.key).cmp(&(&b.rule, &b.target, &b.key)))
        });
        out
    }

    /// The rule's thresholds on `target`, or `None` when the rule is disabled there.
    fn thresholds_for(&self, index: usize, target: &TargetId) -> Option<Thresholds> {
        let rule = &self.rules[index];
        if self.engines.get(target).is_some_and(|engine| !rule.applies_to(*engine)) {
            return None;
        }
        let mut thresholds = rule.thresholds.clone();
        if let Some(o) = self.overrides.get(target) {
            if o.disable.iter().any(|code| code == &rule.code) {
                return None;
            }
            if let Some(replaced) = o.thresholds.get(&rule.code) {
                thresholds.extend(replaced.iter().map(|(s, t)| (*s, *t)));
            }
        }
        Some(thresholds)
    }

    fn apply(
        &mut self,
        index: usize,
        target: &TargetId,
        thresholds: &Thresholds,
        observation: &Observation,
        events: &mut Vec<AlertEvent>,
    ) {
        let at = observation.at;
        let rule = &self.rules[index];
        let (direction, for_duration, hysteresis) = (rule.direction, rule.for_duration, rule.hysteresis);
        let Some((mildest, mildest_threshold)) = Rule::mildest(thresholds) else {
            return;
        };
        for (key, &value) in &observation.values {
            // NaN compares false both ways and would pin an alert forever; skip it as unknown.
            if !value.is_finite() {
                continue;
            }
            let state_key = (index, target.clone(), key.clone());
            let crossed = Rule::worst_crossed(thresholds, direction, value);
            let next = match (self.states.remove(&state_key), crossed) {
                (None, None) => None,
                (None, Some(_)) if !for_duration.is_zero() => Some(Phase::Pending { since: at }),
                (Some(Phase::Pending { since }), Some(_)) if at.since(since) < for_duration => {
                    Some(Phase::Pending { since })
                }
                (Some(Phase::Pending { .. }), None) => None,
                (None | Some(Phase::Pending { .. }), Some((severity, threshold))) => {
                    let f = Firing { severity, threshold, value, first_seen: at, last_seen: at, count: 1 };
                    events.push(self.event(index, target, key, AlertEventKind::Fired, &f, at));
                    Some(Phase::Firing(f))
                }
                (Some(Phase::Firing(mut f)), crossed) => {
                    f.value = value;
                    if direction.cleared(value, mildest_threshold, hysteresis.margin(mildest_threshold)) {
                        events.push(self.event(index, target, key, AlertEventKind::Resolved, &f, at));
                        None
                    } else {
                        if crossed.is_some() {
                            f.last_seen = at;
                            f.count += 1;
                        }
                        // Inside the hysteresis band below the mildest threshold the alert
                        // stays, at the mildest severity at most.
                        let (severity, threshold) = crossed.unwrap_or((mildest, mildest_threshold));
                        let worse = severity < f.severity;
                        let better = severity > f.severity
                            && direction.cleared(value, f.threshold, hysteresis.margin(f.threshold));
                        if worse || better {
                            f.severity = severity;
                            f.threshold = threshold;
                            events.push(self.event(
                                index,
                                target,
                                key,
                                AlertEventKind::SeverityChanged,
                                &f,
                                at,
                            ));
                        }
                        Some(Phase::Firing(f))
                    }
                }
            };
            if let Some(phase) = next {
                self.states.insert(state_key, phase);
            }
        }
        if observation.complete {
            self.forget_missing(index, target, observation, events);
        }
    }

    /// Keys the observation no longer lists are gone: their alerts resolve.
    fn forget_missing(
        &mut self,
        index: usize,
        target: &TargetId,
        observation: &Observation,
        events: &mut Vec<AlertEvent>,
    ) {
        let gone: Vec<StateKey> = self
            .states
            .keys()
            .filter(|(i, t, k)| *i == index && t == target && !observation.values.contains_key(k))
            .cloned()
            .collect();
        for state_key in gone {
            if let Some(Phase::Firing(f)) = self.states.remove(&state_key) {
                let (_, target, key) = &state_key;
                events.push(self.event(index, target, key, AlertEventKind::Resolved, &f, observation.at));
            }
        }
    }

    fn event(
        &self,
        index: usize,
        target: &TargetId,
        key: &str,
        kind: AlertEventKind,
        f: &Firing,
        at: Timestamp,
    ) -> AlertEvent {
        let rule = &self.rules[index];
        AlertEvent {
            rule: rule.code.clone(),
            name: rule.name.clone(),
            target: target.clone(),
            key: key.to_owned(),
            kind,
            severity: f.severity,
            category: rule.category,
            value: f.value,
            threshold: f.threshold,
            message: rule.render_message(&target.0, key, f.value, f.threshold, f.severity),
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            count: f.count,
            at,
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
