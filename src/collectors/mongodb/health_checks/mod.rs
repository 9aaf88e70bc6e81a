//! MongoDB health checks (spec §5): security, configuration, performance, maintenance
//! and schema, from the settings and posture facts of the low tier, the high and medium
//! tiers' metrics and the schema inventory (docs/mongodb.md, "Health checks"). Thresholds
//! are ours unless a source is named; each check's `why` says where it comes from. Every
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
mod test_input;
#[cfg(test)]
mod tests;

pub use catalogue::CHECKS;

use crate::health::HealthInput;

/// Setting names the low tier emits (docs/mongodb.md, "Low tier"): the server's own
/// configuration-file option paths from `getCmdLineOpts` (an option left out is emitted
/// with its default and source `default` where the checks judge it), server facts under
/// `build.*`, `host.*` and `server.*`.
pub mod setting {
    pub const BIND_IP: &str = "net.bindIp";
    pub const BIND_IP_ALL: &str = "net.bindIpAll";
    pub const PORT: &str = "net.port";
    pub const MAX_INCOMING_CONNECTIONS: &str = "net.maxIncomingConnections";
    /// `disabled`, `allowTLS`, `preferTLS`, `requireTLS` (`net.ssl.mode`'s `…SSL` values
    /// are emitted under this name as their TLS twins).
    pub const TLS_MODE: &str = "net.tls.mode";
    pub const TLS_ALLOW_INVALID_CERTIFICATES: &str = "net.tls.allowInvalidCertificates";
    pub const TLS_ALLOW_INVALID_HOSTNAMES: &str = "net.tls.allowInvalidHostnames";
    /// `enabled` or `disabled`.
    pub const AUTHORIZATION: &str = "security.authorization";
    /// `set` when a key file is configured: never its path.
    pub const KEY_FILE: &str = "security.keyFile";
    pub const CLUSTER_AUTH_MODE: &str = "security.clusterAuthMode";
    pub const ENABLE_ENCRYPTION: &str = "security.enableEncryption";
    pub const STORAGE_ENGINE: &str = "storage.engine";
    pub const JOURNAL_ENABLED: &str = "storage.journal.enabled";
    pub const CACHE_SIZE_GB: &str = "storage.wiredTiger.engineConfig.cacheSizeGB";
    pub const REPL_SET_NAME: &str = "replication.replSetName";
    pub const OPLOG_SIZE_MB: &str = "replication.oplogSizeMB";
    /// `off`, `slowOp`, `all`.
    pub const PROFILING_MODE: &str = "operationProfiling.mode";
    pub const SLOW_OP_THRESHOLD_MS: &str = "operationProfiling.slowOpThresholdMs";
    pub const CLUSTER_ROLE: &str = "sharding.clusterRole";
    pub const AUDIT_DESTINATION: &str = "auditLog.destination";
    /// `setParameter.<name>`: every parameter set at startup, its value only when it is
    /// on `low::options::SHOWN_PARAMETERS` (others say `set`).
    pub const SET_PARAMETER: &str = "setParameter.";
    pub const AUTHENTICATION_MECHANISMS: &str = "setParameter.authenticationMechanisms";
    // buildInfo
    pub const VERSION: &str = "build.version";
    pub const GIT_VERSION: &str = "build.git_version";
    pub const ALLOCATOR: &str = "build.allocator";
    /// Comma-separated (`enterprise`); empty for the community build.
    pub const MODULES: &str = "build.modules";
    pub const STORAGE_ENGINES: &str = "build.storage_engines";
    // hostInfo
    pub const HOSTNAME: &str = "host.hostname";
    pub const OS_TYPE: &str = "host.os_type";
    pub const OS_NAME: &str = "host.os_name";
    pub const OS_VERSION: &str = "host.os_version";
    pub const CPU_ARCH: &str = "host.cpu_arch";
    pub const NUM_CORES: &str = "host.num_cores";
    pub const MEM_SIZE_MB: &str = "host.mem_size_mb";
    /// The memory the process may use (a container's limit), when the server reports it.
    pub const MEM_LIMIT_MB: &str = "host.mem_limit_mb";
    pub const NUMA_ENABLED: &str = "host.numa_enabled";
    pub const MAX_OPEN_FILES: &str = "host.max_open_files";
    // getParameter
    /// `7.0`; during an upgrade or downgrade the value is `6.0 → 7.0`.
    pub const FCV: &str = "featureCompatibilityVersion";
    // hello
    /// One of `topology::*`.
    pub const TOPOLOGY: &str = "server.topology";
}

/// Values of `setting::TOPOLOGY`.
pub mod topology {
    pub const STANDALONE: &str = "standalone";
    pub const PRIMARY: &str = "replica set primary";
    pub const SECONDARY: &str = "replica set secondary";
    pub const ARBITER: &str = "replica set arbiter";
    pub const ROUTER: &str = "mongos router";
}

/// Posture fact names the low tier emits (docs/mongodb.md, "Posture facts").
pub mod posture {
    /// key = position (`01`, `02`…), value = the warning's text, shortened.
    pub const STARTUP_WARNING: &str = "startup_warning";
    /// value = how many startup warnings the log held (present when it was read).
    pub const STARTUP_WARNINGS: &str = "startup_warnings.count";
    /// key = `user@db`, value = its roles, `role@db` comma-separated.
    pub const USER_ROLES: &str = "user.roles";
    /// key = `user@db`, value = its SCRAM mechanisms comma-separated; absent for
    /// `$external` users (x.509, LDAP, Kerberos).
    pub const USER_MECHANISMS: &str = "user.mechanisms";
    /// value = how many users were read (present when `usersInfo` answered).
    pub const USERS: &str = "users.count";
    /// Present when only the first N users were described; value = N.
    pub const USERS_TRUNCATED: &str = "users.truncated";
    /// key = a custom role of admin (`role@admin`), value = every role it inherits.
    pub const ROLE_INHERITS: &str = "role.inherits";
    /// key = what could not be read (`READ_*`), value = why.
    pub const UNAVAILABLE: &str = "unavailable";
    pub const READ_BUILD: &str = "build info";
    pub const READ_HOST: &str = "host info";
    pub const READ_OPTIONS: &str = "command-line options";
    pub const READ_WARNINGS: &str = "startup warnings";
    pub const READ_FCV: &str = "feature compatibility version";
    pub const READ_USERS: &str = "users";
    pub const READ_ROLES: &str = "roles";
}

/// Built-in roles that reach beyond one database or can grant themselves anything
/// (MongoDB's "Built-In Roles" reference: superuser roles, all-database roles, cluster
/// administration); `userAdmin` and `dbOwner` count only on `admin`.
pub const POWERFUL_ROLES: [&str; 9] = [
    "root",
    "__system",
    "userAdminAnyDatabase",
    "dbAdminAnyDatabase",
    "readWriteAnyDatabase",
    "clusterAdmin",
    "restore",
    "userAdmin@admin",
    "dbOwner@admin",
];

/// Whether `role@db` is one of `POWERFUL_ROLES`.
pub fn is_powerful(role_at_db: &str) -> bool {
    let (role, db) = role_at_db.split_once('@').unwrap_or((role_at_db, ""));
    POWERFUL_ROLES.iter().any(|p| match p.split_once('@') {
        Some((r, d)) => r == role && d == db,
        None => *p == role,
    })
}

const NO_LOW: &str = "low tier (command-line options, users, startup warnings) has not run yet";
const NO_HIGH: &str = "high tier (serverStatus) has not run yet";
const NO_MEDIUM: &str = "medium tier (replication, oplog) has not run yet";
const NO_SCHEMA: &str = "schema tier has not run yet";

fn setting_text<'a>(i: &'a HealthInput, name: &str) -> Option<&'a str> {
    i.setting(name).map(|s| s.value.trim())
}

fn number(i: &HealthInput, name: &str) -> Option<f64> {
    setting_text(i, name)?.parse().ok()
}

/// The reason recorded when `read` was refused.
fn refused(i: &HealthInput, read: &str) -> Option<String> {
    i.facts(posture::UNAVAILABLE)?.find(|f| f.key == read).map(|f| f.value.clone())
}

/// Why a low-tier value is missing: the tier did not run, the server refused `read`,
/// or this server does not report it.
fn low_gap(i: &HealthInput, read: &str, what: &str) -> String {
    match (refused(i, read), &i.posture) {
        (Some(why), _) => why,
        (None, None) => NO_LOW.to_owned(),
        (None, Some(_)) => format!("this server does not report {what}"),
    }
}

/// The server's `major.minor` from the low tier's buildInfo (else the instance body).
fn version(i: &HealthInput) -> Option<(u32, u32)> {
    let text =
        setting_text(i, setting::VERSION).or_else(|| i.instance.as_ref().map(|x| x.version.as_str()))?;
    major_minor(text)
}

fn major_minor(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split('.');
    Some((
        parts.next()?.parse().ok()?,
        parts.next()?.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok()?,
    ))
}

/// A mongos stores nothing: storage, cache and profiler checks do not apply to it.
fn on_router(i: &HealthInput) -> bool {
    setting_text(i, setting::TOPOLOGY) == Some(topology::ROUTER)
}

const ROUTER_STORES_NOTHING: &str =
    "not applicable: a mongos router has no storage engine or profiler (judge the shards)";

/// Keyed metric points of one name, as (key, value).
fn keyed<'a>(i: &'a HealthInput, name: &'a str) -> impl Iterator<Item = (&'a str, f64)> + 'a {
    i.metrics.iter().filter(move |((n, _), _)| n == name).map(|((_, k), v)| (k.as_str(), *v))
}
