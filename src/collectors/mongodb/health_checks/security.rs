//! Security checks: authentication off, listening everywhere without TLS, TLS not
//! required, SCRAM-SHA-1-only users, and how many users hold powerful roles.

use super::{is_powerful, low_gap, posture as p, setting as s, setting_text};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

/// Internal authentication (a key file, x.509 between members) turns client
/// authorization on as well (MongoDB "Internal/Membership Authentication").
fn auth_enforced(i: &HealthInput) -> Option<bool> {
    let authorization = setting_text(i, s::AUTHORIZATION)?;
    let internal = setting_text(i, s::KEY_FILE).is_some()
        || matches!(
            setting_text(i, s::CLUSTER_AUTH_MODE),
            Some("keyFile" | "sendKeyFile" | "sendX509" | "x509")
        );
    Some(authorization == "enabled" || internal)
}

/// The startup warnings, when the log was read.
fn warnings(i: &HealthInput) -> Option<Vec<&str>> {
    i.fact(p::STARTUP_WARNINGS)?;
    Some(i.facts(p::STARTUP_WARNING)?.map(|f| f.value.as_str()).collect())
}

pub fn auth_disabled(i: &HealthInput) -> Outcome {
    let warned = warnings(i).map(|w| w.iter().any(|t| t.contains("Access control is not enabled")));
    match (auth_enforced(i), warned) {
        (_, Some(true)) => (
            CheckStatus::Critical,
            "startup warning: \"Access control is not enabled for the database\" (critical)".to_owned(),
        ),
        (Some(false), _) => (
            CheckStatus::Critical,
            "security.authorization is disabled and no key file or x.509 membership authentication is set (critical)"
                .to_owned(),
        ),
        (Some(true), _) => (CheckStatus::Healthy, "clients must authenticate (security.authorization or internal authentication)".to_owned()),
        (None, Some(false)) => (
            CheckStatus::Healthy,
            "no \"Access control is not enabled\" startup warning (the command-line options were not readable)"
                .to_owned(),
        ),
        (None, None) => not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options")),
    }
}

/// The addresses the server listens on, and whether they include every interface;
/// None when the command-line options were not read.
fn binding(i: &HealthInput) -> Option<(String, bool)> {
    if setting_text(i, s::BIND_IP_ALL) == Some("true") {
        return Some(("all interfaces (net.bindIpAll)".to_owned(), true));
    }
    let ip = setting_text(i, s::BIND_IP)?;
    let all = ip.split(',').map(str::trim).any(|a| matches!(a, "0.0.0.0" | "::" | "*" | "::0"));
    Some((format!("net.bindIp {ip}"), all))
}

fn local_only(i: &HealthInput) -> bool {
    setting_text(i, s::BIND_IP).is_some_and(|ip| {
        ip.split(',')
            .map(str::trim)
            .all(|a| matches!(a, "localhost" | "127.0.0.1" | "::1") || a.starts_with('/'))
    }) && setting_text(i, s::BIND_IP_ALL) != Some("true")
}

pub fn exposed_without_tls(i: &HealthInput) -> Outcome {
    let (Some((bound, all)), Some(tls)) = (binding(i), setting_text(i, s::TLS_MODE)) else {
        return not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options"));
    };
    let status = match (all, tls) {
        (false, _) | (true, "requireTLS") => CheckStatus::Healthy,
        (true, "disabled") => CheckStatus::Critical,
        (true, _) => CheckStatus::Attention,
    };
    (
        status,
        format!(
            "{bound}, net.tls.mode {tls} (every interface: critical without TLS, attention unless TLS is required)"
        ),
    )
}

pub fn tls_not_required(i: &HealthInput) -> Outcome {
    let Some(tls) = setting_text(i, s::TLS_MODE) else {
        return not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options"));
    };
    let lax = setting_text(i, s::TLS_ALLOW_INVALID_CERTIFICATES) == Some("true");
    match tls {
        "requireTLS" if lax => (
            CheckStatus::Attention,
            "net.tls.mode requireTLS, but net.tls.allowInvalidCertificates is true (attention)".to_owned(),
        ),
        "requireTLS" => (CheckStatus::Healthy, "net.tls.mode requireTLS".to_owned()),
        _ if local_only(i) => {
            (CheckStatus::Healthy, format!("net.tls.mode {tls}, but only local connections are accepted"))
        }
        _ => (
            CheckStatus::Attention,
            format!(
                "net.tls.mode {tls} on a server reachable from the network (attention unless requireTLS)"
            ),
        ),
    }
}

/// Every user read (`user@db`), or why the list is missing.
fn users(i: &HealthInput) -> Result<Vec<(&str, Vec<&str>)>, String> {
    if i.fact(p::USERS).is_none() {
        return Err(low_gap(i, p::READ_USERS, "its users"));
    }
    let roles = i.facts(p::USER_ROLES).into_iter().flatten();
    Ok(roles.map(|f| (f.key.as_str(), f.value.split(',').filter(|r| !r.is_empty()).collect())).collect())
}

pub fn scram_sha1_users(i: &HealthInput) -> Outcome {
    if let Err(why) = users(i) {
        return not_evaluated(why);
    }
    let sha1_only: Vec<String> = i
        .facts(p::USER_MECHANISMS)
        .into_iter()
        .flatten()
        .filter(|f| f.value.split(',').all(|m| m == "SCRAM-SHA-1"))
        .map(|f| f.key.clone())
        .collect();
    let status = if sha1_only.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!("{} user(s) can sign in only with SCRAM-SHA-1 {}", sha1_only.len(), some_of(&sha1_only))
            .trim_end()
            .to_owned(),
    )
}

/// The roles a user's roles amount to: admin's custom roles replaced by what they inherit.
fn effective<'a>(i: &'a HealthInput, roles: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = roles.to_vec();
    for role in roles {
        if let Some(inherited) = i.facts(p::ROLE_INHERITS).into_iter().flatten().find(|f| f.key == *role) {
            out.extend(inherited.value.split(',').filter(|r| !r.is_empty()));
        }
    }
    out
}

/// More than this many powerful users is our attention mark: a few named DBAs and one
/// backup identity are normal.
pub const POWERFUL_USERS_MAX: usize = 3;

pub fn powerful_users(i: &HealthInput) -> Outcome {
    let list = match users(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let mut powerful = Vec::new();
    let mut system = Vec::new();
    for (user, roles) in &list {
        let all = effective(i, roles);
        if all.iter().any(|r| r.starts_with("__system@")) {
            system.push((*user).to_owned());
        }
        if all.iter().any(|r| is_powerful(r)) {
            powerful.push((*user).to_owned());
        }
    }
    let status = if !system.is_empty() {
        CheckStatus::Critical
    } else if powerful.len() > POWERFUL_USERS_MAX {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let mut evidence = format!(
        "{} of {} users hold root, userAdminAnyDatabase or another all-database role (attention above {POWERFUL_USERS_MAX}) {}",
        powerful.len(),
        list.len(),
        some_of(&powerful)
    );
    if !system.is_empty() {
        evidence = format!("{evidence}; __system (internal only) granted to {}", system.join(", "));
    }
    (status, evidence.trim_end().to_owned())
}
