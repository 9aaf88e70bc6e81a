//! Redis and Valkey health checks: one catalogue for both (Valkey reuses the Redis model).
//!
//! Data comes from the contract in docs/redis.md: `CONFIG GET` settings (low tier),
//! posture facts (low tier), INFO metrics (high and medium tiers), the keyspace and the
//! slow log (medium tier). Thresholds are ours; each `why` says what it protects
//! against. Every check returns NotEvaluated with a reason when its data is missing.

mod configuration;
mod maintenance;
mod performance;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use crate::health::{Check, HealthInput, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

/// Posture fact names the collector emits (docs/redis.md, "Posture facts").
pub mod fact {
    pub const AUTH_REQUIRED: &str = "auth.required";
    pub const ACL_USER: &str = "acl.user";
    pub const ROLE: &str = "role";
    pub const UNAVAILABLE: &str = "unavailable";
    pub const RDB_STATUS: &str = "persistence.rdb_last_bgsave_status";
    pub const AOF_STATUS: &str = "persistence.aof_last_write_status";
}

const NO_LOW: &str = "low tier (CONFIG GET, ACL) has not run yet";
const NO_HIGH: &str = "high tier (INFO) has not run yet";
const NO_MEDIUM: &str = "medium tier (INFO persistence, replication, keyspace) has not run yet";

/// A `CONFIG GET` value.
fn setting<'a>(i: &'a HealthInput, name: &str) -> Option<&'a str> {
    i.setting(name).map(|s| s.value.as_str())
}

/// Why a low-tier value is missing: the tier did not run, or the server refused the command.
fn low_gap(i: &HealthInput, command: &str) -> String {
    let refused =
        i.facts(fact::UNAVAILABLE).and_then(|mut f| f.find(|f| f.key.eq_ignore_ascii_case(command)));
    match (refused, &i.settings, &i.posture) {
        (Some(f), _, _) => format!("{command} is not available: {}", f.value),
        (None, None, None) => NO_LOW.to_owned(),
        _ => format!("{command} gave no answer for this"),
    }
}

/// Whether the server listens beyond loopback: `bind` empty, `*`, `0.0.0.0` or `::`
/// (Redis 7 prints `* -::*` when no bind line is set: all interfaces).
fn listens_everywhere(bind: &str) -> bool {
    let addresses: Vec<&str> = bind.split_whitespace().map(|a| a.trim_start_matches('-')).collect();
    addresses.is_empty() || addresses.iter().any(|a| matches!(*a, "*" | "0.0.0.0" | "::" | "::*"))
}

pub fn checks() -> &'static [Check] {
    CHECKS
}

pub static CHECKS: &[Check] = &[
    check!(
        "redis.auth",
        Security,
        "Authentication required",
        security::auth,
        "Without a password or ACL any client that reaches the port can read, change and delete every key, and run CONFIG to write files on the host; critical when the server listens beyond loopback or protected mode is off.",
        "Set requirepass, or give the default user a password (ACL SETUSER default on >secret) and create per-application ACL users."
    ),
    check!(
        "redis.protected_mode",
        Security,
        "Protected mode",
        security::protected_mode,
        "Protected mode refuses remote clients while no password is set and no bind is configured: the last guard of a server left open by mistake.",
        "CONFIG SET protected-mode yes (and persist it in redis.conf), unless authentication and a firewall protect the port."
    ),
    check!(
        "redis.bind_all_interfaces",
        Security,
        "Listening on all interfaces",
        security::bind,
        "A server bound to every interface is reachable from any network the host is on; Redis is meant for trusted networks only. Critical without authentication.",
        "Bind to loopback and the private interface clients use (bind 127.0.0.1 10.0.0.5), and firewall the port."
    ),
    check!(
        "redis.acl_users",
        Security,
        "ACL users without password",
        security::acl_users,
        "An enabled ACL user with nopass logs in with any password; with +@all it can run every command, CONFIG and FLUSHALL included.",
        "Give each user a password (ACL SETUSER <user> resetpass >secret) and only the command categories it needs."
    ),
    check!(
        "redis.maxmemory",
        Configuration,
        "maxmemory and eviction policy",
        configuration::maxmemory,
        "Without maxmemory Redis grows until the kernel's OOM killer ends it; with noeviction a full server refuses writes. 75 % used under noeviction is our attention mark, 90 % critical.",
        "Set maxmemory below the RAM left for Redis (leave room for fork copy-on-write) and choose an eviction policy that fits (allkeys-lru for caches)."
    ),
    check!(
        "redis.slowlog_enabled",
        Configuration,
        "Slow log enabled",
        configuration::slowlog_enabled,
        "With slowlog-log-slower-than below 0 or slowlog-max-len 0, slow commands leave no trace: the Queries tab's slow-log list stays empty.",
        "CONFIG SET slowlog-log-slower-than 10000 (10 ms) and slowlog-max-len 128 or more."
    ),
    check!(
        "redis.tcp_keepalive",
        Configuration,
        "TCP keepalive",
        configuration::tcp_keepalive,
        "With tcp-keepalive 0, connections of clients that vanished (crashed hosts, dropped NAT entries) are never detected and hold their slot in maxclients.",
        "CONFIG SET tcp-keepalive 300 (the default since Redis 3.2)."
    ),
    check!(
        "redis.memory_fragmentation",
        Performance,
        "Memory fragmentation",
        performance::fragmentation,
        "A ratio above 1.5 means the process holds half again the memory its data needs (2.0 critical); below 1.0 part of the dataset is swapped out, and every access to it is slow. Small datasets (under 64 MiB) are not judged: their ratio is naturally high.",
        "For high ratios enable activedefrag (jemalloc builds) or restart a replica and fail over; below 1.0 add RAM or lower maxmemory so nothing is swapped."
    ),
    check!(
        "redis.evictions",
        Performance,
        "Evicted keys",
        performance::evictions,
        "Evictions mean the dataset does not fit in maxmemory: keys the application expects disappear early; 1/s is our attention mark, 100/s critical.",
        "Raise maxmemory, shorten TTLs, or store less; check the eviction policy matches the workload."
    ),
    check!(
        "redis.rejected_connections",
        Performance,
        "Rejected connections",
        performance::rejected,
        "Connections refused because maxclients was reached: clients see errors right now.",
        "Find who holds connections (Activity tab, idle column), fix leaking pools, or raise maxclients (and the file descriptor limit)."
    ),
    check!(
        "redis.clients_usage",
        Performance,
        "Clients vs maxclients",
        performance::clients,
        "When maxclients is reached new connections are refused; above 80 % there is little headroom for a spike (95 % critical).",
        "Close idle connections (timeout setting), size client pools, or raise maxclients."
    ),
    check!(
        "redis.replication_link",
        Performance,
        "Replication link",
        performance::replication_link,
        "A replica whose link to its primary is down serves ever staler data and cannot take over without loss.",
        "Check the primary is reachable from the replica, masterauth, and the replica's log (full resync loops when repl-backlog-size is too small)."
    ),
    check!(
        "redis.replication_lag",
        Performance,
        "Replication lag",
        performance::replication_lag,
        "Replicas acknowledge every second; a replica 10 s behind serves stale reads and would lose writes on failover (60 s critical).",
        "Check the replica's network, CPU and disk (AOF fsync), and large writes on the primary; raise repl-backlog-size to avoid full resyncs."
    ),
    check!(
        "redis.slowlog_heavy_hitters",
        Performance,
        "Slow-log heavy hitters",
        performance::slowlog_heavy_hitters,
        "Redis runs commands one at a time: a command that keeps landing in the slow log (KEYS, SMEMBERS on huge sets, Lua scripts) stalls every other client. One command making half of at least 10 new entries is our attention mark; an entry over 1 s is critical.",
        "Open the slow-log list on the Queries tab, replace O(N) commands (KEYS → SCAN, big HGETALL → HSCAN) and split big keys."
    ),
    check!(
        "redis.latency_spikes",
        Performance,
        "Latency spikes",
        performance::latency_spikes,
        "LATENCY LATEST records events (fork, AOF fsync, expire cycles, commands) slower than latency-monitor-threshold; 100 ms stalls every client, 1 s is critical.",
        "Read LATENCY DOCTOR on the server; fork spikes call for less memory per instance or disabling transparent huge pages."
    ),
    check!(
        "redis.persistence_errors",
        Maintenance,
        "Persistence failing",
        maintenance::persistence_errors,
        "A failed background save or AOF write means the data on disk is stale; by default Redis then refuses writes (stop-writes-on-bgsave-error).",
        "Read the server log: usually a full disk, permissions, or fork failing for lack of memory (vm.overcommit_memory = 1)."
    ),
    check!(
        "redis.last_save_age",
        Maintenance,
        "Unsaved changes since the last snapshot",
        maintenance::last_save_age,
        "With RDB snapshots configured, changes not saved for an hour are lost on a crash (a day critical); when AOF is on the snapshot age matters less.",
        "Check why BGSAVE does not run or fails (log, disk), and whether the save points fit the write rate."
    ),
    check!(
        "redis.persistence_on_primary",
        Maintenance,
        "Persistence on a primary with replicas",
        maintenance::persistence_on_primary,
        "A primary without RDB or AOF that restarts comes back empty, and its replicas then sync to the empty dataset and wipe their copy.",
        "Enable AOF or RDB on the primary, or make sure it never restarts automatically."
    ),
    check!(
        "redis.keys_without_ttl",
        Schema,
        "Keys without expiry",
        schema::keys_without_ttl,
        "A database of many keys none of which expires only grows; for a cache that means eviction does all the cleaning. Databases of 10,000 keys or more with no key expiring get attention.",
        "Give cache keys a TTL when they are written (SET … EX), or confirm the database is a primary store meant to keep them."
    ),
    check!(
        "redis.big_keys",
        Schema,
        "Big keys",
        schema::big_keys,
        "A single key of megabytes blocks the server while it is read, deleted or migrated, and skews memory across cluster slots; 1 MiB is our attention mark, 64 MiB critical.",
        "Split big hashes, sets and lists into buckets; delete them with UNLINK rather than DEL."
    ),
    check!(
        "redis.logical_databases",
        Schema,
        "Keys spread over logical databases",
        schema::logical_databases,
        "Numbered databases share one server with no isolation, cannot be monitored or limited separately, and Redis Cluster supports database 0 only.",
        "Use key prefixes (or separate instances) instead of SELECT n."
    ),
];
