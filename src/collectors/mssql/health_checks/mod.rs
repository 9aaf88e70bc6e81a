//! SQL Server health checks.
//!
//! Data comes from the contract in docs/mssql.md: settings (`sys.configurations`, server
//! facts) and posture facts (databases, logins, TDE, backups, jobs) from the low tier,
//! counters, waits and sessions from the high tier, log space, Availability Groups and
//! Query Store state from the medium tier, the inventory from the schema tier. Thresholds
//! are ours unless a source is named; each `why` says where it comes from. Every check
//! returns NotEvaluated with a reason when its data is missing.
//!
//! - `catalogue.rs`: the checks with their why and action.
//! - `views.rs`: the posture facts folded back into one record per database and login.
//! - `security.rs`, `configuration.rs`, `performance.rs`, `maintenance.rs`, `schema.rs`.

mod catalogue;
mod configuration;
mod maintenance;
mod performance;
mod schema;
mod security;
#[cfg(test)]
mod test_input;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edges;
mod views;

pub use catalogue::CHECKS;

use crate::health::HealthInput;

/// Setting names the low tier emits (docs/mssql.md, "Low tier"): `sys.configurations`
/// rows under the server's own names, server facts under `server.*`.
pub mod setting {
    pub const MAX_SERVER_MEMORY_MB: &str = "max server memory (MB)";
    pub const MIN_SERVER_MEMORY_MB: &str = "min server memory (MB)";
    pub const MAXDOP: &str = "max degree of parallelism";
    pub const COST_THRESHOLD: &str = "cost threshold for parallelism";
    pub const OPTIMIZE_FOR_AD_HOC: &str = "optimize for ad hoc workloads";
    pub const XP_CMDSHELL: &str = "xp_cmdshell";
    pub const CLR_ENABLED: &str = "clr enabled";
    pub const CLR_STRICT_SECURITY: &str = "clr strict security";
    pub const REMOTE_ADMIN_CONNECTIONS: &str = "remote admin connections";
    pub const AD_HOC_DISTRIBUTED_QUERIES: &str = "Ad Hoc Distributed Queries";
    pub const DATABASE_MAIL_XPS: &str = "Database Mail XPs";
    pub const OLE_AUTOMATION: &str = "Ole Automation Procedures";
    pub const BACKUP_COMPRESSION_DEFAULT: &str = "backup compression default";
    pub const CONTAINED_DB_AUTHENTICATION: &str = "contained database authentication";
    pub const CROSS_DB_OWNERSHIP_CHAINING: &str = "cross db ownership chaining";
    pub const REMOTE_ACCESS: &str = "remote access";
    pub const SHOW_ADVANCED_OPTIONS: &str = "show advanced options";
    pub const BLOCKED_PROCESS_THRESHOLD: &str = "blocked process threshold (s)";
    pub const SCAN_FOR_STARTUP_PROCS: &str = "scan for startup procs";
    pub const USER_CONNECTIONS: &str = "user connections";
    /// `SERVERPROPERTY('IsIntegratedSecurityOnly')`: `Windows` or `Mixed`.
    pub const AUTHENTICATION: &str = "server.authentication";
    pub const IS_CLUSTERED: &str = "server.is_clustered";
    pub const IS_HADR_ENABLED: &str = "server.is_hadr_enabled";
    pub const COLLATION: &str = "server.collation";
    pub const EDITION: &str = "server.edition";
    pub const ENGINE_EDITION: &str = "server.engine_edition";
    pub const PRODUCT_VERSION: &str = "server.product_version";
    pub const CPU_COUNT: &str = "server.cpu_count";
    pub const NUMA_NODES: &str = "server.numa_nodes";
    pub const PHYSICAL_MEMORY_MB: &str = "server.physical_memory_mb";
    /// Server local time, `YYYY-MM-DD HH:MM:SS.mmm`.
    pub const START_TIME: &str = "server.start_time";
    /// Seconds the instance had been up when the low tier read it.
    pub const UPTIME_S: &str = "server.uptime_s";
}

/// Posture fact names the low tier emits (docs/mssql.md, "Posture facts"). Booleans are
/// `true`/`false`; ages are whole minutes measured by the server's own clock.
pub mod fact {
    // sys.databases, key = database name.
    pub const DB_STATE: &str = "database.state";
    pub const DB_RECOVERY_MODEL: &str = "database.recovery_model";
    pub const DB_AUTO_CLOSE: &str = "database.auto_close";
    pub const DB_AUTO_SHRINK: &str = "database.auto_shrink";
    pub const DB_PAGE_VERIFY: &str = "database.page_verify";
    pub const DB_COMPATIBILITY_LEVEL: &str = "database.compatibility_level";
    pub const DB_READ_COMMITTED_SNAPSHOT: &str = "database.read_committed_snapshot";
    pub const DB_QUERY_STORE_ON: &str = "database.query_store_on";
    pub const DB_ENCRYPTED: &str = "database.encrypted";
    pub const DB_LOG_REUSE_WAIT: &str = "database.log_reuse_wait";
    pub const DB_CONTAINMENT: &str = "database.containment";
    pub const DB_READ_ONLY: &str = "database.read_only";
    pub const DB_TRUSTWORTHY: &str = "database.trustworthy";
    pub const DB_OWNER: &str = "database.owner";
    pub const DB_IN_AVAILABILITY_GROUP: &str = "database.in_availability_group";
    /// Present when only the first N databases (by id) were described; value = N.
    pub const DATABASES_TRUNCATED: &str = "databases.truncated";
    // sys.dm_database_encryption_keys, key = database.
    /// `encrypted`, `encryption in progress`, `unencrypted`, `key change in progress`,
    /// `decryption in progress`, `protection change in progress`.
    pub const DB_TDE_STATE: &str = "database.tde_state";
    /// `true`/`false`: the certificate protecting the database key has had its private
    /// key backed up; absent when the key is protected by something else (EKM).
    pub const DB_TDE_CERT_BACKED_UP: &str = "database.tde_certificate_backed_up";
    // msdb.dbo.backupset over BACKUP_WINDOW_DAYS, key = database; absent = none in the window.
    pub const DB_FULL_BACKUP_AGE_MIN: &str = "database.full_backup_age_min";
    pub const DB_DIFF_BACKUP_AGE_MIN: &str = "database.diff_backup_age_min";
    pub const DB_LOG_BACKUP_AGE_MIN: &str = "database.log_backup_age_min";
    /// Present when the backup history was read; value = the window in days.
    pub const BACKUPS_WINDOW_DAYS: &str = "backups.window_days";
    // Logins (sys.server_principals ⨝ sys.sql_logins), key = login name.
    /// `SQL_LOGIN`, `WINDOWS_LOGIN`, `WINDOWS_GROUP`, `EXTERNAL_LOGIN`, `EXTERNAL_GROUP`.
    pub const LOGIN_TYPE: &str = "login.type";
    pub const LOGIN_DISABLED: &str = "login.disabled";
    /// A direct member of the sysadmin server role.
    pub const LOGIN_SYSADMIN: &str = "login.sysadmin";
    /// Holds CONTROL SERVER (granted), sysadmin in all but name.
    pub const LOGIN_CONTROL_SERVER: &str = "login.control_server";
    /// SQL logins only: CHECK_POLICY and CHECK_EXPIRATION.
    pub const LOGIN_POLICY_CHECKED: &str = "login.policy_checked";
    pub const LOGIN_EXPIRATION_CHECKED: &str = "login.expiration_checked";
    /// SQL logins only, when the hash is readable: PWDCOMPARE('' / the login's own name).
    pub const LOGIN_EMPTY_PASSWORD: &str = "login.empty_password";
    pub const LOGIN_PASSWORD_IS_NAME: &str = "login.password_is_name";
    /// key empty; value = the current name of principal_id 1 (`sa` unless renamed).
    pub const SA_NAME: &str = "login.sa_name";
    /// Present when only the first N logins were described; value = N.
    pub const LOGINS_TRUNCATED: &str = "logins.truncated";
    /// key = database, value = an orphaned SQL user's name (one fact per user).
    pub const ORPHANED_USER: &str = "user.orphaned";
    /// value = how many databases were searched for orphaned users.
    pub const ORPHANS_DATABASES_READ: &str = "orphans.databases_read";
    /// value = accessible databases left out of the search (the cap).
    pub const ORPHANS_DATABASES_SKIPPED: &str = "orphans.databases_skipped";
    // sys.dm_server_services, key = service name ("SQL Server Agent (MSSQLSERVER)").
    pub const SERVICE_STATUS: &str = "service.status";
    pub const SERVICE_ACCOUNT: &str = "service.account";
    pub const SERVICE_STARTUP: &str = "service.startup";
    // SQL Agent jobs that failed in the last 24 h, key = job name.
    pub const JOB_FAILURES_24H: &str = "job.failures_24h";
    /// `failed`, `succeeded`, `retry`, `canceled`, `in progress`.
    pub const JOB_LAST_OUTCOME: &str = "job.last_outcome";
    pub const JOB_ENABLED: &str = "job.enabled";
    /// key = a server permission (`VIEW ANY DEFINITION`…); value = held or not.
    pub const PERMISSION: &str = "permission";
    pub const VIEW_ANY_DEFINITION: &str = "VIEW ANY DEFINITION";
    pub const VIEW_SERVER_STATE: &str = "VIEW SERVER STATE";
    pub const CONTROL_SERVER: &str = "CONTROL SERVER";
    /// key = what could not be read (`READ_*`, or `users of <database>`); value = why.
    pub const UNAVAILABLE: &str = "unavailable";
    pub const READ_LOGINS: &str = "logins";
    pub const READ_PASSWORDS: &str = "password hashes";
    pub const READ_SERVICES: &str = "services";
    pub const READ_TDE: &str = "encryption keys";
    pub const READ_BACKUPS: &str = "backup history";
    pub const READ_JOBS: &str = "agent jobs";
}

/// How far back the backup history is read (Glenn Berry's diagnostic queries use 30 days).
pub const BACKUP_WINDOW_DAYS: u32 = 30;

const NO_LOW: &str = "low tier (configuration, databases, logins) has not run yet";
const NO_HIGH: &str = "high tier (sessions, performance counters) has not run yet";
const NO_MEDIUM: &str = "medium tier (log space, Availability Groups, Query Store) has not run yet";
const NO_SCHEMA: &str = "schema tier has not run yet";

/// The system databases: not the application's, and judged apart where it matters.
const SYSTEM_DATABASES: [&str; 4] = ["master", "model", "msdb", "tempdb"];

fn is_system_database(name: &str) -> bool {
    SYSTEM_DATABASES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// A setting's value (names compared without case: a case-sensitive server collation
/// does not change how `sys.configurations` spells them, but a hand-made input might).
fn setting_text<'a>(i: &'a HealthInput, name: &str) -> Option<&'a str> {
    i.settings.as_ref()?.iter().find(|s| s.name.eq_ignore_ascii_case(name)).map(|s| s.value.trim())
}

fn number(i: &HealthInput, name: &str) -> Option<f64> {
    setting_text(i, name)?.parse().ok()
}

/// Why a setting is missing: the tier did not run, the read failed, or this server
/// version or edition has no such option.
fn setting_gap(i: &HealthInput, what: &str) -> String {
    match (&i.settings, &i.posture) {
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => "the configuration could not be read (see the target's problems)".to_owned(),
        (Some(_), _) => format!("this server does not report {what}"),
    }
}

/// The reason recorded when `read` was refused.
fn refused(i: &HealthInput, read: &str) -> Option<String> {
    i.facts(fact::UNAVAILABLE)?.find(|f| f.key == read).map(|f| f.value.clone())
}

/// Why a posture read is missing: the tier did not run, or the server refused `read`.
fn fact_gap(i: &HealthInput, read: &str, what: &str) -> String {
    match (refused(i, read), &i.posture) {
        (Some(why), _) => why,
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => format!("this server does not report {what}"),
    }
}

/// A server permission the monitoring login holds (None when not read).
fn holds(i: &HealthInput, permission: &str) -> Option<bool> {
    Some(i.facts(fact::PERMISSION)?.find(|f| f.key == permission)?.value == "true")
}

/// The instance's uptime as the low tier read it.
fn uptime_days(i: &HealthInput) -> Option<f64> {
    number(i, setting::UPTIME_S).map(|s| s / 86_400.0)
}

/// "45 min", "3.5 h", "9.2 days".
fn age(minutes: f64) -> String {
    if minutes < 120.0 {
        format!("{minutes:.0} min")
    } else if minutes < 2880.0 {
        format!("{:.1} h", minutes / 60.0)
    } else {
        format!("{:.1} days", minutes / 1440.0)
    }
}

/// Keyed metric points of one name, as (key, value).
fn keyed<'a>(i: &'a HealthInput, name: &'a str) -> impl Iterator<Item = (&'a str, f64)> + 'a {
    i.metrics.iter().filter(move |((n, _), _)| n == name).map(|((_, k), v)| (k.as_str(), *v))
}
