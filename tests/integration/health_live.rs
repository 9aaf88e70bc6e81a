//! The health report against a real server: posture facts from the low tier, checks
//! evaluated on what the tiers collected, and `logstag health` through the binary.

use crate::support::postgres::TestCluster;
use logstag::collectors::Collector;
use logstag::collectors::postgres::PostgresCollector;
use logstag::collectors::postgres::health_checks::evaluate;
use logstag::health::HealthInput;
use logstag::model::{CheckStatus, HealthReport, SampleBody, Tier, Timestamp};
use std::process::Command;

fn status<'a>(report: &'a HealthReport, id: &str) -> (&'a CheckStatus, &'a str) {
    let c = report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id}"));
    (&c.status, &c.evidence)
}

pub async fn health_report_flags_the_superuser_and_explains_gaps(major: u32) {
    let cluster = TestCluster::start_version(major);
    for sql in [
        "CREATE ROLE boss SUPERUSER LOGIN",
        "CREATE TABLE nopk (v int)",
        "CREATE SEQUENCE almost MAXVALUE 100",
        "SELECT setval('almost', 95)",
    ] {
        cluster.psql("app", sql);
    }
    let target = cluster.target_config("monitor", "app");
    let mut collector = PostgresCollector::new(&target);
    let mut input = HealthInput { target: target.id(), ..HealthInput::default() };
    for tier in [Tier::High, Tier::Medium, Tier::Low, Tier::Schema] {
        let collected = collector.collect(tier).await.expect("collect");
        for body in &collected.bodies {
            input.apply(Timestamp::now(), body);
        }
        if tier == Tier::Low {
            assert!(collected.problems.is_empty(), "{:?}", collected.problems);
            assert!(collected.bodies.iter().any(|b| matches!(b, SampleBody::Posture(p) if !p.is_empty())));
        }
    }
    let report = evaluate(&input);
    assert!(report.checks.len() >= 30);

    let (s, evidence) = status(&report, "pg.superusers");
    assert_eq!(s, &CheckStatus::Attention, "{evidence}");
    assert!(evidence.contains("boss"), "{evidence}");
    for id in
        ["pg.password_encryption", "pg.ssl", "pg.wraparound", "pg.public_schema_create", "pg.autovacuum"]
    {
        let (s, evidence) = status(&report, id);
        assert!(!matches!(s, CheckStatus::NotEvaluated(_)), "{id}: {evidence}");
    }
    assert_eq!(status(&report, "pg.wraparound").0, &CheckStatus::Healthy);
    // pg_monitor may not read pg_hba_file_rules: a gap that says why, not a finding.
    let (s, _) = status(&report, "pg.trust_auth");
    assert!(matches!(s, CheckStatus::NotEvaluated(r) if r.contains("permission denied")), "{s:?}");
    // The schema tier's findings: the table without a primary key is flagged by name.
    let (s, evidence) = status(&report, "pg.tables_without_pk");
    assert_eq!(s, &CheckStatus::Attention, "{evidence}");
    assert!(evidence.contains("nopk"), "{evidence}");
    // pg_monitor cannot see a sequence's last_value without USAGE: a gap, not a pass.
    let (s, evidence) = status(&report, "pg.sequence_exhaustion");
    assert!(!matches!(s, CheckStatus::Healthy), "{s:?} {evidence}");
    assert!(report.overall.is_some());

    let url = format!("postgresql://monitor@127.0.0.1:{}/app", cluster.port);
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["health", &url, "--format", "json"])
        .env("XDG_STATE_HOME", cluster_tmp())
        .output()
        .expect("run logstag health");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let checks = json[0]["checks"].as_array().map_or(0, Vec::len);
    assert!(checks >= 30, "{stdout}");
    assert!(json[0]["result"].is_string());
    let critical =
        json[0]["areas"].as_array().into_iter().flatten().any(|a| a["critical"].as_u64() > Some(0));
    assert_eq!(out.status.code(), Some(i32::from(critical)), "exit code follows Critical areas");
}

fn cluster_tmp() -> std::path::PathBuf {
    std::env::temp_dir()
}

/// As a superuser (who may read sequences and statistics), every planted schema problem
/// is flagged with its status: no primary key, unused and duplicate indexes, a foreign key
/// without an index, a sequence at 95 % of its range, a superuser role.
pub async fn planted_schema_problems_are_each_flagged(major: u32) {
    let cluster = TestCluster::start_version(major);
    for sql in [
        "CREATE ROLE chief SUPERUSER LOGIN",
        "CREATE TABLE parent (id int PRIMARY KEY, v int)",
        "CREATE INDEX parent_v_unused ON parent (v)",
        "CREATE INDEX parent_v_again ON parent (v)",
        "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id))",
        "CREATE TABLE loose (v int)",
        "CREATE SEQUENCE nearly MAXVALUE 100",
        "SELECT setval('nearly', 95)",
    ] {
        cluster.psql("app", sql);
    }
    let target = cluster.target_config("postgres", "app");
    let mut collector = PostgresCollector::new(&target);
    let mut input = HealthInput { target: target.id(), ..HealthInput::default() };
    for tier in [Tier::High, Tier::Medium, Tier::Low, Tier::Schema] {
        for body in &collector.collect(tier).await.expect("collect").bodies {
            input.apply(Timestamp::now(), body);
        }
    }
    let report = evaluate(&input);
    for (id, expected, mentions) in [
        ("pg.tables_without_pk", CheckStatus::Attention, "loose"),
        ("pg.unused_indexes", CheckStatus::Attention, "parent_v"),
        ("pg.duplicate_indexes", CheckStatus::Attention, "parent_v"),
        ("pg.fk_without_index", CheckStatus::Attention, "child"),
        ("pg.sequence_exhaustion", CheckStatus::Critical, "nearly"),
        ("pg.superusers", CheckStatus::Attention, "chief"),
    ] {
        let (s, evidence) = status(&report, id);
        assert!(
            s == &expected || (expected == CheckStatus::Attention && s == &CheckStatus::Critical),
            "{id}: {s:?} {evidence}"
        );
        assert!(evidence.contains(mentions), "{id}: {evidence}");
    }
}
