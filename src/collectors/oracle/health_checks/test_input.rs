//! Hand-built inputs for the checks' tests: a well-kept 19c EE primary, or a neglected
//! database with every problem.

use super::{fact, setting as s};
use crate::collectors::oracle::metric as om;
use crate::health::HealthInput;
use crate::model::*;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn setting(name: &str, value: &str) -> Setting {
    Setting { name: name.into(), value: value.into(), unit: String::new(), source: "v$parameter".into() }
}

pub fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

pub fn metrics(points: &[(&str, &str, f64)]) -> BTreeMap<(String, String), f64> {
    points.iter().map(|(n, k, v)| (((*n).to_owned(), (*k).to_owned()), *v)).collect()
}

fn settings(good: bool) -> Vec<Setting> {
    let pick = |g: &str, b: &str| if good { g.to_owned() } else { b.to_owned() };
    [
        (s::INSTANCE_VERSION, pick("19.22.0.0.0", "18.3.0.0.0")),
        (s::INSTANCE_EDITION, "EE".to_owned()),
        (s::DATABASE_ROLE, "PRIMARY".to_owned()),
        (s::DATABASE_OPEN_MODE, "READ WRITE".to_owned()),
        (s::DATABASE_LOG_MODE, pick("ARCHIVELOG", "NOARCHIVELOG")),
        (s::DATABASE_FORCE_LOGGING, pick("YES", "NO")),
        (s::DATABASE_DATAGUARD_BROKER, "DISABLED".to_owned()),
        (s::DATABASE_UNIFIED_AUDITING, "FALSE".to_owned()),
        (s::AUDIT_POLICIES_ENABLED, pick("3", "0")),
        ("log_archive_dest_2", "SERVICE=ledger_siteb ASYNC DB_UNIQUE_NAME=ledger_siteb".to_owned()),
        (s::AUDIT_TRAIL, pick("DB", "NONE")),
        (s::CONTROL_MANAGEMENT_PACK_ACCESS, "DIAGNOSTIC+TUNING".to_owned()),
        (s::CPU_COUNT, pick("8", "4")),
        (s::DB_RECOVERY_FILE_DEST, "+RECO".to_owned()),
        (s::MEMORY_TARGET, pick("0", "12884901888")),
        (s::SGA_TARGET, pick("25769803776", "0")),
        (s::PGA_AGGREGATE_LIMIT, pick("17179869184", "0")),
        (s::REMOTE_LOGIN_PASSWORDFILE, pick("EXCLUSIVE", "SHARED")),
        (s::REMOTE_OS_AUTHENT, pick("FALSE", "TRUE")),
        (s::SEC_CASE_SENSITIVE_LOGON, pick("TRUE", "FALSE")),
        (s::STATISTICS_LEVEL, pick("TYPICAL", "BASIC")),
        (s::UNDO_RETENTION, pick("1800", "120")),
    ]
    .iter()
    .map(|(n, v)| setting(n, v))
    .collect()
}

/// One open application user with its profile's limits.
fn user(name: &str, profile: &str, lax: bool) -> Vec<PostureFact> {
    let (failed, life, verify) =
        if lax { ("UNLIMITED", "UNLIMITED", "NULL") } else { ("5", "90", "ORA12C_STRONG_VERIFY_FUNCTION") };
    vec![
        pf(fact::USER_ACCOUNT_STATUS, name, "OPEN"),
        pf(fact::USER_PROFILE, name, profile),
        pf(fact::USER_AUTHENTICATION, name, "PASSWORD"),
        pf(fact::USER_ORACLE_MAINTAINED, name, "N"),
        pf(fact::PROFILE_FAILED_LOGIN_ATTEMPTS, profile, failed),
        pf(fact::PROFILE_PASSWORD_LIFE_TIME, profile, life),
        pf(fact::PROFILE_PASSWORD_VERIFY_FUNCTION, profile, verify),
    ]
}

fn posture(good: bool) -> Vec<PostureFact> {
    let mut v = vec![
        pf(fact::DIAGNOSTICS_PACK_LICENSED, "", if good { "true" } else { "false" }),
        pf(fact::USERS_READ, "", "3"),
        pf(fact::PROFILES_READ, "", "2"),
        pf(fact::DEFAULT_PASSWORDS_READ, "", "2"),
        pf(fact::DEFAULT_PASSWORD, "DBSNMP", "EXPIRED & LOCKED"),
        pf(fact::GRANTS_READ, "", "3"),
        pf(fact::GRANT_ROLE, "ADMIN_JO", "DBA"),
        pf(fact::GRANT_SYSTEM_PRIVILEGE, "LOGSTAG", "SELECT ANY DICTIONARY"),
        pf(fact::PASSWORD_FILE_READ, "", "2"),
        pf(fact::ADMIN_PRIVILEGES, "BKP_OPER", "SYSBACKUP"),
        pf(fact::RMAN_JOBS_7D, "", "60"),
        pf(fact::RMAN_HISTORY_S, "", "1209600"),
        pf(fact::RMAN_FAILED_24H, "", if good { "0" } else { "2" }),
        pf(fact::RMAN_FAILED_7D, "", if good { "0" } else { "5" }),
        pf(fact::INVALID_OBJECTS_COUNT, "", if good { "0" } else { "37" }),
        pf(fact::INDEXES_TRACKED, "", "48"),
        pf(fact::INDEXES_NEVER_USED, "", if good { "0" } else { "2" }),
    ];
    v.extend(user("APP_SVC", "APP_PROFILE", !good));
    v.extend(
        user("SYS", "DEFAULT", true)
            .into_iter()
            .map(|mut f| {
                if f.name == fact::USER_ORACLE_MAINTAINED {
                    f.value = "Y".into();
                }
                f
            })
            .filter(|f| !f.name.starts_with(fact::PROFILE_PREFIX)),
    );
    if good {
        v.extend([
            pf(fact::RMAN_DB_BACKUP_AGE_S, "", "30211"),
            pf(fact::RMAN_FULL_BACKUP_AGE_S, "", "372611"),
            pf(fact::RMAN_ARCHIVELOG_BACKUP_AGE_S, "", "1850"),
        ]);
    } else {
        v.extend([
            pf(fact::DEFAULT_PASSWORD, "SCOTT", "OPEN"),
            pf(fact::GRANT_ROLE, "PUBLIC", "DBA"),
            pf(fact::GRANT_SYSTEM_PRIVILEGE, "OPS_ROLE", "GRANT ANY PRIVILEGE"),
            pf(fact::GRANT_SYSTEM_PRIVILEGE, "APP_SVC", "SELECT ANY TABLE"),
            pf(fact::GRANT_PUBLIC_EXECUTE, "PUBLIC", "UTL_FILE"),
            pf(fact::ADMIN_PRIVILEGES, "ADMIN_JO", "SYSDBA, SYSOPER"),
            pf(fact::RMAN_FAILED_JOB, "14400", "DB INCR FAILED (SBT_TAPE)"),
            pf(fact::INVALID_OBJECT, "APP_OWNER.BILLING_PKG", "PACKAGE BODY"),
            pf(fact::INDEX_NEVER_USED, "APP_OWNER.INVOICES_NOTE_IX", "INVOICES"),
        ]);
    }
    v
}

fn schema(good: bool) -> SchemaSnapshot {
    let index = IndexInfo { name: "INVOICES_CUST_IX".into(), valid: good, ..Default::default() };
    let analysed = TableInfo {
        name: "INVOICES".into(),
        row_estimate: Some(1_000_000.0),
        last_analyze_ms: Some(1_790_000_000_000),
        n_mod_since_analyze: Some(if good { 2_000 } else { 400_000 }),
        indexes: vec![index],
        ..Default::default()
    };
    let mut tables = vec![analysed];
    if !good {
        tables.push(TableInfo { name: "STAGING".into(), ..Default::default() });
    }
    let schema =
        SchemaInfo { name: "APP_OWNER".into(), owner: "APP_OWNER".into(), tables, ..Default::default() };
    SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "LEDGERPDB".into(),
            schemas: vec![schema],
            ..Default::default()
        }],
    }
}

pub fn input(good: bool) -> HealthInput {
    let m = if good {
        metrics(&[
            (om::RESOURCE_USED_PCT, "processes", 40.0),
            (om::RESOURCE_USED_PCT, "sessions", 31.0),
            (metric::CACHE_HIT_PCT, "", 99.2),
            (om::HARD_PARSES_PER_S, "", 4.0),
            (om::EXECUTIONS_PER_S, "", 2_000.0),
            (om::AVERAGE_ACTIVE_SESSIONS, "", 2.5),
            (metric::BLOCKED_SESSIONS, "", 0.0),
            (om::ARCHIVE_DEST_ERRORS, "", 0.0),
            (om::RECOVERY_AREA_USED_PCT, "", 41.0),
            (om::TABLESPACE_USED_PCT, "USERS", 52.0),
            (om::TABLESPACE_USED_PCT, "SYSAUX", 71.0),
            (metric::LONGEST_QUERY_S, "", 25.0),
        ])
    } else {
        metrics(&[
            (om::RESOURCE_USED_PCT, "processes", 97.0),
            (om::RESOURCE_USED_PCT, "sessions", 88.0),
            (metric::CACHE_HIT_PCT, "", 74.0),
            (om::HARD_PARSES_PER_S, "", 640.0),
            (om::EXECUTIONS_PER_S, "", 1_200.0),
            (om::AVERAGE_ACTIVE_SESSIONS, "", 9.5),
            (metric::BLOCKED_SESSIONS, "", 7.0),
            (om::ARCHIVE_DEST_ERRORS, "", 1.0),
            (om::RECOVERY_AREA_USED_PCT, "", 98.0),
            (om::TABLESPACE_USED_PCT, "USERS", 99.0),
            (om::TABLESPACE_USED_PCT, "SYSAUX", 88.0),
            (metric::LONGEST_QUERY_S, "", 5_000.0),
        ])
    };
    HealthInput {
        target: TargetId("ledger".into()),
        settings: Some(settings(good)),
        posture: Some(posture(good)),
        schema: Some(Arc::new(schema(good))),
        metrics: m,
        ..Default::default()
    }
}
