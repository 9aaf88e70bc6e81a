//! Availability Groups: each replica's role, connection and health, and per database
//! its synchronization state, log send and redo queues and the estimated lag.
//!
//! One statement over the AG catalog (`sys.availability_groups`, `_replicas`) and the
//! HADR DMVs: a row per replica and database. With Always On off (`IsHadrEnabled` 0) the
//! catalog is empty: no rows, no body, no problem. A primary sees every replica; a
//! secondary sees only its own rows (the other replicas' states are NULL there: unknown,
//! not unhealthy).
//!
//! Estimated lag of a secondary database: `secondary_lag_seconds` (2016+, on the
//! primary); else the primary's `last_commit_time` less the secondary's (both visible on
//! the primary); else the redo queue over the redo rate (what a failover would wait for).
//!
//! Cost: a few rows per replica and database, from in-memory DMVs; no locks.

use super::super::metric as ms;
use super::super::rows::TextRow;
use super::built::server_seconds;
use crate::model::{Metric, Replica, Replication, ServerRole, WalReceiver, metric};
use std::collections::BTreeMap;

pub const REPLICAS: &str = "\
SELECT ag.name AS ag_name, ar.replica_server_name, ar.endpoint_url, ar.availability_mode_desc,
       ars.is_local, ars.role_desc, ars.connected_state_desc,
       ars.synchronization_health_desc AS replica_health, ars.last_connect_error_description,
       ags.primary_replica, DB_NAME(drs.database_id) AS database_name, drs.is_primary_replica,
       drs.synchronization_state_desc, drs.synchronization_health_desc AS database_health,
       drs.is_suspended, drs.suspend_reason_desc,
       drs.log_send_queue_size AS log_send_queue_kb, drs.log_send_rate AS log_send_rate_kb_s,
       drs.redo_queue_size AS redo_queue_kb, drs.redo_rate AS redo_rate_kb_s,
       drs.secondary_lag_seconds, drs.last_commit_time,
       DATEDIFF(SECOND, drs.last_received_time, GETDATE()) AS received_age_s
FROM sys.availability_groups AS ag
JOIN sys.availability_replicas AS ar ON ar.group_id = ag.group_id
LEFT JOIN sys.dm_hadr_availability_group_states AS ags ON ags.group_id = ag.group_id
LEFT JOIN sys.dm_hadr_availability_replica_states AS ars ON ars.replica_id = ar.replica_id
LEFT JOIN sys.dm_hadr_database_replica_states AS drs ON drs.replica_id = ar.replica_id
ORDER BY ag.name, ar.replica_server_name, database_name";

#[cfg(test)]
pub const STATEMENTS: &[&str] = &[REPLICAS];

/// One database on one replica.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatabaseState {
    pub name: String,
    pub is_primary: bool,
    pub state: String,
    pub health: String,
    pub suspended: Option<String>,
    pub log_send_queue_kb: Option<u64>,
    pub redo_queue_kb: Option<u64>,
    pub redo_rate_kb_s: Option<f64>,
    pub secondary_lag_s: Option<f64>,
    pub last_commit_time: String,
    pub received_age_s: Option<f64>,
    /// Filled in by `estimate_lag`.
    pub lag_s: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicaState {
    pub ag: String,
    pub server: String,
    /// The host of `TCP://host:5022`.
    pub host: String,
    /// `SYNCHRONOUS_COMMIT`, `ASYNCHRONOUS_COMMIT`, `CONFIGURATION_ONLY`.
    pub mode: String,
    /// None where this server cannot see the replica's state (a secondary).
    pub is_local: Option<bool>,
    pub role: String,
    pub connected: String,
    pub health: String,
    pub error: String,
    pub primary: String,
    pub databases: Vec<DatabaseState>,
}

fn host_of(endpoint: &str) -> String {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.rsplit_once(':').map_or(rest, |(h, _)| h).to_owned()
}

pub fn parse(rows: &[TextRow]) -> Vec<ReplicaState> {
    let mut replicas: BTreeMap<(String, String), ReplicaState> = BTreeMap::new();
    for r in rows {
        let key = (r.text("ag_name"), r.text("replica_server_name"));
        let replica = replicas.entry(key.clone()).or_insert_with(|| ReplicaState {
            ag: key.0.clone(),
            server: key.1.clone(),
            host: host_of(&r.text("endpoint_url")),
            mode: r.text("availability_mode_desc"),
            is_local: r.flag("is_local"),
            role: r.text("role_desc"),
            connected: r.text("connected_state_desc"),
            health: r.text("replica_health"),
            error: r.text("last_connect_error_description"),
            primary: r.text("primary_replica"),
            databases: Vec::new(),
        });
        let Some(name) = r.get("database_name").filter(|n| !n.is_empty()) else { continue };
        replica.databases.push(DatabaseState {
            name: name.to_owned(),
            is_primary: r.flag("is_primary_replica") == Some(true),
            state: r.text("synchronization_state_desc"),
            health: r.text("database_health"),
            suspended: (r.flag("is_suspended") == Some(true)).then(|| r.text("suspend_reason_desc")),
            log_send_queue_kb: r.uint("log_send_queue_kb"),
            redo_queue_kb: r.uint("redo_queue_kb"),
            redo_rate_kb_s: r.float("redo_rate_kb_s"),
            secondary_lag_s: r.float("secondary_lag_seconds"),
            last_commit_time: r.text("last_commit_time"),
            received_age_s: r.float("received_age_s").filter(|s| *s >= 0.0),
            lag_s: None,
        });
    }
    let mut out: Vec<ReplicaState> = replicas.into_values().collect();
    estimate_lag(&mut out);
    out
}

/// Fills `lag_s` of every secondary database whose lag can be told.
fn estimate_lag(replicas: &mut [ReplicaState]) {
    let primary_commits: BTreeMap<(String, String), f64> = replicas
        .iter()
        .flat_map(|r| r.databases.iter().map(move |d| (r, d)))
        .filter(|(_, d)| d.is_primary)
        .filter_map(|(r, d)| Some(((r.ag.clone(), d.name.clone()), server_seconds(&d.last_commit_time)?)))
        .collect();
    for r in replicas.iter_mut() {
        for d in r.databases.iter_mut().filter(|d| !d.is_primary) {
            let by_commit = || {
                let primary = primary_commits.get(&(r.ag.clone(), d.name.clone()))?;
                Some((primary - server_seconds(&d.last_commit_time)?).max(0.0))
            };
            let by_redo = || match (d.redo_queue_kb?, d.redo_rate_kb_s) {
                (0, _) => Some(0.0),
                (queue, Some(rate)) if rate > 0.0 => Some(queue as f64 / rate),
                _ => None,
            };
            d.lag_s = d.secondary_lag_s.or_else(by_commit).or_else(by_redo);
        }
    }
}

/// The state of a replica's databases in one word: the furthest from SYNCHRONIZED.
fn worst_state(databases: &[DatabaseState]) -> String {
    const ORDER: [&str; 5] =
        ["NOT SYNCHRONIZING", "REVERTING", "INITIALIZING", "SYNCHRONIZING", "SYNCHRONIZED"];
    databases
        .iter()
        .map(|d| d.state.as_str())
        .min_by_key(|s| ORDER.iter().position(|o| o == s).unwrap_or(0))
        .unwrap_or_default()
        .to_owned()
}

fn worst_lag(databases: &[DatabaseState]) -> Option<f64> {
    databases.iter().filter_map(|d| d.lag_s).reduce(f64::max)
}

fn replica(r: &ReplicaState) -> Replica {
    let mut state = worst_state(&r.databases);
    if r.connected != "CONNECTED" && !r.connected.is_empty() {
        state =
            [state, r.connected.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
        if !r.error.is_empty() {
            state.push_str(&format!(": {}", r.error.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
    }
    let queued: Option<u64> = r
        .databases
        .iter()
        .filter_map(|d| match (d.log_send_queue_kb, d.redo_queue_kb) {
            (None, None) => None,
            (s, q) => Some(s.unwrap_or(0) + q.unwrap_or(0)),
        })
        .reduce(|a, b| a + b);
    Replica {
        name: r.server.clone(),
        client: r.host.clone(),
        state,
        sync_state: r.mode.clone(),
        write_lag_ms: None,
        flush_lag_ms: None,
        replay_lag_ms: worst_lag(&r.databases).map(|s| s * 1000.0),
        replay_lag_bytes: queued.map(|kb| kb.saturating_mul(1024)),
    }
}

fn receiver(local: &[&ReplicaState]) -> Option<WalReceiver> {
    if local.is_empty() {
        return None;
    }
    let status = local
        .iter()
        .map(|r| {
            let mut s = format!("{}: {}, {}, {}", r.ag, worst_state(&r.databases), r.connected, r.health);
            for d in r.databases.iter().filter(|d| d.suspended.is_some()) {
                s.push_str(&format!("; {} suspended ({})", d.name, d.suspended.clone().unwrap_or_default()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut senders: Vec<&str> = local.iter().map(|r| r.primary.as_str()).filter(|p| !p.is_empty()).collect();
    senders.dedup();
    let databases: Vec<&DatabaseState> = local.iter().flat_map(|r| r.databases.iter()).collect();
    Some(WalReceiver {
        status,
        sender: senders.join(", "),
        last_msg_age_s: databases.iter().filter_map(|d| d.received_age_s).reduce(f64::max),
        replay_delay_s: databases.iter().filter_map(|d| d.lag_s).reduce(f64::max),
    })
}

/// The `Replication` body and the metrics; None without any Availability Group.
pub fn replication(replicas: &[ReplicaState]) -> (Option<Replication>, Vec<Metric>) {
    let mut metrics = Vec::new();
    if replicas.is_empty() {
        return (None, metrics);
    }
    let local_role = |role: &str| -> Vec<&str> {
        replicas
            .iter()
            .filter(|r| r.is_local == Some(true) && r.role == role)
            .map(|r| r.ag.as_str())
            .collect()
    };
    let (primary_of, secondary_of) = (local_role("PRIMARY"), local_role("SECONDARY"));
    for r in replicas {
        if !r.health.is_empty() {
            let key = format!("{}/{}", r.ag, r.server);
            metrics.push(Metric::keyed(
                ms::AG_REPLICA_HEALTHY,
                key,
                f64::from(u8::from(r.health == "HEALTHY")),
            ));
        }
        for d in r.databases.iter().filter(|d| !d.is_primary) {
            let key = format!("{}/{}/{}", r.ag, r.server, d.name);
            if let Some(kb) = d.log_send_queue_kb {
                metrics.push(Metric::keyed(ms::AG_LOG_SEND_QUEUE_KB, key.clone(), kb as f64));
            }
            if let Some(kb) = d.redo_queue_kb {
                metrics.push(Metric::keyed(ms::AG_REDO_QUEUE_KB, key, kb as f64));
            }
        }
    }
    let all: Vec<DatabaseState> = replicas.iter().flat_map(|r| r.databases.iter().cloned()).collect();
    if let Some(lag) = worst_lag(&all) {
        metrics.push(Metric::new(metric::REPLICATION_LAG_S, lag));
    }
    let remote: Vec<Replica> = replicas
        .iter()
        .filter(|r| primary_of.contains(&r.ag.as_str()) && r.is_local == Some(false))
        .map(replica)
        .collect();
    if !primary_of.is_empty() {
        let connected = replicas
            .iter()
            .filter(|r| {
                primary_of.contains(&r.ag.as_str()) && r.is_local == Some(false) && r.connected == "CONNECTED"
            })
            .count();
        metrics.push(Metric::new(metric::CONNECTED_REPLICAS, connected as f64));
    }
    let local: Vec<&ReplicaState> = replicas
        .iter()
        .filter(|r| secondary_of.contains(&r.ag.as_str()) && r.is_local == Some(true))
        .collect();
    let role = match (primary_of.is_empty(), secondary_of.is_empty()) {
        (false, _) => ServerRole::Primary,
        (true, false) => ServerRole::Standby,
        // Resolving, or the states are not visible: no role to tell.
        (true, true) => return (None, metrics),
    };
    let body = Replication { role, replicas: remote, slots: Vec::new(), receiver: receiver(&local) };
    (Some(body), metrics)
}

#[cfg(test)]
#[path = "availability_groups_tests.rs"]
mod tests;
