//! Security checks: accounts (passwords, anonymous, privileged, root, plugins) and the
//! server's file and network exposure (local_infile, secure_file_priv, TLS).

use super::{AccountView, accounts, any_host, cut_note, enabled, is_mariadb, loopback, setting, setting_gap};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

/// Accounts that can log in (locked ones cannot), or why they are unknown.
fn login_accounts(i: &HealthInput) -> Result<Vec<AccountView>, Outcome> {
    accounts(i).map(|l| l.into_iter().filter(|a| !a.locked).collect()).map_err(not_evaluated)
}

/// Healthy when `found` is empty, else `worse` when any found account is reachable
/// beyond the server's own machine, `mild` otherwise.
fn judged(i: &HealthInput, found: &[&AccountView], total: usize, what: &str, rule: &str) -> Outcome {
    let remote = found.iter().any(|a| !loopback(&a.host));
    let status = match (found.is_empty(), remote) {
        (true, _) => CheckStatus::Healthy,
        (false, true) => CheckStatus::Critical,
        (false, false) => CheckStatus::Attention,
    };
    let names: Vec<String> = found.iter().map(|a| a.name()).collect();
    (
        status,
        format!("{} of {total} accounts {what}{} ({rule}) {}", found.len(), cut_note(i), some_of(&names))
            .trim_end()
            .to_owned(),
    )
}

pub fn without_password(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    // Anonymous accounts are their own check; not counted twice.
    let found: Vec<&AccountView> = list.iter().filter(|a| a.no_password && !a.user.is_empty()).collect();
    let rule = "critical when one admits hosts beyond localhost";
    judged(i, &found, list.len(), "log in without a password", rule)
}

pub fn anonymous(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let found: Vec<&AccountView> = list.iter().filter(|a| a.user.is_empty()).collect();
    judged(i, &found, list.len(), "are anonymous (any user name)", "critical beyond localhost")
}

pub fn privileged_any_host(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let found: Vec<&AccountView> = list.iter().filter(|a| any_host(&a.host) && a.privileges > 0).collect();
    let status = if found.iter().any(|a| !a.admin.is_empty()) {
        CheckStatus::Critical
    } else if found.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = found
        .iter()
        .map(|a| match a.admin.is_empty() {
            true => format!("{} ({} global)", a.name(), a.privileges),
            false => format!("{} ({})", a.name(), a.admin.join(", ")),
        })
        .collect();
    (
        status,
        format!(
            "{} accounts from any host ('%') hold global privileges{} (critical with administrative ones) {}",
            found.len(),
            cut_note(i),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn admin_accounts(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let found: Vec<&AccountView> = list
        .iter()
        .filter(|a| !a.admin.is_empty())
        .filter(|a| !(a.user == "root" && loopback(&a.host)))
        .collect();
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    let names: Vec<String> = found.iter().map(|a| format!("{} ({})", a.name(), a.admin.join(", "))).collect();
    (
        status,
        format!(
            "{} accounts besides root@localhost hold SUPER, FILE, SHUTDOWN, CREATE USER, SYSTEM_USER, SYSTEM_VARIABLES_ADMIN or GRANT OPTION{} (attention when any) {}",
            found.len(),
            cut_note(i),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn root_remote(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let found: Vec<&AccountView> = list.iter().filter(|a| a.user == "root" && !loopback(&a.host)).collect();
    let status = if found.iter().any(|a| any_host(&a.host)) {
        CheckStatus::Critical
    } else if found.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = found.iter().map(|a| a.name()).collect();
    (
        status,
        format!(
            "{} root accounts admit hosts beyond localhost (critical from any host '%') {}",
            found.len(),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn auth_plugins(i: &HealthInput) -> Outcome {
    let list = match login_accounts(i) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let has = |a: &AccountView, p: &str| a.plugins.iter().any(|x| x == p);
    let broken: Vec<String> =
        list.iter().filter(|a| has(a, "mysql_old_password")).map(|a| a.name()).collect();
    // MariaDB keeps mysql_native_password as its default; MySQL deprecated it in 8.0.34,
    // disabled it by default in 8.4 and removed it in 9.0 (sha256_password in 8.0.16).
    let deprecated: Vec<String> = if is_mariadb(i) {
        Vec::new()
    } else {
        list.iter()
            .filter(|a| has(a, "mysql_native_password") || has(a, "sha256_password"))
            .map(|a| a.name())
            .collect()
    };
    let status = if !broken.is_empty() {
        CheckStatus::Critical
    } else if !deprecated.is_empty() {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let named: Vec<String> = broken.iter().chain(&deprecated).cloned().collect();
    (
        status,
        format!(
            "{} accounts on mysql_old_password (critical), {} on a plugin MySQL deprecates (attention){} {}",
            broken.len(),
            deprecated.len(),
            cut_note(i),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn local_infile(i: &HealthInput) -> Outcome {
    match enabled(i, "local_infile") {
        None => not_evaluated(setting_gap(i, "local_infile")),
        Some(false) => (CheckStatus::Healthy, "local_infile OFF".into()),
        Some(true) => (CheckStatus::Attention, "local_infile ON (attention when ON)".into()),
    }
}

pub fn secure_file_priv(i: &HealthInput) -> Outcome {
    match setting(i, "secure_file_priv") {
        None => not_evaluated(setting_gap(i, "secure_file_priv")),
        Some("NULL") => (CheckStatus::Healthy, "secure_file_priv NULL: file import and export disabled".into()),
        Some("") => (
            CheckStatus::Attention,
            "secure_file_priv is empty: FILE-privileged accounts read and write any file the server can (attention when empty)"
                .into(),
        ),
        Some(dir) => (CheckStatus::Healthy, format!("secure_file_priv {dir}: file import and export limited to it")),
    }
}

/// Whether clients on other machines can reach the server: networking on and bound
/// beyond loopback (MariaDB's empty `bind_address` means every interface).
fn network_exposed(i: &HealthInput) -> Option<bool> {
    if enabled(i, "skip_networking") == Some(true) {
        return Some(false);
    }
    let bind = setting(i, "bind_address")?;
    Some(!bind.split(',').map(str::trim).all(|a| matches!(a, "127.0.0.1" | "::1" | "localhost")))
}

pub fn tls(i: &HealthInput) -> Outcome {
    let have = setting(i, "have_ssl").map(str::to_ascii_uppercase);
    let required = enabled(i, "require_secure_transport");
    if have.is_none() && required.is_none() {
        return not_evaluated(setting_gap(i, "have_ssl or require_secure_transport"));
    }
    let exposed = network_exposed(i);
    let reach = match exposed {
        Some(true) => "reachable from the network",
        Some(false) => "local connections only",
        None => "bind address unknown",
    };
    if matches!(have.as_deref(), Some("DISABLED" | "NO")) {
        let status = if exposed == Some(false) { CheckStatus::Attention } else { CheckStatus::Critical };
        let have = have.unwrap_or_default();
        return (status, format!("TLS unavailable (have_ssl {have}), {reach} (critical unless local only)"));
    }
    if required == Some(true) {
        return (
            CheckStatus::Healthy,
            format!("TLS required for every connection (require_secure_transport ON), {reach}"),
        );
    }
    let status = if exposed == Some(false) { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "TLS available but not required (require_secure_transport OFF), {reach} (attention unless local only)"
        ),
    )
}
