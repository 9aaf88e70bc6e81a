//! The low tier's parsers on our own fixtures (invented values, the shapes of 19c EE,
//! 23ai Free and a neglected database), refusals and NULLs included.

use super::posture::{self, Read};
use super::settings;
use crate::collectors::oracle::health_checks::{fact, setting};
use crate::collectors::oracle::metric as om;
use crate::collectors::text_rows::{TextRow, from_batch};
use crate::model::{Metric, PostureFact, Setting};

fn fixture(name: &str) -> Vec<TextRow> {
    from_batch(match name {
        "instance_19c" => include_str!("../fixtures/low_instance_19c.tsv"),
        "instance_23ai" => include_str!("../fixtures/low_instance_23ai.tsv"),
        "instance_legacy" => include_str!("../fixtures/low_instance_legacy.tsv"),
        "database_19c" => include_str!("../fixtures/low_database_19c.tsv"),
        "database_23ai" => include_str!("../fixtures/low_database_23ai.tsv"),
        "database_standby" => include_str!("../fixtures/low_database_standby.tsv"),
        "parameters_19c" => include_str!("../fixtures/low_parameters_19c.tsv"),
        "parameters_23ai" => include_str!("../fixtures/low_parameters_23ai.tsv"),
        "parameters_poor" => include_str!("../fixtures/low_parameters_poor.tsv"),
        "audit_policies" => include_str!("../fixtures/low_audit_policies.tsv"),
        "rman_19c" => include_str!("../fixtures/low_rman_summary_19c.tsv"),
        "rman_empty" => include_str!("../fixtures/low_rman_summary_empty.tsv"),
        "rman_poor" => include_str!("../fixtures/low_rman_summary_poor.tsv"),
        "rman_failures" => include_str!("../fixtures/low_rman_failures.tsv"),
        "profiles" => include_str!("../fixtures/low_profiles.tsv"),
        "users" => include_str!("../fixtures/low_users.tsv"),
        "default_passwords" => include_str!("../fixtures/low_default_passwords.tsv"),
        "grants_poor" => include_str!("../fixtures/low_grants_poor.tsv"),
        "pwfile" => include_str!("../fixtures/low_pwfile.tsv"),
        "invalid_objects" => include_str!("../fixtures/low_invalid_objects.tsv"),
        "index_usage" => include_str!("../fixtures/low_index_usage.tsv"),
        _ => "",
    })
}

fn ok(name: &str) -> Read {
    Ok(fixture(name))
}

fn get<'a>(s: &'a [Setting], name: &str) -> Option<&'a str> {
    s.iter().find(|x| x.name == name).map(|x| x.value.as_str())
}

fn value<'a>(facts: &'a [PostureFact], name: &str, key: &str) -> Option<&'a str> {
    facts.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
}

fn all<'a>(facts: &'a [PostureFact], name: &str) -> Vec<(&'a str, &'a str)> {
    facts.iter().filter(|f| f.name == name).map(|f| (f.key.as_str(), f.value.as_str())).collect()
}

fn metric(metrics: &[Metric], name: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name).map(|m| m.value)
}

#[test]
fn instance_19c_and_23ai_and_before_18c() {
    let s = settings::instance(&fixture("instance_19c"));
    assert_eq!(get(&s, setting::INSTANCE_VERSION), Some("19.22.0.0.0"));
    assert_eq!(get(&s, setting::INSTANCE_EDITION), Some("EE"));
    assert_eq!(get(&s, setting::INSTANCE_UPTIME_S), Some("1424690"));
    assert_eq!(get(&s, setting::INSTANCE_CONTAINER), Some("LEDGERPDB"));
    assert_eq!(get(&s, setting::INSTANCE_STARTUP_TIME), Some("2026-11-20 03:14:07"));
    assert_eq!(
        get(&s, setting::INSTANCE_BANNER),
        Some("Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production Version 19.22.0.0.0"),
        "two lines made one"
    );
    let free = settings::instance(&fixture("instance_23ai"));
    assert_eq!(get(&free, setting::INSTANCE_EDITION), Some("FREE"));
    assert_eq!(get(&free, setting::INSTANCE_UPTIME_S), Some("5421"), "a decimal NUMBER truncated");
    assert_eq!(get(&free, setting::INSTANCE_CONTAINER), Some("CDB$ROOT"));
    let old = settings::instance(&fixture("instance_legacy"));
    assert_eq!(get(&old, setting::INSTANCE_VERSION), Some("12.1.0.2.0"), "VERSION before 18c");
    assert_eq!(get(&old, setting::INSTANCE_EDITION), None);
    assert_eq!(get(&old, setting::INSTANCE_UPTIME_S), None, "NULL: absent, never 0");
    assert!(settings::instance(&[]).is_empty());
}

#[test]
fn database_facts_and_whether_the_dictionary_answers() {
    let d = settings::database(&fixture("database_19c"));
    assert_eq!(get(&d, setting::DATABASE_LOG_MODE), Some("ARCHIVELOG"));
    assert_eq!(get(&d, setting::DATABASE_ROLE), Some("PRIMARY"));
    assert_eq!(get(&d, setting::DATABASE_FORCE_LOGGING), Some("YES"));
    assert_eq!(get(&d, setting::DATABASE_UNIFIED_AUDITING), Some("FALSE"));
    assert_eq!(d.len(), 11);
    assert!(settings::dictionary_readable(&d));
    let free = settings::database(&fixture("database_23ai"));
    assert_eq!(get(&free, setting::DATABASE_LOG_MODE), Some("NOARCHIVELOG"));
    let standby = settings::database(&fixture("database_standby"));
    assert_eq!(get(&standby, setting::DATABASE_UNIFIED_AUDITING), None);
    assert!(!settings::dictionary_readable(&standby), "MOUNTED");
    assert!(settings::dictionary_readable(&[]), "unknown: try");
}

#[test]
fn parameters_keep_oracles_names_units_and_unset_values() {
    let p = settings::parameters(&fixture("parameters_19c"));
    assert_eq!(p.len(), 18);
    let sga = p.iter().find(|s| s.name == setting::SGA_TARGET).cloned();
    assert_eq!(sga.as_ref().map(|s| (s.value.as_str(), s.unit.as_str())), Some(("25769803776", "bytes")));
    assert_eq!(sga.map(|s| s.source), Some("v$parameter".to_owned()));
    let pack = p.iter().find(|s| s.name == setting::CONTROL_MANAGEMENT_PACK_ACCESS);
    assert_eq!(pack.map(|s| s.source.as_str()), Some("v$parameter (default)"));
    assert_eq!(p.iter().find(|s| s.name == setting::UNDO_RETENTION).map(|s| s.unit.as_str()), Some("s"));
    assert!(get(&p, "log_archive_dest_2").is_some_and(|v| v.starts_with("SERVICE=")));
    let free = settings::parameters(&fixture("parameters_23ai"));
    assert_eq!(get(&free, setting::DB_RECOVERY_FILE_DEST), Some(""), "unset is a fact");
    assert_eq!(get(&free, setting::SEC_CASE_SENSITIVE_LOGON), None, "gone in 23ai");
    let poor = settings::parameters(&fixture("parameters_poor"));
    assert_eq!(get(&poor, setting::STATISTICS_LEVEL), Some("BASIC"));
    let n = settings::audit_policies(&fixture("audit_policies")).map(|s| s.value);
    assert_eq!(n.as_deref(), Some("3"));
    assert!(settings::audit_policies(&[]).is_none());
}

#[test]
fn rman_ages_failures_and_metrics() {
    let (mut facts, mut metrics) = (Vec::new(), Vec::new());
    posture::rman(&ok("rman_19c"), &Ok(Vec::new()), &mut facts, &mut metrics);
    assert_eq!(value(&facts, fact::RMAN_DB_BACKUP_AGE_S, ""), Some("30211"));
    assert_eq!(value(&facts, fact::RMAN_ARCHIVELOG_BACKUP_AGE_S, ""), Some("1850"));
    assert_eq!(value(&facts, fact::RMAN_FAILED_7D, ""), Some("1"));
    assert_eq!(metric(&metrics, om::RMAN_FAILED_JOBS), Some(0.0), "zero is sent: alerts resolve");
    assert_eq!(metric(&metrics, om::LAST_BACKUP_AGE_S), Some(30211.0));

    let (mut facts, mut metrics) = (Vec::new(), Vec::new());
    posture::rman(&ok("rman_empty"), &Ok(Vec::new()), &mut facts, &mut metrics);
    assert_eq!(value(&facts, fact::RMAN_DB_BACKUP_AGE_S, ""), None, "none remembered");
    assert_eq!(value(&facts, fact::RMAN_JOBS_7D, ""), Some("0"));
    assert_eq!(metric(&metrics, om::LAST_BACKUP_AGE_S), None, "never a made-up age");

    let (mut facts, mut metrics) = (Vec::new(), Vec::new());
    posture::rman(&ok("rman_poor"), &ok("rman_failures"), &mut facts, &mut metrics);
    assert_eq!(metric(&metrics, om::RMAN_FAILED_JOBS), Some(2.0));
    assert_eq!(
        all(&facts, fact::RMAN_FAILED_JOB),
        [("14400", "DB INCR FAILED (SBT_TAPE)"), ("50400", "ARCHIVELOG COMPLETED WITH ERRORS")]
    );

    let (mut facts, mut metrics) = (Vec::new(), Vec::new());
    posture::rman(&Err("RMAN jobs: not readable".into()), &Ok(Vec::new()), &mut facts, &mut metrics);
    assert_eq!(value(&facts, fact::UNAVAILABLE, fact::READ_RMAN), Some("RMAN jobs: not readable"));
    assert!(metrics.is_empty(), "a refusal is no zero");
}

#[test]
fn profiles_resolve_default_limits() {
    let mut facts = Vec::new();
    posture::profiles(&ok("profiles"), &mut facts);
    assert_eq!(
        value(&facts, fact::PROFILE_FAILED_LOGIN_ATTEMPTS, "APP_SVC"),
        Some("5"),
        "DEFAULT → DEFAULT's"
    );
    assert_eq!(value(&facts, fact::PROFILE_PASSWORD_LIFE_TIME, "APP_SVC"), Some("UNLIMITED"));
    assert_eq!(value(&facts, fact::PROFILE_FAILED_LOGIN_ATTEMPTS, "LAX"), Some("UNLIMITED"));
    assert_eq!(value(&facts, fact::PROFILE_PASSWORD_VERIFY_FUNCTION, "LAX"), Some("NULL"));
    assert_eq!(value(&facts, fact::PROFILES_READ, ""), Some("3"));
}

#[test]
fn users_default_passwords_grants_and_the_password_file() {
    let mut facts = Vec::new();
    posture::users(&ok("users"), &mut facts);
    posture::default_passwords(&ok("default_passwords"), &mut facts);
    posture::grants(&ok("grants_poor"), &mut facts);
    posture::password_file(&ok("pwfile"), &mut facts);
    assert_eq!(value(&facts, fact::USER_ACCOUNT_STATUS, "O'BRIEN"), Some("EXPIRED(GRACE)"));
    assert_eq!(value(&facts, fact::USER_PROFILE, "REPORTER"), Some("LAX"));
    assert_eq!(value(&facts, fact::USER_LAST_LOGIN_DAYS, "REPORTER"), Some("41"));
    assert_eq!(value(&facts, fact::USER_LAST_LOGIN_DAYS, "APP_OWNER"), None);
    assert_eq!(value(&facts, fact::USERS_READ, ""), Some("6"));
    assert_eq!(value(&facts, fact::USERS_TRUNCATED, ""), None);
    assert_eq!(value(&facts, fact::DEFAULT_PASSWORD, "SCOTT"), Some("OPEN"));
    assert_eq!(value(&facts, fact::DEFAULT_PASSWORD_MAINTAINED, "DBSNMP"), Some("Y"));
    assert_eq!(all(&facts, fact::GRANT_ROLE), [("APP_SVC", "DBA"), ("REPORTER", "SELECT_CATALOG_ROLE")]);
    assert_eq!(value(&facts, fact::GRANT_ADMIN_OPTION, "OPS_ROLE"), Some("GRANT ANY PRIVILEGE"));
    assert_eq!(value(&facts, fact::GRANT_PUBLIC_EXECUTE, "PUBLIC"), Some("UTL_FILE"));
    assert_eq!(all(&facts, fact::ADMIN_PRIVILEGES), [("ADMIN_JO", "SYSDBA"), ("BKP_OPER", "SYSBACKUP")]);
    assert_eq!(value(&facts, fact::PASSWORD_FILE_READ, ""), Some("4"));

    let mut refused = Vec::new();
    posture::default_passwords(&Err("default passwords: not readable".into()), &mut refused);
    posture::grants(&Err("powerful grants: not readable".into()), &mut refused);
    assert_eq!(refused.len(), 2, "no read marker without a read");
    assert!(value(&refused, fact::UNAVAILABLE, fact::READ_DEFAULT_PASSWORDS).is_some());
}

#[test]
fn many_users_are_marked_cut() {
    let header = "USERNAME\tACCOUNT_STATUS\n";
    let body: String = (0..super::queries::MAX_USERS).map(|n| format!("U{n}\tOPEN\n")).collect();
    let mut facts = Vec::new();
    posture::users(&Ok(from_batch(&(header.to_owned() + &body))), &mut facts);
    assert_eq!(value(&facts, fact::USERS_TRUNCATED, ""), Some("300"));
}

#[test]
fn invalid_objects_and_index_usage() {
    let (mut facts, mut metrics) = (Vec::new(), Vec::new());
    posture::invalid_objects(&ok("invalid_objects"), &mut facts, &mut metrics);
    posture::index_usage(&ok("index_usage"), &mut facts);
    assert_eq!(metric(&metrics, om::INVALID_OBJECTS), Some(37.0), "the exact count, not the rows named");
    assert_eq!(value(&facts, fact::INVALID_OBJECT, "REPORTER.Ünïcode_syn"), Some("SYNONYM"));
    assert_eq!(value(&facts, fact::INVALID_OBJECTS_COUNT, ""), Some("37"));
    assert_eq!(value(&facts, fact::INDEXES_TRACKED, ""), Some("48"));
    assert_eq!(value(&facts, fact::INDEXES_NEVER_USED, ""), Some("2"));
    assert_eq!(
        all(&facts, fact::INDEX_NEVER_USED),
        [("APP_OWNER.INVOICES_NOTE_IX", "INVOICES"), ("APP_OWNER.LINES_TMP_IX", "INVOICE_LINES")]
    );
    let (mut clean, mut metrics) = (Vec::new(), Vec::new());
    posture::invalid_objects(&Ok(Vec::new()), &mut clean, &mut metrics);
    posture::index_usage(&Ok(Vec::new()), &mut clean);
    assert_eq!(metric(&metrics, om::INVALID_OBJECTS), Some(0.0));
    assert_eq!(value(&clean, fact::INDEXES_TRACKED, ""), Some("0"));
}

/// The fixtures parsed as the round would send them, then judged: 23ai Free as
/// installed and the neglected 19c, end to end through the check catalogue.
mod judged {
    use super::*;
    use crate::collectors::oracle::health_checks::CHECKS;
    use crate::health::{HealthInput, testing::run};
    use crate::model::{CheckStatus, SampleBody, Timestamp};

    fn round(instance: &str, database: &str, parameters: &str, rman: &str, licensed: bool) -> HealthInput {
        let mut s = settings::instance(&fixture(instance));
        s.extend(settings::database(&fixture(database)));
        s.extend(settings::parameters(&fixture(parameters)));
        s.extend(settings::audit_policies(&fixture("audit_policies")));
        let (mut facts, mut metrics) = (Vec::new(), Vec::new());
        posture::rman(&ok(rman), &ok("rman_failures"), &mut facts, &mut metrics);
        posture::profiles(&ok("profiles"), &mut facts);
        posture::users(&ok("users"), &mut facts);
        posture::default_passwords(&ok("default_passwords"), &mut facts);
        posture::grants(&ok("grants_poor"), &mut facts);
        posture::password_file(&ok("pwfile"), &mut facts);
        posture::invalid_objects(&ok("invalid_objects"), &mut facts, &mut metrics);
        posture::index_usage(&ok("index_usage"), &mut facts);
        facts.push(posture::f(fact::DIAGNOSTICS_PACK_LICENSED, "", licensed));
        let mut input = HealthInput::default();
        for body in [SampleBody::Settings(s), SampleBody::Posture(facts), SampleBody::Metrics(metrics)] {
            input.apply(Timestamp(1), &body);
        }
        input
    }

    #[test]
    fn free_23ai_as_installed() {
        let i = round("instance_23ai", "database_23ai", "parameters_23ai", "rman_empty", false);
        let status = |id: &str| run(CHECKS, &i, id).0;
        assert_eq!(status("oracle.archivelog"), CheckStatus::Attention, "NOARCHIVELOG on Free");
        assert_eq!(status("oracle.pack_access"), CheckStatus::Healthy, "Free includes the packs");
        assert_eq!(status("oracle.auditing"), CheckStatus::Healthy, "3 unified policies");
        assert_eq!(status("oracle.backups"), CheckStatus::Critical, "none remembered, no standby");
        assert_eq!(status("oracle.force_logging"), CheckStatus::Healthy, "no Data Guard");
        assert_eq!(status("oracle.release"), CheckStatus::Healthy);
        assert_eq!(status("oracle.authentication"), CheckStatus::Healthy);
        assert!(
            matches!(status("oracle.recovery_area"), CheckStatus::NotEvaluated(r) if r.contains("unset"))
        );
        assert!(matches!(status("oracle.archivelog_backups"), CheckStatus::NotEvaluated(_)));
    }

    #[test]
    fn neglected_19c_from_its_fixtures() {
        let i = round("instance_19c", "database_19c", "parameters_poor", "rman_poor", false);
        let check = |id: &str| run(CHECKS, &i, id);
        assert_eq!(check("oracle.statistics_level").0, CheckStatus::Critical);
        assert_eq!(check("oracle.authentication").0, CheckStatus::Critical, "remote_os_authent TRUE");
        assert_eq!(check("oracle.memory").0, CheckStatus::Attention);
        assert_eq!(check("oracle.undo_retention").0, CheckStatus::Critical);
        assert_eq!(check("oracle.pack_access").0, CheckStatus::Attention, "EE, packs on, not licensed");
        assert_eq!(check("oracle.default_passwords").0, CheckStatus::Critical, "SCOTT is OPEN");
        assert_eq!(check("oracle.any_privileges").0, CheckStatus::Critical, "GRANT ANY PRIVILEGE");
        assert_eq!(check("oracle.public_grants").0, CheckStatus::Critical, "CREATE ANY TABLE to PUBLIC");
        assert_eq!(check("oracle.sysdba_users").0, CheckStatus::Attention);
        assert_eq!(check("oracle.rman_failures").0, CheckStatus::Critical);
        // 13 days old, but the broker is on: backups may run on the standby.
        assert_eq!(check("oracle.backups").0, CheckStatus::Attention);
        assert_eq!(check("oracle.archivelog_backups").0, CheckStatus::Critical, "none remembered");
        assert_eq!(check("oracle.invalid_objects").0, CheckStatus::Attention);
        assert_eq!(check("oracle.unused_indexes").0, CheckStatus::Attention);
        let (status, evidence) = check("oracle.password_profile");
        assert_eq!(status, CheckStatus::Critical, "{evidence}");
        assert!(
            evidence.contains("LAX (no lockout") && evidence.contains("APP_SVC (passwords never expire"),
            "{evidence}"
        );
    }
}
