//! The low tier's replies about who may do what: logins (with the two password tests the
//! server ran), orphaned users, services and their accounts, and failed Agent jobs.

use super::health_checks::fact;
use super::low_queries::MAX_LOGINS;
use super::metric;
use super::posture::{Read, f};
use crate::model::{Metric, PostureFact};

/// The logins as posture facts. `sa` (principal_id 1) comes first in the reply and its
/// current name is `login.sa_name`. Password facts are written only where the server
/// could compare the hash; when it could compare none, `unavailable` says why.
pub fn logins(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => {
            out.push(f(fact::UNAVAILABLE, fact::READ_LOGINS, why));
            return;
        }
    };
    let mut sql_logins = 0;
    let mut compared = 0;
    for r in rows.iter().take(MAX_LOGINS) {
        let Some(name) = r.get("login_name") else { continue };
        if r.int("principal_id") == Some(1) {
            out.push(f(fact::SA_NAME, "", name));
        }
        let login_type = r.text("login_type");
        out.push(f(fact::LOGIN_TYPE, name, &login_type));
        for (fact_name, column) in [
            (fact::LOGIN_DISABLED, "disabled"),
            (fact::LOGIN_SYSADMIN, "sysadmin"),
            (fact::LOGIN_CONTROL_SERVER, "control_server"),
            (fact::LOGIN_POLICY_CHECKED, "policy_checked"),
            (fact::LOGIN_EXPIRATION_CHECKED, "expiration_checked"),
            (fact::LOGIN_EMPTY_PASSWORD, "empty_password"),
            (fact::LOGIN_PASSWORD_IS_NAME, "password_is_name"),
        ] {
            if let Some(v) = r.flag(column) {
                out.push(f(fact_name, name, v));
            }
        }
        if login_type.eq_ignore_ascii_case("SQL_LOGIN") {
            sql_logins += 1;
            compared += usize::from(r.get("empty_password").is_some());
        }
    }
    if sql_logins > 0 && compared == 0 {
        out.push(f(
            fact::UNAVAILABLE,
            fact::READ_PASSWORDS,
            "the password hashes are hidden from the monitoring login: comparing them needs CONTROL SERVER \
             (SQL Server 2016–2019) or VIEW ANY CRYPTOGRAPHICALLY SECURED DEFINITION (2022 and later)",
        ));
    }
    if rows.len() > MAX_LOGINS {
        out.push(f(fact::LOGINS_TRUNCATED, "", MAX_LOGINS));
    }
}

/// The orphaned-user reads, one per database searched; `skipped` databases were
/// accessible but beyond the cap.
pub fn orphans(reads: &[(String, Read)], skipped: usize, out: &mut Vec<PostureFact>) {
    let mut searched = 0;
    for (database, read) in reads {
        match read {
            Ok(rows) => {
                searched += 1;
                for user in rows.iter().filter_map(|r| r.get("user_name")) {
                    out.push(f(fact::ORPHANED_USER, database, user));
                }
            }
            Err(why) => out.push(f(fact::UNAVAILABLE, &format!("users of {database}"), why)),
        }
    }
    out.push(f(fact::ORPHANS_DATABASES_READ, "", searched));
    if skipped > 0 {
        out.push(f(fact::ORPHANS_DATABASES_SKIPPED, "", skipped));
    }
}

pub fn services(read: &Read, out: &mut Vec<PostureFact>) {
    match read {
        Ok(rows) => {
            for r in rows {
                let Some(name) = r.get("service_name") else { continue };
                for (fact_name, column) in [
                    (fact::SERVICE_STATUS, "status"),
                    (fact::SERVICE_ACCOUNT, "service_account"),
                    (fact::SERVICE_STARTUP, "startup_type"),
                ] {
                    if let Some(v) = r.get(column) {
                        out.push(f(fact_name, name, v.trim()));
                    }
                }
            }
        }
        Err(why) => out.push(f(fact::UNAVAILABLE, fact::READ_SERVICES, why)),
    }
}

/// `sysjobhistory.run_status` in words.
fn outcome(status: Option<i64>) -> &'static str {
    match status {
        Some(0) => "failed",
        Some(1) => "succeeded",
        Some(2) => "retry",
        Some(3) => "canceled",
        Some(4) => "in progress",
        _ => "unknown",
    }
}

/// Jobs that failed in the last 24 h as facts, and `failed_jobs`: how many of them
/// failed on their newest run (still failing). None when the history was not read.
pub fn failed_jobs(read: &Read, out: &mut Vec<PostureFact>) -> Option<Metric> {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => {
            out.push(f(fact::UNAVAILABLE, fact::READ_JOBS, why));
            return None;
        }
    };
    let mut still_failing = 0;
    for r in rows {
        let Some(name) = r.get("job_name") else { continue };
        let last = outcome(r.int("last_run_status"));
        still_failing += usize::from(last == "failed");
        out.push(f(fact::JOB_FAILURES_24H, name, r.uint("failures").unwrap_or(0)));
        out.push(f(fact::JOB_LAST_OUTCOME, name, last));
        if let Some(enabled) = r.flag("enabled") {
            out.push(f(fact::JOB_ENABLED, name, enabled));
        }
    }
    Some(Metric::new(metric::FAILED_JOBS, still_failing as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::{TextRow, from_batch};

    fn value<'a>(facts: &'a [PostureFact], name: &str, key: &str) -> Option<&'a str> {
        facts.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
    }

    #[test]
    fn logins_carry_booleans_only_and_sa_by_its_id() {
        let rows = from_batch(include_str!("fixtures/low_logins.tsv"));
        let mut facts = Vec::new();
        logins(&Ok(rows.clone()), &mut facts);
        assert_eq!(value(&facts, fact::SA_NAME, ""), Some("dba_root"), "renamed sa found by principal_id 1");
        assert_eq!(value(&facts, fact::LOGIN_DISABLED, "dba_root"), Some("true"));
        assert_eq!(value(&facts, fact::LOGIN_EMPTY_PASSWORD, "app"), Some("true"));
        assert_eq!(value(&facts, fact::LOGIN_POLICY_CHECKED, "app"), Some("false"));
        assert_eq!(value(&facts, fact::LOGIN_PASSWORD_IS_NAME, "etl"), Some("true"));
        assert_eq!(value(&facts, fact::LOGIN_CONTROL_SERVER, "etl"), Some("true"));
        assert_eq!(value(&facts, fact::LOGIN_SYSADMIN, "BUILTIN\\Administrators"), Some("true"));
        assert!(value(&facts, fact::LOGIN_POLICY_CHECKED, "CONTOSO\\dba").is_none(), "Windows: no policy");
        assert!(value(&facts, fact::UNAVAILABLE, fact::READ_PASSWORDS).is_none());
        let many: Vec<TextRow> = (0..=MAX_LOGINS).map(|_| rows[1].clone()).collect();
        let mut cut = Vec::new();
        logins(&Ok(many), &mut cut);
        assert_eq!(value(&cut, fact::LOGINS_TRUNCATED, ""), Some("500"));
    }

    #[test]
    fn hidden_hashes_and_refusals_are_said() {
        let hidden = from_batch(
            "principal_id\tlogin_name\tlogin_type\tdisabled\tsysadmin\tcontrol_server\tpolicy_checked\texpiration_checked\tempty_password\tpassword_is_name\n\
             1\tsa\tSQL_LOGIN\t0\t1\t0\t1\t0\tNULL\tNULL\n",
        );
        let mut facts = Vec::new();
        logins(&Ok(hidden), &mut facts);
        assert!(value(&facts, fact::LOGIN_EMPTY_PASSWORD, "sa").is_none());
        assert!(
            value(&facts, fact::UNAVAILABLE, fact::READ_PASSWORDS)
                .is_some_and(|w| w.contains("CONTROL SERVER"))
        );
        let mut refused = Vec::new();
        logins(&Err("logins: denied".into()), &mut refused);
        services(&Err("services: denied".into()), &mut refused);
        assert_eq!(failed_jobs(&Err("agent jobs: denied".into()), &mut refused), None);
        assert_eq!(refused.len(), 3);
        assert!(refused.iter().all(|f| f.name == fact::UNAVAILABLE));
    }

    #[test]
    fn orphans_per_database_with_the_ones_we_could_not_enter() {
        let rows = from_batch(include_str!("fixtures/low_orphaned_users.tsv"));
        let reads = vec![
            ("Sales".to_owned(), Ok(rows)),
            ("legacy_app".to_owned(), Ok(Vec::new())),
            ("ag_secondary".to_owned(), Err("not accessible (error 976)".to_owned())),
        ];
        let mut facts = Vec::new();
        orphans(&reads, 7, &mut facts);
        let sales: Vec<&str> = facts
            .iter()
            .filter(|f| f.name == fact::ORPHANED_USER && f.key == "Sales")
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(sales, ["old_app", "reporting"]);
        assert_eq!(value(&facts, fact::ORPHANS_DATABASES_READ, ""), Some("2"));
        assert_eq!(value(&facts, fact::ORPHANS_DATABASES_SKIPPED, ""), Some("7"));
        assert_eq!(
            value(&facts, fact::UNAVAILABLE, "users of ag_secondary"),
            Some("not accessible (error 976)")
        );
    }

    #[test]
    fn services_and_jobs() {
        let mut facts = Vec::new();
        services(&Ok(from_batch(include_str!("fixtures/low_services.tsv"))), &mut facts);
        assert_eq!(value(&facts, fact::SERVICE_STATUS, "SQL Server Agent (MSSQLSERVER)"), Some("Stopped"));
        assert_eq!(
            value(&facts, fact::SERVICE_ACCOUNT, "SQL Server (MSSQLSERVER)"),
            Some("CONTOSO\\svc-sql")
        );
        let jobs = from_batch(include_str!("fixtures/low_failed_jobs.tsv"));
        let m = failed_jobs(&Ok(jobs), &mut facts);
        assert_eq!(
            m.map(|m| (m.name, m.value)),
            Some((metric::FAILED_JOBS.to_owned(), 1.0)),
            "one still failing"
        );
        assert_eq!(
            value(&facts, fact::JOB_LAST_OUTCOME, "IndexOptimize - USER_DATABASES"),
            Some("succeeded")
        );
        assert_eq!(value(&facts, fact::JOB_FAILURES_24H, "DatabaseBackup - USER_DATABASES - LOG"), Some("3"));
        assert_eq!(failed_jobs(&Ok(Vec::new()), &mut facts).map(|m| m.value), Some(0.0), "read, none failed");
    }
}
