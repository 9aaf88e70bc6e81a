use super::*;
use crate::alerts::rule::{Condition, Direction, Hysteresis, Scope, SessionField};
use crate::config::AlertOverrides;
use crate::model::{
    ActivitySnapshot, AlertCategory, AlertEventKind as Kind, Metric, SampleBody, Session, SessionState,
    Severity, Tier,
};
use std::time::Duration;

fn rule(condition: Condition, thresholds: &[(Severity, f64)], for_s: u64) -> Rule {
    Rule {
        code: "t.rule".into(),
        name: "Test".into(),
        engine: "any".into(),
        category: AlertCategory::Performance,
        scope: Scope::Instance,
        tier: Tier::High,
        condition,
        direction: Direction::Above,
        thresholds: thresholds.iter().copied().collect(),
        for_duration: Duration::from_secs(for_s),
        hysteresis: Hysteresis::DEFAULT,
        unit: String::new(),
        description: String::new(),
        impact: String::new(),
        causes: vec![],
        actions: vec![],
        message: "{target} {key} {value} {threshold}".into(),
        source: "test".into(),
    }
}

fn metric_rule(thresholds: &[(Severity, f64)], for_s: u64) -> Rule {
    let condition = Condition::Metric {
        name: "m".into(),
        key: None,
        per_key: false,
        ratio_to: None,
        ratio_min: 0.0,
        requires: None,
    };
    rule(condition, thresholds, for_s)
}

fn metric_at(secs: i64, value: f64) -> Vec<Sample> {
    vec![Sample {
        target: TargetId("db".into()),
        tier: Tier::High,
        taken_at: Timestamp(secs * 1000),
        body: SampleBody::Metrics(vec![Metric::new("m", value)]),
    }]
}

fn kinds(events: &[AlertEvent]) -> Vec<(Kind, Severity)> {
    events.iter().map(|e| (e.kind, e.severity)).collect()
}

#[test]
fn fires_only_after_for_and_resolves_with_hysteresis() {
    let mut engine = AlertEngine::new(vec![metric_rule(&[(Severity::High, 10.0)], 20)], BTreeMap::new());
    assert!(engine.observe(&metric_at(0, 11.0)).is_empty());
    assert!(engine.observe(&metric_at(10, 12.0)).is_empty());
    let fired = engine.observe(&metric_at(20, 13.0));
    assert_eq!(kinds(&fired), vec![(Kind::Fired, Severity::High)]);
    assert_eq!(fired[0].first_seen, Timestamp(20_000));
    // 9.5 is inside the 10 % band: still firing, no event, no re-detection.
    assert!(engine.observe(&metric_at(30, 9.5)).is_empty());
    assert!(engine.observe(&metric_at(40, 11.0)).is_empty());
    assert_eq!(engine.active()[0].count, 2);
    assert_eq!(engine.active()[0].last_seen, Timestamp(40_000));
    let resolved = engine.observe(&metric_at(50, 9.0));
    assert_eq!(kinds(&resolved), vec![(Kind::Resolved, Severity::High)]);
    assert!(engine.active().is_empty());
}

#[test]
fn pending_resets_when_the_condition_breaks() {
    let mut engine = AlertEngine::new(vec![metric_rule(&[(Severity::High, 10.0)], 20)], BTreeMap::new());
    engine.observe(&metric_at(0, 11.0));
    engine.observe(&metric_at(10, 5.0));
    assert!(engine.observe(&metric_at(20, 11.0)).is_empty());
    assert!(engine.observe(&metric_at(30, 11.0)).is_empty());
    assert_eq!(kinds(&engine.observe(&metric_at(40, 11.0))), vec![(Kind::Fired, Severity::High)]);
}

#[test]
fn severity_escalates_at_once_and_steps_down_with_hysteresis() {
    let thresholds = [(Severity::Medium, 10.0), (Severity::Critical, 100.0)];
    let mut engine = AlertEngine::new(vec![metric_rule(&thresholds, 0)], BTreeMap::new());
    assert_eq!(kinds(&engine.observe(&metric_at(0, 20.0))), vec![(Kind::Fired, Severity::Medium)]);
    assert_eq!(
        kinds(&engine.observe(&metric_at(1, 120.0))),
        vec![(Kind::SeverityChanged, Severity::Critical)]
    );
    assert!(engine.observe(&metric_at(2, 95.0)).is_empty(), "inside the band of the critical threshold");
    assert_eq!(kinds(&engine.observe(&metric_at(3, 50.0))), vec![(Kind::SeverityChanged, Severity::Medium)]);
}

#[test]
fn missing_data_changes_nothing_and_vanished_sessions_resolve() {
    let condition = Condition::Sessions { state: Some(SessionState::Active), field: SessionField::QueryS };
    let mut engine = AlertEngine::new(vec![rule(condition, &[(Severity::High, 60.0)], 0)], BTreeMap::new());
    let activity = |secs: i64, sessions: Vec<Session>| {
        vec![Sample {
            target: TargetId("db".into()),
            tier: Tier::High,
            taken_at: Timestamp(secs * 1000),
            body: SampleBody::Activity(ActivitySnapshot { sessions, locks: vec![] }),
        }]
    };
    let session = |id: i64, query_s: u64| Session {
        id,
        user: String::new(),
        database: String::new(),
        application: String::new(),
        client: String::new(),
        state: SessionState::Active,
        native_state: "active".into(),
        wait: None,
        query: String::new(),
        query_ms: Some(query_s * 1000),
        xact_ms: None,
        backend_ms: None,
        state_ms: None,
        blocked_by: vec![],
        extra: vec![],
    };
    let fired = engine.observe(&activity(0, vec![session(1, 61), session(2, 70)]));
    assert_eq!(fired.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    assert!(engine.observe(&metric_at(10, 1.0)).is_empty(), "no activity sample: nothing is known");
    let resolved = engine.observe(&activity(20, vec![session(2, 90)]));
    assert_eq!(resolved.len(), 1);
    assert_eq!((resolved[0].key.as_str(), resolved[0].kind), ("1", Kind::Resolved));
}

#[test]
fn overrides_disable_and_replace_thresholds_per_target() {
    let overrides = AlertOverrides {
        disable: vec![],
        thresholds: [("t.rule".to_owned(), [(Severity::High, 50.0)].into())].into(),
    };
    let by_target = [(TargetId("db".into()), overrides)].into();
    let mut engine = AlertEngine::new(vec![metric_rule(&[(Severity::High, 10.0)], 0)], by_target);
    assert!(engine.observe(&metric_at(0, 20.0)).is_empty());
    assert_eq!(engine.observe(&metric_at(1, 60.0))[0].threshold, 50.0);

    let disabled = AlertOverrides { disable: vec!["t.rule".into()], thresholds: BTreeMap::new() };
    let mut engine = AlertEngine::new(
        vec![metric_rule(&[(Severity::High, 10.0)], 0)],
        [(TargetId("db".into()), disabled)].into(),
    );
    assert!(engine.observe(&metric_at(0, 20.0)).is_empty());
}

#[test]
fn message_carries_value_and_threshold() {
    let mut engine = AlertEngine::new(vec![metric_rule(&[(Severity::High, 10.0)], 0)], BTreeMap::new());
    assert_eq!(engine.observe(&metric_at(0, 12.5))[0].message, "db  12.5 10");
}

#[test]
fn targets_only_get_the_rules_of_their_engine() {
    let mut postgres_only = metric_rule(&[(Severity::High, 10.0)], 0);
    postgres_only.engine = "postgresql".into();
    let engines = [(TargetId("db".into()), crate::collectors::redis::spec::REDIS.kind)].into();
    let mut engine =
        AlertEngine::new(vec![postgres_only.clone()], BTreeMap::new()).with_target_engines(engines);
    assert!(engine.observe(&metric_at(0, 20.0)).is_empty());
    let mut unknown_engine = AlertEngine::new(vec![postgres_only], BTreeMap::new());
    assert_eq!(unknown_engine.observe(&metric_at(0, 20.0)).len(), 1);
}

#[test]
fn for_config_applies_the_per_target_policy() {
    let text = "[targets.db]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\
                [targets.db.alerts]\ndisable = [\"t.rule\"]\n";
    let config = crate::config::parse_str(text, std::path::Path::new("a.toml")).unwrap();
    let mut engine = AlertEngine::for_config(vec![metric_rule(&[(Severity::High, 10.0)], 0)], &config);
    assert!(engine.observe(&metric_at(0, 20.0)).is_empty());
}

#[test]
fn non_finite_values_change_nothing() {
    let mut engine = AlertEngine::new(vec![metric_rule(&[(Severity::High, 10.0)], 0)], BTreeMap::new());
    assert_eq!(engine.observe(&metric_at(0, 20.0)).len(), 1);
    assert!(engine.observe(&metric_at(1, f64::NAN)).is_empty());
    assert_eq!(engine.active().len(), 1);
}

#[test]
fn redis_rules_reach_valkey_targets_and_no_one_else() {
    let mut redis_rule = metric_rule(&[(Severity::High, 10.0)], 0);
    redis_rule.engine = "redis".into();
    for (target_engine, fires) in [
        (crate::collectors::redis::spec::REDIS.kind, true),
        (crate::collectors::redis::spec::VALKEY.kind, true),
        (crate::collectors::postgres::spec::SPEC.kind, false),
    ] {
        let engines = [(TargetId("db".into()), target_engine)].into();
        let mut engine =
            AlertEngine::new(vec![redis_rule.clone()], BTreeMap::new()).with_target_engines(engines);
        assert_eq!(engine.observe(&metric_at(0, 20.0)).len(), usize::from(fires), "{target_engine:?}");
    }
}

#[test]
fn a_rule_with_requires_is_judged_only_past_its_gate() {
    let condition = Condition::Metric {
        name: "m".into(),
        key: None,
        per_key: false,
        ratio_to: None,
        ratio_min: 0.0,
        requires: Some(("size".into(), 100.0)),
    };
    let mut engine = AlertEngine::new(vec![rule(condition, &[(Severity::High, 10.0)], 0)], BTreeMap::new());
    let at = |secs: i64, value: f64, size: Option<f64>| {
        let mut points = vec![Metric::new("m", value)];
        points.extend(size.map(|s| Metric::new("size", s)));
        vec![Sample {
            target: TargetId("db".into()),
            tier: Tier::High,
            taken_at: Timestamp(secs * 1000),
            body: SampleBody::Metrics(points),
        }]
    };
    assert!(engine.observe(&at(0, 20.0, None)).is_empty(), "gate metric missing");
    assert!(engine.observe(&at(10, 20.0, Some(99.0))).is_empty(), "below the gate");
    assert_eq!(kinds(&engine.observe(&at(20, 20.0, Some(100.0)))), vec![(Kind::Fired, Severity::High)]);
    // Below the gate again concludes nothing: the alert keeps its state.
    assert!(engine.observe(&at(30, 1.0, Some(5.0))).is_empty());
    assert_eq!(engine.active().len(), 1);
}
