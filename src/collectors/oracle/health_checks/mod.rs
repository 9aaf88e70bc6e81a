//! Oracle health checks (spec §5): security, configuration, performance, maintenance and
//! schema, from the low, medium, high and schema tiers' samples (docs/oracle.md "Health
//! checks"). Thresholds are ours unless a source is named; each `why` says where it comes
//! from. Every check returns NotEvaluated with a reason when its data is missing.
//!
//! - `catalogue.rs`: the checks with their why and action.
//! - `security.rs`, `configuration.rs`, `performance.rs`, `maintenance.rs`, `schema.rs`.
//! - `names.rs`: the setting and posture fact names the low tier emits.

mod catalogue;
mod configuration;
mod maintenance;
mod names;
mod performance;
mod schema;
mod security;
#[cfg(test)]
mod test_input;
#[cfg(test)]
mod tests;

pub use catalogue::CHECKS;
pub use names::{fact, setting};

use crate::health::HealthInput;

const NO_LOW: &str = "low tier (parameters, users, backups) has not run yet";
const NO_HIGH: &str = "high tier (sessions) has not run yet";
const NO_MEDIUM: &str = "medium tier (system metrics, tablespaces, limits) has not run yet";
const NO_SCHEMA: &str = "schema tier has not run yet";

/// A setting's value, trimmed (parameter names compared without case).
fn setting_text<'a>(i: &'a HealthInput, name: &str) -> Option<&'a str> {
    i.settings.as_ref()?.iter().find(|s| s.name.eq_ignore_ascii_case(name)).map(|s| s.value.trim())
}

fn number(i: &HealthInput, name: &str) -> Option<f64> {
    setting_text(i, name)?.parse().ok()
}

/// Why a parameter is missing: the tier did not run, the read was refused, or the
/// server does not report it.
fn setting_gap(i: &HealthInput, what: &str) -> String {
    gap_of(i, fact::READ_PARAMETERS, what)
}

/// The same for a `database.*` or `instance.*` setting (`read` = the statement's name).
fn gap_of(i: &HealthInput, read: &str, what: &str) -> String {
    match (&i.settings, refused(i, read)) {
        (_, Some(why)) => why,
        (None, None) => NO_LOW.to_owned(),
        (Some(_), None) => format!("this server does not report {what}"),
    }
}

/// The reason recorded when `read` was refused.
fn refused(i: &HealthInput, read: &str) -> Option<String> {
    i.facts(fact::UNAVAILABLE)?.find(|f| f.key == read).map(|f| f.value.clone())
}

/// Why a posture read is missing: the tier did not run, or the server refused `read`.
fn fact_gap(i: &HealthInput, read: &str) -> String {
    match (refused(i, read), &i.posture) {
        (Some(why), _) => why,
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => format!("{read} were not read"),
    }
}

/// A posture value that marks a read as done (its count), or the reason it is missing.
fn read_marker(i: &HealthInput, marker: &str, read: &str) -> Result<f64, String> {
    i.fact(marker).and_then(|v| v.parse().ok()).ok_or_else(|| fact_gap(i, read))
}

/// Values of every fact of one name as (key, value).
fn pairs<'a>(i: &'a HealthInput, name: &'a str) -> Vec<(&'a str, &'a str)> {
    i.facts(name).map(|f| f.map(|f| (f.key.as_str(), f.value.as_str())).collect()).unwrap_or_default()
}

/// Keyed metric points of one name, as (key, value).
fn keyed<'a>(i: &'a HealthInput, name: &'a str) -> impl Iterator<Item = (&'a str, f64)> + 'a {
    i.metrics.iter().filter(move |((n, _), _)| n == name).map(|((_, k), v)| (k.as_str(), *v))
}

/// "45 min", "3.5 h", "9.2 days" from seconds.
fn age(seconds: f64) -> String {
    let minutes = seconds / 60.0;
    if minutes < 120.0 {
        format!("{minutes:.0} min")
    } else if minutes < 2880.0 {
        format!("{:.1} h", minutes / 60.0)
    } else {
        format!("{:.1} days", minutes / 1440.0)
    }
}

/// The database's Data Guard role (`PRIMARY`, `PHYSICAL STANDBY`…), upper case.
fn role(i: &HealthInput) -> Option<String> {
    setting_text(i, setting::DATABASE_ROLE).map(str::to_ascii_uppercase)
}

fn is_standby(i: &HealthInput) -> bool {
    role(i).is_some_and(|r| r.contains("STANDBY"))
}

/// Express and Free editions: development and small installs, judged more gently where
/// the check is about a production habit.
fn free_edition(i: &HealthInput) -> bool {
    setting_text(i, setting::INSTANCE_EDITION)
        .is_some_and(|e| matches!(e.to_ascii_uppercase().as_str(), "XE" | "FREE"))
}
