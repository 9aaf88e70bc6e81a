//! Alert scenarios: `tests/scenarios/*.yaml` give a timeline of collection rounds and the
//! exact events the engine must emit (see `tests/scenarios/README.md`).

use logstag::alerts::{AlertEngine, EMBEDDED, load_rules, parse_duration, parse_template};
use logstag::config::AlertOverrides;
use logstag::model::{
    ActivitySnapshot, AlertEventKind, Metric, QueryStatsSnapshot, Replication, ReplicationSlot, Sample,
    SampleBody, Session, SessionState, Severity, StatsAvailability, TargetHealth, TargetId, TargetStatus,
    Tier, Timestamp,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const EPOCH_MS: i64 = 1_800_000_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    #[allow(dead_code)]
    description: String,
    /// The target's engine (`postgresql` when absent): it gets that engine's rules only.
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    overrides: Option<RawOverrides>,
    steps: Vec<Step>,
    expect: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverrides {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    thresholds: BTreeMap<String, BTreeMap<Severity, f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: String,
    /// High-tier metrics; `name[key]` for keyed points.
    metrics: Option<BTreeMap<String, f64>>,
    medium_metrics: Option<BTreeMap<String, f64>>,
    /// Low-tier Metrics (e.g. SQL Server's failed Agent jobs).
    low_metrics: Option<BTreeMap<String, f64>>,
    sessions: Option<Vec<StepSession>>,
    status: Option<String>,
    slots: Option<Vec<StepSlot>>,
    statements: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSession {
    id: i64,
    state: SessionState,
    query_s: Option<u64>,
    xact_s: Option<u64>,
    state_s: Option<u64>,
    #[serde(default)]
    blocked_by: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSlot {
    name: String,
    active: bool,
    retained_bytes: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Expected {
    at: String,
    rule: String,
    #[serde(default)]
    key: String,
    kind: AlertEventKind,
    severity: Severity,
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

fn load(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn millis(at: &str) -> i64 {
    i64::try_from(parse_duration(at).unwrap_or_else(|| panic!("bad duration {at}")).as_millis()).unwrap()
}

fn session(s: &StepSession) -> Session {
    Session {
        id: s.id,
        user: "app".into(),
        database: "app".into(),
        application: String::new(),
        client: String::new(),
        state: s.state,
        native_state: String::new(),
        wait: None,
        query: String::new(),
        query_ms: s.query_s.map(|v| v * 1000),
        xact_ms: s.xact_s.map(|v| v * 1000),
        backend_ms: None,
        state_ms: s.state_s.map(|v| v * 1000),
        blocked_by: s.blocked_by.clone(),
        extra: vec![],
    }
}

fn metrics(points: &BTreeMap<String, f64>) -> Vec<Metric> {
    points
        .iter()
        .map(|(name, value)| match name.split_once('[') {
            Some((name, key)) => Metric::keyed(name, key.trim_end_matches(']'), *value),
            None => Metric::new(name, *value),
        })
        .collect()
}

fn round(step: &Step, target: &TargetId) -> Vec<Sample> {
    let taken_at = Timestamp(EPOCH_MS + millis(&step.at));
    let sample = |tier, body| Sample { target: target.clone(), tier, taken_at, body };
    let mut out = Vec::new();
    if let Some(status) = &step.status {
        let status = match status.as_str() {
            "down" => TargetStatus::Down { error: "connection refused".into(), retry_in_ms: 5000 },
            "up" => TargetStatus::Up { version: "17.2".into() },
            "connecting" => TargetStatus::Connecting,
            other => panic!("unknown status {other}"),
        };
        out.push(sample(
            Tier::High,
            SampleBody::Status(TargetHealth { status, at: taken_at, last_latency_ms: None }),
        ));
    }
    if let Some(sessions) = &step.sessions {
        let activity = ActivitySnapshot { sessions: sessions.iter().map(session).collect(), locks: vec![] };
        out.push(sample(Tier::High, SampleBody::Activity(activity)));
    }
    if let Some(points) = &step.metrics {
        out.push(sample(Tier::High, SampleBody::Metrics(metrics(points))));
    }
    if let Some(statements) = &step.statements {
        let availability = match statements.as_str() {
            "available" => StatsAvailability::Available,
            _ => StatsAvailability::Unavailable("pg_stat_statements is not installed".into()),
        };
        let snapshot = QueryStatsSnapshot {
            availability,
            since: None,
            stats: vec![],
            tracked: 0,
            reset_detected: false,
            evicted: None,
        };
        out.push(sample(Tier::Medium, SampleBody::Queries(snapshot)));
    }
    if let Some(slots) = &step.slots {
        let slots = slots
            .iter()
            .map(|s| ReplicationSlot {
                name: s.name.clone(),
                slot_type: "physical".into(),
                database: String::new(),
                active: s.active,
                retained_bytes: Some(s.retained_bytes),
            })
            .collect();
        out.push(sample(Tier::Medium, SampleBody::Replication(Replication { slots, ..Default::default() })));
    }
    if let Some(points) = &step.medium_metrics {
        out.push(sample(Tier::Medium, SampleBody::Metrics(metrics(points))));
    }
    if let Some(points) = &step.low_metrics {
        out.push(sample(Tier::Low, SampleBody::Metrics(metrics(points))));
    }
    out
}

fn run(scenario: &Scenario) -> Vec<Expected> {
    let (rules, errors) = load_rules(None);
    assert!(errors.is_empty(), "{errors:?}");
    let target = TargetId("db".into());
    let mut overrides = BTreeMap::new();
    if let Some(o) = &scenario.overrides {
        let policy = AlertOverrides { disable: o.disable.clone(), thresholds: o.thresholds.clone() };
        overrides.insert(target.clone(), policy);
    }
    let kind = scenario.engine.as_deref().unwrap_or("postgresql");
    let Some(kind) = logstag::collectors::registry::by_config_name(kind).map(|s| s.kind) else {
        panic!("unknown engine {kind}")
    };
    let mut engine = AlertEngine::new(rules, overrides).with_target_engines([(target.clone(), kind)].into());
    let mut got = Vec::new();
    for step in &scenario.steps {
        for event in engine.observe(&round(step, &target)) {
            assert_eq!(event.at.millis() - EPOCH_MS, millis(&step.at));
            assert!(event.message.contains("db"), "{}", event.message);
            got.push(Expected {
                at: step.at.clone(),
                rule: event.rule,
                key: event.key,
                kind: event.kind,
                severity: event.severity,
            });
        }
    }
    got
}

#[test]
fn every_scenario_gives_exactly_its_expected_events() {
    for path in scenario_files() {
        let scenario = load(&path);
        let got = run(&scenario);
        let normalise = |e: &Expected| (millis(&e.at), e.rule.clone(), e.key.clone(), e.kind, e.severity);
        let got: Vec<_> = got.iter().map(normalise).collect();
        let want: Vec<_> = scenario.expect.iter().map(normalise).collect();
        assert_eq!(got, want, "{}", path.display());
    }
}

#[test]
fn every_shipped_rule_is_exercised_by_a_scenario() {
    let (rules, errors) = load_rules(None);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(rules.len() >= 15);
    let exercised: BTreeSet<String> =
        scenario_files().iter().flat_map(|p| load(p).expect.into_iter().map(|e| e.rule)).collect();
    for rule in &rules {
        assert!(exercised.contains(&rule.code), "no scenario expects an event of {}", rule.code);
    }
}

#[test]
fn the_embedded_list_holds_every_template_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("alert-templates");
    let mut on_disk = Vec::new();
    for engine in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        for file in std::fs::read_dir(&engine).unwrap().map(|e| e.unwrap().path()) {
            on_disk.push(file.strip_prefix(&dir).unwrap().display().to_string());
        }
    }
    on_disk.sort();
    let mut embedded: Vec<String> = EMBEDDED.iter().map(|(name, _)| (*name).to_owned()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
}

#[test]
fn a_directory_overrides_by_code_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let (_, deadlocks) = EMBEDDED.iter().find(|(n, _)| n.ends_with("deadlocks.yaml")).unwrap();
    std::fs::write(dir.path().join("a.yaml"), deadlocks.replace("{ high: 0 }", "{ critical: 5 }")).unwrap();
    std::fs::write(dir.path().join("b.yaml"), "code: x.broken\nname: [unclosed\n").unwrap();
    std::fs::write(dir.path().join("c.yaml"), [0xffu8, 0xfe, 0]).unwrap();
    let (rules, errors) = load_rules(Some(dir.path()));
    assert_eq!(rules.len(), EMBEDDED.len());
    let rule = rules.iter().find(|r| r.code == "pg.deadlocks").unwrap();
    assert_eq!(rule.thresholds[&Severity::Critical], 5.0);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let shown = errors[0].to_string();
    assert!(shown.starts_with(&format!("{}:2:", dir.path().join("b.yaml").display())), "{shown}");
    assert!(parse_template("x", "").is_err());
}
