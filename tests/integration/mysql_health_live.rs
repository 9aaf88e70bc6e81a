//! The MySQL/MariaDB health report against a real MariaDB: every tier once, planted
//! problems flagged by name, and `logstag health` through the binary.

use crate::support::mariadb::{MONITOR_PASSWORD, TestMariaDb};
use logstag::collectors::Collector;
use logstag::collectors::mysql::MysqlCollector;
use logstag::collectors::mysql::spec::SPEC;
use logstag::health::{HealthInput, evaluate_with};
use logstag::model::{CheckStatus, HealthReport, Tier, Timestamp};
use std::process::Command;

fn status<'a>(report: &'a HealthReport, id: &str) -> (&'a CheckStatus, &'a str) {
    let c = report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id}"));
    (&c.status, &c.evidence)
}

#[tokio::test]
async fn planted_problems_are_flagged_and_the_cli_reports() {
    let server = TestMariaDb::start();
    server.sql(
        "CREATE TABLE app.nopk (v INT);
         CREATE TABLE app.legacy (id INT PRIMARY KEY) ENGINE=MyISAM;
         CREATE TABLE app.tiny (id TINYINT AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT = 125;
         CREATE USER 'wide'@'%' IDENTIFIED BY 'wide-Open-5';
         GRANT ALL PRIVILEGES ON *.* TO 'wide'@'%';",
    );
    let target = server.target_config("monitor", MONITOR_PASSWORD, "app");
    let mut collector = MysqlCollector::new(&target);
    let mut input = HealthInput { target: target.id(), ..HealthInput::default() };
    for tier in [Tier::High, Tier::Medium, Tier::Low, Tier::Schema] {
        let collected = collector.collect(tier).await.expect("collect");
        for body in &collected.bodies {
            input.apply(Timestamp::now(), body);
        }
    }
    let report = evaluate_with(SPEC.health_checks, &input);
    assert!(report.checks.len() >= 20, "{}", report.checks.len());
    let flagged = |id: &str, word: &str| {
        let (s, evidence) = status(&report, id);
        assert!(matches!(s, CheckStatus::Attention | CheckStatus::Critical), "{id}: {s:?} {evidence}");
        assert!(evidence.contains(word), "{id}: {evidence}");
    };
    flagged("mysql.tables_without_pk", "nopk");
    flagged("mysql.non_transactional_tables", "legacy");
    flagged("mysql.auto_increment_exhaustion", "tiny");
    flagged("mysql.privileged_any_host", "wide");
    for id in [
        "mysql.local_infile",
        "mysql.flush_log_at_trx_commit",
        "mysql.accounts_without_password",
        "mysql.sql_mode",
    ] {
        let (s, evidence) = status(&report, id);
        assert!(!matches!(s, CheckStatus::NotEvaluated(_)), "{id}: {evidence}");
    }
    assert!(report.overall.is_some());

    let url = format!("mysql://monitor:{MONITOR_PASSWORD}@127.0.0.1:{}/app?ssl-mode=DISABLED", server.port);
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["health", &url, "--format", "json"])
        .env("XDG_STATE_HOME", tmp.path())
        .output()
        .expect("run logstag health");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert!(json[0]["checks"].as_array().map_or(0, Vec::len) >= 20, "{stdout}");
    assert!(!stdout.contains(MONITOR_PASSWORD), "the password never shows");
    let critical =
        json[0]["areas"].as_array().into_iter().flatten().any(|a| a["critical"].as_u64() > Some(0));
    assert_eq!(out.status.code(), Some(i32::from(critical)), "exit code follows Critical areas");
}
