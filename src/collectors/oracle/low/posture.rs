//! The low tier's security and maintenance reads as posture facts (names:
//! `health_checks::fact`) and the few metrics alerts need: RMAN jobs, password profiles,
//! users, default passwords, powerful grants, the password file, invalid objects and
//! index usage. A refused read becomes an `unavailable` fact the checks explain.

use super::super::health_checks::fact;
use super::super::metric as om;
use super::queries::{MAX_GRANTS, MAX_INVALID_NAMED, MAX_RMAN_FAILURES, MAX_UNUSED_NAMED, MAX_USERS};
use crate::collectors::text_rows::TextRow;
use crate::model::{Metric, PostureFact};
use std::collections::HashMap;

/// A read: the rows, or the refusal in words.
pub type Read = Result<Vec<TextRow>, String>;

pub fn f(name: &str, key: &str, value: impl ToString) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.to_owned(), value: value.to_string() }
}

fn unavailable(read: &str, why: &str, out: &mut Vec<PostureFact>) {
    out.push(f(fact::UNAVAILABLE, read, why));
}

/// RMAN: ages of the newest good backups (absent when none is remembered), failures in
/// the last day and week, the failed jobs named. Metrics: failed jobs in 24 h always,
/// the last backup's age when there is one.
pub fn rman(summary: &Read, failures: &Read, out: &mut Vec<PostureFact>, metrics: &mut Vec<Metric>) {
    let rows = match summary {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_RMAN, why, out),
    };
    let Some(r) = rows.first() else { return unavailable(fact::READ_RMAN, "no summary row", out) };
    for (name, column) in [
        (fact::RMAN_DB_BACKUP_AGE_S, "db_backup_age_s"),
        (fact::RMAN_FULL_BACKUP_AGE_S, "full_backup_age_s"),
        (fact::RMAN_ARCHIVELOG_BACKUP_AGE_S, "archivelog_backup_age_s"),
        (fact::RMAN_HISTORY_S, "history_s"),
    ] {
        // A backup that ended "after" SYSDATE (clock step) counts as just now.
        if let Some(v) = r.int(column) {
            out.push(f(name, "", v.max(0)));
        }
    }
    let failed_24h = r.uint("failed_24h").unwrap_or(0);
    out.push(f(fact::RMAN_FAILED_24H, "", failed_24h));
    out.push(f(fact::RMAN_FAILED_7D, "", r.uint("failed_7d").unwrap_or(0)));
    out.push(f(fact::RMAN_JOBS_7D, "", r.uint("jobs_7d").unwrap_or(0)));
    metrics.push(Metric::new(om::RMAN_FAILED_JOBS, failed_24h as f64));
    if let Some(age) = r.int("db_backup_age_s") {
        metrics.push(Metric::new(om::LAST_BACKUP_AGE_S, age.max(0) as f64));
    }
    for j in failures.as_deref().unwrap_or_default().iter().take(MAX_RMAN_FAILURES) {
        let Some(start) = j.int("start_age_s") else { continue };
        let device = j.get("output_device_type").map(|d| format!(" ({})", d.trim())).unwrap_or_default();
        out.push(f(
            fact::RMAN_FAILED_JOB,
            &start.max(0).to_string(),
            format!("{} {}{device}", j.text("input_type").trim(), j.text("status").trim()),
        ));
    }
}

/// Password limits per profile, with `DEFAULT` resolved to the DEFAULT profile's value
/// (what the server enforces).
pub fn profiles(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_PROFILES, why, out),
    };
    let default: HashMap<String, String> = rows
        .iter()
        .filter(|r| r.text("profile").trim() == "DEFAULT")
        .map(|r| (r.text("resource_name").trim().to_owned(), r.text("limit_value").trim().to_owned()))
        .collect();
    let mut profiles = std::collections::BTreeSet::new();
    for r in rows {
        let (profile, resource) =
            (r.text("profile").trim().to_owned(), r.text("resource_name").trim().to_owned());
        if profile.is_empty() || resource.is_empty() {
            continue;
        }
        // Oracle spells "no verify function" as the text NULL; a real NULL reads the same.
        let mut limit = r.get("limit_value").map_or("NULL", str::trim).to_owned();
        if limit == "DEFAULT" {
            limit = default.get(&resource).cloned().unwrap_or(limit);
        }
        out.push(f(&format!("{}{}", fact::PROFILE_PREFIX, resource.to_ascii_lowercase()), &profile, limit));
        profiles.insert(profile);
    }
    out.push(f(fact::PROFILES_READ, "", profiles.len()));
}

pub fn users(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_USERS, why, out),
    };
    for r in rows {
        let Some(user) = r.get("username") else { continue };
        for (name, column) in [
            (fact::USER_ACCOUNT_STATUS, "account_status"),
            (fact::USER_PROFILE, "profile"),
            (fact::USER_AUTHENTICATION, "authentication_type"),
            (fact::USER_ORACLE_MAINTAINED, "oracle_maintained"),
        ] {
            if let Some(v) = r.get(column) {
                out.push(f(name, user, v.trim()));
            }
        }
        if let Some(days) = r.int("last_login_days") {
            out.push(f(fact::USER_LAST_LOGIN_DAYS, user, days.max(0)));
        }
    }
    out.push(f(fact::USERS_READ, "", rows.len()));
    if rows.len() >= MAX_USERS {
        out.push(f(fact::USERS_TRUNCATED, "", MAX_USERS));
    }
}

pub fn default_passwords(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_DEFAULT_PASSWORDS, why, out),
    };
    for r in rows {
        let Some(user) = r.get("username") else { continue };
        out.push(f(fact::DEFAULT_PASSWORD, user, r.text("account_status").trim()));
        if let Some(m) = r.get("oracle_maintained") {
            out.push(f(fact::DEFAULT_PASSWORD_MAINTAINED, user, m.trim()));
        }
    }
    out.push(f(fact::DEFAULT_PASSWORDS_READ, "", rows.len()));
}

pub fn grants(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_GRANTS, why, out),
    };
    for r in rows {
        let (Some(grantee), Some(privilege)) = (r.get("grantee"), r.get("privilege")) else { continue };
        let name = match r.text("kind").trim() {
            "ROLE" => fact::GRANT_ROLE,
            "SYSTEM" => fact::GRANT_SYSTEM_PRIVILEGE,
            "EXECUTE" => fact::GRANT_PUBLIC_EXECUTE,
            _ => continue,
        };
        out.push(f(name, grantee, privilege.trim()));
        if r.flag("admin_option") == Some(true) {
            out.push(f(fact::GRANT_ADMIN_OPTION, grantee, privilege.trim()));
        }
    }
    out.push(f(fact::GRANTS_READ, "", rows.len()));
    if rows.len() >= MAX_GRANTS {
        out.push(f(fact::GRANTS_TRUNCATED, "", MAX_GRANTS));
    }
}

/// The password file's users beyond Oracle's own accounts, with their administrative
/// privileges. SYS is Oracle's even where `dba_users` did not answer for it.
pub fn password_file(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_PASSWORD_FILE, why, out),
    };
    for r in rows {
        let Some(user) = r.get("username") else { continue };
        if r.flag("oracle_maintained") == Some(true) || user == "SYS" {
            continue;
        }
        let held: Vec<String> = ["sysdba", "sysoper", "sysbackup", "sysdg", "syskm"]
            .iter()
            .filter(|c| r.flag(c) == Some(true))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !held.is_empty() {
            out.push(f(fact::ADMIN_PRIVILEGES, user, held.join(", ")));
        }
    }
    out.push(f(fact::PASSWORD_FILE_READ, "", rows.len()));
}

/// The exact count (metric and fact) and the first few named.
pub fn invalid_objects(read: &Read, out: &mut Vec<PostureFact>, metrics: &mut Vec<Metric>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_INVALID_OBJECTS, why, out),
    };
    let total = rows.first().and_then(|r| r.uint("total")).unwrap_or(rows.len() as u64);
    for r in rows.iter().take(MAX_INVALID_NAMED) {
        let (Some(owner), Some(name)) = (r.get("owner"), r.get("object_name")) else { continue };
        out.push(f(fact::INVALID_OBJECT, &format!("{owner}.{name}"), r.text("object_type").trim()));
    }
    out.push(f(fact::INVALID_OBJECTS_COUNT, "", total));
    metrics.push(Metric::new(om::INVALID_OBJECTS, total as f64));
}

/// Totals of non-unique application indexes and of those never used since tracking
/// began, the first few never-used named.
pub fn index_usage(read: &Read, out: &mut Vec<PostureFact>) {
    let rows = match read {
        Ok(rows) => rows,
        Err(why) => return unavailable(fact::READ_INDEX_USAGE, why, out),
    };
    let first = rows.first();
    out.push(f(fact::INDEXES_TRACKED, "", first.and_then(|r| r.uint("indexes")).unwrap_or(0)));
    out.push(f(fact::INDEXES_NEVER_USED, "", first.and_then(|r| r.uint("never_used")).unwrap_or(0)));
    for r in rows.iter().take(MAX_UNUSED_NAMED).filter(|r| r.get("used").map(str::trim) == Some("N")) {
        let (Some(owner), Some(index)) = (r.get("owner"), r.get("index_name")) else { continue };
        out.push(f(fact::INDEX_NEVER_USED, &format!("{owner}.{index}"), r.text("table_name").trim()));
    }
}
