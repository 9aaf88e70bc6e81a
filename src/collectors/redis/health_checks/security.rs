//! Security checks: authentication, protected mode, listening address, ACL users.

use super::{fact, listens_everywhere, low_gap, setting};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

/// Open to the network: bound everywhere, or protected mode (the guard of an open server) off.
fn exposed(i: &HealthInput) -> bool {
    setting(i, "bind").is_some_and(listens_everywhere) || setting(i, "protected-mode") == Some("no")
}

fn auth_required(i: &HealthInput) -> Option<bool> {
    match i.fact(fact::AUTH_REQUIRED)? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub fn auth(i: &HealthInput) -> Outcome {
    match auth_required(i) {
        None => not_evaluated(low_gap(i, "ACL")),
        Some(true) => (CheckStatus::Healthy, "clients must authenticate (password or ACL)".into()),
        Some(false) if exposed(i) => (
            CheckStatus::Critical,
            "no authentication, and the server accepts remote clients (bind all interfaces or protected-mode no)"
                .into(),
        ),
        Some(false) => (
            CheckStatus::Attention,
            "no authentication (default user nopass); only loopback or protected mode keeps others out".into(),
        ),
    }
}

pub fn protected_mode(i: &HealthInput) -> Outcome {
    match setting(i, "protected-mode") {
        None => not_evaluated(low_gap(i, "CONFIG")),
        Some("yes") => (CheckStatus::Healthy, "protected-mode yes".into()),
        Some(other) => {
            let status =
                if auth_required(i) == Some(false) { CheckStatus::Critical } else { CheckStatus::Attention };
            (status, format!("protected-mode {other} (critical when no authentication is required)"))
        }
    }
}

pub fn bind(i: &HealthInput) -> Outcome {
    let Some(bind) = setting(i, "bind") else { return not_evaluated(low_gap(i, "CONFIG")) };
    let shown = if bind.trim().is_empty() { "(none: all interfaces)" } else { bind };
    if !listens_everywhere(bind) {
        return (CheckStatus::Healthy, format!("bind {shown}"));
    }
    let status = if auth_required(i) == Some(false) { CheckStatus::Critical } else { CheckStatus::Attention };
    (status, format!("bind {shown}: listening on all interfaces (critical without authentication)"))
}

/// ACL flags as Redis prints them: `on nopass ~* &* +@all`.
fn flags(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}

pub fn acl_users(i: &HealthInput) -> Outcome {
    let Some(users) = i.facts(fact::ACL_USER) else { return not_evaluated(low_gap(i, "ACL")) };
    let users: Vec<(&str, Vec<&str>)> = users.map(|f| (f.key.as_str(), flags(&f.value))).collect();
    if users.is_empty() {
        return not_evaluated(low_gap(i, "ACL"));
    }
    // The default user without a password is the "no authentication" finding; not counted twice.
    let open: Vec<(&str, bool)> = users
        .iter()
        .filter(|(name, f)| *name != "default" && f.contains(&"on") && f.contains(&"nopass"))
        .map(|(name, f)| (*name, f.iter().any(|x| matches!(*x, "+@all" | "allcommands"))))
        .collect();
    let status = if open.iter().any(|(_, all)| *all) {
        CheckStatus::Critical
    } else if open.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> =
        open.iter().map(|(n, all)| if *all { format!("{n} (+@all)") } else { (*n).to_owned() }).collect();
    (
        status,
        format!(
            "{} of {} ACL users enabled without a password (critical with +@all) {}",
            open.len(),
            users.len(),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}
