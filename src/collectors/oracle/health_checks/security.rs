//! Security checks over the low tier's posture: default passwords, DBA and ANY grants,
//! PUBLIC, administrative privileges, password profiles, authentication parameters and
//! auditing.

use super::{NO_LOW, fact, number, pairs, read_marker, setting, setting_gap, setting_text};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;
use std::collections::{BTreeMap, BTreeSet};

fn listed(status: CheckStatus, head: String, names: &[String]) -> Outcome {
    (status, format!("{head} {}", some_of(names)).trim_end().to_owned())
}

/// An account that can still log in with its password (not LOCKED in any form).
fn usable(status: &str) -> bool {
    !status.to_ascii_uppercase().contains("LOCKED")
}

/// System privileges that lead to everything else (grant themselves more, become or
/// change another user, run code as SYS), beyond reading or writing data.
const ESCALATING: &[&str] = &[
    "GRANT ANY PRIVILEGE",
    "GRANT ANY ROLE",
    "GRANT ANY OBJECT PRIVILEGE",
    "ALTER USER",
    "BECOME USER",
    "ALTER SYSTEM",
    "ALTER DATABASE",
    "CREATE ANY PROCEDURE",
    "EXECUTE ANY PROCEDURE",
    "CREATE ANY TRIGGER",
    "CREATE ANY JOB",
    "CREATE LIBRARY",
    "EXEMPT ACCESS POLICY",
    "ALTER ANY ROLE",
    "DROP USER",
];

/// Read-only dictionary access a monitoring account (ours included) is meant to hold.
const MONITORING: &[&str] = &["SELECT ANY DICTIONARY", "SELECT_CATALOG_ROLE"];

fn grants_or_gap(i: &HealthInput) -> Result<(), Outcome> {
    read_marker(i, fact::GRANTS_READ, fact::READ_GRANTS).map(|_| ()).map_err(not_evaluated)
}

fn cut(i: &HealthInput) -> &'static str {
    if i.fact(fact::GRANTS_TRUNCATED).is_some() { " (first 500 grants only)" } else { "" }
}

pub fn default_passwords(i: &HealthInput) -> Outcome {
    if let Err(why) = read_marker(i, fact::DEFAULT_PASSWORDS_READ, fact::READ_DEFAULT_PASSWORDS) {
        return not_evaluated(why);
    }
    let all = pairs(i, fact::DEFAULT_PASSWORD);
    let open: Vec<String> =
        all.iter().filter(|(_, status)| usable(status)).map(|(u, s)| format!("{u} ({s})")).collect();
    let status = if open.is_empty() { CheckStatus::Healthy } else { CheckStatus::Critical };
    listed(
        status,
        format!(
            "{} accounts still have their default password, {} of them not locked (critical when any can log in)",
            all.len(),
            open.len()
        ),
        &open,
    )
}

pub fn dba_grants(i: &HealthInput) -> Outcome {
    if let Err(o) = grants_or_gap(i) {
        return o;
    }
    let holders: Vec<String> = pairs(i, fact::GRANT_ROLE)
        .iter()
        .filter(|(_, r)| *r == "DBA")
        .map(|(g, _)| (*g).to_owned())
        .collect();
    let status = if holders.iter().any(|g| g == "PUBLIC") {
        CheckStatus::Critical
    } else if holders.len() > 3 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    listed(
        status,
        format!(
            "{} grantees outside Oracle's own accounts hold DBA{} (attention above 3; critical when PUBLIC)",
            holders.len(),
            cut(i)
        ),
        &holders,
    )
}

pub fn any_privileges(i: &HealthInput) -> Outcome {
    if let Err(o) = grants_or_gap(i) {
        return o;
    }
    let held: Vec<(&str, &str)> = pairs(i, fact::GRANT_SYSTEM_PRIVILEGE)
        .into_iter()
        .filter(|(g, p)| *g != "PUBLIC" && !MONITORING.contains(p))
        .collect();
    let escalating: Vec<String> =
        held.iter().filter(|(_, p)| ESCALATING.contains(p)).map(|(g, p)| format!("{g}: {p}")).collect();
    let grantees: BTreeSet<&str> = held.iter().map(|(g, _)| *g).collect();
    let (status, named) = if !escalating.is_empty() {
        (CheckStatus::Critical, escalating)
    } else if !held.is_empty() {
        (CheckStatus::Attention, held.iter().map(|(g, p)| format!("{g}: {p}")).collect())
    } else {
        (CheckStatus::Healthy, Vec::new())
    };
    listed(
        status,
        format!(
            "{} powerful system privileges granted directly to {} grantees{} (attention for any ANY privilege; critical for one that escalates; SELECT ANY DICTIONARY not counted)",
            held.len(),
            grantees.len(),
            cut(i)
        ),
        &named,
    )
}

pub fn public_grants(i: &HealthInput) -> Outcome {
    if let Err(o) = grants_or_gap(i) {
        return o;
    }
    let mut powers: Vec<String> = pairs(i, fact::GRANT_ROLE)
        .into_iter()
        .chain(pairs(i, fact::GRANT_SYSTEM_PRIVILEGE))
        .filter(|(g, _)| *g == "PUBLIC")
        .map(|(_, p)| p.to_owned())
        .collect();
    let packages: Vec<String> =
        pairs(i, fact::GRANT_PUBLIC_EXECUTE).into_iter().map(|(_, p)| p.to_owned()).collect();
    let status = if !powers.is_empty() {
        CheckStatus::Critical
    } else if !packages.is_empty() {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let head = format!(
        "PUBLIC holds {} powerful roles or system privileges (critical) and EXECUTE on {} risky SYS packages (attention)",
        powers.len(),
        packages.len()
    );
    powers.extend(packages);
    listed(status, head, &powers)
}

pub fn admin_privileges(i: &HealthInput) -> Outcome {
    if let Err(why) = read_marker(i, fact::PASSWORD_FILE_READ, fact::READ_PASSWORD_FILE) {
        return not_evaluated(why);
    }
    let all = pairs(i, fact::ADMIN_PRIVILEGES);
    let sysdba: Vec<String> =
        all.iter().filter(|(_, p)| p.contains("SYSDBA")).map(|(u, _)| (*u).to_owned()).collect();
    let status = if sysdba.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    listed(
        status,
        format!(
            "{} accounts besides SYS in the password file, {} with SYSDBA (attention for SYSDBA; SYSBACKUP, SYSDG and SYSKM are the least-privilege roles)",
            all.len(),
            sysdba.len()
        ),
        &sysdba,
    )
}

/// Password limits of the profiles that open, password-authenticated application users
/// have, with the users named per profile.
pub fn password_profile(i: &HealthInput) -> Outcome {
    for (marker, read) in [(fact::USERS_READ, fact::READ_USERS), (fact::PROFILES_READ, fact::READ_PROFILES)] {
        if let Err(why) = read_marker(i, marker, read) {
            return not_evaluated(why);
        }
    }
    let status_of: BTreeMap<&str, &str> = pairs(i, fact::USER_ACCOUNT_STATUS).into_iter().collect();
    let auth: BTreeMap<&str, &str> = pairs(i, fact::USER_AUTHENTICATION).into_iter().collect();
    let maintained: BTreeMap<&str, &str> = pairs(i, fact::USER_ORACLE_MAINTAINED).into_iter().collect();
    let mut users_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (user, profile) in pairs(i, fact::USER_PROFILE) {
        let open = status_of.get(user).is_some_and(|s| usable(s));
        let password = auth.get(user).is_none_or(|a| a.eq_ignore_ascii_case("PASSWORD"));
        if open && password && maintained.get(user) != Some(&"Y") {
            users_of.entry(profile).or_default().push(user);
        }
    }
    let limit = |name: &'static str, profile: &str| -> Option<String> {
        pairs(i, name).into_iter().find(|(p, _)| *p == profile).map(|(_, v)| v.to_owned())
    };
    let (mut status, mut named) = (CheckStatus::Healthy, Vec::new());
    for (profile, users) in &users_of {
        let mut issues = Vec::new();
        if limit(fact::PROFILE_FAILED_LOGIN_ATTEMPTS, profile).as_deref() == Some("UNLIMITED") {
            status = CheckStatus::Critical;
            issues.push("no lockout");
        }
        if limit(fact::PROFILE_PASSWORD_LIFE_TIME, profile).as_deref() == Some("UNLIMITED") {
            issues.push("passwords never expire");
        }
        if limit(fact::PROFILE_PASSWORD_VERIFY_FUNCTION, profile).is_some_and(|v| v.is_empty() || v == "NULL")
        {
            issues.push("no complexity check");
        }
        if !issues.is_empty() {
            if status == CheckStatus::Healthy {
                status = CheckStatus::Attention;
            }
            named.push(format!(
                "{profile} ({}; {} users, e.g. {})",
                issues.join(", "),
                users.len(),
                users[0]
            ));
        }
    }
    let open: usize = users_of.values().map(Vec::len).sum();
    listed(
        status,
        format!(
            "{} of {} profiles in use by {open} open application users are lax (critical: FAILED_LOGIN_ATTEMPTS UNLIMITED; attention: PASSWORD_LIFE_TIME UNLIMITED or no PASSWORD_VERIFY_FUNCTION)",
            named.len(),
            users_of.len()
        ),
        &named,
    )
}

pub fn authentication(i: &HealthInput) -> Outcome {
    let Some(passwordfile) = setting_text(i, setting::REMOTE_LOGIN_PASSWORDFILE) else {
        return not_evaluated(setting_gap(i, "remote_login_passwordfile"));
    };
    let mut status = CheckStatus::Healthy;
    let mut issues = Vec::new();
    if passwordfile.eq_ignore_ascii_case("SHARED") {
        status = CheckStatus::Attention;
        issues.push("remote_login_passwordfile SHARED".to_owned());
    }
    if setting_text(i, setting::SEC_CASE_SENSITIVE_LOGON).is_some_and(|v| v.eq_ignore_ascii_case("FALSE")) {
        status = CheckStatus::Attention;
        issues.push("sec_case_sensitive_logon FALSE".to_owned());
    }
    if setting_text(i, setting::REMOTE_OS_AUTHENT).is_some_and(|v| v.eq_ignore_ascii_case("TRUE")) {
        status = CheckStatus::Critical;
        issues.push("remote_os_authent TRUE".to_owned());
    }
    let head = format!(
        "remote_login_passwordfile {passwordfile}; {} weak authentication settings (attention: SHARED password file, case-insensitive passwords; critical: remote OS authentication)",
        issues.len()
    );
    listed(status, head, &issues)
}

pub fn auditing(i: &HealthInput) -> Outcome {
    let trail = setting_text(i, setting::AUDIT_TRAIL);
    let policies = number(i, setting::AUDIT_POLICIES_ENABLED);
    let pure =
        setting_text(i, setting::DATABASE_UNIFIED_AUDITING).is_some_and(|v| v.eq_ignore_ascii_case("TRUE"));
    match (policies, trail) {
        (Some(p), t) if p > 0.0 => (
            CheckStatus::Healthy,
            format!(
                "{p:.0} Unified Auditing policies enabled; audit_trail {}",
                t.unwrap_or("(not reported)")
            ),
        ),
        (Some(_), Some(t)) if t.eq_ignore_ascii_case("NONE") || pure => (
            CheckStatus::Critical,
            format!("no Unified Auditing policy enabled and audit_trail {t}: nothing is audited (critical)"),
        ),
        (Some(_), Some(t)) => (
            CheckStatus::Attention,
            format!(
                "no Unified Auditing policy enabled; only traditional auditing (audit_trail {t}, desupported in 23ai)"
            ),
        ),
        (None, Some(t)) if t.eq_ignore_ascii_case("NONE") && !pure => (
            CheckStatus::Attention,
            format!(
                "audit_trail NONE and the Unified Auditing policies could not be read ({})",
                super::refused(i, fact::READ_AUDIT_POLICIES).unwrap_or_else(|| NO_LOW.to_owned())
            ),
        ),
        (None, Some(t)) => (CheckStatus::Healthy, format!("audit_trail {t}")),
        (_, None) => not_evaluated(setting_gap(i, "audit_trail")),
    }
}
