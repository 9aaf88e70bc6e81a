//! MySQL and MariaDB health checks: one catalogue for both (the server says which it is).
//!
//! Data comes from the contract in docs/mysql.md: global variables and posture facts
//! (accounts, counters since start) from the low tier, global status metrics and
//! threads from the high tier, replication from the medium tier, the inventory from
//! the schema tier. Thresholds are ours; each `why` says where it comes from. Every
//! check returns NotEvaluated with a reason when its data is missing.
//!
//! - `catalogue.rs`: the checks with their why and action.
//! - `security.rs`, `configuration.rs`, `performance.rs`, `maintenance.rs`, `schema.rs`.

mod catalogue;
mod configuration;
mod maintenance;
mod performance;
mod schema;
mod security;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edges;

pub use catalogue::CHECKS;

use crate::health::HealthInput;

/// Posture fact names the low tier emits (docs/mysql.md, "Posture facts").
pub mod fact {
    /// key = `user@host`; value = the authentication plugin(s), `a or b` for MariaDB's
    /// `IDENTIFIED VIA a OR b`.
    pub const ACCOUNT_PLUGIN: &str = "account.plugin";
    /// key = `user@host`; `true` when the account logs in with an empty password.
    pub const ACCOUNT_NO_PASSWORD: &str = "account.no_password";
    /// key = `user@host`; `true` when the account is locked (cannot log in).
    pub const ACCOUNT_LOCKED: &str = "account.locked";
    /// key = `user@host`; how many global privileges (USAGE aside) it holds.
    pub const ACCOUNT_PRIVILEGES: &str = "account.global_privileges";
    /// key = `user@host`; its administrative global privileges, comma-separated.
    pub const ACCOUNT_ADMIN: &str = "account.admin_privileges";
    /// Present when only the first N accounts (by name) were read; value = N.
    pub const ACCOUNTS_TRUNCATED: &str = "accounts.truncated";
    /// key = a `SHOW GLOBAL STATUS` counter in lower case; value = its count since start.
    pub const STATUS: &str = "status";
    /// key = what could not be read (`READ_*`); value = the server's reason.
    pub const UNAVAILABLE: &str = "unavailable";
    pub const READ_ACCOUNTS: &str = "accounts";
    pub const READ_STATUS: &str = "global status";
}

const NO_LOW: &str = "low tier (global variables, accounts) has not run yet";
const NO_HIGH: &str = "high tier (threads, global status) has not run yet";
const NO_MEDIUM: &str = "medium tier (replica status) has not run yet";
const NO_SCHEMA: &str = "schema tier has not run yet";

/// A global variable as the server printed it.
fn setting<'a>(i: &'a HealthInput, name: &str) -> Option<&'a str> {
    i.setting(name).map(|s| s.value.as_str())
}

/// A boolean variable: `ON`, `1`, `YES`, `TRUE` (and `FORCE`/`FORCE_PLUS_PERMANENT`).
fn enabled(i: &HealthInput, name: &str) -> Option<bool> {
    let v = setting(i, name)?.trim().to_ascii_uppercase();
    Some(matches!(v.as_str(), "ON" | "1" | "YES" | "TRUE" | "FORCE" | "FORCE_PLUS_PERMANENT"))
}

fn number(i: &HealthInput, name: &str) -> Option<f64> {
    setting(i, name)?.trim().parse().ok()
}

/// Why a global variable is missing: the tier did not run, the read failed, or this
/// server version has no such variable.
fn setting_gap(i: &HealthInput, what: &str) -> String {
    match (&i.settings, &i.posture) {
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => "the global variables could not be read (see the target's problems)".to_owned(),
        (Some(_), _) => format!("this server does not report {what}"),
    }
}

/// Why a posture read is missing: the tier did not run, or the server refused `read`.
fn fact_gap(i: &HealthInput, read: &str, what: &str) -> String {
    let refused = i.facts(fact::UNAVAILABLE).and_then(|mut f| f.find(|f| f.key == read));
    match (refused, &i.posture) {
        (Some(f), _) => f.value.clone(),
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => format!("this server does not report {what}"),
    }
}

/// A counter since start (low tier).
fn counter(i: &HealthInput, name: &str) -> Option<f64> {
    i.facts(fact::STATUS)?.find(|f| f.key == name)?.value.parse().ok()
}

/// "since start (3.2 days)".
pub(super) fn since_start(i: &HealthInput) -> String {
    match counter(i, "uptime") {
        Some(up) if up >= 86400.0 => format!("since start ({:.1} days)", up / 86400.0),
        Some(up) => format!("since start ({:.1} h)", up / 3600.0),
        None => "since start".to_owned(),
    }
}

/// MariaDB rather than MySQL: the Instance product, else the version string.
fn is_mariadb(i: &HealthInput) -> bool {
    i.instance.as_ref().is_some_and(|x| x.product.eq_ignore_ascii_case("MariaDB"))
        || setting(i, "version").is_some_and(|v| v.to_ascii_lowercase().contains("mariadb"))
}

/// A replica: a replication receiver, replica threads reported, or (failing both) a
/// read-only server, which is how the high tier tells the role.
fn is_replica(i: &HealthInput) -> Option<bool> {
    use crate::model::ServerRole;
    if i.metrics.keys().any(|(name, _)| name == super::metric::REPLICA_THREAD_RUNNING) {
        return Some(true);
    }
    if let Some(r) = &i.replication {
        return Some(r.role == ServerRole::Standby || r.receiver.is_some());
    }
    i.instance.as_ref().map(|x| x.role == ServerRole::Standby)
}

/// Hosts that only admit connections from the server's own machine.
fn loopback(host: &str) -> bool {
    matches!(host.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1")
}

/// Hosts that admit every client: `%`, and '' (treated as `%` by the server).
fn any_host(host: &str) -> bool {
    host.is_empty() || host == "%"
}

/// `'user'@'host'` as a DBA writes it.
fn quoted(user: &str, host: &str) -> String {
    format!("'{user}'@'{host}'")
}

/// An account as the posture facts describe it.
#[derive(Debug, Clone, Default)]
struct AccountView {
    user: String,
    host: String,
    plugins: Vec<String>,
    no_password: bool,
    locked: bool,
    privileges: u64,
    admin: Vec<String>,
}

impl AccountView {
    fn name(&self) -> String {
        quoted(&self.user, &self.host)
    }
}

/// Every account of the posture facts, by key; Err when there is nothing to read.
fn accounts(i: &HealthInput) -> Result<Vec<AccountView>, String> {
    let Some(posture) = &i.posture else { return Err(NO_LOW.to_owned()) };
    let mut list: Vec<AccountView> = Vec::new();
    let mut by_key = std::collections::HashMap::new();
    for f in posture.iter().filter(|f| f.name == fact::ACCOUNT_PLUGIN) {
        let (user, host) = f.key.rsplit_once('@').unwrap_or((f.key.as_str(), ""));
        let plugins = f.value.split(" or ").map(str::to_owned).collect();
        by_key.insert(f.key.as_str(), list.len());
        list.push(AccountView { user: user.into(), host: host.into(), plugins, ..Default::default() });
    }
    if list.is_empty() {
        return Err(fact_gap(i, fact::READ_ACCOUNTS, "its accounts"));
    }
    for f in posture {
        let Some(a) = by_key.get(f.key.as_str()).and_then(|n| list.get_mut(*n)) else { continue };
        match f.name.as_str() {
            fact::ACCOUNT_NO_PASSWORD => a.no_password = f.value == "true",
            fact::ACCOUNT_LOCKED => a.locked = f.value == "true",
            fact::ACCOUNT_PRIVILEGES => a.privileges = f.value.parse().unwrap_or(0),
            fact::ACCOUNT_ADMIN => {
                a.admin = f.value.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect();
            }
            _ => {}
        }
    }
    Ok(list)
}

/// " (first N accounts only)" when the account list was cut.
fn cut_note(i: &HealthInput) -> String {
    i.fact(fact::ACCOUNTS_TRUNCATED).map_or(String::new(), |n| format!(" (first {n} accounts only)"))
}
