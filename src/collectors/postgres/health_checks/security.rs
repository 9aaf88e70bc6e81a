//! Security checks: superusers, password expiry and hashing, TLS, trust rules, PUBLIC CREATE.

use crate::collectors::postgres::posture::fact;
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

const NO_LOW: &str = "low tier has not run yet";

/// Roles whose fact `name` is "true".
fn roles_with(i: &HealthInput, name: &str) -> Option<Vec<String>> {
    Some(i.facts(name)?.filter(|f| f.value == "true").map(|f| f.key.clone()).collect())
}

pub fn superusers(i: &HealthInput) -> Outcome {
    let (Some(supers), Some(login)) =
        (roles_with(i, fact::ROLE_SUPERUSER), roles_with(i, fact::ROLE_CAN_LOGIN))
    else {
        return not_evaluated(NO_LOW);
    };
    if i.facts(fact::ROLE_SUPERUSER).is_some_and(|mut f| f.next().is_none()) {
        return not_evaluated("pg_roles could not be read");
    }
    let extra: Vec<String> = supers.into_iter().filter(|r| r != "postgres" && login.contains(r)).collect();
    let status = match extra.len() {
        0 => CheckStatus::Healthy,
        1..=2 => CheckStatus::Attention,
        _ => CheckStatus::Critical,
    };
    (
        status,
        format!(
            "{} login superusers besides postgres (attention 1–2, critical ≥ 3) {}",
            extra.len(),
            some_of(&extra)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn password_expiry(i: &HealthInput) -> Outcome {
    let (Some(login), Some(_)) = (roles_with(i, fact::ROLE_CAN_LOGIN), i.facts(fact::ROLE_VALID_UNTIL))
    else {
        return not_evaluated(NO_LOW);
    };
    if login.is_empty() {
        return not_evaluated("no login role visible");
    }
    let expires = |role: &String| {
        i.facts(fact::ROLE_VALID_UNTIL).is_some_and(|mut f| f.any(|f| &f.key == role && !f.value.is_empty()))
    };
    let never: Vec<String> = login.iter().filter(|r| !expires(r)).cloned().collect();
    let status = if never.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "{} of {} login roles have no password expiry (VALID UNTIL); common, attention only {}",
            never.len(),
            login.len(),
            some_of(&never)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn password_encryption(i: &HealthInput) -> Outcome {
    let Some(s) = i.setting("password_encryption") else { return not_evaluated(NO_LOW) };
    let status = if s.value == "scram-sha-256" { CheckStatus::Healthy } else { CheckStatus::Attention };
    (status, format!("password_encryption = {} (healthy: scram-sha-256)", s.value))
}

fn listens_remotely(i: &HealthInput) -> Option<bool> {
    let v = &i.setting("listen_addresses")?.value;
    Some(v.split(',').map(str::trim).any(|a| !matches!(a, "" | "localhost" | "127.0.0.1" | "::1")))
}

pub fn ssl(i: &HealthInput) -> Outcome {
    let (Some(s), Some(remote)) = (i.setting("ssl"), listens_remotely(i)) else {
        return not_evaluated(NO_LOW);
    };
    let status = match (s.value.as_str(), remote) {
        ("on", _) => CheckStatus::Healthy,
        (_, true) => CheckStatus::Critical,
        (_, false) => CheckStatus::Attention,
    };
    let listen = i.setting("listen_addresses").map_or("", |l| l.value.as_str());
    (
        status,
        format!(
            "ssl = {}, listen_addresses = '{listen}' (critical when off and listening beyond localhost)",
            s.value
        ),
    )
}

pub fn trust_rules(i: &HealthInput) -> Outcome {
    if i.posture.is_none() {
        return not_evaluated(NO_LOW);
    }
    if let Some(reason) = i.fact(fact::HBA_UNAVAILABLE) {
        return not_evaluated(format!("pg_hba_file_rules unreadable: {reason}"));
    }
    let Some(remote) = listens_remotely(i) else { return not_evaluated(NO_LOW) };
    let Some(rules) = i.facts(fact::HBA_RULE) else { return not_evaluated(NO_LOW) };
    // value: "type database user address method"
    let trust: Vec<(String, bool)> = rules
        .filter(|f| f.value.split_whitespace().last() == Some("trust"))
        .map(|f| (format!("line {}: {}", f.key, f.value), !f.value.starts_with("local")))
        .collect();
    let network = trust.iter().any(|(_, host)| *host);
    let status = match (trust.is_empty(), network && remote) {
        (true, _) => CheckStatus::Healthy,
        (false, true) => CheckStatus::Critical,
        (false, false) => CheckStatus::Attention,
    };
    let named: Vec<String> = trust.into_iter().map(|(t, _)| t).collect();
    (
        status,
        format!(
            "{} trust rules (critical: host trust rule while listening beyond localhost) {}",
            named.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn public_create(i: &HealthInput) -> Outcome {
    let Some(facts) = i.facts(fact::PUBLIC_CREATE) else { return not_evaluated(NO_LOW) };
    let facts: Vec<_> = facts.collect();
    if facts.is_empty() {
        return not_evaluated("the schema privileges could not be read");
    }
    let open: Vec<String> = facts.iter().filter(|f| f.value == "true").map(|f| f.key.clone()).collect();
    let status = if open.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "PUBLIC may CREATE in schema public of {} of {} checked database(s), the connected one {}",
            open.len(),
            facts.len(),
            some_of(&open)
        )
        .trim_end()
        .to_owned(),
    )
}
