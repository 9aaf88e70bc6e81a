//! Security checks: sa, administrators, password policy and weak passwords, surface-area
//! options (xp_cmdshell, CLR, OLE Automation…), the authentication mode, orphaned users,
//! TDE, TRUSTWORTHY databases and service accounts.

use super::views::{
    DbView, LoginView, PARTIAL_VIEW, bracketed, db_cut_note, login_cut_note, logins, logins_as_seen,
    online_user_databases,
};
use super::{fact, fact_gap, holds, number, refused, setting as s, setting_gap, setting_text};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

fn listed(status: CheckStatus, head: String, names: &[String]) -> Outcome {
    (status, format!("{head} {}", some_of(names)).trim_end().to_owned())
}

/// A `sys.configurations` option that should be 0: attention when it is 1.
fn option_off(i: &HealthInput, name: &str) -> Outcome {
    match number(i, name) {
        Some(v) if v != 0.0 => (CheckStatus::Attention, format!("'{name}' is {v:.0} (attention when not 0)")),
        Some(_) => (CheckStatus::Healthy, format!("'{name}' is 0")),
        None => not_evaluated(setting_gap(i, &format!("'{name}'"))),
    }
}

fn enabled_logins(i: &HealthInput) -> Result<Vec<LoginView>, Outcome> {
    logins(i).map(|l| l.into_iter().filter(|l| !l.disabled).collect()).map_err(not_evaluated)
}

pub fn sa_login(i: &HealthInput) -> Outcome {
    let list = match logins_as_seen(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let Some(name) = i.fact(fact::SA_NAME) else {
        return not_evaluated(fact_gap(i, fact::READ_LOGINS, "the sa login (principal_id 1)"));
    };
    let Some(sa) = list.iter().find(|l| l.name == name) else {
        return not_evaluated("the sa login's details were not read");
    };
    let renamed = !name.eq_ignore_ascii_case("sa");
    let mixed = setting_text(i, s::AUTHENTICATION) != Some("Windows");
    let status = match (sa.disabled, renamed, mixed) {
        (true, _, _) => CheckStatus::Healthy,
        (false, false, true) => CheckStatus::Critical,
        (false, _, _) => CheckStatus::Attention,
    };
    let state = if sa.disabled { "disabled" } else { "enabled" };
    let mode = if mixed { "SQL logins allowed" } else { "Windows authentication only" };
    (
        status,
        format!(
            "principal_id 1 is {} ({}), {state}, {mode} (critical when enabled as 'sa' with SQL logins allowed, attention when enabled otherwise)",
            bracketed(name),
            if renamed { "renamed" } else { "not renamed" }
        ),
    )
}

/// The administrators every install has: `sa` and the per-service SIDs.
fn expected_admin(i: &HealthInput, l: &LoginView) -> bool {
    let n = l.name.to_ascii_uppercase();
    i.fact(fact::SA_NAME).is_some_and(|sa| sa == l.name)
        || n.starts_with("NT SERVICE\\")
        || n == "NT AUTHORITY\\SYSTEM"
}

/// Groups that make every local administrator or every authenticated user an admin.
fn broad_group(l: &LoginView) -> bool {
    let n = l.name.to_ascii_uppercase();
    n.starts_with("BUILTIN\\")
        || n.ends_with("\\AUTHENTICATED USERS")
        || n.ends_with("\\DOMAIN USERS")
        || n == "EVERYONE"
}

pub fn sysadmin_members(i: &HealthInput) -> Outcome {
    let list = match enabled_logins(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let others: Vec<&LoginView> = list.iter().filter(|l| l.admin() && !expected_admin(i, l)).collect();
    let status = if others.iter().any(|l| broad_group(l)) {
        CheckStatus::Critical
    } else if others.len() > 3 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let names: Vec<String> = others
        .iter()
        .map(|l| format!("{}{}", bracketed(&l.name), if l.sysadmin { "" } else { " (CONTROL SERVER)" }))
        .collect();
    let head = format!(
        "{} enabled logins besides sa and the service accounts are sysadmin or hold CONTROL SERVER{} (attention above 3, critical for a BUILTIN or everyone group)",
        others.len(),
        login_cut_note(i)
    );
    listed(status, head, &names)
}

pub fn password_policy(i: &HealthInput) -> Outcome {
    let list = match enabled_logins(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let sql: Vec<&LoginView> = list.iter().filter(|l| l.sql_login()).collect();
    let no_policy: Vec<&&LoginView> = sql.iter().filter(|l| l.policy_checked == Some(false)).collect();
    let admin_no_expiry: Vec<&&LoginView> =
        sql.iter().filter(|l| l.admin() && l.expiration_checked == Some(false)).collect();
    let status = if no_policy.iter().any(|l| l.admin()) {
        CheckStatus::Critical
    } else if no_policy.is_empty() && admin_no_expiry.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let mut names: Vec<String> =
        no_policy.iter().map(|l| format!("{} no CHECK_POLICY", bracketed(&l.name))).collect();
    names.extend(
        admin_no_expiry.iter().map(|l| format!("{} (admin) no CHECK_EXPIRATION", bracketed(&l.name))),
    );
    let head = format!(
        "{} of {} enabled SQL logins skip the password policy, {} administrators skip expiration{} (critical when an administrator skips the policy)",
        no_policy.len(),
        sql.len(),
        admin_no_expiry.len(),
        login_cut_note(i)
    );
    listed(status, head, &names)
}

pub fn weak_passwords(i: &HealthInput) -> Outcome {
    let list = match logins(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let sql: Vec<&LoginView> = list.iter().filter(|l| l.sql_login()).collect();
    if sql.is_empty() {
        return (CheckStatus::Healthy, "no SQL logins: passwords are Windows' or Entra ID's".to_owned());
    }
    if let Some(why) = refused(i, fact::READ_PASSWORDS) {
        return not_evaluated(why);
    }
    let weak: Vec<&&LoginView> =
        sql.iter().filter(|l| l.empty_password == Some(true) || l.password_is_name == Some(true)).collect();
    let status = if weak.iter().any(|l| !l.disabled) {
        CheckStatus::Critical
    } else if weak.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = weak
        .iter()
        .map(|l| {
            let what = if l.empty_password == Some(true) { "empty" } else { "same as the name" };
            format!("{} {what}{}", bracketed(&l.name), if l.disabled { " (disabled)" } else { "" })
        })
        .collect();
    let head = format!(
        "{} of {} SQL logins have an empty password or the login's name as password{} (critical when enabled)",
        weak.len(),
        sql.len(),
        login_cut_note(i)
    );
    listed(status, head, &names)
}

pub fn xp_cmdshell(i: &HealthInput) -> Outcome {
    option_off(i, s::XP_CMDSHELL)
}

pub fn ole_automation(i: &HealthInput) -> Outcome {
    option_off(i, s::OLE_AUTOMATION)
}

pub fn clr_security(i: &HealthInput) -> Outcome {
    let Some(clr) = number(i, s::CLR_ENABLED) else { return not_evaluated(setting_gap(i, "'clr enabled'")) };
    let strict = number(i, s::CLR_STRICT_SECURITY);
    let rule = "critical with CLR on and strict security off, attention on 2016 (no strict security)";
    match (clr != 0.0, strict) {
        (false, _) => (CheckStatus::Healthy, "'clr enabled' is 0".to_owned()),
        (true, Some(v)) if v != 0.0 => {
            (CheckStatus::Healthy, "'clr enabled' is 1 with 'clr strict security' 1".to_owned())
        }
        (true, Some(_)) => {
            (CheckStatus::Critical, format!("'clr enabled' is 1 and 'clr strict security' is 0 ({rule})"))
        }
        (true, None) => (
            CheckStatus::Attention,
            format!("'clr enabled' is 1 and this version has no 'clr strict security' ({rule})"),
        ),
    }
}

pub fn surface_area(i: &HealthInput) -> Outcome {
    let options = [s::AD_HOC_DISTRIBUTED_QUERIES, s::CROSS_DB_OWNERSHIP_CHAINING, s::SCAN_FOR_STARTUP_PROCS];
    let known: Vec<(&str, f64)> = options.iter().filter_map(|o| Some((*o, number(i, o)?))).collect();
    if known.is_empty() {
        return not_evaluated(setting_gap(i, "the surface-area options"));
    }
    let mut on: Vec<String> =
        known.iter().filter(|(_, v)| *v != 0.0).map(|(o, _)| format!("'{o}'")).collect();
    let contained = online_user_databases(i)
        .is_ok_and(|d| d.iter().any(|d| d.containment.eq_ignore_ascii_case("PARTIAL")));
    if number(i, s::CONTAINED_DB_AUTHENTICATION).is_some_and(|v| v != 0.0) && !contained {
        on.push(format!("'{}' without a contained database", s::CONTAINED_DB_AUTHENTICATION));
    }
    let status = if on.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    let head = format!("{} surface-area options on that are off by default (attention when any)", on.len());
    listed(status, head, &on)
}

pub fn authentication_mode(i: &HealthInput) -> Outcome {
    let Some(mode) = setting_text(i, s::AUTHENTICATION) else {
        return not_evaluated(setting_gap(i, "its authentication mode"));
    };
    if mode == "Windows" {
        return (CheckStatus::Healthy, "Windows authentication only".to_owned());
    }
    let rule = "attention when sa is enabled or an enabled SQL login skips the password policy";
    let Ok(list) = logins_as_seen(i) else {
        return (CheckStatus::Attention, format!("mixed mode, the SQL logins could not be judged ({rule})"));
    };
    let sa = i.fact(fact::SA_NAME).unwrap_or("sa");
    let exposed: Vec<String> = list
        .iter()
        .filter(|l| l.sql_login() && !l.disabled && (l.name == sa || l.policy_checked == Some(false)))
        .map(|l| bracketed(&l.name))
        .collect();
    let status = if exposed.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    listed(status, format!("mixed mode, {} weakly guarded SQL logins ({rule})", exposed.len()), &exposed)
}

pub fn orphaned_users(i: &HealthInput) -> Outcome {
    if holds(i, fact::VIEW_ANY_DEFINITION) == Some(false) {
        return not_evaluated(PARTIAL_VIEW);
    }
    let Some(read) = i.fact(fact::ORPHANS_DATABASES_READ) else {
        return not_evaluated(fact_gap(i, "users", "its database users"));
    };
    let found: Vec<String> = i
        .facts(fact::ORPHANED_USER)
        .map(|f| f.map(|f| format!("{}.{}", bracketed(&f.key), bracketed(&f.value))).collect())
        .unwrap_or_default();
    let unread =
        i.facts(fact::UNAVAILABLE).map_or(0, |f| f.filter(|f| f.key.starts_with("users of ")).count());
    let skipped = i.fact(fact::ORPHANS_DATABASES_SKIPPED).unwrap_or("0");
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    let head = format!(
        "{} orphaned SQL users in {read} databases searched ({unread} could not be entered, {skipped} over the cap; attention when any)",
        found.len()
    );
    listed(status, head, &found)
}

fn tde_on(d: &DbView) -> bool {
    d.encrypted
        || d.tde_state.as_deref().is_some_and(|s| s != "unencrypted" && s != "no database encryption key")
}

pub fn tde(i: &HealthInput) -> Outcome {
    let dbs = match online_user_databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let encrypted: Vec<&DbView> = dbs.iter().filter(|d| tde_on(d)).collect();
    let unbacked: Vec<String> = encrypted
        .iter()
        .filter(|d| d.tde_cert_backed_up == Some(false))
        .map(|d| bracketed(&d.name))
        .collect();
    let plain: Vec<String> = dbs.iter().filter(|d| !tde_on(d)).map(|d| bracketed(&d.name)).collect();
    let keys = match refused(i, fact::READ_TDE) {
        Some(_) => " (certificates not readable)",
        None => "",
    };
    if !unbacked.is_empty() {
        let head = format!(
            "{} encrypted databases' certificate was never backed up{keys} (critical)",
            unbacked.len()
        );
        return listed(CheckStatus::Critical, head, &unbacked);
    }
    let halfway = !encrypted.is_empty() && !plain.is_empty();
    let status = if halfway { CheckStatus::Attention } else { CheckStatus::Healthy };
    let head = format!(
        "{} of {} user databases use TDE{}{keys} (best practice; attention only when some are encrypted and others not)",
        encrypted.len(),
        dbs.len(),
        db_cut_note(i)
    );
    listed(status, head, if halfway { &plain } else { &[] })
}

pub fn trustworthy(i: &HealthInput) -> Outcome {
    let dbs = match online_user_databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let admins: Vec<String> =
        logins(i).map(|l| l.into_iter().filter(|l| l.admin()).map(|l| l.name).collect()).unwrap_or_default();
    let sa = i.fact(fact::SA_NAME).unwrap_or("sa");
    let on: Vec<&DbView> = dbs.iter().filter(|d| d.trustworthy).collect();
    let admin_owned = |d: &DbView| d.owner == sa || admins.contains(&d.owner);
    let status = if on.iter().any(|d| admin_owned(d)) {
        CheckStatus::Critical
    } else if on.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> =
        on.iter().map(|d| format!("{} owned by {}", bracketed(&d.name), bracketed(&d.owner))).collect();
    let head = format!(
        "{} user databases are TRUSTWORTHY (attention; critical when owned by an administrator)",
        on.len()
    );
    listed(status, head, &names)
}

pub fn service_accounts(i: &HealthInput) -> Outcome {
    let Some(accounts) = i.facts(fact::SERVICE_ACCOUNT) else {
        return not_evaluated(fact_gap(i, fact::READ_SERVICES, ""));
    };
    let accounts: Vec<(&str, &str)> = accounts.map(|f| (f.key.as_str(), f.value.as_str())).collect();
    if accounts.is_empty() {
        return not_evaluated(fact_gap(i, fact::READ_SERVICES, "its services"));
    }
    let system = |a: &str| {
        let a = a.trim_start_matches(".\\").to_ascii_uppercase();
        a == "LOCALSYSTEM" || a == "NT AUTHORITY\\SYSTEM"
    };
    let found: Vec<String> =
        accounts.iter().filter(|(_, a)| system(a)).map(|(s, a)| format!("{s} as {a}")).collect();
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    listed(
        status,
        format!("{} of {} services run as LocalSystem (attention when any)", found.len(), accounts.len()),
        &found,
    )
}
