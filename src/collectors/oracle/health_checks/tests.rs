//! Every check on hand-built inputs (`test_input.rs`): a well-kept 19c primary, a
//! neglected one, nothing collected, and the edges that change a verdict.

use super::CHECKS;
use super::test_input::*;
use super::{fact, setting as s};
use crate::collectors::oracle::metric as om;
use crate::health::{HealthInput, evaluate_with};
use crate::model::*;

fn run(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    crate::health::testing::run(CHECKS, input, id)
}

fn with_setting(mut input: HealthInput, name: &str, value: &str) -> HealthInput {
    let list = input.settings.get_or_insert_with(Vec::new);
    list.retain(|x| x.name != name);
    list.push(setting(name, value));
    input
}

fn with_fact(mut input: HealthInput, f: PostureFact) -> HealthInput {
    let list = input.posture.get_or_insert_with(Vec::new);
    list.retain(|x| !(x.name == f.name && x.key == f.key));
    list.push(f);
    input
}

#[test]
fn catalogue_ids_are_unique_and_cover_the_areas() {
    crate::health::testing::assert_catalogue(CHECKS, "oracle.", 18, "oracle");
}

#[test]
fn every_check_is_healthy_on_a_well_kept_database() {
    for c in evaluate_with(CHECKS, &input(true)).checks {
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn every_check_flags_a_neglected_database() {
    use CheckStatus::{Attention, Critical};
    let report = evaluate_with(CHECKS, &input(false));
    let not_archiving =
        CheckStatus::NotEvaluated("NOARCHIVELOG: there are no archived logs to back up".into());
    let expected = [
        ("oracle.default_passwords", Critical),
        ("oracle.dba_role", Critical),
        ("oracle.any_privileges", Critical),
        ("oracle.public_grants", Critical),
        ("oracle.sysdba_users", Attention),
        ("oracle.password_profile", Critical),
        ("oracle.authentication", Critical),
        ("oracle.auditing", Critical),
        ("oracle.archivelog", Critical),
        ("oracle.force_logging", Attention),
        ("oracle.pack_access", Attention),
        ("oracle.memory", Attention),
        ("oracle.statistics_level", Critical),
        ("oracle.undo_retention", Critical),
        ("oracle.release", Critical),
        ("oracle.resource_limits", Critical),
        ("oracle.buffer_cache_hit", Critical),
        ("oracle.hard_parses", Critical),
        ("oracle.load", Critical),
        ("oracle.blocking", Critical),
        ("oracle.dataguard", Critical),
        // No database backup at all, capped: a standby destination exists.
        ("oracle.backups", Attention),
        ("oracle.rman_failures", Critical),
        // In NOARCHIVELOG there is nothing to judge (the archivelog check is critical).
        ("oracle.archivelog_backups", not_archiving),
        ("oracle.recovery_area", Critical),
        ("oracle.tablespaces", Critical),
        ("oracle.invalid_objects", Attention),
        ("oracle.unusable_indexes", Critical),
        ("oracle.stale_statistics", Attention),
        ("oracle.unused_indexes", Attention),
    ];
    assert_eq!(expected.len(), CHECKS.len(), "every check has an expectation");
    for (id, want) in expected {
        let got = report.checks.iter().find(|c| c.id == id);
        assert_eq!(got.map(|c| &c.status), Some(&want), "{id}: {:?}", got.map(|c| &c.evidence));
    }
}

#[test]
fn nothing_collected_is_never_healthy() {
    let empty = HealthInput::default();
    for c in evaluate_with(CHECKS, &empty).checks {
        let CheckStatus::NotEvaluated(why) = &c.status else { panic!("{}: {:?}", c.id, c.status) };
        assert!(why.contains("has not run yet"), "{}: {why}", c.id);
    }
}

#[test]
fn evidence_names_the_offenders_and_the_thresholds() {
    let bad = input(false);
    let (_, e) = run(&bad, "oracle.default_passwords");
    assert!(e.contains("SCOTT (OPEN)") && !e.contains("DBSNMP"), "{e}");
    let (_, e) = run(&bad, "oracle.any_privileges");
    assert!(e.contains("OPS_ROLE: GRANT ANY PRIVILEGE") && !e.contains("LOGSTAG"), "{e}");
    let (_, e) = run(&bad, "oracle.password_profile");
    assert!(
        e.contains("APP_PROFILE (no lockout, passwords never expire, no complexity check; 1 users"),
        "{e}"
    );
    let (_, e) = run(&bad, "oracle.tablespaces");
    assert!(e.contains("USERS 99 %, SYSAUX 88 %"), "{e}");
    let (_, e) = run(&bad, "oracle.rman_failures");
    assert!(e.contains("DB INCR FAILED (SBT_TAPE) 4.0 h ago"), "{e}");
    let (_, e) = run(&bad, "oracle.hard_parses");
    assert!(e.contains("640.0 hard parses/s (53.3 % of 1200 executions/s)"), "{e}");
    let (_, e) = run(&input(true), "oracle.backups");
    assert!(e.starts_with("newest database backup 8.4 h ago, last full 4.3 days ago"), "{e}");
}

#[test]
fn refusals_and_mounted_standbys_explain_themselves() {
    let why =
        "default passwords: not readable by LOGSTAG (ORA-01031); run GRANT SELECT ANY DICTIONARY TO LOGSTAG;";
    let mut i = input(true);
    if let Some(p) = i.posture.as_mut() {
        p.retain(|f| f.name != fact::DEFAULT_PASSWORDS_READ);
        p.push(pf(fact::UNAVAILABLE, fact::READ_DEFAULT_PASSWORDS, why));
    }
    assert_eq!(run(&i, "oracle.default_passwords").0, CheckStatus::NotEvaluated(why.into()));
    let mut none = input(true);
    none.posture = None;
    let (status, _) = run(&none, "oracle.sysdba_users");
    assert!(matches!(status, CheckStatus::NotEvaluated(r) if r.contains("low tier")));
}

#[test]
fn free_editions_and_licences() {
    let free = with_setting(
        with_setting(input(false), s::INSTANCE_EDITION, "FREE"),
        s::DATABASE_LOG_MODE,
        "NOARCHIVELOG",
    );
    assert_eq!(run(&free, "oracle.archivelog").0, CheckStatus::Attention);
    assert_eq!(run(&free, "oracle.pack_access").0, CheckStatus::Healthy, "Free includes the packs");
    let licensed_but_off = with_setting(input(true), s::CONTROL_MANAGEMENT_PACK_ACCESS, "NONE");
    assert_eq!(run(&licensed_but_off, "oracle.pack_access").0, CheckStatus::Attention);
    let standard = with_setting(input(true), s::INSTANCE_EDITION, "SE2");
    assert_eq!(run(&standard, "oracle.pack_access").0, CheckStatus::Attention);
}

#[test]
fn data_guard_changes_the_verdicts() {
    // A standby: lag is judged, not archive destinations.
    let standby = with_setting(input(true), s::DATABASE_ROLE, "PHYSICAL STANDBY");
    let mut lagging = standby.clone();
    lagging.metrics.insert((om::APPLY_LAG_S.into(), String::new()), 2_400.0);
    assert_eq!(run(&lagging, "oracle.dataguard").0, CheckStatus::Critical);
    assert_eq!(run(&standby, "oracle.dataguard").0, CheckStatus::NotEvaluated(super::NO_MEDIUM.into()));
    // No standby anywhere: FORCE LOGGING is not needed, a missing backup is critical.
    let mut alone = input(false);
    if let Some(list) = alone.settings.as_mut() {
        list.retain(|x| !x.name.starts_with(s::LOG_ARCHIVE_DEST_PREFIX));
    }
    assert_eq!(run(&alone, "oracle.force_logging").0, CheckStatus::Healthy);
    assert_eq!(run(&alone, "oracle.backups").0, CheckStatus::Critical);
    assert_eq!(run(&alone, "oracle.dataguard").0, CheckStatus::Healthy);
}

#[test]
fn archived_logs_and_undo_edges() {
    let archiving = with_setting(input(false), s::DATABASE_LOG_MODE, "ARCHIVELOG");
    assert_eq!(run(&archiving, "oracle.archivelog_backups").0, CheckStatus::Critical, "none remembered");
    let day_old = with_fact(input(true), pf(fact::RMAN_ARCHIVELOG_BACKUP_AGE_S, "", "90000"));
    assert_eq!(run(&day_old, "oracle.archivelog_backups").0, CheckStatus::Attention);
    let short = with_setting(input(true), s::UNDO_RETENTION, "900");
    let mut long_query = short.clone();
    long_query.metrics.insert((metric::LONGEST_QUERY_S.into(), String::new()), 1_200.0);
    assert_eq!(run(&short, "oracle.undo_retention").0, CheckStatus::Healthy);
    assert_eq!(run(&long_query, "oracle.undo_retention").0, CheckStatus::Attention);
    let no_fra = with_setting(input(true), s::DB_RECOVERY_FILE_DEST, "");
    assert!(matches!(run(&no_fra, "oracle.recovery_area").0, CheckStatus::NotEvaluated(_)));
}

#[test]
fn grants_and_auditing_edges() {
    let four_dbas =
        (1..=4).fold(input(true), |i, n| with_fact(i, pf(fact::GRANT_ROLE, &format!("DBA{n}"), "DBA")));
    assert_eq!(run(&four_dbas, "oracle.dba_role").0, CheckStatus::Attention);
    let reader = with_fact(input(true), pf(fact::GRANT_SYSTEM_PRIVILEGE, "REPORTER", "SELECT ANY TABLE"));
    assert_eq!(run(&reader, "oracle.any_privileges").0, CheckStatus::Attention);
    let utl = with_fact(input(true), pf(fact::GRANT_PUBLIC_EXECUTE, "PUBLIC", "UTL_TCP"));
    assert_eq!(run(&utl, "oracle.public_grants").0, CheckStatus::Attention);
    let traditional = with_setting(input(true), s::AUDIT_POLICIES_ENABLED, "0");
    assert_eq!(run(&traditional, "oracle.auditing").0, CheckStatus::Attention);
    let twenty_one = with_setting(input(true), s::INSTANCE_VERSION, "21.3.0.0.0");
    assert_eq!(run(&twenty_one, "oracle.release").0, CheckStatus::Attention);
    let locked = with_fact(input(false), pf(fact::USER_ACCOUNT_STATUS, "APP_SVC", "LOCKED"));
    assert_eq!(run(&locked, "oracle.password_profile").0, CheckStatus::Healthy, "only open accounts count");
}

#[test]
fn schema_checks_need_statistics_dates() {
    let mut bare = input(true);
    bare.schema = Some(std::sync::Arc::new(SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "LEDGERPDB".into(),
            schemas: vec![SchemaInfo {
                name: "APP".into(),
                tables: vec![TableInfo { name: "T".into(), ..Default::default() }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }));
    assert!(matches!(run(&bare, "oracle.stale_statistics").0, CheckStatus::NotEvaluated(_)));
    let mut refused = input(true);
    refused.schema = Some(std::sync::Arc::new(SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "X".into(),
            error: Some("dba_tables: not readable".into()),
            ..Default::default()
        }],
    }));
    assert_eq!(
        run(&refused, "oracle.unusable_indexes").0,
        CheckStatus::NotEvaluated("dba_tables: not readable".into())
    );
}

#[test]
fn a_refused_database_read_and_the_high_tiers_version() {
    let why = "database: not readable by LOGSTAG (ORA-00942: table or view does not exist)";
    let mut i = input(true);
    if let Some(list) = i.settings.as_mut() {
        list.retain(|x| !x.name.starts_with("database.") && x.name != s::INSTANCE_VERSION);
    }
    i = with_fact(i, pf(fact::UNAVAILABLE, fact::READ_DATABASE, why));
    assert_eq!(run(&i, "oracle.archivelog").0, CheckStatus::NotEvaluated(why.into()));
    assert!(matches!(run(&i, "oracle.release").0, CheckStatus::NotEvaluated(_)));
    i.instance = Some(InstanceInfo { version: "21c (21.3.0.0.0)".into(), ..Default::default() });
    assert_eq!(run(&i, "oracle.release").0, CheckStatus::Attention);
}
